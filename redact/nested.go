package redact

import (
	"bytes"
	"encoding/binary"
	"math"
)

// Base64 of base64. A Kubernetes Secret shows a .dockerconfigjson whose
// "auth" field is base64("user:password"), base64-encoded again with the
// rest of the document; CI scripts pipe a token through base64 twice.
// Indexing every such form costs nine patterns per value (the inner
// encoding at three alignments, each encoded at three), half of all the
// patterns of an index. Instead the scan decodes: a long run of base64
// characters is decoded (at each of its four character offsets), the
// stretches of the decoded bytes that are themselves base64 characters are
// searched with the same index, and a match of a base64 pattern there
// redacts the characters of the run its bytes came from.
//
// Only runs of at least nestedMinRun characters of the standard alphabet
// are decoded (an encoder's output, cut by anything else: a quote, "=",
// a space). Every such run holds an aligned 32-byte block of them, which
// the decoding scan's block pass reports as a block of base64 characters
// (see decodedSpans); the portable scan samples for the same runs. Log
// text has few: a path without "_", "-" or ".", a long hash. The one
// double form of a value standing alone (base64 of its base64, both from
// the first byte) is still indexed (formSet.addBase64), for short blobs.

// nestedMinRun is the shortest run of standard base64 characters decoded
// in search of base64 of base64: a run this long holds an aligned 32-byte
// block.
const nestedMinRun = 64

// nestedMinInner is the shortest stretch of decoded base64 characters
// searched: the shortest pattern.
const nestedMinInner = 4

// b64Val maps a character of the standard alphabet to its value and every
// other byte to 0xFF.
var b64Val = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := range len(alpha) {
		t[alpha[i]] = byte(i)
	}
	return t
}()

// isStdChar reports whether c is a character of the standard alphabet.
func isStdChar(c byte) bool { return b64Val[c] != 0xFF }

// nestedBlock looks at the 32 bytes at b, all base64 characters (a block
// the block pass reports): when they are all of the standard alphabet, it
// searches the run of them that holds the block, if it is long enough, and
// returns where the run ends. Else (a block of a path with "_" or "-") it
// returns lo: a long run that holds some of these bytes holds another
// block of the standard alphabet only. Runs before lo are done.
func (sw *sweep) nestedBlock(b, lo int) int {
	text := sw.text
	// A run of nestedMinRun holds a character next to the block (a block
	// of 32 alone, a hex digest between spaces, is done in two loads).
	if !(b > lo && isStdChar(text[b-1]) || b+32 < len(text) && isStdChar(text[b+32])) || !stdBlock(text[b:b+32]) {
		return lo
	}
	a := b
	for a > lo && isStdChar(text[a-1]) {
		a--
	}
	e := b + 32
	for e < len(text) && isStdChar(text[e]) {
		e++
	}
	if e-a >= nestedMinRun {
		sw.nestedRun(a, e)
	}
	return e
}

// stdBlock reports whether 32 base64 characters (of either alphabet, or
// "=") are all of the standard alphabet: none is "-", "=" or "_". Eight at
// a time: "-" and "=" are the bytes equal to 0x2D once bit 4 is cleared.
func stdBlock(p []byte) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	p = p[:32]
	w0 := binary.LittleEndian.Uint64(p[0:])
	w1 := binary.LittleEndian.Uint64(p[8:])
	w2 := binary.LittleEndian.Uint64(p[16:])
	w3 := binary.LittleEndian.Uint64(p[24:])
	return (nonStd(w0)|nonStd(w1)|nonStd(w2)|nonStd(w3))&high == 0
}

// nonStd has the high bit set in each byte of x, base64 characters, that
// is "-", "=" or "_" (and maybe in the bytes above one; only zero matters).
func nonStd(x uint64) uint64 {
	const ones = 0x0101010101010101
	y := x&^(0x10*ones) ^ 0x2D*ones // zero where "-" or "="
	z := x ^ 0x5F*ones              // zero where "_"
	return (y-ones)&^y | (z-ones)&^z
}

// nestedRuns is the portable way to find the runs nestedBlock finds: a run
// of nestedMinRun characters or more holds the eight bytes at some
// multiple of 56, so the text is sampled there.
func (sw *sweep) nestedRuns() {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	text := sw.text
	done := 0
	for p := 0; p+8 <= len(text); p += 56 {
		if p < done {
			continue
		}
		x := binary.LittleEndian.Uint64(text[p : p+8])
		if ((x-0x2b*ones)|(x+0x05*ones)|x)&high != 0 {
			continue // a byte below '+' or above 'z'
		}
		a, e := p, p
		for e < len(text) && isStdChar(text[e]) {
			e++
		}
		if e < p+8 {
			continue
		}
		for a > done && isStdChar(text[a-1]) {
			a--
		}
		if e-a >= nestedMinRun {
			sw.nestedRun(a, e)
		}
		done = e
	}
}

// nestedScan is one search for base64 of base64, in the source text (d is
// nil) or in the joined lines of a run of wrapped base64 (see wrappedRun),
// where d maps each byte back to the source.
type nestedScan struct {
	s    *snapshot
	sw   *sweep         // the source text's sweep: its scratch is taken when first needed
	sc   *decodeScratch // or the scratch
	text []byte
	d    *decoded
	src  []byte // the source text d maps to
}

// nestedRun searches text[a:e], a run of standard base64 characters, for
// base64 of base64: its decodings from each of its first four characters.
func (sw *sweep) nestedRun(a, e int) {
	ns := nestedScan{s: sw.s, sw: sw, text: sw.text}
	ns.run(a, e)
	sw.s.escapedRun(sw.scratch, sw.text, nil, nil, a, e)
}

// nestedWrapped searches the joined lines of a run of wrapped base64 (the
// base64 command wraps a .dockerconfigjson at 76 columns) for base64 of
// base64 that spans a line break or lies in a line too short for the scan
// of the text to decode (the last); what a full line holds whole is found
// in the text as written.
func (s *snapshot) nestedWrapped(sc *decodeScratch, d *decoded, src []byte) {
	t := d.text
	ns := nestedScan{s: s, sc: sc, text: t, d: d, src: src}
	for i := 0; i < len(t); {
		for i < len(t) && !isStdChar(t[i]) {
			i++
		}
		j := i
		for j < len(t) && isStdChar(t[j]) {
			j++
		}
		if j-i >= nestedMinRun {
			ns.run(i, j)
			s.escapedRun(func() *decodeScratch { return sc }, t, d, src, i, j)
		}
		i = j
	}
}

func (ns *nestedScan) run(a, e int) {
	for o := range 4 {
		ns.stretches(a+o, e)
	}
}

// Escapes in base64. A request body logged as bytes (zap.Binary, slog's
// JSON handler, a []byte field of a reflected struct, OTLP bytes) is
// written as base64, and a body holds a secret escaped: a form's
// password=p%40ss, a JSON document's "p\"ss" or "a\u003cb", Go's %q. The
// base64 of the value at any alignment is indexed, the base64 of each of
// its escapings is not; so the stretches of a long run's decoding (at each
// of its first four characters) that are text and hold a marker are
// decoded as a line of the source is, one level (base64 and an escaping
// are the scan's two), and a match there redacts the base64 characters
// its bytes came from.

// escapedMinStretch is the shortest stretch of decoded text searched for
// an escaped value: the shortest pattern and one escape.
const escapedMinStretch = nestedMinInner + 2

// textByte reports whether c may be a byte of text: not a control byte
// but a tab or a line break (high bytes are UTF-8; DEL is one that
// encoding/json writes as it is).
func textByte(c byte) bool { return c >= 0x20 || c == '\t' || c == '\n' || c == '\r' }

// markerChars has, for each character of the standard alphabet, bit r set
// when the character can make byte r of its group of three decoded bytes
// a marker ("%", "\\" or "&"): the first character of the group gives
// the top six bits of byte 0, the second the top four of byte 1, the
// fourth the low six of byte 2. So the scan for escaped text looks at one
// character in four per byte and decodes only where one may be a marker.
var markerChars = func() (t [256]uint8) {
	for c := range 256 {
		v := b64Val[c]
		if v == 0xFF {
			continue
		}
		for _, m := range []byte{'%', '\\', '&'} {
			if v == m>>2 {
				t[c] |= 1
			}
			if v&15 == m>>4 {
				t[c] |= 2
			}
			if v == m&63 {
				t[c] |= 4
			}
		}
	}
	return t
}()

// escapedStretch returns the first stretch [lo, hi) of the decoding of
// text[p:e], from decoded byte k on, that is text, holds a marker byte
// and is long enough to search; ok is false when there is none.
func escapedStretch(text []byte, p, e, k int) (lo, hi int, ok bool) {
	n := 0 // decoded bytes
	if e > p {
		n = (e-p)/4*3 + max((e-p)%4-1, 0)
	}
	for ; k < n; k++ {
		c := p + 4*(k/3)
		switch r := k % 3; {
		case r == 0 && markerChars[text[c]]&1 == 0,
			r == 1 && markerChars[text[c+1]]&2 == 0,
			r == 2 && (c+3 >= e || markerChars[text[c+3]]&4 == 0):
			continue
		}
		if m, _ := decodedAt(text, p, e, k); m != '%' && m != '\\' && m != '&' {
			continue
		}
		lo, hi = k, k+1
		for lo > 0 {
			if c, _ := decodedAt(text, p, e, lo-1); !textByte(c) {
				break
			}
			lo--
		}
		for hi < n {
			if c, _ := decodedAt(text, p, e, hi); !textByte(c) {
				break
			}
			hi++
		}
		if hi-lo >= escapedMinStretch {
			return lo, hi, true
		}
		k = hi
	}
	return 0, 0, false
}

// escapedRun searches the stretches of escaped text in the decodings of
// text[a:e], a run of standard base64 characters: the source text (d
// nil) or the joined lines of wrapped base64, d mapping them to src.
// scratch returns the scan's scratch, taken when first needed.
func (s *snapshot) escapedRun(scratch func() *decodeScratch, text []byte, d *decoded, src []byte, a, e int) {
	if s.decoders&(URL|JSON|HTML) == 0 {
		return
	}
	for o := range 4 {
		p := a + o
		for k := 0; ; {
			lo, hi, ok := escapedStretch(text, p, e, k)
			if !ok {
				break
			}
			s.escapedSearch(scratch(), text, d, src, p, e, lo, hi)
			k = hi
		}
	}
}

// escapedSearch decodes the decoded bytes [lo, hi) of text[p:e], text
// with a marker, with each enabled decoder whose escape they hold, and
// searches the result (decodeStep, one level: the base64 was the first).
func (s *snapshot) escapedSearch(sc *decodeScratch, text []byte, d *decoded, src []byte, p, e, lo, hi int) {
	b := &sc.b64
	b.reset()
	for k := lo; k < hi; k++ {
		c, _ := decodedAt(text, p, e, k)
		// Decoded byte k comes from the characters [c0, c0+2).
		c0 := p + 4*(k/3) + k%3
		from, to := int32(c0), int32(c0+2)
		if d != nil {
			from, to = d.from[c0], d.to[c0+1]
		}
		b.text = append(b.text, c)
		b.from = append(b.from, from)
		b.to = append(b.to, to)
		b.pfrom = append(b.pfrom, int32(c0))
		b.pto = append(b.pto, int32(c0+2))
	}
	n := len(sc.spans)
	decs := s.decs()
	for k := range decs {
		dec := &decs[k]
		if s.decoders&dec.enc == 0 {
			continue
		}
		i := bytes.IndexByte(b.text, dec.marker)
		if i < 0 || firstEscape(dec, b.text, i) < 0 {
			continue
		}
		s.decodeStep(sc, b, b.text, 0, len(b.text), dec, maxDecodeDepth-1, math.MaxInt)
	}
	if d == nil {
		return
	}
	// In the joined lines of wrapped base64: one span per line a match
	// touches, the line breaks staying (as emit does).
	for i := n; i < len(sc.spans); i++ {
		sp := sc.spans[i]
		if bytes.IndexByte(src[sp.start:sp.end], '\n') < 0 {
			continue
		}
		first := true
		for a := sp.start; a < sp.end; {
			for a < sp.end && !isStdChar(src[a]) {
				a++
			}
			z := a
			for z < sp.end && isStdChar(src[z]) {
				z++
			}
			if z > a {
				piece := sp
				piece.start, piece.end, piece.cross = a, z, a-sp.start
				if first {
					sc.spans[i] = piece
					first = false
				} else {
					sc.spans = append(sc.spans, piece)
				}
			}
			a = z
		}
	}
}

func (ns *nestedScan) scratch() *decodeScratch {
	if ns.sc == nil {
		ns.sc = ns.sw.scratch()
	}
	return ns.sc
}

// emit records a match of a base64 pattern found at text[start:end].
func (ns *nestedScan) emit(start, end int, sec uint32) {
	sc := ns.scratch()
	d := ns.d
	if d == nil {
		sc.spans = append(sc.spans, span{start: start, end: end, sec: sec, enc: Base64, length: end - start})
		return
	}
	if int(d.to[end-1]-d.from[start]) == end-start {
		// Within one line: the scan of the text has it if the line's run
		// is long enough to decode (not the run's last line, shorter).
		a, e := int(d.from[start]), int(d.to[end-1])
		for a > 0 && isStdChar(ns.src[a-1]) {
			a--
		}
		for e < len(ns.src) && isStdChar(ns.src[e]) {
			e++
		}
		if e-a >= nestedMinRun {
			return
		}
	}
	// One span per line the match touches, as wrappedRun does.
	for a := start; a < end; {
		lineEnd := a
		for lineEnd < end && d.from[lineEnd] == d.from[a]+int32(lineEnd-a) {
			lineEnd++
		}
		sc.spans = append(sc.spans, span{start: int(d.from[a]), end: int(d.to[lineEnd-1]), sec: sec, enc: Base64, length: end - start, cross: int(d.from[a] - d.from[start])})
		a = lineEnd
	}
}

// decodedAt returns byte k of the decoding of text[p:], all standard
// alphabet characters, and whether its characters are there (before e).
func decodedAt(text []byte, p, e, k int) (byte, bool) {
	g, r := k/3, k%3
	c := p + 4*g + r
	if c+1 >= e {
		return 0, false
	}
	x, y := b64Val[text[c]], b64Val[text[c+1]]
	switch r {
	case 0:
		return x<<2 | y>>4, true
	case 1:
		return x<<4 | y>>2, true
	}
	return x<<6 | y, true
}

// stretches finds, in the decoding of text[p:e], the stretches of
// at least nestedMinInner standard-alphabet bytes and searches them. It
// probes one decoded byte in nestedMinInner: a stretch that long holds a
// probed byte.
func (ns *nestedScan) stretches(p, e int) {
	text := ns.text
	n := 0 // decoded bytes
	if e > p {
		n = (e-p)/4*3 + max((e-p)%4-1, 0)
	}
	for k := nestedMinInner - 1; k < n; {
		c, _ := decodedAt(text, p, e, k)
		if !isStdChar(c) {
			k += nestedMinInner
			continue
		}
		lo, hi := k, k+1
		for lo > 0 {
			c, _ := decodedAt(text, p, e, lo-1)
			if !isStdChar(c) {
				break
			}
			lo--
		}
		for hi < n {
			c, _ := decodedAt(text, p, e, hi)
			if !isStdChar(c) {
				break
			}
			hi++
		}
		if hi-lo >= nestedMinInner {
			ns.search(p, e, lo, hi)
		}
		k = hi + nestedMinInner
	}
}

// search searches the decoded bytes [lo, hi) of text[p:e] in windows
// of a segment that overlap by a match's reach, and records a span for
// each match of a base64 pattern.
func (ns *nestedScan) search(p, e, lo, hi int) {
	s, text := ns.s, ns.text
	sc := ns.scratch()
	seg, reach := s.segment(), s.maxLen
	for w := lo; ; w += seg - reach {
		we := min(hi, w+seg)
		buf := sc.nested[:0]
		for k := w; k < we; k++ {
			c, _ := decodedAt(text, p, e, k)
			buf = append(buf, c)
		}
		sc.nested = buf
		sc.matches = s.idx.Find(sc.matches[:0], buf)
		for _, m := range sc.matches {
			pi := s.pats[m.ID]
			if pi.enc != Base64 {
				// The value itself (or another form) in decoded base64:
				// its base64 form is found in the text as written.
				continue
			}
			// The stretch holds base64 characters only: a partial
			// character beside the match is there unless it ends the
			// stretch.
			x, y := w+m.Start, w+m.End
			if pi.extLeft && x > lo {
				x--
			}
			if pi.extRight && y < hi {
				y++
			}
			// Decoded byte k comes from the characters [p+4g+r, p+4g+r+2),
			// g = k/3, r = k%3.
			start := p + 4*(x/3) + x%3
			end := p + 4*((y-1)/3) + (y-1)%3 + 2
			ns.emit(start, end, pi.sec)
		}
		if we >= hi {
			return
		}
	}
}

// heldNested moves cut, where the streaming Writer cuts its buffer, back
// into the run of standard base64 characters it falls in, so that the next
// scan, which starts at the cut, decodes the run as one-shot scrubbing
// does. First, the cut keeps nestedMinRun characters of the run after it,
// or moves back to where the run starts (a run that reaches the end of buf
// may go on, so it counts as ending there). Then, a span of the scan (they
// are in order, apart) that starts less than three characters after the
// cut moves it back to three characters before the span: base64 of base64
// found there may start inside a group of four characters that began
// before the cut, which the next scan could not decode. It looks at most
// nestedMinRun bytes either way.
func heldNested(buf []byte, cut int, spans []span) int {
	if cut <= 0 || cut > len(buf) || !isStdChar(buf[cut-1]) || cut < len(buf) && !isStdChar(buf[cut]) {
		return cut
	}
	e := cut
	for e < len(buf) && e-cut < nestedMinRun && isStdChar(buf[e]) {
		e++
	}
	if e-cut < nestedMinRun {
		a := cut
		for a > 0 && a > e-nestedMinRun && isStdChar(buf[a-1]) {
			a--
		}
		cut = a
	}
	for _, sp := range spans {
		if sp.start >= cut+3 {
			break
		}
		if sp.start >= cut {
			// Not before the line the span starts on: a run of base64
			// does not cross a line break (wrapped base64 is held by
			// whole lines, heldWrapped), and a cut inside the line before
			// would hide a wrapped run's first line from the next scan.
			ls := bytes.LastIndexByte(buf[max(0, sp.start-3):sp.start], '\n') + 1 + max(0, sp.start-3)
			return max(0, sp.start-3, ls)
		}
	}
	return cut
}
