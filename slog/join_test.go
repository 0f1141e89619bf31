package hushslog_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushslog "github.com/hushlog/hush/slog"
)

// TestMiddlewareJoinedStrings: the strings of one Any value are each
// clean, but fmt, which slog's text handler (and a ReplaceAttr that formats
// values) prints it with, joins them into a secret: a passphrase split
// into words ("[correct horse battery staple]"), a user:password pair as a
// map's key and value ("map[admin:hunter2]"). The middleware checks the
// joined text too, for slices, arrays and maps of strings or interfaces.
func TestMiddlewareJoinedStrings(t *testing.T) {
	pass := redact.Secret{Name: "vault/passphrase", Value: "Zq81 horse Pm2x battery"}
	pair := redact.Secret{Name: "basic/auth", Value: "admin:Zq8rT2vLx9pW"}
	words := strings.Fields(pass.Value)
	values := []struct {
		name   string
		secret redact.Secret
		v      any
	}{
		{"slice", pass, words},
		{"array", pass, [4]string{words[0], words[1], words[2], words[3]}},
		{"any-slice", pass, []any{words[0], words[1], words[2], words[3]}},
		{"named-slice", pass, wordList(words)},
		{"nested", pass, map[string][]string{"w": words}},
		{"in-struct", pass, struct{ W []string }{words}},
		{"map", pair, map[string]string{"admin": "Zq8rT2vLx9pW"}},
		{"map-any", pair, map[string]any{"admin": "Zq8rT2vLx9pW", "n": 1}},
	}
	nexts := map[string]func(io.Writer) slog.Handler{
		"text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
		"stringify": func(w io.Writer) slog.Handler {
			return slog.NewJSONHandler(w, &slog.HandlerOptions{ReplaceAttr: replaceStringify})
		},
	}
	for name, next := range nexts {
		for _, tc := range values {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				plain := &syncBuffer{}
				slog.New(next(plain)).Info("m", "v", tc.v)
				if !leaked(plain.String(), tc.secret) {
					t.Fatal("the value does not print the secret: the test does not test")
				}
				r := newRedactor(t, pass, pair)
				buf := &syncBuffer{}
				slog.New(hushslog.NewHandler(next(buf), r)).Info("m", "v", tc.v)
				leaktest.Check(t, []redact.Secret{tc.secret}, []byte(buf.String()), "joined")
				assertRedacted(t, buf.String(), tc.secret.Name)
			})
		}
	}
	// Clean strings stay as they are, joins included.
	r := newRedactor(t, pass, pair)
	plain, buf := &syncBuffer{}, &syncBuffer{}
	v := map[string][]string{"w": {"horse", "battery"}}
	slog.New(slog.NewTextHandler(plain, &slog.HandlerOptions{ReplaceAttr: dropTime})).Info("m", "v", v)
	slog.New(hushslog.NewHandler(slog.NewTextHandler(buf, &slog.HandlerOptions{ReplaceAttr: dropTime}), r)).Info("m", "v", v)
	if plain.String() != buf.String() {
		t.Errorf("a clean value changed: %q, want %q", buf.String(), plain.String())
	}
}

type wordList []string

// TestMiddlewareJoinedStringsAllocs: checking the joins of a clean slice
// or array allocates nothing, and those of a clean map nothing more than
// walking its entries did before (reflect copies each key and value out).
func TestMiddlewareJoinedStringsAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations differ under the race detector")
	}
	r := newRedactor(t, secretDB)
	hushed := slog.New(hushslog.NewHandler(slog.NewJSONHandler(io.Discard, nil), r))
	plain := slog.New(slog.NewJSONHandler(io.Discard, nil))
	for name, tc := range map[string]struct {
		v     any
		extra float64
	}{
		"slice": {[]string{"a", "b", "c"}, 0},
		"array": {[2]any{"a", "b"}, 0},
		"map":   {map[string]string{"k": "v", "k2": "v2"}, 4},
	} {
		hushed.Info("m", "v", tc.v) // warm the pools and caches
		n := testing.AllocsPerRun(100, func() { hushed.Info("m", "v", tc.v) })
		p := testing.AllocsPerRun(100, func() { plain.Info("m", "v", tc.v) })
		if n > p+tc.extra {
			t.Errorf("%s: %v allocations with hush, %v without", name, n, p)
		}
	}
}
