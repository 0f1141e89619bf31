package hushprocessor

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hushlog/hush/config"
)

// The shared redaction options reach the engine through the processor.
func TestSharedRedactionOptions(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte(apiSecret))
	// A Stripe-shaped live key, which the default detectors know (apiSecret
	// has no detectable format), built here so no file holds it whole.
	stripeKey := "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc"
	tests := []struct {
		name string
		mut  func(*Config)
		in   string
		want func(string) bool
	}{
		{"replacement with {hash} hides the name", func(c *Config) { c.Replacement = "[SECRET:{hash}]" },
			"k=" + apiSecret, regexp.MustCompile(`^k=\[SECRET:[0-9a-f]{16}\]$`).MatchString},
		{"hash_key changes {hash}", func(c *Config) { c.Replacement = "{hash}"; c.HashKey = "another-key-0123456789" },
			apiSecret, func(s string) bool { return len(s) == 16 && s != apiSecret }},
		{"encodings: raw only leaves base64 alone", func(c *Config) { c.Encodings = []string{"raw"} },
			b64 + " " + apiSecret, func(s string) bool { return s == b64+" "+apiRepl }},
		{"encodings: all catches base64", func(c *Config) { c.Encodings = []string{"all"} },
			b64, func(s string) bool { return strings.Contains(s, apiRepl) }},
		{"min_length skips shorter values", func(c *Config) { c.MinLength = 40; c.Detectors.Enabled = []string{"none"} },
			apiSecret, func(s string) bool { return s == apiSecret }},
		{"a skipped value that is a token is still detected", func(c *Config) {
			c.MinLength = 40
			c.Static = append(c.Static, config.StaticSecret{Name: "stripe", Value: config.Opaque(stripeKey)})
		}, stripeKey, func(s string) bool { return s == "[REDACTED:detected:stripe-secret-key]" }},
		{"detectors.replacement", func(c *Config) { c.MinLength = 40; c.Detectors.Replacement = "<{rule}>" },
			stripeKey, func(s string) bool { return s == "<stripe-secret-key>" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := staticConfig()
			tt.mut(cfg)
			out := bodyOf(runLogs(t, cfg, secretLog(tt.in)))
			if !tt.want(strings.TrimPrefix(out, "value=")) {
				if strings.Contains(out, apiSecret) || strings.Contains(out, b64) || strings.Contains(out, stripeKey) {
					t.Fatal("unexpected output (not shown: it holds a secret)")
				}
				t.Fatalf("unexpected output %q", out)
			}
		})
	}
}

// JSON object secrets: credential-like fields by default, every field with
// json.all_fields.
func TestJSONSecretPolicy(t *testing.T) {
	const doc = `{"engine":"postgres","host":"db7.internal.example","username":"app_user","password":"hQ3!mZ8@pL5#vR2s"}`
	for _, all := range []bool{false, true} {
		cfg := NewFactory().CreateDefaultConfig().(*Config)
		cfg.Static = []config.StaticSecret{{Name: "prod/rds/app", Value: config.Opaque(doc)}}
		cfg.JSON.AllFields = all
		out := bodyOf(runLogs(t, cfg, secretLog("host=db7.internal.example pw=hQ3!mZ8@pL5#vR2s")))
		wantHost := "host=db7.internal.example"
		if all {
			wantHost = "host=[REDACTED:prod/rds/app#host]"
		}
		if out != "value="+wantHost+" pw=[REDACTED:prod/rds/app#password]" {
			t.Errorf("all_fields=%v: password or host handled wrongly: %s", all, strings.ReplaceAll(out, "hQ3!mZ8@pL5#vR2s", "<pw>"))
		}
	}
}

// Every provider kind works through the processor.
func TestProviders(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "db-password"), []byte(dbSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	envFile := filepath.Join(t.TempDir(), "app.env")
	if err := os.WriteFile(envFile, []byte("API_KEY="+apiSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HUSHTEST_PIN_PASSWORD", pinSecret)
	tests := []struct {
		name string
		mut  func(*Config)
		in   string
		want string
	}{
		{"files", func(c *Config) { c.Files.Dirs = []string{dir} }, dbSecret, "[REDACTED:db-password]"},
		{"env_files", func(c *Config) { c.EnvFiles = []string{envFile} }, apiSecret, "[REDACTED:API_KEY]"},
		{"env", func(c *Config) { c.Env.Enabled = true; c.Env.Patterns = []string{"HUSHTEST_*_PASSWORD"} },
			pinSecret, "[REDACTED:HUSHTEST_PIN_PASSWORD]"},
		{"exec", func(c *Config) {
			c.Exec.Command = "sh"
			c.Exec.Args = []string{"-c", `printf '{"from/exec": "%s"}' "$HUSHTEST_PIN_PASSWORD"`}
		}, pinSecret, "[REDACTED:from/exec]"},
		{"static", func(c *Config) {
			c.Static = []config.StaticSecret{{Name: "legacy/key", Value: config.Opaque(apiSecret)}}
		}, apiSecret, "[REDACTED:legacy/key]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := NewFactory().CreateDefaultConfig().(*Config)
			tt.mut(cfg)
			if got := bodyOf(runLogs(t, cfg, secretLog(tt.in))); got != "value="+tt.want {
				t.Errorf("%s provider: secret not scrubbed as expected", tt.name)
			}
		})
	}
}

// refresh_interval: a new secret is picked up by the background refresher
// without anyone asking.
func TestRefreshIntervalPicksUpNewSecrets(t *testing.T) {
	sm := newStandIn(t)
	p, sink := startLogs(t, awsConfig(func(c *Config) { c.RefreshInterval = time.Second }), settings())
	const fresh = "Fq9zW2xC7vB4nM1kL8jH"
	sm.Put("prod/new/token", fresh)
	deadline := time.Now().Add(15 * time.Second)
	for {
		sink.Reset()
		if err := p.ConsumeLogs(context.Background(), secretLog(fresh)); err != nil {
			t.Fatal(err)
		}
		if bodyOf(sink.AllLogs()[0]) == "value=[REDACTED:prod/new/token]" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("a new secret was not picked up by the interval refresh")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// grace_period: a value rotated out of the selected stages stays protected
// for the grace period, then is dropped.
func TestGracePeriod(t *testing.T) {
	sm := newStandIn(t)
	cfg := awsConfig(func(c *Config) {
		c.RefreshInterval = time.Hour
		c.GracePeriod = time.Second
		c.AWS.Stages = []string{config.StageCurrent}
	})
	p, sink := startLogs(t, cfg, settings())
	idx := indexOf(t, cfg)
	sm.Put(dbName, "Np4wQ8zR1tY6uV3xK0sD")
	if err := idx.refresher.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	send := func() string {
		sink.Reset()
		if err := p.ConsumeLogs(context.Background(), secretLog(dbSecret)); err != nil {
			t.Fatal(err)
		}
		return bodyOf(sink.AllLogs()[0])
	}
	if send() != "value="+dbRepl {
		t.Fatalf("rotated-out value of %s not protected during the grace period", dbName)
	}
	time.Sleep(1100 * time.Millisecond)
	if err := idx.refresher.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if send() == "value="+dbRepl {
		t.Errorf("rotated-out value of %s still protected after the grace period", dbName)
	}
}
