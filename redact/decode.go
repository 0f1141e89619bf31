package redact

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
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
//
// A line without the marker costs one bytes.IndexByte pass, so clean text
// pays two memchr-speed passes. (HTML entities are few enough in their
// variants to be indexed: a third pass would cost more than the forms.)

// maxDecodeDepth is how many escapings on top of each other are undone.
const maxDecodeDepth = 2

// maxExpansion bounds how many source bytes one decoded byte comes from at
// maxDecodeDepth (\\u0001, 7 bytes, is the longest); the streaming Writer
// holds back that much more.
const maxExpansion = 7

// decoded is a decoded line: text[i] came from the source bytes
// [from[i], to[i]), and from the bytes [pfrom[i], pto[i]) of the level it
// was decoded from.
type decoded struct {
	text       []byte
	from, to   []int32
	pfrom, pto []int32
}

func (d *decoded) reset() {
	d.text, d.from, d.to = d.text[:0], d.from[:0], d.to[:0]
	d.pfrom, d.pto = d.pfrom[:0], d.pto[:0]
}

// put appends the bytes b decoded from the escape src[s:e], where src
// starts at offset base of a level whose own mapping is m (nil for the
// source itself).
func (d *decoded) put(m *decoded, base, s, e int, b ...byte) {
	s, e = base+s, base+e
	from, to := int32(s), int32(e)
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
	// sameLen: some escapes are one byte ("+"), so a match whose
	// decoded length equals its source length may still hold one.
	sameLen bool
}

var decoders = []decoder{
	{URL, '%', percentAt, decodePercent, false},
	{JSON, '\\', backslashAt, func(d, m *decoded, base int, src []byte) { decodeBackslash(d, m, base, src, false) }, false},
}

// decodersPlus adds form decoding ("+" is a space, %XX as ever) for index
// sets with a value that has a space: the form with every space as "+" is
// indexed, but a line may write some spaces as "+", others as "%20" and
// others as themselves. Without such a value, lines with a "+" pay nothing.
var decodersPlus = append(decoders[:len(decoders):len(decoders)], decoder{URL, '+', func([]byte, int) bool { return true }, decodeForm, true})

// decs returns the decoders the scan runs.
func (s *snapshot) decs() []decoder {
	if s.plusSpace {
		return decodersPlus
	}
	return decoders
}

// pythonBytes is the variant of the backslash decoder for lines with a
// \xHH escape above 7F: tried on the lines the backslash decoder found.
var pythonBytes = decoder{JSON, '\\', highByteAt, func(d, m *decoded, base int, src []byte) { decodeBackslash(d, m, base, src, true) }, false}

// decodeFree holds the scratch of the decoding scan, so that scanning text
// stays free of allocations in the steady state. It is a bounded free list
// rather than a sync.Pool: a pool is emptied by every garbage collection,
// and refilling it would allocate on the hot path again.
var decodeFree = make(chan *decodeScratch, 64)

func getScratch() *decodeScratch {
	select {
	case sc := <-decodeFree:
		return sc
	default:
		return new(decodeScratch)
	}
}

func putScratch(sc *decodeScratch) {
	for i := range maxDecodeDepth {
		// decoded text may hold a secret
		clear(sc.levels[i].text)
		clear(sc.alts[i].text)
	}
	clear(sc.probe.text)
	select {
	case decodeFree <- sc:
	default:
	}
}

// decodeScratch holds, per level, the decoded text (levels) and one
// restarted decode of it (alts, see Restarts below), and the short decode
// a restart is probed with.
type decodeScratch struct {
	levels  [maxDecodeDepth]decoded
	alts    [maxDecodeDepth]decoded
	probe   decoded
	matches []fingerprint.Match
	// spans collects what the decoding scan finds (the caller's slice
	// would escape through the recursion).
	spans []span
}

// Restarts. A decoder reads a line from left to right, and an escape it
// takes in swallows the bytes that complete it, whatever they belong to:
// "1%2" followed by the URL-escaped "0&..." reads "%20" and then "%26", and
// the decoded line never holds the value, whose first byte went into the
// space. The same happens with "\u00" before an escaped value that starts
// with hex digits, "\x4" before one more, "\" before "n", or a backslash
// before an escaped backslash (the pairs shift by one). An encoded value
// starts either where the decoder starts an escape or plain byte (the
// decoded text has it) or inside an escape the decoder took; so for every
// escape [i, i+n) taken, the decoder also restarts at i+1 (the bytes inside
// an escape are not markers, so from i+1 on it is aligned with any value
// starting in (i, i+n)) and at i+7 inside a joined surrogate pair, and the
// matches that start inside the escape are kept. A restart is searched only
// when the index's filter admits a pattern starting there (a probe of a few
// decoded bytes: most restarts cost a short decode and a few filter loads),
// and escapes whose bytes decode to themselves (\" \/ \' and a \\ not
// followed by an escape) need none.

// decodedSpans appends the spans of matches found in the decoded lines of
// text.
func (s *snapshot) decodedSpans(dst []span, text []byte) []span {
	var sc *decodeScratch
	reach, seg := s.det.withReach(s.maxLen), s.segment()
	decs := s.decs()
	for k := range decs {
		dec := &decs[k]
		if s.decoders&dec.enc == 0 {
			continue
		}
		for pos := 0; pos < len(text); {
			i := bytes.IndexByte(text[pos:], dec.marker)
			if i < 0 {
				break
			}
			i += pos
			lineEnd := len(text)
			if nl := bytes.IndexByte(text[i:], '\n'); nl >= 0 {
				lineEnd = i + nl
			}
			j := firstEscape(dec, text[:lineEnd], i)
			if j < 0 {
				pos = lineEnd + 1
				continue
			}
			// Decode a window of the line: from reach before the first
			// escape (no match that takes it in starts earlier) to at
			// most seg bytes on, so that a line of a gigabyte costs
			// bounded scratch. The next window starts reach before this
			// one ends.
			start := max(0, j-reach)
			if nl := bytes.LastIndexByte(text[start:j], '\n'); nl >= 0 {
				start += nl + 1
			}
			end := min(lineEnd, start+seg)
			if sc == nil {
				sc = getScratch()
				sc.spans = sc.spans[:0]
			}
			s.decodeStep(sc, nil, text, start, end, dec, 0, math.MaxInt)
			if dec.marker == '\\' && firstEscape(&pythonBytes, text[:end], j) >= 0 {
				s.decodeStep(sc, nil, text, start, end, &pythonBytes, 0, math.MaxInt)
			}
			if end < lineEnd {
				pos = end - reach
			} else {
				pos = lineEnd + 1
			}
		}
	}
	if sc != nil {
		dst = append(dst, sc.spans...)
		putScratch(sc)
	}
	return dst
}

// segment is the most text one decoded window holds: well over the reach
// of a match, so that windows overlapping by reach make progress.
func (s *snapshot) segment() int {
	return max(1<<16, 4*s.maxLen)
}

// firstEscape returns where the first escape of dec in line[i:] starts
// (i is a marker), or -1.
func firstEscape(dec *decoder, line []byte, i int) int {
	for i >= 0 {
		if dec.at(line, i) {
			return i
		}
		j := bytes.IndexByte(line[i+1:], dec.marker)
		if j < 0 {
			return -1
		}
		i += 1 + j
	}
	return -1
}

// decodeStep decodes ptext[start:end] (the source text when parent is nil,
// else the text of the decoded level parent) with dec into level lvl,
// searches it, and restarts the decoder inside each escape it took (see
// Restarts). Only matches that start before limit (a position of ptext)
// are kept.
func (s *snapshot) decodeStep(sc *decodeScratch, parent *decoded, ptext []byte, start, end int, dec *decoder, lvl int, limit int) {
	d := &sc.levels[lvl]
	d.reset()
	dec.decode(d, parent, start, ptext[start:end])
	s.scanDecoded(sc, d, ptext, lvl, dec, limit)
	// d is left alone by the levels below (they use lvl+1), so its escapes
	// can be walked now.
	for a := 0; a < len(d.text); {
		i, e := int(d.pfrom[a]), int(d.pto[a])
		for a++; a < len(d.text) && int(d.pfrom[a]) == i; a++ {
		}
		if i >= limit {
			break
		}
		if e-i < 2 || !needsRestart(ptext[:end], i, e) {
			continue
		}
		s.restart(sc, parent, ptext, i+1, e, end, dec, lvl, min(limit, e))
		if e-i == 12 { // a joined surrogate pair: its second half too
			s.restart(sc, parent, ptext, i+7, e, end, dec, lvl, min(limit, e))
		}
	}
}

// needsRestart reports whether a value could start inside the escape
// src[i:e] and be read otherwise than the decoder read it from i: not when
// the escape is two bytes whose second decodes to itself and begins no
// escape of its own (\" \/ \' \` and \\ before a plain byte).
func needsRestart(src []byte, i, e int) bool {
	if e-i != 2 || src[i] != '\\' {
		return true
	}
	switch c := src[i+1]; c {
	case '"', '/', '\'', '`':
		return false
	case '\\':
		return backslashAt(src, i+1)
	}
	return true
}

// restart decodes ptext from r (inside the escape that ends at fe) as dec
// would if the escape were not there, and searches what it reads for
// matches that start before limit. A probe first decodes a few bytes and
// asks the index's filter whether any pattern can start inside the escape;
// most restarts end there.
func (s *snapshot) restart(sc *decodeScratch, parent *decoded, ptext []byte, r, fe, end int, dec *decoder, lvl int, limit int) {
	// Most often nothing from r to 8 bytes past the escape decodes (at
	// this level or below): the index sees those bytes as they are.
	if q := ptext[r:min(end, fe+8)]; !s.hasMarker(q) {
		for k := r; k < min(limit, fe); k++ {
			if s.idx.MayStartAt(q, k-r, r+len(q) == end) {
				s.restartFull(sc, parent, ptext, r, fe, end, dec, lvl, limit)
				return
			}
		}
		return
	}
	// Each decoded byte comes from at most 6 bytes (\u0041); 8 decoded
	// bytes past the escape cover the longest gram the filter keeps.
	pe := min(end, fe+8*6+12)
	p := &sc.probe
	p.reset()
	dec.decode(p, parent, r, ptext[r:pe])
	if lvl+1 >= maxDecodeDepth || !s.hasMarker(p.text) {
		// What the probe read is what the index sees: no level below
		// decodes it further.
		admit := false
		for a := 0; a < len(p.text) && int(p.pfrom[a]) < limit; a++ {
			if s.idx.MayStartAt(p.text, a, pe == end) {
				admit = true
				break
			}
		}
		if !admit {
			return
		}
	}
	s.restartFull(sc, parent, ptext, r, fe, end, dec, lvl, limit)
}

// restartFull decodes ptext from r for a match's reach and searches it.
func (s *snapshot) restartFull(sc *decodeScratch, parent *decoded, ptext []byte, r, fe, end int, dec *decoder, lvl int, limit int) {
	d := &sc.alts[lvl]
	d.reset()
	we := min(end, fe+s.maxLen) // maxLen is already a reach in source bytes
	dec.decode(d, parent, r, ptext[r:we])
	s.scanDecoded(sc, d, ptext, lvl, dec, limit)
}

// hasMarker reports whether b holds a marker byte of an enabled decoder.
func (s *snapshot) hasMarker(b []byte) bool {
	decs := s.decs()
	for k := range decs {
		if s.decoders&decs[k].enc != 0 && bytes.IndexByte(b, decs[k].marker) >= 0 {
			return true
		}
	}
	return false
}

// scanDecoded searches d, level lvl, maps its matches back to the source
// text into sc.spans (only those that start before limit in the level d was
// decoded from), and decodes d once more when it still holds escapes.
func (s *snapshot) scanDecoded(sc *decodeScratch, d *decoded, ptext []byte, lvl int, dec *decoder, limit int) {
	sc.matches = s.idx.Find(sc.matches[:0], d.text)
	for _, m := range sc.matches {
		p := s.pats[m.ID]
		a, b := m.Start, m.End
		if int(d.pfrom[a]) >= limit {
			continue
		}
		if p.extLeft && a > 0 && isBase64Char(d.text[a-1], p.url) {
			a--
		}
		if p.extRight && b < len(d.text) && isBase64Char(d.text[b], p.url) {
			b++
		}
		// A match must take in an escape of this level, and of the level
		// below: else the scan of that level found it already (and a
		// second find under another family would make the name depend on
		// how the text was cut).
		start, end := int(d.from[a]), int(d.to[b-1])
		below := int(d.pto[b-1] - d.pfrom[a])
		if below == b-a && (!dec.sameLen || bytes.Equal(d.text[a:b], ptext[d.pfrom[a]:d.pto[b-1]])) || end-start == below && lvl > 0 {
			continue
		}
		sc.spans = append(sc.spans, span{start: start, end: end, sec: p.sec, enc: dec.enc, length: m.End - m.Start})
	}
	s.detectDecoded(sc, d, ptext, lvl, dec, limit)
	if lvl+1 >= maxDecodeDepth {
		return
	}
	// The level below keeps the matches that start, in d, before the first
	// byte decoded from limit.
	next := math.MaxInt
	if limit != math.MaxInt {
		next, _ = slices.BinarySearch(d.pfrom, int32(limit))
	}
	decs := s.decs()
	for k := range decs {
		dec := &decs[k]
		if s.decoders&dec.enc == 0 {
			continue
		}
		i := bytes.IndexByte(d.text, dec.marker)
		if i < 0 || firstEscape(dec, d.text, i) < 0 {
			continue
		}
		// A match found a level down is named for the innermost escaping
		// (the one its own bytes are in): whether the outer decoder ran
		// depends on what else is on the line, and the name must not.
		s.decodeStep(sc, d, d.text, 0, len(d.text), dec, lvl+1, next)
	}
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

// decodeForm is decodePercent with "+" read as a space.
func decodeForm(d, m *decoded, base int, src []byte) {
	for i := 0; i < len(src); {
		switch src[i] {
		case '%':
			if v, ok := hexN(src, i+1, 2); ok {
				d.put(m, base, i, i+3, byte(v))
				i += 3
				continue
			}
		case '+':
			d.put(m, base, i, i+1, ' ')
			i++
			continue
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
		if !base64Chars[c] {
			return -1
		}
	}
	return end - start
}

// base64Chars holds the characters of either base64 alphabet and '='.
var base64Chars = func() (t [256]bool) {
	for c := range 256 {
		t[c] = isBase64Char(byte(c), false) || isBase64Char(byte(c), true) || c == '='
	}
	return t
}()

// wrappedSpans appends the spans of matches across the line breaks of
// wrapped base64 in text.
func (s *snapshot) wrappedSpans(dst []span, text []byte) []span {
	var sc *decodeScratch
	reach, seg := s.maxLen, s.segment()
	for pos := 0; pos < len(text); {
		// Only a line that holds a sampled word of base64-range bytes
		// can start a run: most text is skipped 32 bytes at a time.
		p := nextDense(text, pos)
		if p < 0 {
			break
		}
		nl := bytes.IndexByte(text[p:], '\n')
		if nl < 0 {
			break // the last line: no run starts there
		}
		nl += p
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
			sc = getScratch()
		}
		d := &sc.levels[0]
		d.reset()
		lines := 0
		more := false // the run goes on past the segment
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
			if !full {
				// The run's last line; its tail may start another run
				// (a line of 64 base64 characters right before a log
				// line that carries a blob), so it is looked at again.
				break
			}
			pos = end + 1
			if len(d.text) >= seg {
				// A long blob is searched in segments that overlap by
				// reach, so that its scratch stays bounded.
				more = true
				break
			}
		}
		if lines < 2 {
			continue
		}
		if more {
			next := pos
			for pos-next < reach && next > start {
				next = bytes.LastIndexByte(text[:next-1], '\n') + 1
			}
			pos = next
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
			if d.to[b-1]-d.from[a] == int32(b-a) {
				continue // within one line: the scan of the text has it
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
		putScratch(sc)
	}
	return dst
}

// nextDense returns a position at or after pos where text holds seven
// words of eight base64-range bytes in a row, or -1. It samples every 57
// bytes: the full-width tail of a wrapped line, 64 bytes or more, holds
// eight bytes at some sample, and seven whole words on the grid of that
// sample. Ordinary log text (a space or a dot every few bytes) fails most
// samples on their one load, and identifiers (blk_-1608999687919862906)
// within a few words, so clean text pays well under an instruction per byte
// here rather than a test per line.
func nextDense(text []byte, pos int) int {
	for p := pos; p+8 <= len(text); p += 57 {
		if !denseWord(text, p) {
			continue
		}
		n := 1
		for q := p + 8; n < 7 && q+8 <= len(text) && denseWord(text, q); q += 8 {
			n++
		}
		for q := p - 8; n < 7 && q >= 0 && denseWord(text, q); q -= 8 {
			n++
		}
		if n == 7 {
			return p
		}
	}
	return -1
}

// denseWord reports whether text[p:p+8] holds no byte below '+' or above
// 'z' (the lowest and highest base64 characters) and no '.' (the commonest
// separator of log text in that range). It admits a few other non-base64
// bytes; fullWidthTail decides.
func denseWord(text []byte, p int) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	x := binary.LittleEndian.Uint64(text[p : p+8])
	v := x ^ '.'*ones
	return ((x-0x2b*ones)&^x|(x+0x05*ones)|x|(v-ones)&^v)&high == 0
}

// fullWidthTail reports whether the line text[start:end] (without its line
// break) ends in a full-width stretch of base64 that begins the line or
// follows a character outside base64; it returns where the stretch starts
// and its width, or width 0.
func fullWidthTail(text []byte, start, end int) (int, int) {
	if end > start && text[end-1] == '\r' {
		end--
	}
	// Every width's stretch takes in the last w0 bytes. Eight bytes at a
	// time, reject any below '+' (a space) or above 'z', the lowest and
	// highest base64 characters: an ordinary log line fails on its last
	// word, a few instructions (this runs once per line of every text).
	w0 := wrapWidths[0]
	if end-start < w0 {
		return 0, 0
	}
	for e := end; e > end-w0; e -= 8 {
		x := binary.LittleEndian.Uint64(text[e-8 : e])
		if ((x-0x2b2b2b2b2b2b2b2b)&^x|(x+0x0505050505050505)|x)&0x8080808080808080 != 0 {
			return 0, 0
		}
	}
	// The run of base64 that ends the line, read backwards (a log line
	// fails within a word or two).
	n := 0
	for n <= wrapWidths[len(wrapWidths)-1] && end-n > start && base64Chars[text[end-n-1]] {
		n++
	}
	for _, w := range wrapWidths {
		if n == w {
			return end - w, w
		}
	}
	return 0, 0
}

// LineCut returns where to cut b, a stream's buffered bytes, at or before
// cut, a position just after a line break, so that scrubbing the two parts
// apart gives the same bytes as scrubbing them together. Matches never
// cross a line break, except in base64 wrapped at a fixed width: there
// LineCut moves the cut back before the trailing full-width lines (at most
// limit bytes, the longest match's reach) so that they are scrubbed with
// the line that continues them. Chunking scanners (the hush command) use
// it; Writer does the same.
func LineCut(b []byte, cut, limit int) int {
	return heldPEM(b, heldWrapped(b, cut, limit))
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
