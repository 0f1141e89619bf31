package redact

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// form is one encoded form of a value, as it is indexed.
type form struct {
	text string
	enc  Encoding
	// extend is set for base64 cores: the byte before (extLeft) or after
	// (extRight) the core holds bits of the value too, so a match absorbs
	// one adjacent alphabet character on that side.
	extLeft, extRight bool
	urlAlphabet       bool
}

// forms returns every encoded form of v under the enabled families. Forms
// may repeat; the caller removes duplicates.
func forms(v string, encs Encoding) []form {
	out := []form{{text: v, enc: Raw}}
	add := func(e Encoding, ss ...string) {
		for _, s := range ss {
			if s != v {
				out = append(out, form{text: s, enc: e})
			}
		}
	}
	if encs&JSON != 0 {
		add(JSON, jsonForms(v)...)
	}
	if encs&URL != 0 {
		add(URL, urlForms(v)...)
	}
	if encs&Base64 != 0 {
		out = append(out, base64Forms(v)...)
	}
	if encs&Hex != 0 {
		h := hex.EncodeToString([]byte(v))
		add(Hex, h, strings.ToUpper(h))
	}
	if encs&HTML != 0 {
		add(HTML, htmlForms(v)...)
	}
	if encs&Shell != 0 && strings.Contains(v, "'") {
		add(Shell, strings.ReplaceAll(v, "'", `'\''`), strings.ReplaceAll(v, "'", `'"'"'`))
	}
	return out
}

// jsonEscape escapes s as the inside of a JSON string the way encoders
// really do it. html escapes < > & as \u003c \u003e \u0026 (Go's default);
// slash escapes / as \/ (PHP, some Java encoders); ascii escapes every
// non-ASCII rune as \uXXXX (Python's default), with upper-case hex if upper.
func jsonEscape(s string, html, slash, ascii, upper bool) string {
	const lowerHex = "0123456789abcdef"
	const upperHex = "0123456789ABCDEF"
	hx := lowerHex
	if upper {
		hx = upperHex
	}
	var b strings.Builder
	u4 := func(r rune) {
		b.WriteString(`\u`)
		b.WriteByte(hx[r>>12&0xF])
		b.WriteByte(hx[r>>8&0xF])
		b.WriteByte(hx[r>>4&0xF])
		b.WriteByte(hx[r&0xF])
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"':
				b.WriteString(`\"`)
			case c == '\\':
				b.WriteString(`\\`)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c == '\b':
				b.WriteString(`\b`)
			case c == '\f':
				b.WriteString(`\f`)
			case c < 0x20:
				u4(rune(c))
			case html && (c == '<' || c == '>' || c == '&'):
				u4(rune(c))
			case slash && c == '/':
				b.WriteString(`\/`)
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			// Encoders replace invalid UTF-8 with U+FFFD; the raw byte
			// is what a byte-level log shows, so keep it.
			b.WriteByte(c)
		case ascii && r > 0xFFFF:
			r1, r2 := surrogates(r)
			u4(r1)
			u4(r2)
		case ascii || r == '\u2028' || r == '\u2029':
			u4(r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func surrogates(r rune) (rune, rune) {
	r -= 0x10000
	return 0xD800 + (r>>10)&0x3FF, 0xDC00 + r&0x3FF
}

func jsonForms(v string) []string {
	var out []string
	for _, html := range []bool{false, true} {
		for _, slash := range []bool{false, true} {
			for _, ascii := range []bool{false, true} {
				out = append(out, jsonEscape(v, html, slash, ascii, false))
				if ascii || html {
					out = append(out, jsonEscape(v, html, slash, ascii, true))
				}
			}
		}
	}
	// JSON inside a JSON string (a JSON log line carried as an OTLP string
	// body and exported as JSON again).
	once := jsonEscape(v, false, false, false, false)
	out = append(out, jsonEscape(once, false, false, false, false), jsonEscape(jsonEscape(v, true, false, false, false), true, false, false, false))
	return out
}

// percentEscape escapes every byte not kept by keep as %XX; space becomes
// plus when plus is set.
func percentEscape(s string, keep func(byte) bool, plus, upper bool) string {
	hx := "0123456789abcdef"
	if upper {
		hx = "0123456789ABCDEF"
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case keep(c):
			b.WriteByte(c)
		case c == ' ' && plus:
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hx[c>>4])
			b.WriteByte(hx[c&15])
		}
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
}

// keepPath is what net/url.PathEscape leaves alone in a path segment.
func keepPath(c byte) bool {
	if isUnreserved(c) {
		return true
	}
	switch c {
	case '$', '&', '+', ',', ':', ';', '=', '@':
		return true
	}
	return false
}

// keepComponent is what JavaScript's encodeURIComponent leaves alone.
func keepComponent(c byte) bool {
	return isUnreserved(c) || c == '!' || c == '*' || c == '\'' || c == '(' || c == ')'
}

func urlForms(v string) []string {
	var out []string
	for _, upper := range []bool{true, false} {
		out = append(out,
			percentEscape(v, isUnreserved, true, upper),   // url.QueryEscape
			percentEscape(v, isUnreserved, false, upper),  // RFC 3986 strict
			percentEscape(v, keepPath, false, upper),      // url.PathEscape
			percentEscape(v, keepComponent, false, upper), // encodeURIComponent
		)
	}
	return out
}

// base64Forms returns, for the standard and URL alphabets, the part of the
// encoding that depends only on v when v starts at byte offset 0, 1 or 2 of
// a 3-byte group. Padding never falls inside that part, so padded and
// unpadded output share it.
func base64Forms(v string) []form {
	var out []form
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		for k := 0; k < 3; k++ {
			buf := make([]byte, k+len(v))
			copy(buf[k:], v)
			full := enc.EncodeToString(buf)
			start := (8*k + 5) / 6
			end := 8 * (k + len(v)) / 6
			if end-start < 1 {
				continue
			}
			out = append(out, form{
				text:        full[start:end],
				enc:         Base64,
				extLeft:     (8*k)%6 != 0,
				extRight:    (8*(k+len(v)))%6 != 0,
				urlAlphabet: enc == base64.RawURLEncoding,
			})
		}
	}
	return out
}

func htmlForms(v string) []string {
	if !strings.ContainsAny(v, "<>&'\"\t\n\r") {
		return nil
	}
	mk := func(quot, apos string, ws bool) string {
		var b strings.Builder
		for i := 0; i < len(v); i++ {
			switch c := v[i]; c {
			case '<':
				b.WriteString("&lt;")
			case '>':
				b.WriteString("&gt;")
			case '&':
				b.WriteString("&amp;")
			case '"':
				b.WriteString(quot)
			case '\'':
				b.WriteString(apos)
			case '\t', '\n', '\r':
				if ws {
					b.WriteString("&#x")
					b.WriteByte("0123456789ABCDEF"[c])
					b.WriteByte(';')
				} else {
					b.WriteByte(c)
				}
			default:
				b.WriteByte(c)
			}
		}
		return b.String()
	}
	return []string{
		mk("&#34;", "&#39;", false), // html.EscapeString
		mk("&#34;", "&#39;", true),  // encoding/xml EscapeText
		mk("&quot;", "&#39;", false),
		mk("&quot;", "&apos;", false),
		mk("&quot;", "&#x27;", false),
	}
}

func isBase64Char(c byte, url bool) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return true
	}
	if url {
		return c == '-' || c == '_'
	}
	return c == '+' || c == '/'
}
