package redact_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/hushlog/hush/redact"
)

// toLatin1 is v in ISO 8859-1 (every rune of v fits).
func toLatin1(v string) string {
	b := make([]byte, 0, len(v))
	for _, r := range v {
		b = append(b, byte(r))
	}
	return string(b)
}

// latin1Producers write a value the way producers that encode text as ISO
// 8859-1 do: Java or Python writing a latin-1 file, old PHP, and what
// they escape it as.
var latin1Producers = map[string]func(v string) string{
	"latin-1 bytes": toLatin1,
	// PHP's urlencode of a latin-1 string: bytes percent-encoded, space
	// as "+".
	"php urlencode": func(v string) string {
		var b strings.Builder
		for _, c := range []byte(toLatin1(v)) {
			switch {
			case c == ' ':
				b.WriteByte('+')
			case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.", c) >= 0:
				b.WriteByte(c)
			default:
				fmt.Fprintf(&b, "%%%02X", c)
			}
		}
		return b.String()
	},
	// Python's repr of the latin-1 bytes: b'p\xe4ssw\xf6rd'.
	"python bytes repr": func(v string) string {
		var b strings.Builder
		b.WriteString("b'")
		for _, c := range []byte(toLatin1(v)) {
			switch {
			case c == '\\' || c == '\'':
				b.WriteString(`\` + string(c))
			case c >= 0x20 && c < 0x7f:
				b.WriteByte(c)
			default:
				fmt.Fprintf(&b, `\x%02x`, c)
			}
		}
		b.WriteString("'")
		return b.String()
	},
}

// TestLatin1Form checks values with non-ASCII Latin-1 letters written by
// producers that encode text as ISO 8859-1, in Latin-1 text around them:
// each is redacted whole and no other byte changes.
func TestLatin1Form(t *testing.T) {
	secrets := []redact.Secret{
		{Name: "umlaut", Value: "pässwörd-Kq2Lm7"},
		{Name: "mixed", Value: "Grüße-Ñandú-2024"},
		{Name: "space", Value: "café+crème brûlée 9"},
		{Name: "symbols", Value: "ÿ-µ-©-Kq2Lm7Pv"},
	}
	r := newRedactor(t, secrets)
	head, tail := toLatin1("Größe: « "), toLatin1(" » Ende\n")
	for _, s := range secrets {
		for name, enc := range latin1Producers {
			form := enc(s.Value)
			out := r.ScrubString(head + form + tail)
			if want := head + r.Replacement(s.Name) + tail; out != want && !(strings.HasPrefix(name, "python") && out == head+"b'"+r.Replacement(s.Name)+"'"+tail) {
				t.Errorf("%s as %s: got %d bytes, want the form alone replaced (%d bytes)", s.Name, name, len(out), len(want))
			}
			if strings.Contains(out, toLatin1(s.Value)) || strings.Contains(out, form[min(2, len(form)):]) {
				t.Errorf("%s as %s: the form survives", s.Name, name)
			}
		}
	}
}

// TestLatin1FormCost checks that only a value with a non-ASCII rune that
// fits Latin-1 gets the form: an ASCII value, or one with a rune beyond
// U+00FF, has the same patterns as without it.
func TestLatin1FormCost(t *testing.T) {
	patterns := func(v string) int {
		// Without the url family, whose quoted-printable form every
		// non-ASCII value has.
		r := newRedactor(t, []redact.Secret{{Name: "s", Value: v}}, redact.WithEncodings(redact.JSON|redact.Base64|redact.Hex|redact.HTML|redact.Shell))
		return r.Stats().Patterns
	}
	// The same bytes' shape: "ä" and "日" are both non-ASCII; only "ä"
	// fits Latin-1. "aa" and "ä" are two bytes of UTF-8 each.
	ascii, wide, latin := patterns("Kq2Lm7Pv-aa-x"), patterns("Kq2Lm7Pv-日-x"), patterns("Kq2Lm7Pv-ä-x")
	if latin != ascii+1 || wide != ascii {
		t.Errorf("patterns: ascii %d, beyond latin-1 %d, latin-1 %d; want n, n, n+1", ascii, wide, latin)
	}
	r := newRedactor(t, []redact.Secret{{Name: "s", Value: "Kq2Lm7Pv-ä-x"}})
	if !r.Contains([]byte(toLatin1("Kq2Lm7Pv-ä-x"))) || r.Contains(bytes.Repeat([]byte{0xe4}, 20)) {
		t.Error("the latin-1 form is not exactly indexed")
	}
}
