package exec_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/exec"
)

const (
	val1 = "Zq8v-4Lw2-9pXc-7yTb-E1"
	val2 = "mN3k-Qr7s-Vw2x-Yz5a-E2"
)

func sh(t *testing.T, script string, timeout time.Duration) *exec.Provider {
	t.Helper()
	p, err := exec.New(exec.Config{Command: "/bin/sh", Args: []string{"-c", script}, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestObjectAndArray(t *testing.T) {
	ctx := context.Background()
	for _, script := range []string{
		`printf '{"prod/db": "` + val1 + `", "prod/api": "` + val2 + `", "empty": ""}'`,
		`printf '[{"name":"prod/db","value":"` + val1 + `","version":"7"},{"name":"prod/api","value":"` + val2 + `"}]'`,
	} {
		p := sh(t, script, 0)
		s, err := p.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 2 || s[0].Name != "prod/api" || s[0].Value != val2 || s[1].Name != "prod/db" || s[1].Value != val1 {
			t.Errorf("listing: %v", s)
		}
		if g, err := p.Get(ctx, "prod/db"); err != nil || g.Value != val1 {
			t.Errorf("Get: %v", err)
		}
		if _, err := p.Get(ctx, "nope"); provider.Kind(err) != provider.NotFound {
			t.Errorf("Get(nope): %v", err)
		}
	}
	if p := sh(t, "true", 0); p.Name() != "exec:sh" {
		t.Errorf("Name = %q", p.Name())
	}
}

func TestMalformedOutputNeverQuoted(t *testing.T) {
	for _, script := range []string{
		`printf '{"a": "` + val1 + `" "b": 1}'`,
		`printf '{"a": 12345678901234}'`,
		`printf '[{"name":"a","value":"` + val1 + `"}, "` + val2 + `"]'`,
		`printf '` + val1 + `'`,
		`printf ''`,
		`printf '[{"value":"` + val1 + `"}]'`,
	} {
		_, err := sh(t, script, 0).List(context.Background())
		if provider.Kind(err) != provider.Malformed {
			t.Errorf("%s: %v", script, err)
			continue
		}
		if strings.Contains(err.Error(), val1) || strings.Contains(err.Error(), val2) || strings.Contains(err.Error(), "Zq8v") {
			t.Errorf("error quotes the output: script %q", script)
		}
	}
}

func TestFailureStderrSanitized(t *testing.T) {
	p := sh(t, `echo "fetch failed: token `+val1+` rejected by vault" >&2; exit 3`, 0)
	_, err := p.List(context.Background())
	if err == nil || !strings.Contains(err.Error(), "status 3") {
		t.Fatalf("exit status: %v", err)
	}
	if strings.Contains(err.Error(), val1) {
		t.Error("stderr value echoed in the error")
	}
	if !strings.Contains(err.Error(), "fetch failed") {
		t.Errorf("stderr context lost: %v", err)
	}
}

func TestKnownValueScrubbedFromStderr(t *testing.T) {
	dir := t.TempDir()
	flag := dir + "/fail"
	script := `if [ -f ` + flag + ` ]; then echo "error: cannot renew k3y-Sh0rt" >&2; exit 1; fi; printf '{"s":"k3y-Sh0rt"}'`
	p := sh(t, script, 0)
	if _, err := p.List(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, _ = sh(t, "touch "+flag, 0).List(context.Background()) // prints nothing: Malformed, ignored
	_, err := p.List(context.Background())
	if err == nil || strings.Contains(err.Error(), "k3y-Sh0rt") {
		t.Errorf("a value known from the last run leaked through stderr: %v", err != nil)
	}
}

func TestTimeout(t *testing.T) {
	start := time.Now()
	_, err := sh(t, "sleep 10", 200*time.Millisecond).List(context.Background())
	if provider.Kind(err) != provider.Transient {
		t.Errorf("timeout: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeout took %v", d)
	}
}

func TestCommandMissing(t *testing.T) {
	p, _ := exec.New(exec.Config{Command: "/nonexistent/hush-fetch"})
	if _, err := p.List(context.Background()); provider.Kind(err) != provider.Permanent {
		t.Errorf("missing command: %v", err)
	}
	if _, err := exec.New(exec.Config{}); err == nil {
		t.Error("empty command accepted")
	}
}

// TestBackgroundChildKeepsPipesOpen: a command that leaves a process behind
// holding its standard output or error open (a daemon it starts, `sleep &`)
// is done when it exits: its value is taken then, at once, and List never
// waits for the pipes to close. A command that does not exit is still
// killed at the timeout, with pipes held open by its children too.
func TestBackgroundChildKeepsPipesOpen(t *testing.T) {
	out := `printf '{"s":"` + val1 + `"}'`
	for i, script := range []string{
		`sleep 30 & ` + out,                   // the child holds stdout and stderr
		`sleep 30 >/dev/null & ` + out,        // stderr only
		`sleep 30 2>/dev/null & ` + out,       // stdout only
		out + `; (sleep 30 &)`,                // a grandchild, after the output
		`(sleep 30 & exec 2>&-; ` + out + `)`, // printed by the subshell itself
	} {
		start := time.Now()
		s, err := sh(t, script, 20*time.Second).List(context.Background())
		if err != nil {
			t.Errorf("script %d: %v", i, err)
			continue
		}
		if len(s) != 1 || s[0].Name != "s" || s[0].Value != val1 {
			t.Errorf("script %d: got %d secrets, not the one printed", i, len(s))
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("script %d: took %v", i, d)
		}
	}
	start := time.Now()
	_, err := sh(t, `sleep 30 & sleep 30`, 300*time.Millisecond).List(context.Background())
	if provider.Kind(err) != provider.Transient || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("a hanging command with a child holding its pipes: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeout took %v", d)
	}
}

// TestOutputBOMTrimmed: output that starts with a UTF-8 byte order mark (a
// script written for Windows PowerShell, Out-File) is read as the JSON it
// is, and no value starts with the mark.
func TestOutputBOMTrimmed(t *testing.T) {
	for i, script := range []string{
		`printf '\357\273\277{"s": "` + val1 + `"}'`,
		`printf '\357\273\277[{"name":"s","value":"` + val1 + `"}]\n'`,
	} {
		s, err := sh(t, script, 0).List(context.Background())
		if err != nil {
			t.Errorf("script %d: %v", i, err)
			continue
		}
		if len(s) != 1 || s[0].Value != val1 {
			t.Errorf("script %d: %d secrets, not the one printed", i, len(s))
		}
	}
}
