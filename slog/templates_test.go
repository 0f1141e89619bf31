package hushslog_test

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
	"github.com/hushlog/hush/redact"
	hushslog "github.com/hushlog/hush/slog"
)

// builtinKinds are hush's built-in handlers, which scrub slog's bytes: a
// clean record is judged against a clean record of its shape
// (internal/templates), the index searched only around the bytes where
// they differ.
var builtinKinds = []struct {
	name string
	new  func(w io.Writer, r *redact.Redactor, opts *slog.HandlerOptions) slog.Handler
	// sep is what the handler writes between a quoted message and the
	// key "user" that follows it.
	sep string
}{
	{"json", func(w io.Writer, r *redact.Redactor, opts *slog.HandlerOptions) slog.Handler {
		return hushslog.NewJSONHandler(w, r, opts)
	}, `","user":"`},
	{"text", func(w io.Writer, r *redact.Redactor, opts *slog.HandlerOptions) slog.Handler {
		return hushslog.NewTextHandler(w, r, opts)
	}, `" user=`},
}

// TestBuiltinTemplateStraddling: a secret whose bytes lie mostly in what
// a record shares with the clean records of its call site before it (the
// end of the message, a key and the handler's punctuation, the start of a
// value) is redacted when the record differs from them in one byte of it,
// at either end, when the template had a byte more of it, and when it is
// all in a key.
func TestBuiltinTemplateStraddling(t *testing.T) {
	const head, tail = "Zq8Wm3xP", "Kd7Rv2Lp9T"
	keyed := "k9Vx2Rm7Lq4Tz8Wp"
	for _, h := range builtinKinds {
		straddling := head + h.sep + tail
		cases := []struct {
			name          string
			cleanMsg, msg string
			cleanKey, key string
			cleanVal, val string
			secret        string
		}{
			{"last byte of the message", "login " + head[:7] + "#", "login " + head, "user", "user", tail + "-end", tail + "-end", straddling},
			{"first byte of the message's part", "login #" + head[1:], "login " + head, "user", "user", tail + "-end", tail + "-end", straddling},
			{"last byte of the value's part", "login " + head, "login " + head, "user", "user", tail[:9] + "#-end", tail + "-end", straddling},
			{"a byte more in the template", "login " + head + "#", "login " + head, "user", "user", tail + "-end", tail + "-end", straddling},
			{"key", "login", "login", "id_" + keyed[:15] + "#", "id_" + keyed, "x", "x", keyed},
		}
		for _, tc := range cases {
			t.Run(h.name+"/"+tc.name, func(t *testing.T) {
				secret := redact.Secret{Name: "straddling", Value: tc.secret}
				r := newRedactor(t, secret)
				out := &syncBuffer{}
				// No time: the records differ only where the case says,
				// so the window around the difference is all the index
				// reads.
				l := slog.New(h.new(out, r, &slog.HandlerOptions{ReplaceAttr: dropTime}))
				for range 3 {
					l.Info(tc.cleanMsg, tc.cleanKey, tc.cleanVal, "n", 1)
				}
				if strings.Contains(out.String(), "[REDACTED") {
					t.Fatalf("the clean records were redacted")
				}
				l.Info(tc.msg, tc.key, tc.val, "n", 1)
				lines := out.Lines()
				last := lines[len(lines)-1]
				assertNoLeak(t, last, secret)
				assertRedacted(t, last, "straddling")
			})
		}
	}
}

// TestBuiltinTemplateManyShapes: records of many shapes through one
// handler and its WithAttrs and WithGroup children (which share the
// templates), each shape clean many times and then with a secret in an
// attribute; messages that share their first 16 bytes (one slot) and
// records without a message (slotted by length) among them: every dirty
// record is redacted, whatever template its slot holds.
func TestBuiltinTemplateManyShapes(t *testing.T) {
	noMsg := func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.MessageKey {
			return slog.Attr{}
		}
		return a
	}
	for _, h := range builtinKinds {
		for _, opts := range []*slog.HandlerOptions{nil, {ReplaceAttr: noMsg}} {
			r := newRedactor(t, secretDB)
			out := &syncBuffer{}
			logger := slog.New(h.new(out, r, opts))
			for round := range 40 {
				for shape := range 24 {
					l := logger
					switch shape % 4 {
					case 1:
						l = logger.With("shape", shape)
					case 2:
						l = logger.WithGroup("g")
					}
					attrs := make([]any, 0, 2*(shape%5+1))
					for k := range shape%5 + 1 {
						attrs = append(attrs, fmt.Sprintf("k%d", k), fmt.Sprintf("value %d of %d", k, round))
					}
					if round%7 == 6 {
						attrs[len(attrs)-1] = "postgres://app:" + secretDB.Value + "@db"
					}
					l.Info(fmt.Sprintf("the same first sixteen bytes, shape %d", shape), attrs...)
					lines := out.Lines()
					last := lines[len(lines)-1]
					assertNoLeak(t, last, secretDB)
					if round%7 == 6 {
						assertRedacted(t, last, secretDB.Name)
					}
				}
			}
		}
	}
}

// TestBuiltinTemplateDetected: the detectors read a record only when their
// scan sees something where it differs from a clean record of its shape
// that they saw nothing in (redact.ContainsLike). A token of every family
// in an attribute of a record that follows clean records of the same call
// site is redacted: after records whose attribute held a plain value, and
// after records whose attribute held the token with one byte blanked.
// Failure messages name the rule and variant, never the token.
func TestBuiltinTemplateDetected(t *testing.T) {
	gen := detecttest.New(11)
	rng := rand.New(rand.NewPCG(11, 12))
	r := newRedactor(t, secretDB)
	for _, h := range builtinKinds {
		quiet := 0
		for _, tok := range gen.All() {
			if !detect.Default().Has(tok.Rule) {
				continue
			}
			for _, blank := range []int{-1, 0, 1, 2 + rng.IntN(tok.End-tok.Start-2)} {
				name := h.name + "/" + tok.Rule + "/" + tok.Variant
				clean := "value 1"
				if blank >= 0 {
					name += fmt.Sprintf("/after the token with byte %d blanked", blank)
					b := []byte(tok.Text)
					b[tok.Start+blank] = ' '
					clean = string(b)
				}
				out := &syncBuffer{}
				var opts *slog.HandlerOptions
				if blank == 0 || blank == 1 {
					opts = &slog.HandlerOptions{ReplaceAttr: dropTime}
				}
				l := slog.New(h.new(out, r, opts))
				for k := range 3 {
					l.Info("request handled", "n", k%2, "detail", clean, "ok", true)
				}
				if strings.Contains(out.String(), "[REDACTED") {
					continue // the blanked token is still one
				}
				lines := out.Lines()
				if detect.Default().Quiet([]byte(lines[len(lines)-1])) {
					quiet++
				}
				l.Info("request handled", "n", 0, "detail", tok.Text, "ok", true)
				lines = out.Lines()
				last := lines[len(lines)-1]
				if strings.Contains(last, tok.Secret()) {
					t.Errorf("%s: the token is in the record", name)
				}
				assertNoLeak(t, last, redact.Secret{Name: name, Value: tok.Secret()})
				if !strings.Contains(last, "[REDACTED:detected:") {
					t.Errorf("%s: no detected token's replacement in the record", name)
				}
			}
		}
		if quiet < 40 {
			t.Fatalf("%s: only %d templates the scan saw nothing in", h.name, quiet)
		}
	}
}
