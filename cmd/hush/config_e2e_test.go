//go:build linux

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConfigFromCollector: the hush block copied from a Collector
// configuration (key and all, processor-only keys included), or a whole
// Collector configuration, is a valid --config; processor-only keys are
// named in a notice.
func TestConfigFromCollector(t *testing.T) {
	sdir := secretsDir(t)
	dir := t.TempDir()
	log := filepath.Join(dir, "app.log")
	require.NoError(t, os.WriteFile(log, []byte("token="+token+"\n"), 0o644))
	block := `hush/prod:
  min_length: 10
  encodings: [raw, json, url, base64]
  refresh_interval: 2m
  grace_period: 12h
  files:
    dirs: [` + sdir + `]
  when_not_ready: wait
  wait_timeout: 2s
  blocked_values: ["4[0-9]{12}"]
  hash_function: HMAC-SHA256
  hmac_key: 0123456789abcdef0123456789abcdef
  summary: debug
`
	copied := filepath.Join(dir, "copied.yaml")
	require.NoError(t, os.WriteFile(copied, []byte(block), 0o600))
	code, out, errs := runHush(t, nil, "scan", "--config", copied, log)
	assert.Equal(t, exitFound, code, "stderr: %s", errs)
	assert.Contains(t, out, "secret api/token")
	assert.Contains(t, errs, "ignored, as they apply to the Collector processor only: when_not_ready, wait_timeout, blocked_values, hash_function, hmac_key, summary")

	whole := filepath.Join(dir, "otelcol.yaml")
	require.NoError(t, os.WriteFile(whole, []byte(`receivers:
  otlp:
    protocols: {grpc: {}}
processors:
  batch: {}
  `+indent(block)+`
exporters:
  debug: {}
service:
  pipelines:
    logs: {receivers: [otlp], processors: [hush/prod, batch], exporters: [debug]}
`), 0o600))
	code, _, errs = runHush(t, nil, "scan", "--config", whole, log)
	assert.Equal(t, exitFound, code, "whole Collector configuration; stderr: %s", errs)
}

func indent(s string) string {
	out := ""
	for i, l := range splitLines(s) {
		if i > 0 && l != "" {
			out += "  "
		}
		out += l + "\n"
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

// TestConfigErrors: errors name the line and the key, suggest the key or
// flag meant, use no Collector jargon, never quote a value; exit 2.
func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "app.log")
	require.NoError(t, os.WriteFile(log, []byte("x\n"), 0o644))
	for name, tc := range map[string]struct {
		yaml string
		want []string
	}{
		"misspelt key": {"hush:\n  static:\n    - name: a\n      value: " + dbpw + "\n  min_lenght: 10\n",
			[]string{`line 5: unknown key "min_lenght" (did you mean "min_length"?)`}},
		"nested key": {"aws:\n  prefixs: [prod/]\n",
			[]string{`line 2: unknown key "prefixs" in aws (did you mean "prefixes"?)`}},
		"wrong type": {"min_length: " + dbpw + "\nfiles:\n  dirs: /x\n  poll_interval: 10\n",
			[]string{"line 1: min_length: want a whole number", "line 4: files.poll_interval: want a duration with a unit"}},
		"syntax": {"static:\n  - name: a\n    value: x\n   bad: [\n",
			[]string{"line 4: ", "(YAML syntax)"}},
		"tab indent": {"static:\n\t- name: a\n",
			[]string{"line 2: ", "(YAML syntax)"}},
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name+".yaml")
			require.NoError(t, os.WriteFile(p, []byte(tc.yaml), 0o600))
			code, _, errs := runHush(t, nil, "scan", "--config", p, log)
			assert.Equal(t, exitUsage, code)
			for _, w := range tc.want {
				assert.Contains(t, errs, w)
			}
			for _, jargon := range []string{"confmap", "mapstructure", "retrieved", "decoding failed", "'::'"} {
				assert.NotContains(t, errs, jargon)
			}
			noLeak(t, "stderr", []byte(errs))
		})
	}

	code, _, errs := runHush(t, nil, "scan", "--secret-dir", dir, log)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "unknown flag: --secret-dir (did you mean --secrets-dir?)")
	code, _, errs = runHush(t, nil, "scrub", "--inplace", log)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "(did you mean --in-place?)")
}
