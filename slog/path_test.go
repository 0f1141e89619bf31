package hushslog_test

import (
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushslog "github.com/hushlog/hush/slog"
)

// TestMiddlewareGroupPath: slog's text handler writes a key inside groups
// as the group path and the key joined by dots, so a secret with dots in
// it (a JWT) split into group names and a key, each clean, is written
// whole. The middleware checks each key and group name joined to its
// path, for groups opened by WithGroup, by the record's own groups, and
// for WithAttrs context under them.
func TestMiddlewareGroupPath(t *testing.T) {
	jwt := redact.Secret{Name: "session/jwt", Value: "eyJhbGciOi.eyJzdWIiOi.SflKxwRJSM"}
	a, b, c := "eyJhbGciOi", "eyJzdWIiOi", "SflKxwRJSM"
	for name, log := range map[string]func(*slog.Logger){
		"with-groups":       func(l *slog.Logger) { l.WithGroup(a).WithGroup(b).Info("m", c, 1) },
		"record-groups":     func(l *slog.Logger) { l.Info("m", slog.Group(a, slog.Group(b, slog.Int(c, 1)))) },
		"mixed":             func(l *slog.Logger) { l.WithGroup(a).Info("m", slog.Group(b, slog.String(c, "x"))) },
		"dotted-group":      func(l *slog.Logger) { l.WithGroup(a+"."+b).Info("m", c, 1) },
		"group-names":       func(l *slog.Logger) { l.WithGroup(a).WithGroup(b).WithGroup(c).Info("m", "k", 1) },
		"with-attrs":        func(l *slog.Logger) { l.WithGroup(a).WithGroup(b).With(c, 1).Info("m") },
		"record-group-name": func(l *slog.Logger) { l.WithGroup(a).Info("m", slog.Group(b+"."+c, slog.Int("k", 1))) },
		"key-ruled":         func(l *slog.Logger) { l.WithGroup(a).WithGroup(b).Info("m", c+"_password", "x") },
		// The record's groups among clean attributes, and past the 64
		// attributes the middleware marks one by one.
		"group-among-clean": func(l *slog.Logger) {
			l.Info("m", "x", 1, "y", "z", slog.Group(a, slog.Group(b, slog.Int(c, 1))), "w", 2)
		},
		"group-after-64": func(l *slog.Logger) {
			args := make([]any, 0, 142)
			for i := range 70 {
				args = append(args, fmt.Sprintf("k%d", i), i)
			}
			l.Info("m", append(args, slog.Group(a, slog.Group(b, slog.Int(c, 1))))...)
		},
	} {
		t.Run(name, func(t *testing.T) {
			plain := &syncBuffer{}
			log(slog.New(slog.NewTextHandler(plain, nil)))
			if !leaked(plain.String(), jwt) {
				t.Fatal("the record does not print the secret: the test does not test")
			}
			buf := &syncBuffer{}
			log(slog.New(hushslog.NewHandler(slog.NewTextHandler(buf, nil), newRedactor(t, jwt))))
			leaktest.Check(t, []redact.Secret{jwt}, []byte(buf.String()), "path")
			assertRedacted(t, buf.String(), jwt.Name)
		})
	}
	// Clean paths are written as they are, and cost no allocation.
	r := newRedactor(t, jwt)
	opts := &slog.HandlerOptions{ReplaceAttr: dropTime}
	plain, buf := &syncBuffer{}, &syncBuffer{}
	logClean := func(l *slog.Logger) {
		l.WithGroup("req").Info("m", slog.Group("user", slog.String("id", "u1")), "n", 2)
	}
	logClean(slog.New(slog.NewTextHandler(plain, opts)))
	logClean(slog.New(hushslog.NewHandler(slog.NewTextHandler(buf, opts), r)))
	if plain.String() != buf.String() {
		t.Errorf("a clean record changed: %q, want %q", buf.String(), plain.String())
	}
	if raceEnabled {
		return
	}
	hushed := slog.New(hushslog.NewHandler(slog.NewJSONHandler(io.Discard, nil), r)).WithGroup("req")
	bare := slog.New(slog.NewJSONHandler(io.Discard, nil)).WithGroup("req")
	g := slog.Group("user", slog.String("id", "u1"))
	hushed.Info("m", g)
	n := testing.AllocsPerRun(100, func() { hushed.Info("m", g, "n", 2) })
	p := testing.AllocsPerRun(100, func() { bare.Info("m", g, "n", 2) })
	if n != p {
		t.Errorf("a clean record under groups: %v allocations with hush, %v without", n, p)
	}
}
