package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScanExitCodes(t *testing.T) {
	dir := t.TempDir()
	cfg := writeSecretsConfig(t, dir)
	clean := filepath.Join(dir, "clean.log")
	dirty := filepath.Join(dir, "dirty.log")
	os.WriteFile(clean, []byte("nothing to see\n"), 0o644)
	os.WriteFile(dirty, []byte("token="+testSecrets[1].Value+"\n"), 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("static:\n  - name: x\n    value: Zq8v-4Lw2-9pXc-7yTb\nno_such_key: 1\n"), 0o644)
	empty := filepath.Join(dir, "empty.yaml")
	os.WriteFile(empty, []byte("min_length: 8\n"), 0o644)
	short := filepath.Join(dir, "short.yaml")
	os.WriteFile(short, []byte("static:\n  - name: x\n    value: abc12\n"), 0o644)

	for _, tc := range []struct {
		name string
		args []string
		want int
		msg  string // in stderr
	}{
		{"clean", []string{"scan", "--config", cfg, clean}, ExitOK, "no secret found"},
		{"found", []string{"scan", "--config", cfg, clean, dirty}, ExitFound, "1 finding"},
		{"found and missing", []string{"scan", "--config", cfg, dirty, filepath.Join(dir, "nope.log")}, ExitFound, "nope.log"},
		{"missing input", []string{"scan", "--config", cfg, clean, filepath.Join(dir, "nope.log")}, ExitInput, "nope.log: no such file"},
		{"stdin clean", []string{"scan", "--config", cfg}, ExitOK, ""},
		{"no source, detection off", []string{"scan", "--no-detect", clean}, ExitUsage, "no secret source"},
		{"no source, detection on", []string{"scan", clean}, ExitOK, "looking only for the tokens"},
		{"no source, scrub", []string{"scrub", clean}, ExitOK, "looking only for the tokens"},
		{"unknown detector", []string{"scan", "--detect=default,gihub-token", clean}, ExitUsage, `--detect: detect: unknown rule "gihub-token"`},
		{"detect and no-detect", []string{"scan", "--detect", "--no-detect", clean}, ExitUsage, "cannot be used together"},
		{"no source in config, detection off", []string{"scan", "--config", empty, "--no-detect", clean}, ExitSource, "no secret to look for"},
		{"no source in config, detection on", []string{"scan", "--config", empty, clean}, ExitOK, "looking only for the tokens"},
		{"bad flag", []string{"scan", "--config", cfg, "--frobnicate", clean}, ExitUsage, "unknown flag"},
		{"bad format", []string{"scan", "--config", cfg, "--format", "xml", clean}, ExitUsage, `--format "xml"`},
		{"bad encodings", []string{"scan", "--config", cfg, "--encodings", "rot13", clean}, ExitUsage, "rot13"},
		{"bad min length", []string{"scan", "--config", cfg, "--min-length", "2", clean}, ExitUsage, "--min-length"},
		{"bad aws", []string{"scan", "--aws", "tag:", clean}, ExitUsage, "--aws tag:"},
		{"invalid config", []string{"scan", "--config", bad, clean}, ExitUsage, "no_such_key"},
		{"missing config", []string{"scan", "--config", filepath.Join(dir, "none.yaml"), clean}, ExitUsage, "none.yaml"},
		{"unknown command", []string{"sacn", clean}, ExitUsage, "unknown command"},
		{"no indexable secret", []string{"scan", "--config", short, clean}, ExitSource, "no secret to look for"},
		{"scrub several to stdout", []string{"scrub", "--config", cfg, clean, dirty}, ExitOK, "1 redaction"},
		{"scrub dir to stdout", []string{"scrub", "--config", cfg, dir}, ExitUsage, "is a directory"},
		{"scrub in place and -o", []string{"scrub", "--config", cfg, "-i", "-o", "x", clean}, ExitUsage, "cannot be used together"},
		{"scrub in place stdin", []string{"scrub", "--config", cfg, "-i"}, ExitUsage, "standard input"},
		{"scrub bad compress", []string{"scrub", "--config", cfg, "--compress", "lz4", clean}, ExitUsage, "--compress"},
		{"scrub ok", []string{"scrub", "--config", cfg, dirty}, ExitOK, "1 redaction"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runMain(t, nil, tc.args...)
			if code != tc.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.want, stderr)
			}
			if !strings.Contains(stderr, tc.msg) {
				t.Errorf("stderr does not mention %q:\n%s", tc.msg, stderr)
			}
			assertNoValue(t, "stderr", []byte(stderr))
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"scrub", "--help"}, {"scan", "--help"}, {"help", "scan"}} {
		code, out, _ := runMain(t, nil, args...)
		if code != ExitOK || !strings.Contains(out, "Example") && !strings.Contains(out, "Examples") {
			t.Errorf("%v: exit %d, no examples in:\n%s", args, code, out)
		}
		if args[0] != "--help" && !strings.Contains(out, "Exit codes") {
			t.Errorf("%v: help does not list the exit codes", args)
		}
	}
	useTestVersion(t)
	code, out, _ := runMain(t, nil, "version")
	if code != ExitOK || !strings.HasPrefix(out, "hush v0.0.0-test (go") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}
