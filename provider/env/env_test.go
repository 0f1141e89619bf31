package env_test

import (
	"context"
	"testing"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/env"
)

func TestDefaultPatterns(t *testing.T) {
	t.Setenv("DB_PASSWORD", "Zq8v-4Lw2-9pXc-7yTb-V1")
	t.Setenv("GITHUB_TOKEN", "ghp_mN3kQr7sVw2xYz5aB1")
	t.Setenv("STRIPE_API_KEY", "sk_test_pL9oIk8uJh7yGt6f")
	t.Setenv("PG_CONNECTION_STRING", "postgres://u:p4ss-w0rd-x@db/app")
	t.Setenv("EMPTY_SECRET", "")
	t.Setenv("HOME_DIR", "/home/someone")
	t.Setenv("db_password", "lower-case-not-matched")
	p, err := env.New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := p.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, x := range s {
		got[x.Name] = true
	}
	for _, want := range []string{"DB_PASSWORD", "GITHUB_TOKEN", "STRIPE_API_KEY", "PG_CONNECTION_STRING"} {
		if !got[want] {
			t.Errorf("%s not listed", want)
		}
	}
	for _, not := range []string{"EMPTY_SECRET", "HOME_DIR", "db_password"} {
		if got[not] {
			t.Errorf("%s listed", not)
		}
	}
	if g, err := p.Get(context.Background(), "GITHUB_TOKEN"); err != nil || g.Value != "ghp_mN3kQr7sVw2xYz5aB1" {
		t.Errorf("Get: %v", err)
	}
	if _, err := p.Get(context.Background(), "HOME_DIR"); provider.Kind(err) != provider.NotFound {
		t.Errorf("Get of a variable matching no pattern: %v", err)
	}
}

func TestCustomPatterns(t *testing.T) {
	t.Setenv("MYAPP_DB_PW", "Zq8v-4Lw2-9pXc-7yTb-V2")
	t.Setenv("DB_PASSWORD", "Zq8v-4Lw2-9pXc-7yTb-V3")
	p, err := env.New("MYAPP_*")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := p.List(context.Background())
	if len(s) != 1 || s[0].Name != "MYAPP_DB_PW" {
		t.Errorf("custom pattern: %v", s)
	}
	if _, err := env.New("[a-"); err == nil {
		t.Error("bad pattern accepted")
	}
}
