package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
	"github.com/hushlog/hush/redact"
)

// ruleIDs returns the ids of a set's rules.
func ruleIDs(s *detect.Set) []string {
	var ids []string
	for _, r := range s.Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

// defaultIDs are the ids of the default set, and one rule outside it.
func defaultIDs(t *testing.T) (ids []string, extra string) {
	t.Helper()
	ids = ruleIDs(detect.Default())
	for _, r := range detect.Rules() {
		if !r.Default {
			extra = r.ID
		}
	}
	require.NotEmpty(t, ids)
	require.NotEmpty(t, extra, "every rule is in the default set")
	return ids, extra
}

// TestDetectorsSelect decodes detectors: blocks as the Collector does and
// checks the selected set against package detect's own answer.
func TestDetectorsSelect(t *testing.T) {
	def, extra := defaultIDs(t)
	first := def[0]
	for _, tc := range []struct {
		name string
		raw  map[string]any // the detectors: block; nil: absent
		want []string
	}{
		{"absent", nil, def},
		{"empty", map[string]any{}, def},
		{"default", map[string]any{"enabled": []any{"default"}}, def},
		{"default plus one", map[string]any{"enabled": []any{"default", extra}}, ruleIDs(must(detect.Parse("default," + extra)))},
		{"default minus one", map[string]any{"disabled": []any{first}}, def[1:]},
		{"exactly one", map[string]any{"enabled": []any{extra}}, []string{extra}},
		{"all", map[string]any{"enabled": []any{"all"}}, ruleIDs(must(detect.Parse("all")))},
		{"all minus one", map[string]any{"enabled": []any{"all"}, "disabled": []any{extra}}, ruleIDs(must(detect.Parse("all,-" + extra)))},
		{"none", map[string]any{"enabled": []any{"none"}}, nil},
		{"upper case", map[string]any{"enabled": []any{"DEFAULT"}, "disabled": []any{strings.ToUpper(first)}}, def[1:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Default()
			raw := map[string]any{}
			if tc.raw != nil {
				raw["detectors"] = tc.raw
			}
			require.NoError(t, confmap.NewFromStringMap(raw).Unmarshal(cfg))
			require.NoError(t, cfg.Validate())
			set, err := cfg.Detectors.Set()
			require.NoError(t, err)
			assert.Equal(t, tc.want, ruleIDs(set))
			assert.Equal(t, len(tc.want) == 0, cfg.Detectors.Off())
		})
	}
}

func must(s *detect.Set, err error) *detect.Set {
	if err != nil {
		panic(err)
	}
	return s
}

// TestDetectorsRefused: every wrong entry is reported at once, under its
// key and index, naming the id (never silently ignored).
func TestDetectorsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    DetectorsConfig
		want []string
	}{
		{"unknown enabled", DetectorsConfig{Enabled: []string{"default", "gihub-token"}},
			[]string{`detectors.enabled[1]: unknown detector rule "gihub-token"`, "github-token", "the sets: default, all, none"}},
		{"unknown disabled", DetectorsConfig{Disabled: []string{"aws-key"}}, []string{`detectors.disabled[0]: unknown detector rule "aws-key"`}},
		{"both at once", DetectorsConfig{Enabled: []string{"jwtt"}, Disabled: []string{"x"}},
			[]string{`detectors.enabled[0]: unknown detector rule "jwtt"`, `detectors.disabled[0]: unknown detector rule "x"`}},
		{"empty id", DetectorsConfig{Enabled: []string{""}}, []string{"detectors.enabled[0]: empty rule id"}},
		{"set in disabled", DetectorsConfig{Disabled: []string{"all"}}, []string{`detectors.disabled[0]: "all" is a set, not a rule`, "enabled: [none]"}},
		{"none with others", DetectorsConfig{Enabled: []string{"none", "jwt"}}, []string{`detectors.enabled[0]: "none" with other entries`}},
		{"unknown placeholder", DetectorsConfig{Replacement: "[{secret}:{rule}]"},
			[]string{"detectors.replacement: unknown placeholder {secret}", "only {rule}, {name} and {hash} are expanded"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Default()
			cfg.Detectors = tc.d
			err := cfg.Validate()
			require.Error(t, err)
			for _, w := range tc.want {
				assert.ErrorContains(t, err, w)
			}
			_, err = cfg.Detectors.Set()
			assert.Error(t, err, "Set accepts what Validate refuses")
			_, err = cfg.RedactOptions()
			assert.Error(t, err, "RedactOptions accepts what Validate refuses")
		})
	}
}

// TestDetectorsReachTheRedactor builds the Redactor as the processor and
// the CLI do (RedactOptions) and checks, with a real token of every rule
// of the default set, that the detectors and the replacement are the
// configured ones.
func TestDetectorsReachTheRedactor(t *testing.T) {
	tokens := tokenTexts(t)
	def, _ := defaultIDs(t)
	for _, tc := range []struct {
		name string
		d    DetectorsConfig
		on   []string // rules whose tokens are replaced
		tmpl string
	}{
		{"default", DetectorsConfig{}, def, redact.DefaultDetectedReplacement},
		{"off", DetectorsConfig{Enabled: []string{"none"}}, nil, ""},
		{"one off, own replacement", DetectorsConfig{Disabled: []string{def[0]}, Replacement: "<{rule}>"}, def[1:], "<{rule}>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Default()
			cfg.Detectors = tc.d
			opts, err := cfg.RedactOptions()
			require.NoError(t, err)
			r, err := redact.New(opts...)
			require.NoError(t, err)
			for _, id := range def {
				text, ok := tokens[id]
				if !ok {
					continue
				}
				out := r.ScrubString(text)
				want := slices.Contains(tc.on, id)
				assert.Equal(t, want, out != text, "rule %s: replaced", id)
				if want {
					named := strings.ReplaceAll(tc.tmpl, "{rule}", id)
					assert.True(t, strings.Contains(out, named), "rule %s: replacement %q not in the output", id, named)
				}
			}
		})
	}
}

// tokenTexts returns, for every rule detecttest generates, the text of one
// valid token (the URL, for url-password).
func tokenTexts(t *testing.T) map[string]string {
	t.Helper()
	texts := map[string]string{}
	for _, tok := range detecttest.New(13).All() {
		if _, ok := texts[tok.Rule]; !ok {
			texts[tok.Rule] = tok.Text
		}
	}
	require.NotEmpty(t, texts)
	return texts
}
