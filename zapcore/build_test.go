package hushzap_test

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushzap "github.com/hushlog/hush/zapcore"
)

// TestBuildInitialFields: Build scrubs Config.InitialFields (keys and
// values, every secret of the leak suite), which Wrap passed to
// cfg.Build cannot see, for the production and development configs, with
// sampling on; and with a clean set it writes what cfg.Build writes, field
// for field and in the same order.
func TestBuildInitialFields(t *testing.T) {
	secrets := leaktest.Secrets()
	r := newRedactor(t, secrets...)
	buf := &syncBuffer{}
	if err := zap.RegisterSink("hush-build", func(*url.URL) (zap.Sink, error) { return nopSink{buf}, nil }); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []zap.Config{zap.NewProductionConfig(), zap.NewDevelopmentConfig()} {
		cfg.OutputPaths = []string{"hush-build://"}
		cfg.InitialFields = map[string]any{}
		for i, s := range secrets {
			cfg.InitialFields["k_"+s.Value] = "ctx " + s.Value
			cfg.InitialFields[strings.Repeat("v", i%5+1)+"_"+s.Name] = map[string]string{"nested": s.Value}
		}
		n := len(cfg.InitialFields)
		l, err := hushzap.Build(cfg, r, nil, zap.Fields(zap.String("after", "user option")))
		if err != nil {
			t.Fatal(err)
		}
		l.Warn("m")
		if len(cfg.InitialFields) != n {
			t.Errorf("Build changed the caller's InitialFields: %d keys, want %d", len(cfg.InitialFields), n)
		}
	}
	out := buf.String()
	if !strings.Contains(out, "[REDACTED:") || !strings.Contains(out, "user option") {
		t.Fatalf("no redaction or lost field in %d bytes of output", len(out))
	}
	leaktest.Check(t, secrets, []byte(out), "Build with InitialFields")

	// Clean values: the same bytes as cfg.Build, timestamps aside.
	clean, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []zap.Config{zap.NewProductionConfig(), zap.NewDevelopmentConfig()} {
		cfg.OutputPaths = []string{"hush-build://"}
		cfg.EncoderConfig.TimeKey = ""
		cfg.InitialFields = map[string]any{"b": 2, "a": "one", "c": []int{3}}
		var got [2]string
		for i, build := range []func() (*zap.Logger, error){
			func() (*zap.Logger, error) { return cfg.Build(zap.Fields(zap.String("z", "last"))) },
			func() (*zap.Logger, error) {
				return hushzap.Build(cfg, clean, nil, zap.Fields(zap.String("z", "last")))
			},
		} {
			buf.Reset()
			l, err := build()
			if err != nil {
				t.Fatal(err)
			}
			l.Info("same")
			got[i] = buf.String()
		}
		// The caller line differs (two call sites): compare without it.
		strip := func(s string) string {
			var b bytes.Buffer
			for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\t' }) {
				if !strings.Contains(f, "build_test.go") {
					b.WriteString(f + "|")
				}
			}
			return b.String()
		}
		if strip(got[0]) != strip(got[1]) {
			t.Errorf("Build wrote %q, cfg.Build %q", got[1], got[0])
		}
	}
}
