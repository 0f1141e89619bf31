//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// pin is a secret that a command's standard error can quote without the
// exec provider's own scrubbing catching it: no run of 16 token characters,
// and not a value the command itself printed.
const (
	pin   = "Kx7!q9#Lm2$wP4"
	envpw = "Rt5%vB8&nM3*"
)

// TestMessagesNeverQuoteALearntValue: whatever goes wrong after some
// secret values are known — a source failing with an error that quotes a
// file name, a path or a line of a command's standard error, a
// configuration error quoting a value the file itself holds, before or
// after ${env:...} expansion — everything hush prints about it, on
// standard error (and, for hush sources, the listing on standard output)
// is scrubbed of every value learnt so far, at exit code 2 or 3 alike.
func TestMessagesNeverQuoteALearntValue(t *testing.T) {
	dir := t.TempDir()
	sdir := filepath.Join(dir, "secrets")
	for name, v := range map[string]string{"api/token": token, "svc/pin": pin} {
		p := filepath.Join(sdir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A second directory source that fails on one entry, named after a
	// value of the first.
	broken := filepath.Join(dir, "broken")
	if err := os.MkdirAll(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/nonexistent", filepath.Join(broken, "dump-"+token)); err != nil {
		t.Fatal(err)
	}
	envFile := filepath.Join(dir, "app.env")
	if err := os.WriteFile(envFile, []byte("DB_PASSWORD='"+envpw+"'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "app.log")
	if err := os.WriteFile(log, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	config := func(name, body string) string {
		p := filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	static := "static:\n  - name: db\n    value: " + dbpw + "\n"
	secrets := []redact.Secret{{Name: "api/token", Value: token}, {Name: "svc/pin", Value: pin}, {Name: "db", Value: dbpw}, {Name: "DB_PASSWORD", Value: envpw}}
	env := append(os.Environ(), "HUSH_TEST_DBPW="+dbpw)

	for _, c := range []struct {
		name string
		code int
		args []string
	}{
		{"a directory source fails on a file named after a value of another", exitSource,
			[]string{"--secrets-dir", sdir, "--secrets-dir", broken}},
		{"an env file source fails, its path holding a value of another", exitSource,
			[]string{"--secrets-dir", sdir, "--env-file", filepath.Join(dir, "missing-"+token+".env")}},
		{"a command fails quoting a value of another source", exitSource,
			[]string{"--secrets-dir", sdir, "--exec", "echo 'login refused for pin " + pin + "' >&2; exit 1"}},
		{"a command fails quoting a value of an env file", exitSource,
			[]string{"--env-file", envFile, "--exec", "echo 'bad password " + envpw + "' >&2; exit 1"}},
		{"an unknown key spelt like a value of the file", exitUsage,
			[]string{"--config", config("unknown-key", static+dbpw+": 1\n")}},
		{"an invalid pattern quoting a value of the file", exitUsage,
			[]string{"--config", config("pattern", static+"env:\n  patterns: [\"["+dbpw+"\"]\n")}},
		{"an invalid pattern quoting an expanded value of the file", exitUsage,
			[]string{"--config", config("expanded", "static:\n  - name: db\n    value: ${env:HUSH_TEST_DBPW}\nenv:\n  patterns: [\"[${env:HUSH_TEST_DBPW}\"]\n")}},
		{"a missing secrets directory named after a value of the file", exitSource,
			[]string{"--config", config("dir", static+"files:\n  dirs: ["+filepath.Join(dir, "no-"+dbpw)+"]\n")}},
		{"a failing source and a value of the file", exitSource,
			[]string{"--config", config("broken", static), "--secrets-dir", filepath.Join(dir, dbpw)}},
	} {
		for _, cmd := range []string{"scan", "scrub", "sources"} {
			args := append([]string{cmd}, c.args...)
			if cmd != "sources" {
				args = append(args, log)
			}
			code, out, errs := runHushEnv(t, env, args...)
			if code != c.code {
				t.Errorf("%s: %s: exit code %d, want %d; stderr:\n%s", c.name, cmd, code, c.code, scrubbedForTest(secrets, errs))
			}
			if !leaktest.Check(t, secrets, []byte(errs), c.name+": "+cmd+": stderr") ||
				!leaktest.Check(t, secrets, []byte(out), c.name+": "+cmd+": stdout") {
				t.Logf("stderr, values replaced:\n%s", scrubbedForTest(secrets, errs))
			}
		}
	}
}

// scrubbedForTest replaces the values of secrets in s, for a failure
// message.
func scrubbedForTest(secrets []redact.Secret, s string) string {
	for _, sec := range secrets {
		s = strings.ReplaceAll(s, sec.Value, "<"+sec.Name+">")
	}
	return s
}
