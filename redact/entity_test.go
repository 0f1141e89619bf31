package redact_test

import (
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hushlog/hush/redact"
)

// entityForms are the character-reference escapers that write more than
// the five XML characters as references, each in the context a service
// prints it.
var entityForms = map[string]func(v string) string{
	// .NET System.Text.Encodings.Web.HtmlEncoder.Default: '+', the XML
	// characters and every non-ASCII character as &#xHH;.
	"dotnet HtmlEncoder": func(v string) string { return "<td>" + refs(v, netUnsafe, "&#x%X;") + "</td>" },
	// .NET WebUtility.HtmlEncode: U+00A0-U+00FF as &#DDD;.
	"dotnet WebUtility": func(v string) string { return "<p>" + refs(v, latin1, "&#%d;") + "</p>" },
	// OWASP/ESAPI-style encoders: every character but letters and digits.
	"every non-alphanumeric, decimal": func(v string) string { return `value="` + refs(v, notAlnum, "&#%d;") + `"` },
	"every non-alphanumeric, hex":     func(v string) string { return `value="` + refs(v, notAlnum, "&#x%x;") + `"` },
	"every character, upper X":        func(v string) string { return "x " + refs(v, func(rune) bool { return true }, "&#X%X;") + " y" },
	// Apache Commons escapeHtml4: Latin-1 by name.
	"commons escapeHtml4": func(v string) string { return "<b>" + named(v) + "</b>" },
	// References inside other escapings.
	"references then url-escaped": func(v string) string { return "q=" + url.QueryEscape(refs(v, notAlnum, "&#%d;")) + "&z=1" },
	"references in a JSON string": func(v string) string {
		return `{"html":"` + jsonString(refs(v, notAlnum, "&#x%x;"), false, true) + `"}`
	},
	"json then references": func(v string) string {
		return "<pre>" + html.EscapeString(`{"pw":"`+jsonString(v, true, true)+`"}`) + "</pre>"
	},
	// Rust's Debug, JavaScript's \u{...}.
	"rust debug braces": func(v string) string { return `secret: "` + braces(v, notAlnum) + `"` },
	// strace, C, PostgreSQL bytea: bytes as octal.
	"octal bytes": func(v string) string {
		var b strings.Builder
		for i := 0; i < len(v); i++ {
			if notAlnum(rune(v[i])) {
				fmt.Fprintf(&b, `\%03o`, v[i])
			} else {
				b.WriteByte(v[i])
			}
		}
		return `write(3, "` + b.String() + `", 64) = 64`
	},
}

func netUnsafe(r rune) bool { return r >= 0x80 || strings.ContainsRune(`+<>&'"`, r) }
func latin1(r rune) bool    { return r >= 0xA0 && r <= 0xFF || strings.ContainsRune(`<>&'"`, r) }
func notAlnum(r rune) bool {
	return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
}

func refs(v string, escape func(rune) bool, format string) string {
	var b strings.Builder
	for _, r := range v {
		if escape(r) {
			fmt.Fprintf(&b, format, r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func named(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r >= 0xA0 && r <= 0xFF:
			b.WriteString(latin1Name[r-0xA0])
		case strings.ContainsRune(`<>&"`, r):
			b.WriteString(html.EscapeString(string(r)))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func braces(v string, escape func(rune) bool) string {
	var b strings.Builder
	for _, r := range v {
		if escape(r) {
			fmt.Fprintf(&b, `\u{%x}`, r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// latin1Name is escapeHtml4's reference for U+00A0 to U+00FF: the names
// come from html.UnescapeString's own table, so the test does not repeat
// the package's list.
var latin1Name = func() (names [96]string) {
	for _, n := range strings.Fields(`nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr
		deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest
		Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml
		ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig
		agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml
		eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml`) {
		ref := "&" + n + ";"
		r, size := utf8.DecodeRuneInString(html.UnescapeString(ref))
		if size == 0 || r < 0xA0 || r > 0xFF {
			panic("not a Latin-1 entity: " + n)
		}
		names[r-0xA0] = ref
	}
	return names
}()

var entitySecrets = []redact.Secret{
	{Name: "base64ish", Value: "Zx9+Kq2/Lm7+Pv4=Rt8W"},
	{Name: "latin1", Value: "pässwörd-Kq2Lm7-ÿ¡"},
	{Name: "unicode", Value: "日本-Kq2Lm7Pv4/Rt8W🔑"},
	{Name: "specials", Value: `p@ss/w+rd=1&x<y>"Kq2`},
}

// TestCharacterReferences: a secret written with character references by
// any encoder (numeric, decimal or hex in either case, named Latin-1,
// inside URL or JSON escaping, and Rust's \u{...}) is redacted whole and
// nothing around it changes.
func TestCharacterReferences(t *testing.T) {
	r := newRedactor(t, entitySecrets)
	for name, enc := range entityForms {
		for _, s := range entitySecrets {
			form := enc(s.Value)
			const before, after = "2026-12-02 level=info body=", " done\n"
			out := r.ScrubString(before + form + after)
			if !strings.HasPrefix(out, before) || !strings.HasSuffix(out, after) {
				t.Errorf("%s of %s: bytes around the form changed", name, s.Name)
			}
			if !strings.Contains(out, r.Replacement(s.Name)) {
				t.Errorf("%s of %s: nothing redacted", name, s.Name)
			}
			if leakedEntities(out, s.Value) {
				t.Errorf("%s of %s: the secret survives a decode of the output", name, s.Name)
			}
		}
	}
}

// leakedEntities reports whether v is in out after the standard decodes
// and character references undone, up to three levels.
func leakedEntities(out, v string) bool {
	level := []string{out}
	for range 3 {
		var next []string
		for _, s := range level {
			if leakedDeep(s, v) {
				return true
			}
			if u := html.UnescapeString(s); u != s {
				next = append(next, u)
			}
			if u, err := url.QueryUnescape(s); err == nil && u != s {
				next = append(next, u)
			}
			if u := unbrace(s); u != s {
				next = append(next, u)
			}
			if u := unescapeLenient(s); u != s {
				next = append(next, u)
			}
		}
		level = next
	}
	return false
}

func unbrace(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, `\u{`)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		var r rune
		if j < 0 || func() bool { _, err := fmt.Sscanf(s[i+3:i+j], "%x", &r); return err != nil }() {
			b.WriteString(s[:i+3])
			s = s[i+3:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteRune(r)
		s = s[i+j+1:]
	}
}

// TestCharacterReferencesNearMisses: text with '&' that begins no
// reference a decoder would read (no ';', an unknown name, out of range)
// passes unchanged, and so does the form of a secret cut short.
func TestCharacterReferencesNearMisses(t *testing.T) {
	r := newRedactor(t, entitySecrets)
	for i, text := range []string{
		"GET /a?x=1&y=2&z=&#&#x;&#;&amp &lt",
		"&#x110000; &#0; &#xD800; &#99999999; &foo; &AUML; &#x2Bx",
		"tom & jerry &&& &#x2B &#43 " + refs("Zx9+Kq2/Lm7+Pv4=Rt", notAlnum, "&#%d;"),
		`\u{} \u{110000} \u{1234567} \u{zz} \u{41`,
		`C:\2024\logs\377x \400 \08 \7 \1`,
	} {
		if out := r.ScrubString(text); out != text {
			// Not the text: one holds a secret's form cut short.
			t.Errorf("near miss %d (%d bytes) changed (output %d bytes)", i, len(text), len(out))
		}
	}
}

// TestCharacterReferenceStreaming: the streaming Writer agrees with
// one-shot scrubbing on every reference form in writes of several sizes.
func TestCharacterReferenceStreaming(t *testing.T) {
	r := newRedactor(t, entitySecrets)
	for name, enc := range entityForms {
		for _, s := range entitySecrets {
			text := []byte("at " + enc(s.Value) + " end\nnext line\n")
			want := r.Scrub(nil, text)
			for _, size := range []int{1, 7, 100} {
				var parts [][]byte
				for i := 0; i < len(text); i += size {
					parts = append(parts, text[i:min(i+size, len(text))])
				}
				if got := streamed(t, r, parts...); string(got) != string(want) {
					t.Errorf("%s of %s in writes of %d: streaming differs from one-shot", name, s.Name, size)
				}
			}
		}
	}
}

// unescapeLenient undoes \uXXXX, octal \NNN and \" \\ \/ wherever they are, leaving
// anything else as it is (a JSON document's strings, without parsing it).
func unescapeLenient(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch c := s[i+1]; {
		case c == 'u' && i+6 <= len(s):
			var r rune
			if _, err := fmt.Sscanf(s[i+2:i+6], "%04x", &r); err == nil {
				b.WriteRune(r)
				i += 5
				continue
			}
		case '0' <= c && c <= '3' && i+4 <= len(s) && strings.Trim(s[i+2:i+4], "01234567") == "":
			b.WriteByte((c-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		case c == '"' || c == '\\' || c == '/':
			b.WriteByte(c)
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// TestCharacterReferenceTokenStreams: a detected token whose context is
// written with character references (a URL's scheme://user: as &#x3A;&#x2F;)
// is found by a stream in writes of one byte as by one-shot scrubbing.
func TestCharacterReferenceTokenStreams(t *testing.T) {
	r, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{
		"<a href=\"postgres&#x3A;&#x2F;&#x2F;app&#x3A;Zq8rT2vLx9s3cr3t&#x40;db.internal\">db</a>\n",
		"dsn=redis&#58;&#47;&#47;cache&#58;Wq8JZq8rT2vLx9s&#64;10.0.0.7 next\n",
	} {
		want := r.ScrubString(text)
		if want == text {
			t.Fatalf("case %d: one-shot scrubbing found nothing", i)
		}
		var parts [][]byte
		for k := range len(text) {
			parts = append(parts, []byte(text[k:k+1]))
		}
		if got := streamed(t, r, parts...); string(got) != want {
			t.Errorf("case %d: writes of one byte differ from one-shot (output %d bytes, want %d)", i, len(got), len(want))
		}
	}
}
