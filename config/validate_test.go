package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
)

// TestValidateRefuses covers the document-level checks added for operators:
// each case changes one field of the defaults and names the key and a hint
// that must appear in the error.
func TestValidateRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		mut  func(*Config)
		want []string // substrings of the error; none: valid
	}{
		{"defaults", func(*Config) {}, nil},
		{"refresh_interval 0", func(c *Config) { c.RefreshInterval = 0 }, []string{"refresh_interval: 0 would never refresh", "omit the key"}},
		{"refresh_interval below 1s", func(c *Config) { c.RefreshInterval = 10 * time.Millisecond }, []string{"refresh_interval: 10ms is below 1s"}},
		{"grace_period 0", func(c *Config) { c.GracePeriod = 0 }, []string{"grace_period: 0 is not allowed"}},
		{"grace_period negative", func(c *Config) { c.GracePeriod = -time.Hour }, []string{"grace_period: -1h0m0s is negative"}},
		{"poll_interval 0", func(c *Config) { c.Files.PollInterval = 0 }, []string{"files.poll_interval: 0s is not positive"}},
		{"exec timeout 0", func(c *Config) { c.Exec.Timeout = 0 }, []string{"exec.timeout: 0s is not positive"}},
		{"unknown placeholder", func(c *Config) { c.Replacement = "[REDACTED:{secret}]" }, []string{"replacement: unknown placeholder {secret}", "{name} and {hash}"}},
		{"placeholders are case-sensitive", func(c *Config) { c.Replacement = "<{Name}:{hash}:{id}>" }, []string{"unknown placeholder {Name}, {id}"}},
		{"known placeholders", func(c *Config) { c.Replacement = "[{name}|{hash}]" }, nil},
		{"literal braces", func(c *Config) { c.Replacement = "{} { name } {{x" }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Default()
			tc.mut(cfg)
			err := cfg.Validate()
			if len(tc.want) == 0 {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range tc.want {
				assert.ErrorContains(t, err, w)
			}
		})
	}
}

func TestValidateSources(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "app.env")
	require.NoError(t, os.WriteFile(file, []byte("A_TOKEN=x\n"), 0o600))
	notExec := filepath.Join(dir, "fetch")
	require.NoError(t, os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o600))
	missing := filepath.Join(dir, "missing")

	for _, tc := range []struct {
		name string
		mut  func(*Config)
		want []string
	}{
		{"no sources", func(*Config) {}, nil},
		{"existing directory and file", func(c *Config) { c.Files.Dirs = []string{dir}; c.EnvFiles = []string{file} }, nil},
		{"missing directory", func(c *Config) { c.Files.Dirs = []string{dir, missing} }, []string{`files.dirs[1]: directory "` + missing + `" does not exist`}},
		{"directory is a file", func(c *Config) { c.Files.Dirs = []string{file} }, []string{`files.dirs[0]: "` + file + `" is not a directory`}},
		{"missing env file", func(c *Config) { c.EnvFiles = []string{missing} }, []string{`env_files[0]: file "` + missing + `" does not exist`}},
		{"env file is a directory", func(c *Config) { c.EnvFiles = []string{dir} }, []string{`env_files[0]: "` + dir + `" is a directory`}},
		{"exec in PATH", func(c *Config) { c.Exec.Command = "sh" }, nil},
		{"exec absolute", func(c *Config) { c.Exec.Command = "/bin/sh" }, nil},
		{"exec not in PATH", func(c *Config) { c.Exec.Command = "hush-no-such-fetcher" }, []string{`exec.command: "hush-no-such-fetcher" cannot be run: not found in PATH`}},
		{"exec path missing", func(c *Config) { c.Exec.Command = missing }, []string{`exec.command: "` + missing + `" cannot be run`}},
		{"exec not executable", func(c *Config) { c.Exec.Command = notExec }, []string{`exec.command: "` + notExec + `" cannot be run: permission denied`}},
		{"every problem at once", func(c *Config) {
			c.Files.Dirs, c.EnvFiles, c.Exec.Command = []string{missing}, []string{missing}, "hush-no-such-fetcher"
		}, []string{"files.dirs[0]", "env_files[0]", "exec.command"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Default()
			tc.mut(cfg)
			require.NoError(t, cfg.Validate(), "the document itself is valid")
			err := cfg.ValidateSources()
			if len(tc.want) == 0 {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range tc.want {
				assert.ErrorContains(t, err, w)
			}
		})
	}
}

// TestCheckDurations decodes documents as the Collector does (confmap over
// YAML) and checks that a duration without a unit is refused before it
// could become nanoseconds.
func TestCheckDurations(t *testing.T) {
	for _, tc := range []struct {
		name string
		yaml string
		want []string
	}{
		{"units", "refresh_interval: 90s\ngrace_period: 2h\nfiles: {poll_interval: 1m}\nexec: {timeout: 500ms}\n", nil},
		{"bare integer", "grace_period: 10\n", []string{"grace_period: 10 has no unit", "10s, 10m or 10h"}},
		{"bare zero", "refresh_interval: 0\n", []string{"refresh_interval: 0 has no unit"}},
		{"bare float", "exec: {timeout: 1.5}\n", []string{"exec.timeout: 1.5 has no unit"}},
		{"nested", "files: {dirs: [/x], poll_interval: 30}\n", []string{"files.poll_interval: 30 has no unit"}},
		{"all reported", "refresh_interval: 60\ngrace_period: 3600\n", []string{"refresh_interval: 60", "grace_period: 3600"}},
		{"not a duration", "min_length: 12\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := confmap.NewRetrievedFromYAML([]byte(tc.yaml))
			require.NoError(t, err)
			rawConf, err := raw.AsConf()
			require.NoError(t, err)
			cfg := Default()
			err = CheckDurations(rawConf.ToStringMap(), cfg)
			if len(tc.want) == 0 {
				require.NoError(t, err)
				assert.NoError(t, rawConf.Unmarshal(cfg))
				return
			}
			require.Error(t, err)
			for _, w := range tc.want {
				assert.ErrorContains(t, err, w)
			}
		})
	}
}
