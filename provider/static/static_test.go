package static_test

import (
	"context"
	"testing"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/static"
	"github.com/hushlog/hush/redact"
)

func TestStatic(t *testing.T) {
	p, err := static.New(redact.Secret{Name: "a", Value: "Zq8v-4Lw2-9pXc-7yTb-S1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if s, _ := p.List(ctx); len(s) != 1 {
		t.Errorf("List: %v", s)
	}
	if s, err := p.Get(ctx, "a"); err != nil || s.Value != "Zq8v-4Lw2-9pXc-7yTb-S1" {
		t.Errorf("Get: %v", err)
	}
	if _, err := p.Get(ctx, "b"); provider.Kind(err) != provider.NotFound {
		t.Errorf("Get(b): %v", err)
	}
	if err := p.Set(redact.Secret{Name: "b", Value: "mN3k-Qr7s-Vw2x-Yz5a-S2"}); err != nil {
		t.Fatal(err)
	}
	if s, _ := p.List(ctx); len(s) != 1 || s[0].Name != "b" {
		t.Errorf("after Set: %v", s)
	}
	for _, bad := range [][]redact.Secret{
		{{Name: "", Value: "x"}},
		{{Name: "a", Value: ""}},
		{{Name: "a", Value: "x1"}, {Name: "a", Value: "x2"}},
	} {
		if _, err := static.New(bad...); err == nil {
			t.Errorf("invalid set accepted: %v", bad)
		}
	}
}
