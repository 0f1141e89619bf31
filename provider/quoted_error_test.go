package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// TestFailureQuotingAValueNeverPrinted: a lister's error may quote text from
// outside (a command's standard error, a file name, a server's message)
// that holds the value of a secret another lister gave, or one it gave
// itself in an earlier round. What the Refresher logs, publishes in Status
// and returns from Refresh holds no such value — per-secret and whole
// listing errors alike — while the error kinds and failed secrets are
// what they were.
func TestFailureQuotingAValueNeverPrinted(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(good, bad *source)
		kind ErrorKind
	}{
		{"a listing error quoting another lister's value", func(_, bad *source) {
			bad.fail(NewError("bad", "", Permanent, fmt.Errorf("exited with status 1; stderr: login refused for %s", valA)))
		}, Permanent},
		{"a per-secret error quoting another lister's value", func(_, bad *source) {
			bad.failOn("c", NewError("bad", "c", AccessDenied, fmt.Errorf("open /run/secrets/dump-%s: permission denied", valB)))
		}, AccessDenied},
		{"a listing error quoting the lister's own earlier value", func(_, bad *source) {
			bad.fail(NewError("bad", "", Transient, fmt.Errorf("cannot renew %s", valC)))
		}, Transient},
		{"a plain error quoting values", func(_, bad *source) {
			bad.fail(errors.New("unexpected answer {\"a\":\"" + valA + "\",\"c\":\"" + valC + "\"}"))
		}, Permanent},
	} {
		core, logs := observer.New(zapcore.DebugLevel)
		good := newSource("good", "a", valA, "b", valB)
		bad := newSource("bad", "c", valC, "d", valD)
		f, _, _ := newTestRefresher(t, RefresherOptions{Logger: zap.New(core)}, good, bad)
		ctx := context.Background()
		if err := f.Refresh(ctx); err != nil {
			t.Fatalf("%s: first round: %v", c.name, err != nil)
		}
		c.set(good, bad)
		err := f.Refresh(ctx)
		if err == nil {
			t.Fatalf("%s: the failure was not reported", c.name)
		}
		noValues(t, err, valA, valB, valC, valD)
		st := f.Status()
		noValues(t, st.LastError, valA, valB, valC, valD)
		if k := Kind(err); k != c.kind || Kind(st.LastError) != c.kind {
			t.Errorf("%s: kind %v and %v, want %v", c.name, k, Kind(st.LastError), c.kind)
		}
		if c.kind == AccessDenied {
			if names, perSecret := FailedSecrets(err); !perSecret || len(names) != 1 || names[0] != "c" {
				t.Errorf("%s: failed secrets %v (per secret %v)", c.name, names, perSecret)
			}
		}
		if len(logs.All()) == 0 {
			t.Errorf("%s: nothing logged", c.name)
		}
		for _, e := range logs.All() {
			line := e.Message
			for k, v := range e.ContextMap() {
				line += " " + k + "=" + fmt.Sprint(v)
			}
			for i, v := range []string{valA, valB, valC, valD} {
				if strings.Contains(line, v) {
					t.Errorf("%s: a log entry holds secret value #%d", c.name, i)
				}
			}
		}
	}
}

// TestCacheFailureQuotingAValueNeverPrinted: the same for a Cache: a
// Getter's error quoting a value the Redactor protects (given by another
// source, or read through the Cache before) is logged and returned
// scrubbed, its kind unchanged.
func TestCacheFailureQuotingAValueNeverPrinted(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	r := newRedactor(t)
	if err := r.Set(nil); err != nil {
		t.Fatal(err)
	}
	src := newSource("src", "a", valA)
	c, err := NewCache(src, r, CacheOptions{Logger: zap.New(core)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	for i, fail := range []error{
		NewError("src", "b", AccessDenied, fmt.Errorf("policy denies b to the role that read %s", valA)),
		fmt.Errorf("server answered {\"a\":%q}", valA),
	} {
		name := fmt.Sprintf("b%d", i)
		src.failOn(name, fail)
		_, err := c.Get(ctx, name)
		if err == nil {
			t.Fatalf("case %d: no error", i)
		}
		noValues(t, err, valA)
		if Kind(err) != Kind(fail) {
			t.Errorf("case %d: kind %v, want %v", i, Kind(err), Kind(fail))
		}
	}
	for _, e := range logs.All() {
		line := e.Message
		for k, v := range e.ContextMap() {
			line += " " + k + "=" + fmt.Sprint(v)
		}
		if strings.Contains(line, valA) {
			t.Error("a log entry holds a secret value")
		}
	}
}
