package leaktest

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// decoded is one standard decode of a text.
type decoded struct {
	name string
	text []byte
}

// minEncodedRun is the shortest base64 or hex run worth decoding: the
// encoding of a value of minFormLen bytes is longer.
const minEncodedRun = 10

// decodes returns every standard decode of text that differs from it.
// Decoders are lenient: what does not decode is kept as it is (percent,
// escapes, entities) or skipped (base64 and hex runs), so one malformed
// sequence never hides the rest.
func decodes(text []byte) []decoded {
	var out []decoded
	add := func(name string, b []byte) {
		if len(b) > 0 && string(b) != string(text) {
			out = append(out, decoded{name, b})
		}
	}
	add("percent", percentDecode(text, false))
	add("percent+", percentDecode(text, true))
	if bytes.Contains(text, []byte("%u")) {
		// JavaScript's escape(): %XX is the code point U+00XX.
		add("js-unescape", jsUnescape(text))
	}
	add("unescape", unescape(text, false))
	add("unescape-py", unescape(text, true))
	add("quoted-printable", qpDecode(text))
	if !utf8.Valid(text) {
		// Text written as ISO 8859-1.
		add("latin-1", latin1Decode(text))
	}
	add("html", []byte(html.UnescapeString(string(text))))
	for _, alpha := range []struct {
		name string
		enc  *base64.Encoding
		is   func(byte) bool
	}{
		{"base64-std", base64.RawStdEncoding, isStdBase64},
		{"base64-url", base64.RawURLEncoding, isURLBase64},
	} {
		runs := runsOf(text, alpha.is, true)
		for k := range 4 {
			var b []byte
			for _, r := range runs {
				if k >= len(r) {
					continue
				}
				r = r[k:]
				if len(r)%4 == 1 {
					r = r[:len(r)-1] // a lone character holds no byte
				}
				d, err := alpha.enc.DecodeString(string(r))
				if err == nil && textual(d) {
					b = append(append(b, d...), '\n')
				}
			}
			add(fmt.Sprintf("%s@%d", alpha.name, k), b)
		}
	}
	for _, alpha := range []struct {
		name string
		enc  *base32.Encoding
		is   func(byte) bool
	}{
		{"base32-std", base32.StdEncoding.WithPadding(base32.NoPadding), isStdBase32},
		{"base32-hex", base32.HexEncoding.WithPadding(base32.NoPadding), isHexBase32},
	} {
		runs := runsOf(text, alpha.is, true)
		for k := range 8 {
			var b []byte
			for _, r := range runs {
				if k >= len(r) {
					continue
				}
				r = r[k:]
				for len(r)%8 == 1 || len(r)%8 == 3 || len(r)%8 == 6 {
					r = r[:len(r)-1] // no whole byte in the last characters
				}
				d, err := alpha.enc.DecodeString(r)
				if err == nil && textual(d) {
					b = append(append(b, d...), '\n')
				}
			}
			add(fmt.Sprintf("%s@%d", alpha.name, k), b)
		}
	}
	runs := runsOf(text, isHex, false)
	for k := range 2 {
		var b []byte
		for _, r := range runs {
			if k >= len(r) {
				continue
			}
			r = r[k:]
			r = r[:len(r)-len(r)%2]
			d, err := hex.DecodeString(string(r))
			if err == nil && textual(d) {
				b = append(append(b, d...), '\n')
			}
		}
		add(fmt.Sprintf("hex@%d", k), b)
	}
	return out
}

// textual reports whether a decoded run is text (valid UTF-8, at most one
// byte in ten a control character): what a secret, or something wrapping
// one (user:password, a JSON document, a URL), decodes to. Runs that merely
// happen to be in the alphabet (words, hex ids) decode to binary noise,
// which is dropped rather than searched again.
func textual(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f {
			ctl++
		}
	}
	return ctl*10 <= len(b)
}

func isStdBase64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/'
}

func isURLBase64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

func isStdBase32(c byte) bool { return 'A' <= c && c <= 'Z' || '2' <= c && c <= '7' }

func isHexBase32(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'V' }

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// runsOf returns the maximal runs of bytes in the alphabet, at least
// minEncodedRun long. With wrapped set, a run continues across a line break
// (MIME, PEM and the base64 command wrap at 64 or 76 columns), and the
// breaks are dropped; padding ends a run.
func runsOf(text []byte, in func(byte) bool, wrapped bool) []string {
	var runs []string
	var cur []byte
	flush := func() {
		if len(cur) >= minEncodedRun {
			runs = append(runs, string(cur))
		}
		cur = cur[:0]
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case in(c):
			cur = append(cur, c)
		case wrapped && len(cur) > 0 && (c == '\n' || c == '\r') && i+1 < len(text) && (in(text[i+1]) || text[i+1] == '\n'):
			// a line break inside a wrapped run
		default:
			flush()
		}
	}
	flush()
	return runs
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// percentDecode decodes every valid %XX; with plus, "+" is a space (form
// encoding).
func percentDecode(text []byte, plus bool) []byte {
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '%' && i+2 < len(text) {
			h, ok1 := unhex(text[i+1])
			l, ok2 := unhex(text[i+2])
			if ok1 && ok2 {
				out = append(out, h<<4|l)
				i += 2
				continue
			}
		}
		if c == '+' && plus {
			c = ' '
		}
		out = append(out, c)
	}
	return out
}

// simpleEscapes maps the byte after a backslash to what it stands for:
// C's and JSON's escapes, \e, and punctuation or a space escaped as itself
// (Perl's \$ \@, Ruby's \#, bash's printf %q, regexp.QuoteMeta).
var simpleEscapes = func() map[byte]byte {
	m := map[byte]byte{'n': '\n', 'r': '\r', 't': '\t', 'b': '\b', 'f': '\f', 'v': '\v', 'a': '\a', 'e': 0x1b}
	for _, c := range []byte(" !\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~") {
		m[c] = c
	}
	return m
}()

// yamlEscapes are YAML's escapes of characters beyond ASCII.
var yamlEscapes = map[byte]rune{'_': 0xa0, 'N': 0x85, 'L': 0x2028, 'P': 0x2029}

// jsUnescape decodes %XX as the code point U+00XX and %uXXXX as a UTF-16
// code unit (surrogate pairs joined), as JavaScript's unescape() does.
func jsUnescape(text []byte) []byte {
	var units []uint16
	out := make([]byte, 0, len(text))
	flush := func() {
		out = append(out, string(utf16.Decode(units))...)
		units = units[:0]
	}
	for i := 0; i < len(text); i++ {
		if text[i] == '%' && i+5 < len(text) && text[i+1] == 'u' {
			if v, err := strconv.ParseUint(string(text[i+2:i+6]), 16, 16); err == nil {
				units = append(units, uint16(v))
				i += 5
				continue
			}
		}
		if text[i] == '%' && i+2 < len(text) {
			if v, err := strconv.ParseUint(string(text[i+1:i+3]), 16, 8); err == nil {
				units = append(units, uint16(v))
				i += 2
				continue
			}
		}
		flush()
		out = append(out, text[i])
	}
	flush()
	return out
}

// qpDecode undoes quoted-printable: =XX in either case, and soft line
// breaks ("=" at the end of a line) removed.
func qpDecode(text []byte) []byte {
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		if text[i] == '=' {
			if i+2 < len(text) && text[i+1] == '\r' && text[i+2] == '\n' {
				i += 2
				continue
			}
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
				continue
			}
			if i+2 < len(text) {
				h, ok1 := unhex(text[i+1])
				l, ok2 := unhex(text[i+2])
				if ok1 && ok2 {
					out = append(out, h<<4|l)
					i += 2
					continue
				}
			}
		}
		out = append(out, text[i])
	}
	return out
}

// latin1Decode reads text as ISO 8859-1.
func latin1Decode(text []byte) []byte {
	out := make([]byte, 0, 2*len(text))
	for _, c := range text {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}

// unescape decodes the backslash escapes of JSON and Go string literals
// (\" \\ \/ \n \r \t \b \f \v \a \' \xHH \uXXXX with surrogate pairs,
// \u{H...}, \UXXXXXXXX and octal \NNN) wherever they occur; anything else is kept.
//
// \x{H...} (Perl) and \N{U+H...} are code points, as are YAML's \_ \N \L
// \P; \xHH is a byte, or with py the code point U+00HH (Python's str).
func unescape(text []byte, py bool) []byte {
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '\\' || i+1 == len(text) {
			out = append(out, c)
			continue
		}
		n := text[i+1]
		if r, ok := simpleEscapes[n]; ok {
			out = append(out, r)
			i++
			continue
		}
		if (n == 'x' || n == 'N') && i+3 < len(text) && text[i+2] == '{' {
			digits := i + 3
			if n == 'N' && bytes.HasPrefix(text[digits:], []byte("U+")) {
				digits += 2
			}
			if j := bytes.IndexByte(text[digits:min(len(text), digits+9)], '}'); j > 0 {
				if v, err := strconv.ParseUint(string(text[digits:digits+j]), 16, 32); err == nil && v <= utf8.MaxRune {
					out = utf8.AppendRune(out, rune(v))
					i = digits + j
					continue
				}
			}
		}
		if r, ok := yamlEscapes[n]; ok && !(n == 'N' && i+2 < len(text) && text[i+2] == '{') {
			out = utf8.AppendRune(out, r)
			i++
			continue
		}
		switch {
		case n == 'x' && i+3 < len(text):
			if v, err := strconv.ParseUint(string(text[i+2:i+4]), 16, 8); err == nil {
				if py {
					out = utf8.AppendRune(out, rune(v))
				} else {
					out = append(out, byte(v))
				}
				i += 3
				continue
			}
		case n == 'u' && i+3 < len(text) && text[i+2] == '{':
			if j := bytes.IndexByte(text[i+3:min(len(text), i+10)], '}'); j > 0 {
				if v, err := strconv.ParseUint(string(text[i+3:i+3+j]), 16, 32); err == nil && v <= utf8.MaxRune {
					out = utf8.AppendRune(out, rune(v))
					i += 3 + j
					continue
				}
			}
		case n == 'u' && i+5 < len(text):
			if v, err := strconv.ParseUint(string(text[i+2:i+6]), 16, 16); err == nil {
				r := rune(v)
				i += 5
				if 0xD800 <= r && r < 0xDC00 && i+6 < len(text) && text[i+1] == '\\' && text[i+2] == 'u' {
					if lo, err := strconv.ParseUint(string(text[i+3:i+7]), 16, 16); err == nil && 0xDC00 <= lo && lo < 0xE000 {
						r = 0x10000 + (r-0xD800)<<10 + (rune(lo) - 0xDC00)
						i += 6
					}
				}
				out = utf8.AppendRune(out, r)
				continue
			}
		case n == 'U' && i+9 < len(text):
			if v, err := strconv.ParseUint(string(text[i+2:i+10]), 16, 32); err == nil {
				out = utf8.AppendRune(out, rune(v))
				i += 9
				continue
			}
		case '0' <= n && n <= '7' && i+3 < len(text):
			if v, err := strconv.ParseUint(string(text[i+1:i+4]), 8, 8); err == nil {
				out = append(out, byte(v))
				i += 3
				continue
			}
		}
		out = append(out, c)
	}
	return out
}
