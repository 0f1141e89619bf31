package redact_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/redact"
)

// escapeSecrets hold the bytes loggers escape: invalid UTF-8, C0 controls,
// DEL, NBSP and other non-ASCII, line separators.
var escapeSecrets = []redact.Secret{
	{Name: "invalid-utf8", Value: "bad\xff\xfeutf8-Kq2Lm7"},
	{Name: "controls", Value: "ctl\x00\x01\x1b[31m\x7f-Kq2Lm7"},
	{Name: "nbsp", Value: "nb\u00a0sp\u00a0Kq2Lm7"},
	{Name: "separator", Value: "Zx9\u2028Kq2\u2029Lm7"},
	{Name: "non-ascii", Value: "pässwörd-日本-🔑-Kq2"},
	{Name: "quotes", Value: `q"u'o\te\\Kq2<&>`},
	{Name: "tab", Value: "Zx9\tKq2\tLm7"},
}

// loggers write one record whose message and one field hold v, the way the
// real library does.
var loggers = map[string]func(v string) []byte{
	"zap-json": func(v string) []byte { return zapLine(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), v) },
	"zap-console": func(v string) []byte {
		return zapLine(zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()), v)
	},
	"slog-json": func(v string) []byte {
		var b bytes.Buffer
		slog.New(slog.NewJSONHandler(&b, nil)).Info(v, "v", v)
		return b.Bytes()
	},
	"slog-text": func(v string) []byte {
		var b bytes.Buffer
		slog.New(slog.NewTextHandler(&b, nil)).Info(v, "v", v)
		return b.Bytes()
	},
	"encoding/json": func(v string) []byte {
		b, _ := json.Marshal(map[string]string{"v": v})
		return b
	},
	"fmt-%q":  func(v string) []byte { return fmt.Appendf(nil, "v=%q\n", v) },
	"fmt-%+q": func(v string) []byte { return fmt.Appendf(nil, "v=%+q\n", v) },
}

func zapLine(enc zapcore.Encoder, v string) []byte {
	var b bytes.Buffer
	core := zapcore.NewCore(enc, zapcore.AddSync(&b), zapcore.DebugLevel)
	zap.New(core).Info(v, zap.String("v", v), zap.ByteString("b", []byte(v)))
	return b.Bytes()
}

var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// decodedStrings returns the standard decodes of a log line: the line
// itself, every quoted string in it unquoted by strconv, and every JSON
// string in it.
func decodedStrings(line []byte) []string {
	out := []string{string(line)}
	for _, q := range quoted.FindAll(line, -1) {
		if s, err := strconv.Unquote(string(q)); err == nil {
			out = append(out, s)
		}
		var s string
		if json.Unmarshal(q, &s) == nil {
			out = append(out, s)
		}
	}
	return out
}

// TestLoggerEscapes logs every escape secret with the real zap, slog,
// encoding/json and fmt, scrubs the output, and checks that neither the
// secret nor the form encoders make of it (invalid bytes as U+FFFD) is in
// the output or in any standard decode of it.
func TestLoggerEscapes(t *testing.T) {
	r := newRedactor(t, escapeSecrets)
	for name, log := range loggers {
		for _, s := range escapeSecrets {
			out := r.Scrub(nil, log(s.Value))
			forms := []string{s.Value, strings.ToValidUTF8(s.Value, "\uFFFD"), replaceInvalid(s.Value)}
			for _, d := range decodedStrings(out) {
				for _, f := range forms {
					if strings.Contains(d, f) {
						t.Errorf("%s: secret %s survives scrubbing (seen after decoding the output)", name, s.Name)
					}
				}
			}
			if !bytes.Contains(out, []byte(r.Replacement(s.Name))) {
				t.Errorf("%s: secret %s: no redaction in the output", name, s.Name)
			}
		}
	}
}

func replaceInvalid(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r)
		i += n
	}
	return b.String()
}
