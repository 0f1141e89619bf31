package hushprocessor

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/hushlog/hush/config"
	"github.com/hushlog/hush/otelprocessor/internal/metadata"
)

func loadConfig(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := cm.Sub(component.MustNewIDWithName(metadata.Type.String(), name).String())
	if name == "" {
		sub, err = cm.Sub(metadata.Type.String())
	}
	if err != nil {
		t.Fatal(err)
	}
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	if err := sub.Unmarshal(cfg); err != nil {
		return nil, err
	}
	return cfg, confmap.Validate(cfg)
}

func TestConfigStruct(t *testing.T) {
	if err := componenttest.CheckConfigStruct(NewFactory().CreateDefaultConfig()); err != nil {
		t.Fatal(err)
	}
}

func TestLoadDefaultConfig(t *testing.T) {
	cfg, err := loadConfig(t, "")
	if err != nil {
		t.Fatal(err)
	}
	want := NewFactory().CreateDefaultConfig().(*Config)
	if cfg.WhenNotReady != NotReadyRefuse || cfg.WaitTimeout != DefaultWaitTimeout || cfg.Summary != SummarySilent ||
		cfg.RefreshInterval != want.RefreshInterval || cfg.GracePeriod != want.GracePeriod || cfg.keyRulesActive() {
		t.Errorf("defaults: %+v", cfg)
	}
}

func TestLoadFullConfig(t *testing.T) {
	cfg, err := loadConfig(t, "full")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MinLength != 10 || strings.Join(cfg.Encodings, ",") != "raw,json,url,base64" || cfg.Replacement != "[SECRET:{hash}]" ||
		cfg.RefreshInterval != 2*time.Minute || cfg.GracePeriod != 12*time.Hour {
		t.Errorf("shared fields: %+v", cfg.Config)
	}
	if len(cfg.AWS.Prefixes) != 1 || len(cfg.Static) != 1 || cfg.Static[0].Name != "legacy/api-key" {
		t.Errorf("providers: %+v", cfg.AWS)
	}
	if cfg.WhenNotReady != NotReadyWait || cfg.WaitTimeout != 2*time.Second {
		t.Errorf("readiness: %s %v", cfg.WhenNotReady, cfg.WaitTimeout)
	}
	if cfg.AllowAllKeys || len(cfg.AllowedKeys) != 4 || len(cfg.IgnoredKeys) != 1 || len(cfg.IgnoredKeyPatterns) != 1 ||
		len(cfg.BlockedKeyPatterns) != 1 || len(cfg.BlockedValues) != 2 || len(cfg.AllowedValues) != 1 || !cfg.RedactAllTypes {
		t.Errorf("rules: %+v", cfg)
	}
	if cfg.HashFunction != HashHMACSHA256 || len(cfg.HMACKey) != 32 || cfg.Summary != SummaryDebug {
		t.Errorf("hash/summary: %s %s", cfg.HashFunction, cfg.Summary)
	}
	rl, err := newRules(cfg)
	if err != nil || rl == nil || rl.newHash == nil || rl.allowList == nil {
		t.Errorf("rules not compiled: %v", err)
	}

	// Secret values in the configuration never show when it is marshalled.
	out := confmap.New()
	if err := out.Marshal(cfg); err != nil {
		t.Fatal(err)
	}
	dump := strings.ToLower(strings.Join(flatten(out.ToStringMap()), " "))
	for _, v := range []string{"zq8v-static", "0123456789abcdef0123456789abcdef", "test-hash-key"} {
		if strings.Contains(dump, v) {
			t.Error("a secret of the configuration shows in its marshalled form")
		}
	}
}

func flatten(v any) []string {
	switch x := v.(type) {
	case map[string]any:
		var out []string
		for _, e := range x {
			out = append(out, flatten(e)...)
		}
		return out
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, flatten(e)...)
		}
		return out
	case string:
		return []string{x}
	}
	return nil
}

// A configuration without a source but with the detectors on is a
// detector-only processor: accepted, with the selection as written.
func TestLoadDetectorsOnlyConfig(t *testing.T) {
	cfg, err := loadConfig(t, "detectors_only")
	require.NoError(t, err)
	assert.False(t, cfg.HasSources())
	set, err := cfg.Detectors.Set()
	require.NoError(t, err)
	assert.True(t, set.Has("jwt"), "jwt not added")
	assert.False(t, set.Has("aws-access-key-id"), "aws-access-key-id not taken out")
	assert.True(t, set.Has("github-token"), "the default set not kept")
	assert.Equal(t, "<detected {rule}>", cfg.Detectors.Replacement)
}

func TestLoadMaskingConfig(t *testing.T) {
	cfg, err := loadConfig(t, "masking")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaskingString != "[MASKED]" || cfg.Summary != SummaryInfo {
		t.Errorf("%+v", cfg)
	}
}

func TestInvalidConfigs(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"bad_regex", []string{"blocked_values[0]"}},
		{"short_hmac", []string{"hmac_key"}},
		{"mask_and_hash", []string{"masking_string"}},
		{"negative_wait", []string{"wait_timeout"}},
		{"bad_provider", []string{"min_length"}},
		{"no_sources", []string{"no secret source configured and the detectors are off", "allow_no_sources: true"}},
		{"unknown_detector", []string{`detectors.enabled[1]: unknown detector rule "gihub-token"`, "github-token",
			`detectors.disabled[0]: "all" is a set`, "detectors.replacement: unknown placeholder {secret}"}},
		{"bare_duration", []string{"grace_period: 10 has no unit", "wait_timeout: 5 has no unit"}},
		{"zero_refresh", []string{"refresh_interval: 0 would never refresh"}},
		{"unknown_placeholder", []string{"replacement: unknown placeholder {secret_name}"}},
		{"missing_sources", []string{
			`files.dirs[0]: directory "/nonexistent/hush-test/secrets" does not exist`,
			`exec.command: "hush-no-such-fetcher" cannot be run: not found in PATH`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig(t, tc.name)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.ErrorContains(t, err, w)
			}
			if strings.Contains(err.Error(), "Zq8v") {
				t.Error("the error holds the static secret's value") // never print it
			}
		})
	}
}

func TestUnmarshalRejectsUnknownEnums(t *testing.T) {
	for key, val := range map[string]string{"hash_function": "crc32", "summary": "loud", "when_not_ready": "panic"} {
		cfg := NewFactory().CreateDefaultConfig().(*Config)
		if err := confmap.NewFromStringMap(map[string]any{key: val}).Unmarshal(cfg); err == nil || !strings.Contains(err.Error(), val) {
			t.Errorf("%s: %s accepted (%v)", key, val, err)
		}
	}
	var h HashFunction
	for _, s := range []string{"SHA256", "sha3", "md5", ""} {
		if err := h.UnmarshalText([]byte(s)); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// The static secret in the configuration is protected end to end through
// the factory.
func TestStaticSecretFromConfig(t *testing.T) {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.Static = []config.StaticSecret{{Name: "legacy/api-key", Value: "Zq8v-static-4Lw2-9pXc"}}
	out := runLogs(t, cfg, secretLog("Zq8v-static-4Lw2-9pXc"))
	if got := bodyOf(out); got != "value=[REDACTED:legacy/api-key]" {
		t.Errorf("static secret not scrubbed")
	}
}

func TestValidateRejectsProgrammaticEnums(t *testing.T) {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.WhenNotReady, cfg.Summary, cfg.HashFunction = "later", "loud", "crc32"
	err := cfg.Validate()
	for _, want := range []string{"when_not_ready", "summary", "hash_function"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %s", err, want)
		}
	}
}
