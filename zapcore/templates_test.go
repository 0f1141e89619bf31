package hushzap_test

import (
	"fmt"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/redact"

	hushzap "github.com/hushlog/hush/zapcore"
)

// templateCores are the cores that judge an entry against a clean entry of
// its shape (internal/templates): NewCore (slotted by the log call's
// fields) and a core writing to NewWriteSyncer (slotted by the entry's
// bytes).
var templateCores = []struct {
	name string
	new  func(enc zapcore.Encoder, ws zapcore.WriteSyncer, r *redact.Redactor) zapcore.Core
}{
	{"NewCore", func(enc zapcore.Encoder, ws zapcore.WriteSyncer, r *redact.Redactor) zapcore.Core {
		return hushzap.NewCore(enc, ws, zap.DebugLevel, r)
	}},
	{"NewWriteSyncer", func(enc zapcore.Encoder, ws zapcore.WriteSyncer, r *redact.Redactor) zapcore.Core {
		return zapcore.NewCore(enc, hushzap.NewWriteSyncer(ws, r), zap.DebugLevel)
	}},
}

// TestCoreTemplateStraddling: NewCore and NewWriteSyncer search the index
// only around the bytes where an entry differs from a clean entry of the
// same call site (internal/templates). A secret whose bytes lie mostly in what the entry shares
// with the template, the encoder's constant bytes included (the end of the
// message, a key and its punctuation, the start of a value), is still
// redacted when the entry differs from the template in one byte of it, at
// either end, and when the secret is all in a key; so is one the template
// had a byte more of.
func TestCoreTemplateStraddling(t *testing.T) {
	const head, tail = "Zq8Wm3xP", "Kd7Rv2Lp9T"
	// The message's end, the key "user" with the encoder's punctuation,
	// and the start of the field's value.
	straddling := head + `","user":"` + tail
	keyed := "k9Vx2Rm7Lq4Tz8Wp"
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
	for _, core := range templateCores {
		for _, tc := range cases {
			t.Run(core.name+"/"+tc.name, func(t *testing.T) {
				secret := redact.Secret{Name: "straddling", Value: tc.secret}
				r := newRedactor(t, secret)
				out := &syncBuffer{}
				// No timestamp: the entries differ only where the case
				// says, so the window around the difference is all the
				// index reads.
				ec := zap.NewProductionEncoderConfig()
				ec.TimeKey = ""
				logger := zap.New(core.new(zapcore.NewJSONEncoder(ec), out, r))
				// Clean entries of the call site first: the template.
				for range 3 {
					logger.Info(tc.cleanMsg, zap.String(tc.cleanKey, tc.cleanVal), zap.Int("n", 1))
				}
				if got := out.String(); strings.Contains(got, "[REDACTED") {
					t.Fatalf("the clean entries were redacted")
				}
				logger.Info(tc.msg, zap.String(tc.key, tc.val), zap.Int("n", 1))
				lines := out.Lines()
				last := lines[len(lines)-1]
				assertNoLeak(t, last, secret)
				assertRedacted(t, last, "straddling")
			})
		}
	}
}

// TestCoreTemplateManyShapes: entries of many shapes through one core and
// its clones, each shape clean many times and then with a secret in a
// field: every dirty entry is redacted, whatever template its slot holds.
func TestCoreTemplateManyShapes(t *testing.T) {
	for _, core := range templateCores {
		t.Run(core.name, func(t *testing.T) { testCoreTemplateManyShapes(t, core.new) })
	}
}

func testCoreTemplateManyShapes(t *testing.T, newCore func(zapcore.Encoder, zapcore.WriteSyncer, *redact.Redactor) zapcore.Core) {
	r := newRedactor(t, secretDB)
	out := &syncBuffer{}
	logger := zap.New(newCore(productionEncoder(), out, r))
	for round := range 40 {
		for shape := range 24 {
			l := logger
			if shape%3 == 0 {
				l = logger.With(zap.Int("shape", shape))
			}
			fields := make([]zap.Field, 0, shape%5+1)
			for k := range shape%5 + 1 {
				fields = append(fields, zap.String(fmt.Sprintf("k%d", k), fmt.Sprintf("value %d of %d", k, round)))
			}
			if round%7 == 6 {
				fields[len(fields)-1] = zap.String("dsn", "postgres://app:"+secretDB.Value+"@db")
			}
			l.Info(fmt.Sprintf("message %d", shape), fields...)
			lines := out.Lines()
			last := lines[len(lines)-1]
			assertNoLeak(t, last, secretDB)
			if round%7 == 6 {
				assertRedacted(t, last, secretDB.Name)
			}
		}
	}
}
