package redact

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// form is one encoded form of a value, as it is indexed.
type form struct {
	b   []byte // in one of the formSet's chunks
	enc Encoding
	// extLeft/extRight are set for base64 cores: the character before
	// (after) the core holds bits of the value too, so a match absorbs one
	// adjacent alphabet character on that side.
	extLeft, extRight bool
	urlAlphabet       bool
}

// formSet collects encoded forms in large chunks, so expanding a hundred
// thousand secrets costs a few large allocations instead of millions of
// small ones, and no chunk is ever copied to grow.
type formSet struct {
	arena  []byte // the current chunk
	chunks [][]byte
	forms  []form
	tmp    []byte
}

const chunkSize = 1 << 20

// wipe zeroes every chunk: plaintext forms should not outlive the build in
// freed memory.
func (fs *formSet) wipe() {
	for _, c := range fs.chunks {
		clear(c[:cap(c)])
	}
}

// commit records arena[start:] as a form, unless it is an encoded form
// equal to the raw value.
func (fs *formSet) commit(start int, f form, raw string) {
	if string(fs.arena[start:]) == raw && f.enc != Raw {
		fs.arena = fs.arena[:start]
		return
	}
	f.b = fs.arena[start:len(fs.arena):len(fs.arena)]
	fs.forms = append(fs.forms, f)
}

// add appends every encoded form of v under the enabled families. Forms may
// repeat; the caller removes duplicates.
func (fs *formSet) add(v string, encs Encoding) {
	if cap(fs.arena)-len(fs.arena) < 64*len(v)+1024 {
		fs.arena = make([]byte, 0, max(chunkSize, 128*len(v)))
		fs.chunks = append(fs.chunks, fs.arena)
	}
	start := len(fs.arena)
	fs.arena = append(fs.arena, v...)
	fs.commit(start, form{enc: Raw}, v)

	if encs&JSON != 0 && needsJSON(v) {
		for _, html := range []bool{false, true} {
			for _, slash := range []bool{false, true} {
				for _, ascii := range []bool{false, true} {
					for _, upper := range []bool{false, true} {
						if upper && !ascii && !html {
							continue // upper case only differs in \u escapes
						}
						start := len(fs.arena)
						fs.arena = appendJSON(fs.arena, v, html, slash, ascii, upper)
						fs.commit(start, form{enc: JSON}, v)
					}
				}
			}
		}
		// JSON inside a JSON string (a JSON log line carried as an OTLP
		// string body and exported as JSON again).
		// Either level may come from an HTML-escaping encoder (Go's
		// encoding/json, slog) or not (zap, Python, JavaScript, Jackson).
		for _, inner := range []bool{false, true} {
			for _, outer := range []bool{false, true} {
				fs.tmp = appendJSON(fs.tmp[:0], v, inner, false, false, false)
				start := len(fs.arena)
				fs.arena = appendJSON(fs.arena, string(fs.tmp), outer, false, false, false)
				fs.commit(start, form{enc: JSON}, v)
			}
		}
	}
	if encs&URL != 0 && strings.Contains(v, " ") {
		// Percent-escapes are decoded by the scan (decode.go) in all
		// their variants; form encoding writes space as +, which
		// decoding leaves alone, so that form is indexed.
		start := len(fs.arena)
		for i := 0; i < len(v); i++ {
			if v[i] == ' ' {
				fs.arena = append(fs.arena, '+')
			} else {
				fs.arena = append(fs.arena, v[i])
			}
		}
		fs.commit(start, form{enc: URL}, v)
	}
	if encs&JSON != 0 && !utf8.ValidString(v) {
		// Encoders write each invalid byte as U+FFFD (encoding/json, zap,
		// slog, Python, JavaScript): decoded \ufffd escapes meet this form.
		start := len(fs.arena)
		fs.arena = appendReplacingInvalid(fs.arena, v, false)
		fs.commit(start, form{enc: JSON}, v)
	}
	if encs&HTML != 0 && hasXMLInvalid(v) {
		// encoding/xml writes characters XML cannot carry (C0 controls
		// other than tab, LF and CR) as U+FFFD.
		start := len(fs.arena)
		fs.arena = appendReplacingInvalid(fs.arena, v, true)
		fs.commit(start, form{enc: HTML}, v)
	}
	if encs&Base64 != 0 {
		fs.addBase64(v)
	}
	if encs&Hex != 0 {
		start := len(fs.arena)
		fs.arena = hex.AppendEncode(fs.arena, []byte(v))
		fs.commit(start, form{enc: Hex}, v)
		start = len(fs.arena)
		fs.arena = appendUpperHex(fs.arena, v)
		fs.commit(start, form{enc: Hex}, v)
	}
	if encs&Shell != 0 && strings.Contains(v, "'") {
		for _, q := range []string{`'\''`, `'"'"'`} {
			start := len(fs.arena)
			for i := 0; i < len(v); i++ {
				if v[i] == '\'' {
					fs.arena = append(fs.arena, q...)
				} else {
					fs.arena = append(fs.arena, v[i])
				}
			}
			fs.commit(start, form{enc: Shell}, v)
		}
	}
}

func needsJSON(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c < 0x20, c >= utf8.RuneSelf, c == '"', c == '\\', c == '<', c == '>', c == '&', c == '/':
			return true
		}
	}
	return false
}

// appendJSON escapes s as the inside of a JSON string the way encoders
// really do it. html escapes < > & as \u003c \u003e \u0026 (Go's default);
// slash escapes / as \/ (PHP, some Java encoders); ascii escapes every
// non-ASCII rune as \uXXXX (Python's default), with upper-case hex if upper.
func appendJSON(b []byte, s string, html, slash, ascii, upper bool) []byte {
	hx := "0123456789abcdef"
	if upper {
		hx = "0123456789ABCDEF"
	}
	u4 := func(r rune) {
		b = append(b, '\\', 'u', hx[r>>12&0xF], hx[r>>8&0xF], hx[r>>4&0xF], hx[r&0xF])
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"':
				b = append(b, '\\', '"')
			case c == '\\':
				b = append(b, '\\', '\\')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c < 0x20:
				u4(rune(c))
			case html && (c == '<' || c == '>' || c == '&'):
				u4(rune(c))
			case slash && c == '/':
				b = append(b, '\\', '/')
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			// Encoders replace invalid UTF-8 with U+FFFD; the raw byte is
			// what a byte-level log shows, so keep it.
			b = append(b, c)
		case ascii && r > 0xFFFF:
			r -= 0x10000
			u4(0xD800 + (r>>10)&0x3FF)
			u4(0xDC00 + r&0x3FF)
		case ascii || r == '\u2028' || r == '\u2029':
			u4(r)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

func appendUpperHex(b []byte, s string) []byte {
	const hx = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		b = append(b, hx[s[i]>>4], hx[s[i]&15])
	}
	return b
}

// addBase64 adds, for the standard and URL alphabets, the part of the
// encoding that depends only on v when v starts at byte offset 0, 1 or 2 of
// a 3-byte group. Padding never falls inside that part, so padded and
// unpadded output share it.
//
// It adds base64 of base64 as well, standard alphabet at both levels: a
// Kubernetes secret shows a .dockerconfigjson, whose "auth" field is
// base64("user:password"), base64-encoded again. The inner encoding's core
// (at each of its three alignments) is encoded at each of three alignments.
func (fs *formSet) addBase64(v string) {
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		for k := 0; k < 3; k++ {
			start := len(fs.arena)
			var extLeft, extRight bool
			fs.arena, extLeft, extRight = fs.appendBase64Core(fs.arena, enc, k, v)
			if len(fs.arena) == start {
				continue
			}
			fs.commit(start, form{enc: Base64, extLeft: extLeft, extRight: extRight, urlAlphabet: enc == base64.RawURLEncoding}, v)
			if enc != base64.RawStdEncoding || len(fs.forms) == 0 {
				continue
			}
			inner := string(fs.forms[len(fs.forms)-1].b)
			if inner != string(fs.arena[start:]) {
				continue // not committed
			}
			for j := 0; j < 3; j++ {
				start := len(fs.arena)
				fs.arena, extLeft, extRight = fs.appendBase64Core(fs.arena, enc, j, inner)
				if len(fs.arena) > start {
					fs.commit(start, form{enc: Base64, extLeft: extLeft, extRight: extRight}, v)
				}
			}
		}
	}
}

// appendBase64Core appends the characters of enc's encoding of v, placed
// at byte offset k of a 3-byte group, that depend on v alone. extLeft
// (extRight) reports that the character before (after) them holds bits of
// v too.
func (fs *formSet) appendBase64Core(b []byte, enc *base64.Encoding, k int, v string) (out []byte, extLeft, extRight bool) {
	fs.tmp = append(fs.tmp[:0], 0, 0)[:k]
	fs.tmp = append(fs.tmp, v...)
	first := (8*k + 5) / 6
	end := 8 * (k + len(v)) / 6
	if end-first < 1 {
		return b, false, false
	}
	start := len(b)
	b = enc.AppendEncode(b, fs.tmp)
	b = append(b[:start], b[start+first:start+end]...)
	return b, (8*k)%6 != 0, (8*(k+len(v)))%6 != 0
}

// appendReplacingInvalid appends s with each byte of invalid UTF-8 (and,
// with xml set, each C0 control but tab, LF and CR) replaced by U+FFFD.
func appendReplacingInvalid(b []byte, s string, xml bool) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, xml && r < 0x20 && r != '\t' && r != '\n' && r != '\r':
			b = utf8.AppendRune(b, utf8.RuneError)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

func hasXMLInvalid(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return true
		}
	}
	return false
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
