package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestValidateCommand runs `otelcol-hush validate` of the built binary, as
// an operator does before a rollout: a misconfigured hush processor fails
// with every problem named, a correct one passes.
func TestValidateCommand(t *testing.T) {
	bin := buildCollector(t)
	dir := t.TempDir()
	secrets := filepath.Join(dir, "secrets")
	require.NoError(t, os.Mkdir(secrets, 0o700))
	missing := filepath.Join(dir, "no-such-dir")

	run := func(hush string) (int, string) {
		cfg := filepath.Join(t.TempDir(), "config.yaml")
		doc := `
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:0
processors:
  hush:
` + hush + `
exporters:
  debug:
service:
  pipelines:
    logs:
      receivers: [otlp]
      processors: [hush]
      exporters: [debug]
`
		require.NoError(t, os.WriteFile(cfg, []byte(doc), 0o600))
		cmd := exec.Command(bin, "validate", "--config", cfg)
		cmd.Env = append(os.Environ(), "AWS_EC2_METADATA_DISABLED=true")
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), string(out)
		}
		require.NoError(t, err)
		return 0, string(out)
	}

	code, out := run("    files:\n      dirs: [" + secrets + "]\n    grace_period: 12h\n")
	assert.Equal(t, 0, code, "valid configuration refused: %s", out)

	code, out = run("    files:\n      dirs: [" + missing + "]\n    exec:\n      command: hush-no-such-fetcher\n")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, out, `files.dirs[0]: directory "`+missing+`" does not exist`)
	assert.Contains(t, out, `exec.command: "hush-no-such-fetcher" cannot be run: not found in PATH`)

	code, out = run("    files:\n      dirs: [" + secrets + "]\n    grace_period: 10\n")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, out, "grace_period: 10 has no unit")

	code, out = run("    replacement: \"[{secret}]\"\n    detectors:\n      enabled: [none]\n")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, out, "no secret source configured")
	assert.Contains(t, out, "unknown placeholder {secret}")

	code, out = run("    detectors:\n      enabled: [default, gihub-token]\n")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, out, `detectors.enabled[1]: unknown detector rule "gihub-token"`)
	assert.False(t, strings.Contains(out, "panic"), "validate panicked: %s", out)
}
