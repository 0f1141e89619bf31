package hushslog_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/keyrule"
	"github.com/hushlog/hush/internal/keyrule/keyruletest"
	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushslog "github.com/hushlog/hush/slog"
)

// The values every table key is logged with. They are not known secrets:
// only the key rules can redact them.
const (
	tableText   = "kv-Qx7Lm2Rt9"
	tableNumber = 7341
)

// maskTable hides the table's values in a failure message (a value under a
// credential key must not reach a log, even a test's).
var maskTable = strings.NewReplacer(
	tableText, "<TEXT>", base64.StdEncoding.EncodeToString([]byte(tableText)), "<TEXT-BASE64>",
	"7341", "<NUMBER>", "73.41", "<FLOAT>", "7.341", "<SECONDS>",
).Replace

// slogShapes are the kinds of value an attribute can hold.
var slogShapes = []struct {
	name string
	kind keyrule.Kind
	attr func(key string) slog.Attr
}{
	{"string", keyrule.KindText, func(k string) slog.Attr { return slog.String(k, tableText) }},
	{"bytes", keyrule.KindText, func(k string) slog.Attr { return slog.Any(k, []byte(tableText)) }},
	{"group", keyrule.KindText, func(k string) slog.Attr { return slog.Group(k, slog.String("v", tableText)) }},
	{"any", keyrule.KindText, func(k string) slog.Attr { return slog.Any(k, struct{ V string }{tableText}) }},
	{"int", keyrule.KindNumber, func(k string) slog.Attr { return slog.Int(k, tableNumber) }},
	{"uint", keyrule.KindNumber, func(k string) slog.Attr { return slog.Uint64(k, tableNumber) }},
	{"float", keyrule.KindNumber, func(k string) slog.Attr { return slog.Float64(k, 73.41) }},
	{"duration", keyrule.KindNumber, func(k string) slog.Attr { return slog.Duration(k, 7341*time.Millisecond) }},
	{"time", keyrule.KindNumber, func(k string) slog.Attr { return slog.Time(k, time.Unix(tableNumber, 0).UTC()) }},
	{"bool", keyrule.KindBool, func(k string) slog.Attr { return slog.Bool(k, false) }},
	{"valuer", keyrule.KindNumber, func(k string) slog.Attr { return slog.Any(k, intValuer(tableNumber)) }},
}

// intValuer is a LogValuer that resolves to an int: the kind that counts is
// the resolved one.
type intValuer int

func (v intValuer) LogValue() slog.Value { return slog.IntValue(int(v)) }

// slogPlacements are the places an attribute can take in a record.
var slogPlacements = []struct {
	name string
	log  func(l *slog.Logger, a slog.Attr)
}{
	{"attr", func(l *slog.Logger, a slog.Attr) {
		l.LogAttrs(context.Background(), slog.LevelInfo, "m", slog.Int("n", 1), a)
	}},
	{"with", func(l *slog.Logger, a slog.Attr) { l.With(a).Info("m") }},
	{"group", func(l *slog.Logger, a slog.Attr) { l.Info("m", slog.Group("req", a)) }},
	{"with-group", func(l *slog.Logger, a slog.Attr) { l.WithGroup("g").Info("m", a) }},
}

// TestKeyRuleTable runs every key of keyruletest, with every kind of value,
// in every placement, through the middleware (over slog's JSON and text
// handlers), NewJSONHandler and NewTextHandler, and compares each line with
// slog's own: byte-identical to the same record when the rules leave the
// value alone (numbers stay numbers), and to the record with the value
// replaced by the redactor's replacement when they redact it.
func TestKeyRuleTable(t *testing.T) {
	r := newRedactor(t, allSecrets...)
	opts := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	for _, impl := range []struct {
		name  string
		plain func(io.Writer) slog.Handler
		hush  func(io.Writer) slog.Handler
	}{
		{"middleware-json",
			func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, opts) },
			func(w io.Writer) slog.Handler { return hushslog.NewHandler(slog.NewJSONHandler(w, opts), r) }},
		{"middleware-text",
			func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, opts) },
			func(w io.Writer) slog.Handler { return hushslog.NewHandler(slog.NewTextHandler(w, opts), r) }},
		{"json",
			func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, opts) },
			func(w io.Writer) slog.Handler { return hushslog.NewJSONHandler(w, r, opts) }},
		{"text",
			func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, opts) },
			func(w io.Writer) slog.Handler { return hushslog.NewTextHandler(w, r, opts) }},
	} {
		t.Run(impl.name, func(t *testing.T) {
			plainBuf, hushBuf := &syncBuffer{}, &syncBuffer{}
			plain, hushed := slog.New(impl.plain(plainBuf)), slog.New(impl.hush(hushBuf))
			redacted, kept, failed := 0, 0, 0
			for _, c := range keyruletest.Keys {
				for _, s := range slogShapes {
					for _, p := range slogPlacements {
						plainBuf.Reset()
						hushBuf.Reset()
						a := s.attr(c.Key)
						p.log(hushed, a)
						if c.Redacted(s.kind) {
							a = slog.String(c.Key, r.Replacement(c.Key))
							redacted++
						} else {
							kept++
						}
						p.log(plain, a)
						want, got := plainBuf.String(), hushBuf.String()
						if want != got {
							assert.Equal(t, maskTable(want), maskTable(got), "key %q (%s, want %s), %s value, %s", c.Key, c.From, c.Want, s.name, p.name)
							if failed++; failed == 20 {
								t.Fatal("stopping after 20 differences")
							}
						}
					}
				}
			}
			// Both directions were exercised.
			require.Greater(t, redacted, 1000)
			require.Greater(t, kept, 1000)
		})
	}
}

// TestKeyRuledReplacementOfScrubbedKey: a key-ruled attribute is replaced
// by the replacement rendered for its key, and the key may hold a known
// secret ("<secret>_password"). With a replacement template holding
// {hash}, a replacement rendered from the key as logged is a keyed hash of
// a text holding the secret (with the default, public hash key: anyone can
// test a guess against it). Every way, every kind of ruled value, every
// placement must render it from the scrubbed key.
func TestKeyRuledReplacementOfScrubbedKey(t *testing.T) {
	r, err := redact.New(redact.WithReplacement("[REDACTED:{hash}]"))
	require.NoError(t, err)
	require.NoError(t, r.Set(allSecrets))
	m := keyrule.New(keyrule.DefaultPatterns)
	for name, newHandler := range handlers {
		t.Run(name, func(t *testing.T) {
			for _, sec := range allSecrets {
				key := sec.Value + "_password"
				echo := []byte(r.Replacement(key))
				for _, s := range slogShapes {
					if !m.Redacts(key, s.kind) {
						continue
					}
					for _, p := range slogPlacements {
						buf := &syncBuffer{}
						p.log(slog.New(newHandler(buf, r)), s.attr(key))
						out := []byte(buf.String())
						leaktest.Check(t, allSecrets, out, name+" "+s.name+" "+p.name)
						if bytes.Contains(out, echo) {
							t.Errorf("%s value in %s: the replacement rendered from the key holding %s", s.name, p.name, sec.Name)
						}
					}
				}
			}
		})
	}
}
