package redact_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/hushlog/hush/redact"
)

// moreEscapers are default escapers of mainstream languages that the
// survey (testdata/encoders) did not run, written here after their
// documentation and source: what a producer writes when it prints a
// string value "for debugging" or quotes it for another syntax.
var moreEscapers = map[string]func(string) string{
	// Perl's Data::Dumper with $Useqq = 1 (qquote): \ " $ @ escaped,
	// named control escapes, other controls in octal, every character
	// above 0x7E as \x{HEX}.
	"perl/Data::Dumper-Useqq": func(v string) string {
		var b strings.Builder
		for _, r := range v {
			switch {
			case r == '\\' || r == '"' || r == '$' || r == '@':
				b.WriteString(`\` + string(r))
			case r == '\n':
				b.WriteString(`\n`)
			case r == '\r':
				b.WriteString(`\r`)
			case r == '\t':
				b.WriteString(`\t`)
			case r == '\f':
				b.WriteString(`\f`)
			case r == '\b':
				b.WriteString(`\b`)
			case r == '\a':
				b.WriteString(`\a`)
			case r == 0x1b:
				b.WriteString(`\e`)
			case r < 0x20 || r == 0x7f:
				fmt.Fprintf(&b, `\%03o`, r)
			case r > 0x7e:
				fmt.Fprintf(&b, `\x{%x}`, r)
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	},
	// Perl's charnames style, \N{U+HEX}, for every non-ASCII character.
	"perl/N{U+}": func(v string) string {
		var b strings.Builder
		for _, r := range v {
			if r > 0x7e {
				fmt.Fprintf(&b, `\N{U+%X}`, r)
			} else {
				b.WriteRune(r)
			}
		}
		return b.String()
	},
	// PyYAML's double-quoted scalars (allow_unicode off, the default):
	// \xHH up to U+00FF (a code point), \uXXXX, \UXXXXXXXX, and the YAML
	// escapes \0 \a \b \t \n \v \f \r \e \" \\ \N (NEL) \_ (NBSP) \L \P.
	"python/yaml.dump-double-quoted": func(v string) string {
		var b strings.Builder
		named := map[rune]string{0: `\0`, 7: `\a`, 8: `\b`, 9: `\t`, 10: `\n`, 11: `\v`, 12: `\f`, 13: `\r`, 27: `\e`,
			'"': `\"`, '\\': `\\`, 0x85: `\N`, 0xa0: `\_`, 0x2028: `\L`, 0x2029: `\P`}
		for _, r := range v {
			switch {
			case named[r] != "":
				b.WriteString(named[r])
			case r >= 0x20 && r < 0x7f:
				b.WriteRune(r)
			case r <= 0xff:
				fmt.Fprintf(&b, `\x%02X`, r)
			case r <= 0xffff:
				fmt.Fprintf(&b, `\u%04X`, r)
			default:
				fmt.Fprintf(&b, `\U%08X`, r)
			}
		}
		return b.String()
	},
	// Ruby's String#inspect: \" \\ and "#" before "{", "$" or "@"
	// escaped, named control escapes (\e too), other controls as \uXXXX
	// (\x7F for DEL), printable non-ASCII kept, separators as \u2028.
	"ruby/String#inspect": func(v string) string {
		var b strings.Builder
		rs := []rune(v)
		for i, r := range rs {
			switch {
			case r == '"' || r == '\\':
				b.WriteString(`\` + string(r))
			case r == '#' && i+1 < len(rs) && strings.ContainsRune("{$@", rs[i+1]):
				b.WriteString(`\#`)
			case r == '\n':
				b.WriteString(`\n`)
			case r == '\t':
				b.WriteString(`\t`)
			case r == '\r':
				b.WriteString(`\r`)
			case r == 0x1b:
				b.WriteString(`\e`)
			case r == 0x7f:
				b.WriteString(`\x7F`)
			case r < 0x20 || r == 0x2028 || r == 0x2029:
				fmt.Fprintf(&b, `\u%04X`, r)
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	},
	// bash's printf %q (and ${var@Q}'s backslash style) for printable
	// text: a backslash before every shell metacharacter and space.
	"bash/printf-%q": func(v string) string {
		var b strings.Builder
		for _, r := range v {
			if strings.ContainsRune(" !\"#$&'()*,;<=>?[\\]^`{|}~", r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		return b.String()
	},
	// Go's regexp.QuoteMeta (a secret in a logged pattern).
	"go/regexp.QuoteMeta": func(v string) string {
		var b strings.Builder
		for _, r := range v {
			if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		return b.String()
	},
	// JavaScript's escape() (deprecated, still in use): %XX for U+0000
	// to U+00FF, %uXXXX above (UTF-16 code units), A-Z a-z 0-9 @*_+-./
	// kept.
	"js/escape": jsEscape,
}

func jsEscape(v string) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(v)) {
		switch {
		case u < 0x80 && ('a' <= u && u <= 'z' || 'A' <= u && u <= 'Z' || '0' <= u && u <= '9' || strings.ContainsRune("@*_+-./", rune(u))):
			b.WriteByte(byte(u))
		case u <= 0xff:
			fmt.Fprintf(&b, "%%%02X", u)
		default:
			fmt.Fprintf(&b, "%%u%04X", u)
		}
	}
	return b.String()
}

// TestMoreEscapers checks every secret of the survey in every form of
// moreEscapers: embedded in a log line, the whole form is redacted and
// nothing around it changes.
func TestMoreEscapers(t *testing.T) {
	secrets := loadEncoderSecrets(t)
	r := newRedactor(t, secrets)
	var failed []string
	for name, enc := range moreEscapers {
		for _, s := range secrets {
			line := "at k=" + enc(s.Value) + " end\n"
			want := "at k=" + r.Replacement(s.Name) + " end\n"
			if got := r.ScrubString(line); got != want {
				failed = append(failed, name+" of "+s.Name)
			}
		}
	}
	if len(failed) > 0 {
		t.Errorf("%d encodings not redacted whole:\n%s", len(failed), strings.Join(failed, "\n"))
	}
}

// TestSecretStartingWithAnEscapedQuote: a value that begins with a
// character JSON escapes (a quote, a slash as PHP writes it), in a JSON
// line scrubbed with Scrub (the CLI on a log file), is replaced with its
// escape: the line stays valid JSON. A value that begins with punctuation
// only other languages escape (bash's \[, Perl's \$) leaves the backslash,
// which may be the text's own (C:\keys\[...]).
func TestSecretStartingWithAnEscapedQuote(t *testing.T) {
	secrets := []redact.Secret{{Name: "quote", Value: `"Kq2Lm7Pv4Zx9`}, {Name: "slash", Value: "/Kq2Lm7Pv4Zx9"}, {Name: "bracket", Value: "[Kq2Lm7Pv4Zx9]"}}
	r := newRedactor(t, secrets)
	for _, s := range secrets {
		b, _ := json.Marshal(map[string]string{"msg": "x" + s.Value})
		line := strings.ReplaceAll(string(b), "/", `\/`)
		out := r.ScrubString(line)
		if !json.Valid([]byte(out)) || strings.Contains(out, "Kq2Lm7") {
			t.Errorf("%s: the scrubbed JSON line is not valid JSON or holds the value (%d bytes)", s.Name, len(out))
		}
	}
	text := `C:\keys\[Kq2Lm7Pv4Zx9].pfx`
	if got, want := r.ScrubString(text), `C:\keys\[REDACTED:bracket].pfx`; got != want {
		t.Errorf("a backslash before a secret that starts with punctuation: got %q, want %q", hide(got, secrets...), want)
	}
}
