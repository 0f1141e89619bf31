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

// replaceStringify is a ReplaceAttr that prints every Any value with fmt,
// as applications do to flatten values for a backend.
func replaceStringify(groups []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindAny {
		return slog.String(a.Key, fmt.Sprintf("%+v", a.Value.Any()))
	}
	if a.Key == slog.SourceKey {
		if src, ok := a.Value.Any().(*slog.Source); ok {
			return slog.String(a.Key, src.Function+"@"+src.File)
		}
	}
	return a
}

// TestMiddlewareSource: a record's source location (what a handler with
// AddSource prints, also through a ReplaceAttr that formats it) may hold a
// secret: a function named like a token, a file under a build path named
// after one (tok_Hq71Mz0PkWn3Rt and logFromSecretFile, attack_line_test.go).
// The middleware passes such a record on without its PC, and a clean one
// with it, whatever next is; and a secret added after a location was found
// clean is caught there too.
func TestMiddlewareSource(t *testing.T) {
	nexts := map[string]func(w io.Writer) slog.Handler{
		"json": func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, &slog.HandlerOptions{AddSource: true}) },
		"text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, &slog.HandlerOptions{AddSource: true}) },
		"stringify": func(w io.Writer) slog.Handler {
			return slog.NewJSONHandler(w, &slog.HandlerOptions{AddSource: true, ReplaceAttr: replaceStringify})
		},
	}
	for name, next := range nexts {
		for _, tc := range []struct {
			name   string
			secret redact.Secret
			log    func(*slog.Logger)
		}{
			{"function", secretAPI, tok_Hq71Mz0PkWn3Rt},
			{"file", secretDB, logFromSecretFile},
		} {
			if name == "text" && tc.name == "function" {
				continue // the text handler prints file:line only
			}
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				r := newRedactor(t, secretQuote) // the location is clean at first
				buf := &syncBuffer{}
				l := slog.New(hushslog.NewHandler(next(buf), r))
				tc.log(l)
				if !leaked(buf.String(), tc.secret) {
					t.Fatal("the location is not in the output: the test does not test")
				}
				buf.Reset()
				if err := r.Add(tc.secret); err != nil {
					t.Fatal(err)
				}
				for range 2 { // checked, then cached
					tc.log(l)
				}
				leaktest.Check(t, []redact.Secret{tc.secret}, []byte(buf.String()), "source")
				buf.Reset()
				slog.New(hushslog.NewHandler(next(buf), r)).Info("clean caller")
				if !leaktest.Holds([]byte(buf.String()), []byte("source_test.go")) {
					t.Error("a clean record lost its source location")
				}
			})
		}
	}
}
