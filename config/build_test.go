package config

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/confmap"

	"github.com/hushlog/hush/internal/smfake"
)

func TestBuildFromYAML(t *testing.T) {
	sm := smfake.New()
	defer sm.Close()
	sm.SetEnv(t)
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", "") // the config's endpoint must be enough
	sm.Put("prod/db/password", "Zq8v-aws-4Lw2-9pXc-7yTb")
	sm.Put("prod/rds/app", `{"username":"app","password":"Vx9-rds-Pw-4kQz-77aa"}`, smfake.Tag{Key: "hush", Value: "on"})
	sm.Put("dev/other", "mN3k-dev-Qr7s-Vw2x-Yz5a")

	dir := t.TempDir()
	secrets := filepath.Join(dir, "secrets")
	_ = os.MkdirAll(secrets, 0o755)
	_ = os.WriteFile(filepath.Join(secrets, "token"), []byte("pL9o-file-Ik8u-Jh7y-Gt6f\n"), 0o600)
	envFile := filepath.Join(dir, "app.env")
	_ = os.WriteFile(envFile, []byte("SMTP_PASSWORD=\"Hq2w-envf-Lp0o-Mn3b-Vc4x\"\n"), 0o600)
	t.Setenv("HUSHTEST_API_KEY", "Rt5y-envv-Uj6i-Ko7l-Pq8w")

	cm := confmap.NewFromStringMap(map[string]any{
		"refresh_interval": "1m",
		"grace_period":     "1h",
		"aws": map[string]any{
			"region":   "us-east-1",
			"endpoint": sm.URL,
			"prefixes": []any{"prod/"},
		},
		"files":     map[string]any{"dirs": []any{secrets}},
		"env_files": []any{envFile},
		"env":       map[string]any{"enabled": true, "patterns": []any{"HUSHTEST_*"}},
		"exec":      map[string]any{"command": "/bin/sh", "args": []any{"-c", `printf '{"vault/x":"Wq1e-exec-Rt2y-Ui3o-Pa4s"}'`}},
		"static":    []any{map[string]any{"name": "legacy", "value": "Zx5c-stat-Vb6n-Mq7w-Er8t"}},
	})
	cfg := Default()
	if err := cm.Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	if !cfg.HasSources() {
		t.Fatal("HasSources = false")
	}
	r, f, err := cfg.Build(context.Background(), Settings{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{
		"Zq8v-aws-4Lw2-9pXc-7yTb", "Vx9-rds-Pw-4kQz-77aa", "pL9o-file-Ik8u-Jh7y-Gt6f", "Hq2w-envf-Lp0o-Mn3b-Vc4x",
		"Rt5y-envv-Uj6i-Ko7l-Pq8w", "Wq1e-exec-Rt2y-Ui3o-Pa4s", "Zx5c-stat-Vb6n-Mq7w-Er8t",
	} {
		if strings.Contains(r.ScrubString("x "+v+" y"), v) {
			t.Errorf("value of %s... not protected", v[:4])
		}
	}
	if strings.Contains(r.ScrubString("mN3k-dev-Qr7s-Vw2x-Yz5a"), "REDACTED") {
		t.Error("a secret outside the prefix was protected")
	}
	st := f.Status()
	for _, name := range []string{"aws", "file:" + secrets, "env_file:" + envFile, "env", "exec:sh", "static"} {
		if st.ByLister[name] == 0 {
			t.Errorf("lister %s listed nothing (%v)", name, st.ByLister)
		}
	}
	if got := cfg.RefresherOptions(Settings{}); got.Interval != time.Minute || got.GracePeriod != time.Hour {
		t.Errorf("RefresherOptions: %+v", got)
	}
}

func TestBuildNoSources(t *testing.T) {
	cfg := Default()
	r, f, err := cfg.Build(context.Background(), Settings{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-f.Ready():
	default:
		t.Error("a refresher without listers is not ready after a refresh")
	}
	if r.ScrubString("nothing to hide") != "nothing to hide" {
		t.Error("empty redactor changed text")
	}
}

func TestBuildRejectsInvalid(t *testing.T) {
	cfg := Default()
	cfg.MinLength = 2
	if _, _, err := cfg.Build(context.Background(), Settings{}); err == nil {
		t.Error("invalid config built")
	}
}
