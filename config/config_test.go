package config

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
)

func load(t *testing.T, name string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Default()
	if err := cm.Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestLoadConfig(t *testing.T) {
	cfg := load(t, "config.yaml")
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if cfg.MinLength != 10 || strings.Join(cfg.Encodings, ",") != "raw,json,base64" || cfg.Replacement != "[SECRET:{hash}]" {
		t.Errorf("redaction fields: %+v", cfg)
	}
	if string(cfg.HashKey) != "test-hash-key-0123" {
		t.Errorf("hash_key not loaded")
	}
	if !cfg.JSON.AllFields || !cfg.JSON.WholeValue || cfg.JSON.Disabled || len(cfg.JSON.CredentialKeys) != 2 {
		t.Errorf("json: %+v", cfg.JSON)
	}
	if cfg.RefreshInterval != 90*time.Second || cfg.GracePeriod != 2*time.Hour {
		t.Errorf("intervals: %v %v", cfg.RefreshInterval, cfg.GracePeriod)
	}
	a := cfg.AWS
	if a.Region != "us-east-1" || a.Endpoint != "http://127.0.0.1:4566" || len(a.Names) != 1 || len(a.Prefixes) != 2 ||
		len(a.Tags) != 2 || a.Tags[0] != (TagConfig{"hush", "true"}) || a.Tags[1] != (TagConfig{Key: "team"}) ||
		strings.Join(a.Stages, ",") != "AWSCURRENT,AWSPREVIOUS" || !a.Enabled() {
		t.Errorf("aws: %+v", a)
	}
	if len(cfg.Files.Dirs) != 1 || cfg.Files.PollInterval != 30*time.Second || len(cfg.EnvFiles) != 1 {
		t.Errorf("files: %+v %v", cfg.Files, cfg.EnvFiles)
	}
	if !cfg.Env.Enabled || len(cfg.Env.Patterns) != 2 {
		t.Errorf("env: %+v", cfg.Env)
	}
	if cfg.Exec.Command != "/usr/local/bin/fetch-secrets" || len(cfg.Exec.Args) != 2 || cfg.Exec.Timeout != 5*time.Second {
		t.Errorf("exec: %+v", cfg.Exec)
	}
	if len(cfg.Static) != 1 || cfg.Static[0].Name != "legacy/api-key" || cfg.Static[0].Value != "Zq8v-static-4Lw2-9pXc" {
		t.Errorf("static: %d entries", len(cfg.Static))
	}
	opts, err := cfg.RedactOptions()
	if err != nil || len(opts) != 6 {
		t.Errorf("RedactOptions: %d options, %v", len(opts), err)
	}
}

func TestDefaultIsValid(t *testing.T) {
	cfg := Default()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.AWS.Enabled() {
		t.Error("default config selects AWS")
	}
	// The zero value's zero durations are refused: written in a document
	// they would silently have meant the defaults.
	err := (&Config{}).Validate()
	require.Error(t, err)
	for _, key := range []string{"refresh_interval", "grace_period", "files.poll_interval", "exec.timeout"} {
		assert.ErrorContains(t, err, key)
	}
	// An empty document leaves the defaults alone.
	got := Default()
	if err := confmap.New().Unmarshal(got); err != nil {
		t.Fatal(err)
	}
	if got.RefreshInterval != DefaultRefreshInterval || got.GracePeriod != DefaultGracePeriod || len(got.AWS.Stages) != 3 {
		t.Errorf("defaults lost: %+v", got)
	}
}

func TestValidateReportsEverything(t *testing.T) {
	err := load(t, "invalid.yaml").Validate()
	if err == nil {
		t.Fatal("invalid config accepted")
	}
	msg := err.Error()
	for _, want := range []string{
		"min_length", "encodings", "refresh_interval", "grace_period", "aws.prefixes[0]", "aws.tags[0].key",
		"aws.stages[1]", "aws.endpoint", "env.patterns[0]", "exec.args", "exec.timeout", "static[0].value",
		"static[1].name", "static[2].name",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %s", want)
		}
	}
	if strings.Contains(msg, "Zq8v-static") {
		t.Error("validation error contains a secret value")
	}
}

func TestStaticValueIsOpaque(t *testing.T) {
	cfg := load(t, "config.yaml")
	cm := confmap.New()
	if err := cm.Marshal(cfg); err != nil {
		t.Fatal(err)
	}
	for k, v := range cm.ToStringMap() {
		if strings.Contains(strings.ToLower(toString(v)), "zq8v") {
			t.Errorf("marshalled key %s holds a static secret value", k)
		}
	}
}

func toString(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			b.WriteString(x)
			b.WriteByte(' ')
		}
	}
	walk(v)
	return b.String()
}
