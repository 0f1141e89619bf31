package redact

import (
	"bytes"
	"sync"
	"unicode/utf8"

	"github.com/hushlog/hush/fingerprint"
)

// Some escapings come in too many variants to index each one: every
// language keeps its own set of characters literal in percent-encoding
// (Go's userinfo keeps "$&+,;=", encodeURI keeps "/?:@&=+$#", forms keep
// "*" but not "~", ...), writes \u escapes in either case or not at all,
// \x01 or \u0001, and escapes them again when a log line is carried in
// another log line. For those, the scan decodes instead: a line that holds
// such an escape is decoded and the index searched in the decoded text,
// and a match found there redacts the escape sequences it came from, whole.
// Decoding goes two levels deep (URL-escaped twice, JSON in JSON, a JSON
// string in a query string).
//
// The decoders, by marker byte:
//
//	%  percent-decoding: %XX in either case (+ stays +: a value with
//	   spaces is indexed with + for space as well).
//	\  backslash escapes of JSON, Go, Python, JavaScript, Ruby, PHP, Java
//	   and C#: \" \\ \/ \' \n \r \t \b \f \v \a \0 \xHH \uXXXX (surrogate
//	   pairs joined) \UXXXXXXXX. \xHH above 7F is a byte in Go's quoting
//	   and a code point in Python's: both are tried.
//	&  HTML and XML character references: &lt; &gt; &amp; &quot; &apos;
//	   &nbsp; &#NN; &#xHH;.
//
// A line without the marker costs one bytes.IndexByte pass, so clean text
// pays three memchr-speed passes.

// maxDecodeDepth is how many escapings on top of each other are undone.
const maxDecodeDepth = 2

// maxExpansion bounds how many source bytes one decoded byte comes from at
// maxDecodeDepth (\\u0001, 7 bytes, is the longest); the streaming Writer
// holds back that much more.
const maxExpansion = 7

// decoded is a decoded line: text[i] came from the source bytes
// [from[i], to[i]), and from the bytes [pfrom[i], pto[i]) of the level it
// was decoded from (the source line itself for the first level).
type decoded struct {
	text       []byte
	from, to   []int32
	pfrom, pto []int32
}

func (d *decoded) reset() {
	d.text, d.from, d.to = d.text[:0], d.from[:0], d.to[:0]
	d.pfrom, d.pto = d.pfrom[:0], d.pto[:0]
}

// put appends the bytes b decoded from the escape src[s:e] of a level
// whose own mapping is m (nil for the source itself, at offset base).
func (d *decoded) put(m *decoded, base, s, e int, b ...byte) {
	from, to := int32(base+s), int32(base+e)
	if m != nil {
		from, to = m.from[s], m.to[e-1]
	}
	for _, c := range b {
		d.text = append(d.text, c)
		d.from = append(d.from, from)
		d.to = append(d.to, to)
		d.pfrom = append(d.pfrom, int32(s))
		d.pto = append(d.pto, int32(e))
	}
}

func (d *decoded) putRune(m *decoded, base, s, e int, r rune) {
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], r)
	d.put(m, base, s, e, b[:n]...)
}

// decoder undoes one escaping.
type decoder struct {
	enc    Encoding
	marker byte
	// at reports whether src[i] (the marker) begins an escape.
	at func(src []byte, i int) bool
	// decode appends src decoded to d.
	decode func(d *decoded, m *decoded, base int, src []byte)
}

var decoders = []decoder{
	{URL, '%', percentAt, decodePercent},
	{JSON, '\\', backslashAt, func(d, m *decoded, base int, src []byte) { decodeBackslash(d, m, base, src, false) }},
	{JSON, '\\', highByteAt, func(d, m *decoded, base int, src []byte) { decodeBackslash(d, m, base, src, true) }},
	{HTML, '&', entityAt, decodeEntities},
}

// decodePool holds the scratch of the decoding scan, so that scanning
// clean text stays free of allocations.
var decodePool = sync.Pool{New: func() any { return new(decodeScratch) }}

type decodeScratch struct {
	levels  [maxDecodeDepth]decoded
	matches []fingerprint.Match
}

// decodedSpans appends the spans of matches found in the decoded lines of
// text.
func (s *snapshot) decodedSpans(dst []span, text []byte) []span {
	var sc *decodeScratch
	for k := range decoders {
		dec := &decoders[k]
		if s.decoders&dec.enc == 0 {
			continue
		}
		for pos := 0; pos < len(text); {
			i := bytes.IndexByte(text[pos:], dec.marker)
			if i < 0 {
				break
			}
			i += pos
			end := len(text)
			if nl := bytes.IndexByte(text[i:], '\n'); nl >= 0 {
				end = i + nl
			}
			if !hasEscape(dec, text[:end], i) {
				pos = end + 1
				continue
			}
			start := bytes.LastIndexByte(text[:i], '\n') + 1
			if sc == nil {
				sc = decodePool.Get().(*decodeScratch)
			}
			d := &sc.levels[0]
			d.reset()
			dec.decode(d, nil, start, text[start:end])
			dst = s.scanDecoded(dst, sc, text, 0, dec.enc)
			pos = end + 1
		}
	}
	if sc != nil {
		decodePool.Put(sc)
	}
	return dst
}

// hasEscape reports whether line[i:] holds an escape of dec.
func hasEscape(dec *decoder, line []byte, i int) bool {
	for i >= 0 {
		if dec.at(line, i) {
			return true
		}
		j := bytes.IndexByte(line[i+1:], dec.marker)
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// scanDecoded searches level lvl of sc, maps its matches back to text, and
// decodes it once more when it still holds escapes.
func (s *snapshot) scanDecoded(dst []span, sc *decodeScratch, text []byte, lvl int, enc Encoding) []span {
	d := &sc.levels[lvl]
	sc.matches = s.idx.Find(sc.matches[:0], d.text)
	for _, m := range sc.matches {
		p := s.pats[m.ID]
		a, b := m.Start, m.End
		if p.extLeft && a > 0 && isBase64Char(d.text[a-1], p.url) {
			a--
		}
		if p.extRight && b < len(d.text) && isBase64Char(d.text[b], p.url) {
			b++
		}
		if int(d.pto[b-1]-d.pfrom[a]) == b-a {
			// Every escape shortens what it stands for, so a match as
			// long as the bytes it was decoded from at this level holds
			// no escape of this level: the same bytes are in the level
			// below (or the text), where they are found under their own
			// encoding. Naming them here would make the name depend on
			// what else is on the line.
			continue
		}
		start, end := int(d.from[a]), int(d.to[b-1])
		dst = append(dst, span{start: start, end: end, sec: p.sec, enc: enc, length: m.End - m.Start})
	}
	if lvl+1 >= maxDecodeDepth {
		return dst
	}
	for k := range decoders {
		dec := &decoders[k]
		if s.decoders&dec.enc == 0 {
			continue
		}
		i := bytes.IndexByte(d.text, dec.marker)
		if i < 0 || !hasEscape(dec, d.text, i) {
			continue
		}
		next := &sc.levels[lvl+1]
		next.reset()
		dec.decode(next, d, 0, d.text)
		// A match found a level down is named for the innermost escaping
		// (the one its own bytes are in): whether the outer decoder ran
		// depends on what else is on the line, and the name must not.
		dst = s.scanDecoded(dst, sc, text, lvl+1, dec.enc)
	}
	return dst
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

// hexN parses n hex digits at src[i:].
func hexN(src []byte, i, n int) (rune, bool) {
	if i+n > len(src) {
		return 0, false
	}
	var r rune
	for _, c := range src[i : i+n] {
		v, ok := unhex(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	return r, true
}

func percentAt(src []byte, i int) bool {
	_, ok := hexN(src, i+1, 2)
	return ok
}

func decodePercent(d, m *decoded, base int, src []byte) {
	for i := 0; i < len(src); {
		if src[i] == '%' {
			if v, ok := hexN(src, i+1, 2); ok {
				d.put(m, base, i, i+3, byte(v))
				i += 3
				continue
			}
		}
		d.put(m, base, i, i+1, src[i])
		i++
	}
}

// simpleEscapes maps the character after a backslash to what it stands for.
var simpleEscapes = [256]byte{
	'"': '"', '\\': '\\', '/': '/', '\'': '\'', '`': '`',
	'n': '\n', 'r': '\r', 't': '\t', 'b': '\b', 'f': '\f', 'v': '\v', 'a': '\a', '0': 0,
}

func backslashAt(src []byte, i int) bool {
	if i+1 >= len(src) {
		return false
	}
	c := src[i+1]
	if simpleEscapes[c] != 0 || c == '0' {
		return true
	}
	switch c {
	case 'x':
		_, ok := hexN(src, i+2, 2)
		return ok
	case 'u':
		_, ok := hexN(src, i+2, 4)
		return ok
	case 'U':
		_, ok := hexN(src, i+2, 8)
		return ok
	}
	return false
}

// highByteAt reports a \xHH escape above 7F: the only escape whose meaning
// differs between languages (a byte in Go, a code point in Python).
func highByteAt(src []byte, i int) bool {
	if i+3 >= len(src) || src[i+1] != 'x' {
		return false
	}
	v, ok := hexN(src, i+2, 2)
	return ok && v >= 0x80
}

// decodeBackslash undoes backslash escapes; xRune reads \xHH as the code
// point U+00HH instead of the byte HH. An unknown escape stays as it is.
func decodeBackslash(d, m *decoded, base int, src []byte, xRune bool) {
	for i := 0; i < len(src); {
		if src[i] != '\\' || i+1 >= len(src) {
			d.put(m, base, i, i+1, src[i])
			i++
			continue
		}
		c := src[i+1]
		if v := simpleEscapes[c]; v != 0 || c == '0' {
			d.put(m, base, i, i+2, v)
			i += 2
			continue
		}
		switch c {
		case 'x':
			if v, ok := hexN(src, i+2, 2); ok {
				if xRune {
					d.putRune(m, base, i, i+4, v)
				} else {
					d.put(m, base, i, i+4, byte(v))
				}
				i += 4
				continue
			}
		case 'u':
			if v, ok := hexN(src, i+2, 4); ok {
				n := 6
				if 0xD800 <= v && v < 0xDC00 && i+7 < len(src) && src[i+6] == '\\' && src[i+7] == 'u' {
					if lo, ok := hexN(src, i+8, 4); ok && 0xDC00 <= lo && lo < 0xE000 {
						v = 0x10000 + (v-0xD800)<<10 + (lo - 0xDC00)
						n = 12
					}
				}
				d.putRune(m, base, i, i+n, v) // a lone surrogate becomes U+FFFD
				i += n
				continue
			}
		case 'U':
			if v, ok := hexN(src, i+2, 8); ok {
				d.putRune(m, base, i, i+10, v)
				i += 10
				continue
			}
		}
		// Not an escape: the backslash is itself.
		d.put(m, base, i, i+1, '\\')
		i++
	}
}

var namedEntities = map[string]rune{"lt": '<', "gt": '>', "amp": '&', "quot": '"', "apos": '\'', "nbsp": '\u00a0'}

// entity parses the character reference at src[i] ('&'); n is its length.
func entity(src []byte, i int) (r rune, n int) {
	end := bytes.IndexByte(src[i+1:min(len(src), i+12)], ';')
	if end < 1 {
		return 0, 0
	}
	name := src[i+1 : i+1+end]
	n = end + 2
	if name[0] != '#' {
		r, ok := namedEntities[string(name)]
		if !ok {
			return 0, 0
		}
		return r, n
	}
	digits, hexa := name[1:], false
	if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
		digits, hexa = digits[1:], true
	}
	if len(digits) == 0 || len(digits) > 7 {
		return 0, 0
	}
	for _, c := range digits {
		v, ok := unhex(c)
		if !ok || (!hexa && v > 9) {
			return 0, 0
		}
		if hexa {
			r = r<<4 | rune(v)
		} else {
			r = r*10 + rune(v)
		}
	}
	return r, n
}

func entityAt(src []byte, i int) bool {
	_, n := entity(src, i)
	return n > 0
}

func decodeEntities(d, m *decoded, base int, src []byte) {
	for i := 0; i < len(src); {
		if src[i] == '&' {
			if r, n := entity(src, i); n > 0 {
				d.putRune(m, base, i, i+n, r)
				i += n
				continue
			}
		}
		d.put(m, base, i, i+1, src[i])
		i++
	}
}

// Base64 wrapped at a fixed width (PEM bodies at 64 columns, MIME and the
// base64 command at 76) puts a line break wherever the column count says,
// so an encoded secret is often cut in two. A run of lines of exactly 64
// or 76 base64 characters, ended by one no longer, is searched joined;
// a match that spans lines redacts its part of each line, and the line
// breaks stay.

// wrapWidths are the line widths of wrapped base64.
var wrapWidths = [...]int{64, 76}

// wrappedLine reports whether text[start:end] (without its line break) is
// a line of base64 of at most the given width, and its length.
func wrappedLine(text []byte, start, end int) int {
	if end > start && text[end-1] == '\r' {
		end--
	}
	if end-start > wrapWidths[len(wrapWidths)-1] {
		return -1
	}
	for _, c := range text[start:end] {
		if !isBase64Char(c, false) && c != '=' && !isBase64Char(c, true) {
			return -1
		}
	}
	return end - start
}

// wrappedSpans appends the spans of matches across the line breaks of
// wrapped base64 in text.
func (s *snapshot) wrappedSpans(dst []span, text []byte) []span {
	var sc *decodeScratch
	for pos := 0; pos < len(text); {
		nl := bytes.IndexByte(text[pos:], '\n')
		if nl < 0 {
			break
		}
		nl += pos
		// A run starts with a line that ends in a full-width stretch of
		// base64 (what precedes it on the line, a log prefix, is not part
		// of the run).
		start, width := fullWidthTail(text, pos, nl)
		if width == 0 {
			pos = nl + 1
			continue
		}
		pos = start
		if sc == nil {
			sc = decodePool.Get().(*decodeScratch)
		}
		d := &sc.levels[0]
		d.reset()
		lines := 0
		for pos < len(text) {
			end := bytes.IndexByte(text[pos:], '\n')
			if end < 0 {
				end = len(text)
			} else {
				end += pos
			}
			// The leading base64 of the line; a full line goes on.
			m := 0
			for pos+m < end && m <= width && wrappedLine(text, pos+m, pos+m+1) == 1 {
				m++
			}
			if m == 0 || m > width {
				break
			}
			for i := range m {
				d.put(nil, pos, i, i+1, text[pos+i])
			}
			lines++
			full := m == width && (pos+m == end || pos+m+1 == end && text[pos+m] == '\r')
			pos = end + 1
			if !full {
				break
			}
		}
		if lines < 2 {
			continue
		}
		sc.matches = s.idx.Find(sc.matches[:0], d.text)
		for _, m := range sc.matches {
			p := s.pats[m.ID]
			a, b := m.Start, m.End
			if p.extLeft && a > 0 && isBase64Char(d.text[a-1], p.url) {
				a--
			}
			if p.extRight && b < len(d.text) && isBase64Char(d.text[b], p.url) {
				b++
			}
			// One span per line the match touches.
			for a < b {
				lineEnd := a
				for lineEnd < b && d.from[lineEnd] == d.from[a]+int32(lineEnd-a) {
					lineEnd++
				}
				dst = append(dst, span{start: int(d.from[a]), end: int(d.to[lineEnd-1]), sec: p.sec, enc: Base64, length: m.End - m.Start})
				a = lineEnd
			}
		}
	}
	if sc != nil {
		decodePool.Put(sc)
	}
	return dst
}

// fullWidthTail reports whether the line text[start:end] (without its line
// break) ends in a full-width stretch of base64 that begins the line or
// follows a character outside base64; it returns where the stretch starts
// and its width, or width 0.
func fullWidthTail(text []byte, start, end int) (int, int) {
	if end > start && text[end-1] == '\r' {
		end--
	}
	for _, w := range wrapWidths {
		s := end - w
		if s < start || (s > start && wrappedLine(text, s-1, s) == 1) {
			continue
		}
		if wrappedLine(text, s, end) == w {
			return s, w
		}
	}
	return 0, 0
}

// heldWrapped moves cut (just after a line break) back over trailing
// full-width lines of wrapped base64, at most limit bytes, so that the
// streaming Writer sees a secret that continues on the next line.
func heldWrapped(buf []byte, cut, limit int) int {
	for held := 0; cut > 0 && buf[cut-1] == '\n' && held < limit; {
		start := bytes.LastIndexByte(buf[:cut-1], '\n') + 1
		if _, w := fullWidthTail(buf, start, cut-1); w == 0 {
			break
		}
		held += cut - start
		cut = start
	}
	return cut
}
