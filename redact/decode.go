package redact

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/hushlog/hush/detect"
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
//	   and a code point in Python's: both are tried. \u{H...} (1 to 6
//	   hex digits) as Rust's Debug, JavaScript and Ruby write it; \NNN
//	   in octal (C, strace, PostgreSQL's bytea).
//	&  character references of HTML and XML: &#DDD; and &#xHHH; for any
//	   character (.NET's HtmlEncoder writes "+" as &#x2B; and every
//	   non-ASCII character so, WebUtility.HtmlEncode U+00A0-U+00FF as
//	   &#160;), the XML entities and HTML 4's Latin-1 names (Apache
//	   Commons' escapeHtml4 writes "ä" as &auml;). The forms of the common
//	   escapers (&lt; &#34; &quot; &#39; ...) are indexed as well, so a
//	   value is found in a line where the decoder would not run.
//
// Clean text pays one pass for the markers and for wrapped base64 (see
// decodedSpans).

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

// putPlain appends src[s:e], bytes that decode to themselves, each from
// its own source byte: put for a run of plain bytes at once.
func (d *decoded) putPlain(m *decoded, base int, src []byte, s, e int) {
	k := e - s
	if k <= 0 {
		return
	}
	n := len(d.text)
	d.text = append(d.text, src[s:e]...)
	d.from = slices.Grow(d.from, k)[:n+k]
	d.to = slices.Grow(d.to, k)[:n+k]
	d.pfrom = slices.Grow(d.pfrom, k)[:n+k]
	d.pto = slices.Grow(d.pto, k)[:n+k]
	pf, pt := d.pfrom[n:n+k], d.pto[n:n+k]
	p := int32(base + s)
	for i := range pf {
		pf[i] = p + int32(i)
		pt[i] = p + int32(i) + 1
	}
	if m == nil {
		copy(d.from[n:], pf)
		copy(d.to[n:], pt)
	} else {
		copy(d.from[n:], m.from[base+s:base+e])
		copy(d.to[n:], m.to[base+s:base+e])
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

// decodedFamilies are the encoding families the scan decodes (the
// decoders below, and wrapped base64 and base64 of base64): a snapshot's
// decoders are the Redactor's encodings among them, with or without
// secrets.
const decodedFamilies = URL | JSON | HTML | Base64

var decoders = []decoder{
	{URL, '%', percentAt, decodePercent, false},
	{JSON, '\\', backslashAt, func(d, m *decoded, base int, src []byte) { decodeBackslash(d, m, base, src, false) }, false},
	{HTML, '&', entityAt, decodeEntities, false},
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
	clear(sc.probe2.text)
	clear(sc.nested)
	clear(sc.b64.text)
	clear(sc.wj.text)
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
	probe2  decoded // the probe decoded once more (deepProbe)
	matches []fingerprint.Match
	// spans collects what the decoding scan finds (the caller's slice
	// would escape through the recursion).
	spans []span
	// alt counts the restarts (restartFull) under way: the spans found
	// in a restarted reading are deeper (see span.depth).
	alt    int
	nested []byte  // decoded base64 of base64 (nested.go)
	b64    decoded // decoded base64 text with escapes (nested.go)
	wj     decoded // the joined lines of wrapped base64 in a decoded line
	// pemCut is the source position of the earliest PEM block without
	// its END line that runs to the end of a decoded window (-1 for
	// none): the block may go on past the window (see decodeLine).
	pemCut int
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
// text, and, with Base64 on, across the line breaks of wrapped base64.
//
// Clean text pays one pass for all of it where blockEvents runs (amd64 with
// AVX2): 32 bytes at a time, it looks for any marker byte of the enabled
// decoders and for blocks of base64 characters only, which every stretch
// of wrapped base64 holds one of (a stretch is 64 bytes or more, so it
// covers a whole aligned block). Only those blocks are looked at again. Elsewhere each decoder runs
// bytes.IndexByte over the text for its marker, and nextStretch samples for
// wrapped base64; both ways find the same spans.
func (s *snapshot) decodedSpans(dst []span, text []byte) []span {
	return s.decodedSpansSwept(dst, text, nil)
}

// decodedSpansSwept is decodedSpans given the sweep of text that the
// detectors' scan made (see detectRawSweep): where fs.Done, its blocks are
// blockEvents' and the scan skips its own pass.
func (s *snapshot) decodedSpansSwept(dst []span, text []byte, fs *detect.Sweep) []span {
	if fs != nil && fs.Done && fs.Marks|fs.Dense == 0 {
		return dst // no marker and no block of base64: nothing to decode
	}
	set := s.sweepSetup()
	sw := sweep{s: s, text: text, decs: set.decs, nd: set.nd, tab: &set.tab}
	wrapped := s.decoders&Base64 != 0
	switch {
	case fs != nil && fs.Done:
		sw.swept(fs.Marks, fs.Dense, wrapped)
	case haveBlocks && !forceNoBlocks:
		sw.blocks(wrapped)
	default:
		for k := range sw.nd {
			sw.markers(k, 0, len(text))
		}
		for pos := 0; wrapped; {
			a, w := nextStretch(text, pos)
			if w == 0 {
				break
			}
			pos = sw.wrappedRuns(a, w)
		}
		if wrapped {
			sw.nestedRuns()
		}
	}
	if sw.sc != nil {
		n := len(dst)
		dst = append(dst, sw.sc.spans...)
		putScratch(sw.sc)
		dst = dropShiftedReadings(dst, n, text)
	}
	return dst
}

// dropShiftedReadings removes from dst[n:] each span that a more direct
// reading of the line found inside it with nothing but backslashes around
// (the same secret, only backslashes between the starts and between the
// ends), when the line is escaped once: where a backslash of the text
// decoded once begins no escape of JSON or Go quoting ("C:\\keys\\" reads
// C:\keys\, and "\k" is no escape). A deeper reading (a level down, or a
// restart: see span.depth) took one of those backslashes for part of an
// escape of the value, where the more direct one reads it as the text's
// own escaped backslash: a value that opens with an escape ("\u0001..."
// or "\"..." in JSON) after C:\\keys\\ reads, a level down or restarted
// inside "\\", as a value escaped twice, and so does a value that ends
// with a backslash before one of the text's. The value is covered either
// way; keeping the deeper span would take one of the text's bytes. Where
// the line decodes to valid escaped text again (JSON inside JSON), both
// readings stay and the deeper one wins: the same bytes are then the
// value escaped twice.
func dropShiftedReadings(dst []span, n int, text []byte) []span {
	// Only a span that begins or ends with a backslash can have
	// backslashes around another.
	cand := func(a span) bool {
		return a.depth != 0 && a.end > a.start && (text[a.start] == '\\' || text[a.end-1] == '\\')
	}
	cands := 0
	for _, a := range dst[n:] {
		if cand(a) {
			cands++
		}
	}
	if cands == 0 {
		return dst
	}
	others := dst
	sorted := cands*len(dst) > 4096
	if sorted {
		// Many: look among the spans sorted by start (the same text
		// may hold thousands of matches).
		others = slices.Clone(dst)
		slices.SortFunc(others, func(x, y span) int { return cmp.Compare(x.start, y.start) })
	}
	// Whether the line is escaped once, for the line (or window of it)
	// [onceLo, onceHi) around the last candidate that asked.
	once, onceLo, onceHi := false, 0, -1
	drop := 0
	for i := n; i < len(dst); i++ {
		a := dst[i]
		if !cand(a) {
			continue
		}
		near := others
		if sorted {
			// The spans that start in a's run of leading backslashes.
			lo, _ := slices.BinarySearchFunc(others, a.start, func(x span, t int) int { return cmp.Compare(x.start, t) })
			run := len(text[a.start:a.end]) - len(bytes.TrimLeft(text[a.start:a.end], `\`))
			hi := lo
			for hi < len(others) && others[hi].start <= a.start+run {
				hi++
			}
			near = others[lo:hi]
		}
		switch widenedByBackslashes(a, near, text) {
		case unrelated:
			continue
		case deeper:
			if a.start < onceLo || a.start >= onceHi {
				once, onceLo, onceHi = escapedOnce(text, a.start)
			}
			if !once {
				continue
			}
		}
		dst[i].depth = dropped
		drop++
	}
	if drop == 0 {
		return dst
	}
	out := dst[:n]
	for _, a := range dst[n:] {
		if a.depth != dropped {
			out = append(out, a)
		}
	}
	return out
}

// dropped marks a span dropShiftedReadings removes: deeper than any, it is
// no more direct reading of anything.
const dropped = math.MaxUint8

// How a span relates to a more direct reading of the same value (see
// widenedByBackslashes).
const (
	unrelated = iota
	deeper    // a level down from it
	restarted // in a restart, where the line's own reading found it
)

// widenedByBackslashes reports whether a span of a more direct reading
// than a's, for the same secret and made of whole escapes, lies inside a
// with only backslashes before and after it, and how a's reading relates
// to it.
func widenedByBackslashes(a span, spans []span, text []byte) int {
	rel := unrelated
	for _, b := range spans {
		if b.depth >= a.depth || b.sec != a.sec || b.start < a.start || b.end > a.end || b.start == a.start && b.end == a.end {
			continue
		}
		// b must be whole escapes of the line's own reading: not a raw
		// value that ends with a backslash matched in the first half of
		// "\\\\".
		if danglingBackslash(text, b.start) || danglingBackslash(text, b.end) {
			continue
		}
		if onlyBackslashes(text[a.start:b.start]) && onlyBackslashes(text[b.end:a.end]) {
			if a.depth > maxDecodeDepth && b.depth <= maxDecodeDepth {
				return restarted
			}
			rel = deeper
		}
	}
	return rel
}

// escapedOnce reports whether the line of text around i (within 64 KiB of
// it), decoded once, holds a backslash that begins no escape of JSON or Go
// quoting: then it is not escaped text itself, and the line was escaped
// once. It returns the bounds [lo, hi) of the text it read, for which the
// answer holds.
func escapedOnce(text []byte, i int) (once bool, lo, hi int) {
	const reach = 1 << 16
	lo = max(0, i-reach)
	if k := bytes.LastIndexByte(text[lo:i], '\n'); k >= 0 {
		lo += k + 1
	}
	hi = min(len(text), i+reach)
	if k := bytes.IndexByte(text[i:hi], '\n'); k >= 0 {
		hi = i + k
	}
	return escapedOnceIn(text[lo:hi]), lo, hi
}

// escapedOnceIn is escapedOnce for one line.
func escapedOnceIn(line []byte) bool {
	var d decoded
	decodeBackslash(&d, nil, 0, line, false)
	t := d.text
	for k := 0; k < len(t); k++ {
		if t[k] != '\\' {
			continue
		}
		if k+1 == len(t) {
			return true
		}
		switch c := t[k+1]; c {
		case '"', '\\', '/', '\'', 'b', 'f', 'n', 'r', 't', 'a', 'v':
			k++
		case 'u', 'x', 'U':
			w := map[byte]int{'u': 4, 'x': 2, 'U': 8}[c]
			if _, ok := hexN(t, k+2, w); !ok {
				return true
			}
			k += 1 + w
		default:
			return true
		}
	}
	return false
}

func onlyBackslashes(b []byte) bool {
	for _, c := range b {
		if c != '\\' {
			return false
		}
	}
	return true
}

// forceNoBlocks makes the scan take the portable way (tests run both).
var forceNoBlocks = false

// sweep is the state of one decoding scan of a text.
type sweep struct {
	s    *snapshot
	text []byte
	sc   *decodeScratch
	// decs are the enabled decoders (at most four, of distinct markers);
	// next[k] is where decs[k] looks for its next line: its lines before
	// next[k] are done.
	decs [4]*decoder
	nd   int
	next [4]int
	// wdone is where the search for wrapped base64 goes on: the runs
	// before it are done.
	wdone int
	ndone int // the same for base64 of base64 (nested.go)
	// tab is blockEvents' table of the markers of decs (nil: see
	// markerTable).
	tab *[16]byte
}

// depth is span.depth for a match found at level lvl of the reading under
// way.
func (sc *decodeScratch) depth(lvl int) uint8 {
	d := uint8(1 + lvl)
	if sc.alt > 0 {
		d += maxDecodeDepth
	}
	return d
}

func (sw *sweep) scratch() *decodeScratch {
	if sw.sc == nil {
		sw.sc = getScratch()
		sw.sc.spans = sw.sc.spans[:0]
	}
	return sw.sc
}

// markerTable is blockEvents' table for the enabled decoders' markers: the
// marker at the index of its low four bits, 0x80 (never a marker) elsewhere.
func (sw *sweep) markerTable() (tab [16]byte) {
	for i := range tab {
		tab[i] = 0x80
	}
	for k := range sw.nd {
		m := sw.decs[k].marker
		tab[m&15] = m
	}
	return tab
}

// blocks is the scan by blockEvents.
func (sw *sweep) blocks(wrapped bool) {
	tab := sw.tab
	if tab == nil {
		t := sw.markerTable()
		tab = &t
	}
	text := sw.text
	n := len(text) &^ 31
	for off := 0; off < n; {
		r := blockEvents(&text[off], n-off, tab)
		if r == n-off {
			break
		}
		b := off + r&^31
		sw.block(b, b+32, r&1 != 0, r&2 != 0 && wrapped)
		off = b + 32
	}
	for k := range sw.nd {
		sw.markers(k, n, len(text))
	}
}

// block takes the event of the block text[b:e]: it holds a marker
// (marked), it is of base64 characters only (dense, with Base64 on).
func (sw *sweep) block(b, e int, marked, dense bool) {
	if marked {
		for k := range sw.nd {
			sw.markers(k, b, e)
		}
	}
	if dense && b >= sw.wdone {
		if a, w := blockStretch(sw.text, b, sw.wdone); w != 0 {
			sw.wdone = sw.wrappedRuns(a, w)
		}
	}
	if dense && b >= sw.ndone {
		sw.ndone = sw.nestedBlock(b, sw.ndone) // base64 of base64 (nested.go)
	}
}

// markers decodes the lines of the markers of decs[k] in text[from:to] it
// has not done yet.
func (sw *sweep) markers(k, from, to int) {
	dec := sw.decs[k]
	for {
		from = max(from, sw.next[k])
		if from >= to {
			return
		}
		i := bytes.IndexByte(sw.text[from:to], dec.marker)
		if i < 0 {
			return
		}
		sw.next[k] = sw.decodeLine(dec, from+i)
		from += i + 1
	}
}

// decodeLine decodes with dec the line of text that holds the marker at i,
// from there on, and returns where the next line starts.
func (sw *sweep) decodeLine(dec *decoder, i int) int {
	s, text := sw.s, sw.text
	reach, seg := s.det.withReach(s.maxLen), s.segment()
	lineEnd := len(text)
	if nl := bytes.IndexByte(text[i:], '\n'); nl >= 0 {
		lineEnd = i + nl
	}
	pemAt := -1 // the start of a PEM block the last window cut
	for {
		j := firstEscape(dec, text[:lineEnd], i)
		if j < 0 {
			return lineEnd + 1
		}
		// Decode a window of the line: from reach before the first
		// escape (no match that takes it in starts earlier) to at most
		// seg bytes on, so that a line of a gigabyte costs bounded
		// scratch. The next window starts reach before this one ends,
		// or at a PEM block this one cut (longer than reach), and is
		// then long enough for the block escaped.
		start := max(0, j-reach)
		if pemAt >= 0 {
			start = min(start, pemAt)
		}
		if nl := bytes.LastIndexByte(text[start:j], '\n'); nl >= 0 {
			start += nl + 1
		}
		end := min(lineEnd, start+seg)
		if pemAt >= 0 {
			end = min(lineEnd, start+max(seg, maxExpansion*detect.MaxPEMLen+reach))
		}
		sc := sw.scratch()
		sc.pemCut = -1
		s.decodeStep(sc, nil, text, start, end, dec, 0, math.MaxInt)
		if dec.marker == '\\' && firstEscape(&pythonBytes, text[:end], j) >= 0 {
			s.decodeStep(sc, nil, text, start, end, &pythonBytes, 0, math.MaxInt)
		}
		if dec.marker == '%' && firstEscape(&jsUnicode, text[:end], j) >= 0 {
			s.decodeStep(sc, nil, text, start, end, &jsUnicode, 0, math.MaxInt)
		}
		if end >= lineEnd {
			return lineEnd + 1
		}
		pos := end - reach
		pemAt = -1
		if c := sc.pemCut; c > start && c < pos {
			pos, pemAt = c, c
		}
		k := bytes.IndexByte(text[pos:lineEnd], dec.marker)
		if k < 0 {
			return lineEnd + 1
		}
		i = pos + k
	}
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
	s.scanDecoded(sc, parent, d, ptext, lvl, dec, limit)
	// d is left alone by the levels below (they use lvl+1), so its escapes
	// can be walked now. Every escape of two bytes or more starts with the
	// marker (with "%" in form decoding): the walk goes from one to the next, and finds the escape that starts at one
	// (a marker inside an escape, the second backslash of "\\\\", starts
	// none) by its position in d.
	first := dec.marker
	if dec.sameLen {
		first = '%' // form decoding: "+" is one byte, "%XX" the escape
	}
	for i := start; i < min(end, limit); i++ {
		k := bytes.IndexByte(ptext[i:min(end, limit)], first)
		if k < 0 {
			break
		}
		i += k
		a, ok := slices.BinarySearch(d.pfrom, int32(i))
		if !ok {
			continue // inside an escape
		}
		e := int(d.pto[a])
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
	if c := src[i+1]; c == '\\' {
		return backslashAt(src, i+1)
	} else if simpleEscapes[c] == c {
		return false
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
	deep := lvl+1 < maxDecodeDepth && s.hasMarker(p.text)
	if deep {
		// The level below decodes the probe again: read enough for 8
		// bytes decoded twice past the escape.
		pe = min(end, fe+8*6*6+72)
		p.reset()
		dec.decode(p, parent, r, ptext[r:pe])
	}
	if s.mayStartBefore(p.text, p.pfrom, limit, pe == end) || deep && s.deepProbe(sc, p, limit, pe == end) {
		s.restartFull(sc, parent, ptext, r, fe, end, dec, lvl, limit)
	}
}

// mayStartBefore reports whether the index's filter admits a pattern that
// starts in text at a byte that comes from before limit (by from).
func (s *snapshot) mayStartBefore(text []byte, from []int32, limit int, final bool) bool {
	for a := 0; a < len(text) && int(from[a]) < limit; a++ {
		if s.idx.MayStartAt(text, a, final) {
			return true
		}
	}
	return false
}

// deepProbe reports whether the level below the probe p (a restart's first
// bytes, which hold escapes) can hold a match that starts before limit,
// as decodeStep would search that level: a pattern the filter admits at a
// byte it decodes from before limit, in its decoding of p or in a restart
// of it inside one of its escapes that starts before limit. Without it
// every restart on a line whose decoded text still holds escapes (a value
// with a "%" or a backslash, URL-escaped; JSON in JSON) decoded and
// searched a match's whole reach: quadratic in the length of such a line
// once values are long.
func (s *snapshot) deepProbe(sc *decodeScratch, p *decoded, limit int, final bool) bool {
	decs := s.decs()
	for k := range decs {
		dec := &decs[k]
		if s.decoders&dec.enc == 0 {
			continue
		}
		i := bytes.IndexByte(p.text, dec.marker)
		if i < 0 || firstEscape(dec, p.text, i) < 0 {
			continue
		}
		q := &sc.probe2
		q.reset()
		dec.decode(q, nil, 0, p.text)
		if s.mayStartBelow(q, p, limit, len(p.text), final) {
			return true
		}
		// The escapes of q that start before limit, as decodeStep walks
		// them, and their restarts.
		first := dec.marker
		if dec.sameLen {
			first = '%'
		}
		for j := 0; j < len(p.text) && int(p.pfrom[j]) < limit; j++ {
			if p.text[j] != first {
				continue
			}
			a, ok := slices.BinarySearch(q.pfrom, int32(j))
			if !ok {
				continue
			}
			e := int(q.pto[a])
			if e-j < 2 || !needsRestart(p.text, j, e) {
				continue
			}
			for _, r := range []int{j + 1, j + 7} {
				if r == j+7 && e-j != 12 {
					break
				}
				q.reset()
				dec.decode(q, nil, r, p.text[r:])
				if s.mayStartBelow(q, p, limit, e, final) {
					return true
				}
			}
			q.reset()
			dec.decode(q, nil, 0, p.text) // as it was, for the binary search
		}
	}
	return false
}

// mayStartBelow reports whether the filter admits a pattern at a byte of
// q, a decoding of the probe p, that comes from before plimit in p and
// from before limit in the text p was decoded from.
func (s *snapshot) mayStartBelow(q, p *decoded, limit, plimit int, final bool) bool {
	for b := 0; b < len(q.text); b++ {
		a := int(q.pfrom[b])
		if a >= plimit || int(p.pfrom[a]) >= limit {
			break
		}
		if s.idx.MayStartAt(q.text, b, final) {
			return true
		}
	}
	return false
}

// restartHook, when set (by tests), is told the length of each window a
// restart decodes and searches in full.
var restartHook func(n int)

// restartFull decodes ptext from r for a match's reach and searches it.
func (s *snapshot) restartFull(sc *decodeScratch, parent *decoded, ptext []byte, r, fe, end int, dec *decoder, lvl int, limit int) {
	if restartHook != nil {
		restartHook(min(end, fe+s.maxLen) - r)
	}
	d := &sc.alts[lvl]
	d.reset()
	we := min(end, fe+s.maxLen) // maxLen is already a reach in source bytes
	dec.decode(d, parent, r, ptext[r:we])
	sc.alt++
	s.scanDecoded(sc, parent, d, ptext, lvl, dec, limit)
	sc.alt--
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
func (s *snapshot) scanDecoded(sc *decodeScratch, parent, d *decoded, ptext []byte, lvl int, dec *decoder, limit int) {
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
		// Some escapes are as long as what they stand for ("+", YAML's
		// "\_" for an NBSP): equal lengths alone do not rule one out.
		if below == b-a && bytes.Equal(d.text[a:b], ptext[d.pfrom[a]:d.pto[b-1]]) || end-start == below && lvl > 0 {
			continue
		}
		bs := false
		if pf, c := int(d.pfrom[a]), d.text[a]; b-a > 1 && d.pto[a]-d.pfrom[a] == 2 && ptext[pf] == '\\' && simpleEscapes[c] == c && !jsonSelfEscape[c] {
			// A match that begins with punctuation escaped by a backslash
			// the way bash, Perl or a regexp quote it (\[ \$) leaves the
			// backslash: it may be the text's own byte (C:\keys\[...]), it
			// carries nothing of the value, and the escaping syntax still
			// reads "\[REDACTED...". ScrubEscaped takes it back where it
			// starts an escape. One JSON, JavaScript or Go writes (\" \/)
			// is taken whole, so a JSON line stays valid.
			if parent == nil {
				start = pf + 1
			} else {
				start = int(parent.from[pf+1])
			}
			bs = true
		} else if pf := int(d.pfrom[a]); parent != nil && d.pto[a]-d.pfrom[a] > 1 && (ptext[pf] == '%' || ptext[pf] == '&') && parent.to[pf]-parent.from[pf] == 2 {
			// The escape the match begins with opens with a "%" or "&"
			// the level above read from two bytes: only "\%" and "\&"
			// read so, an escape of no JSON or Go quoting: the backslash
			// is the text's own (C:\dir\%40...), left out as above.
			start = int(parent.from[pf]) + 1
			bs = true
		} else if pf := int(d.pfrom[a]); parent != nil && d.pto[a]-d.pfrom[a] == 2 && ptext[pf] == '\\' && parent.to[pf]-parent.from[pf] == 1 && parent.to[pf+1]-parent.from[pf+1] > 1 {
			// The match begins with a backslash escape whose backslash
			// is the text's own byte and whose escaped byte the level
			// above decoded (\%22, \&#92;): no encoder escapes the byte
			// and leaves the backslash as it is, so the two never made
			// one escape: the backslash is left out.
			start = int(parent.from[pf+1])
			bs = true
		}
		sc.spans = append(sc.spans, span{start: start, end: end, sec: p.sec, enc: dec.enc, length: m.End - m.Start, bs: bs, depth: sc.depth(lvl)})
	}
	s.detectDecoded(sc, d, lvl, dec, limit)
	if lvl == 0 && sc.alt == 0 {
		s.wrappedInDecoded(sc, d)
	}
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
	return ok || percentU(src, i) > 0
}

// percentU parses JavaScript's escape() form of a UTF-16 code unit,
// %uXXXX, at src[i] (a surrogate pair as two, joined) and returns the
// escape's length, or 0.
func percentU(src []byte, i int) int {
	if i+5 >= len(src) || src[i+1] != 'u' && src[i+1] != 'U' {
		return 0
	}
	if _, ok := hexN(src, i+2, 4); !ok {
		return 0
	}
	return 6
}

// putPercentU decodes the %uXXXX at src[i] (percentU) and returns the
// length it took: 12 for a surrogate pair.
func putPercentU(d, m *decoded, base int, src []byte, i int) int {
	v, _ := hexN(src, i+2, 4)
	n := 6
	if 0xD800 <= v && v < 0xDC00 && i+7 < len(src) && src[i+6] == '%' && percentU(src, i+6) > 0 {
		if lo, _ := hexN(src, i+8, 4); 0xDC00 <= lo && lo < 0xE000 {
			v = 0x10000 + (v-0xD800)<<10 + (lo - 0xDC00)
			n = 12
		}
	}
	d.putRune(m, base, i, i+n, v) // a lone surrogate becomes U+FFFD
	return n
}

// jsUnicode is the variant of the percent decoder for lines with a %uXXXX
// escape (JavaScript's escape()): there %XX above 7F is the code point
// U+00XX, not a byte of UTF-8. Tried on the lines the percent decoder
// found, as pythonBytes is for backslashes.
var jsUnicode = decoder{URL, '%', func(src []byte, i int) bool { return percentU(src, i) > 0 }, func(d, m *decoded, base int, src []byte) { decodePercentAs(d, m, base, src, true) }, false}

func decodePercent(d, m *decoded, base int, src []byte) { decodePercentAs(d, m, base, src, false) }

// decodePercentAs undoes %XX and %uXXXX escapes; xRune reads %XX as the
// code point U+00XX instead of the byte XX.
func decodePercentAs(d, m *decoded, base int, src []byte, xRune bool) {
	for i := 0; i < len(src); {
		j := bytes.IndexByte(src[i:], '%')
		if j < 0 {
			d.putPlain(m, base, src, i, len(src))
			return
		}
		d.putPlain(m, base, src, i, i+j)
		i += j
		if v, ok := hexN(src, i+1, 2); ok {
			if xRune {
				d.putRune(m, base, i, i+3, v)
			} else {
				d.put(m, base, i, i+3, byte(v))
			}
			i += 3
			continue
		}
		if percentU(src, i) > 0 {
			i += putPercentU(d, m, base, src, i)
			continue
		}
		d.put(m, base, i, i+1, '%')
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
			if percentU(src, i) > 0 {
				i += putPercentU(d, m, base, src, i)
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

// simpleEscapes maps the character after a backslash to what it stands for:
// the escapes of C and JSON, \e (ESC: Perl, Ruby, YAML), and any ASCII
// punctuation or a space standing for itself (Perl's Data::Dumper writes
// \$ and \@, Ruby's inspect \#, bash's printf %q a backslash before every
// shell metacharacter, regexp.QuoteMeta before every regexp one).
var simpleEscapes = func() (t [256]byte) {
	for _, c := range []byte(" !\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~") {
		t[c] = c
	}
	for c, v := range map[byte]byte{'n': '\n', 'r': '\r', 't': '\t', 'b': '\b', 'f': '\f', 'v': '\v', 'a': '\a', 'e': 0x1b} {
		t[c] = v
	}
	return t // and '0': 0
}()

// jsonSelfEscape marks the escapes of JSON, JavaScript and Go that stand
// for their own character (and \\).
var jsonSelfEscape = [256]bool{'"': true, '\'': true, '/': true, '`': true, '\\': true}

// runeEscapes are YAML's escapes for characters beyond ASCII (PyYAML and
// go-yaml write them): \_ NBSP, \N NEL, \L and \P the line and paragraph
// separators.
var runeEscapes = [256]rune{'_': 0xA0, 'N': 0x85, 'L': 0x2028, 'P': 0x2029}

func backslashAt(src []byte, i int) bool {
	if i+1 >= len(src) {
		return false
	}
	c := src[i+1]
	if simpleEscapes[c] != 0 || c == '0' || runeEscapes[c] != 0 || octalEscape(src, i) > 0 {
		return true
	}
	if _, n := braceEscape(src, i); n > 0 {
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

// octalEscape parses \NNN at src[i] (three octal digits, at most \377:
// C, strace, PostgreSQL's bytea) and returns the byte plus one, or 0.
func octalEscape(src []byte, i int) int {
	if i+3 >= len(src) || src[i+1] < '0' || src[i+1] > '3' {
		return 0
	}
	v := 0
	for _, c := range src[i+1 : i+4] {
		if c < '0' || c > '7' {
			return 0
		}
		v = v<<3 | int(c-'0')
	}
	return v + 1
}

// braceEscape parses a braced escape at src[i]: \u{H...} (Rust's Debug,
// JavaScript, Ruby), \x{H...} (Perl, Data::Dumper) or \N{U+H...} (Perl's
// charnames), 1 to 8 hex digits, at most U+10FFFF; it returns the code
// point and the escape's length, or 0.
func braceEscape(src []byte, i int) (rune, int) {
	if i+4 >= len(src) || src[i+2] != '{' {
		return 0, 0
	}
	j := i + 3
	switch src[i+1] {
	case 'u', 'x':
	case 'N':
		if j+1 >= len(src) || src[j] != 'U' || src[j+1] != '+' {
			return 0, 0
		}
		j += 2
	default:
		return 0, 0
	}
	d := j
	var r rune
	for ; j < len(src) && j-d < 8; j++ {
		v, ok := unhex(src[j])
		if !ok {
			break
		}
		r = r<<4 | rune(v)
	}
	if j == d || j >= len(src) || src[j] != '}' || r < 0 || r > utf8.MaxRune {
		return 0, 0
	}
	return r, j + 1 - i
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
		j := bytes.IndexByte(src[i:], '\\')
		if j < 0 {
			d.putPlain(m, base, src, i, len(src))
			return
		}
		d.putPlain(m, base, src, i, i+j)
		i += j
		if i+1 >= len(src) {
			d.put(m, base, i, i+1, '\\')
			i++
			continue
		}
		c := src[i+1]
		if v := octalEscape(src, i); v > 0 {
			d.put(m, base, i, i+4, byte(v-1))
			i += 4
			continue
		}
		if v := simpleEscapes[c]; v != 0 || c == '0' {
			d.put(m, base, i, i+2, v)
			i += 2
			continue
		}
		if v, n := braceEscape(src, i); n > 0 {
			d.putRune(m, base, i, i+n, v)
			i += n
			continue
		}
		if v := runeEscapes[c]; v != 0 {
			d.putRune(m, base, i, i+2, v)
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

// base64Chars holds the characters of either base64 alphabet and '='.
var base64Chars = func() (t [256]bool) {
	for c := range 256 {
		t[c] = isBase64Char(byte(c), false) || isBase64Char(byte(c), true) || c == '='
	}
	return t
}()

// wrappedRuns searches the run of wrapped base64 whose first line ends in
// the full-width stretch at start, of the given width (a blob longer than a
// segment in segments), and returns where the search for the next run goes
// on: the start of the line that ended the run (its tail may start another
// run: a line of 64 base64 characters right before a log line that carries
// a blob).
func (sw *sweep) wrappedRuns(start, width int) int {
	for {
		pos, more := sw.wrappedRun(start, width)
		if !more {
			return pos
		}
		// The blob goes on past the segment: the next segment starts at
		// a full line of it, reach before this one stopped.
		start = pos
	}
}

// wrappedRun searches one segment of a run; more reports that the run goes
// on, and then pos is where the next segment starts.
func (sw *sweep) wrappedRun(start, width int) (pos int, more bool) {
	s, text := sw.s, sw.text
	reach, seg := s.det.withReach(s.maxLen), s.segment()
	sc := sw.scratch()
	d := &sc.levels[0]
	d.reset()
	lines := 0
	pos = start
	for pos < len(text) {
		end := bytes.IndexByte(text[pos:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += pos
		}
		// The leading base64 of the line; a full line goes on.
		m := 0
		for pos+m < end && m <= width && base64Chars[text[pos+m]] {
			m++
		}
		if m == 0 || m > width {
			break
		}
		d.putPlain(nil, pos, text[pos:pos+m], 0, m)
		lines++
		full := m == width && (pos+m == end || pos+m+1 == end && text[pos+m] == '\r')
		if !full {
			break // the run's last line
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
		return pos, false
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
		from := int(d.from[a])
		for a < b {
			lineEnd := a
			for lineEnd < b && d.from[lineEnd] == d.from[a]+int32(lineEnd-a) {
				lineEnd++
			}
			sc.spans = append(sc.spans, span{start: int(d.from[a]), end: int(d.to[lineEnd-1]), sec: p.sec, enc: Base64, length: m.End - m.Start, cross: int(d.from[a]) - from})
			a = lineEnd
		}
	}
	s.nestedWrapped(sc, d, text) // base64 of base64 (nested.go)
	if cut := s.detectWrapped(sc, d); more {
		// A PEM block the segment cut: the next segment starts at its
		// line (a segment is longer than a block's base64).
		if ls := bytes.LastIndexByte(text[:cut+1], '\n') + 1; cut >= 0 && ls > start {
			pos = min(pos, ls)
		}
	}
	return pos, more
}

// wrappedInDecoded searches the runs of wrapped base64 in d, a line
// decoded once whose line breaks were escapes (a PEM block, a MIME body or
// the base64 command's output in a JSON string, its line breaks written
// "\n"), joined, as wrappedRun searches them in the text: a match that
// spans lines redacts its part of each line, and the escaped line breaks
// stay. Only decoded text with a line break pays for it.
func (s *snapshot) wrappedInDecoded(sc *decodeScratch, d *decoded) {
	if s.decoders&Base64 == 0 || bytes.IndexByte(d.text, '\n') < 0 {
		return
	}
	for pos := 0; pos < len(d.text); {
		a, w := nextStretch(d.text, pos)
		if w == 0 {
			return
		}
		pos = s.wrappedDecodedRun(sc, d, a, w)
	}
}

// wrappedDecodedRun is wrappedRun in d.text: it searches the run whose
// first line ends in the full-width stretch at start, and returns where
// the search for the next run goes on.
func (s *snapshot) wrappedDecodedRun(sc *decodeScratch, d *decoded, start, width int) int {
	t := d.text
	j := &sc.wj
	j.reset()
	lines := 0
	pos := start
	for pos < len(t) {
		end := bytes.IndexByte(t[pos:], '\n')
		if end < 0 {
			end = len(t)
		} else {
			end += pos
		}
		m := 0
		for pos+m < end && m <= width && base64Chars[t[pos+m]] {
			m++
		}
		if m == 0 || m > width {
			break
		}
		j.putPlain(d, pos, t[pos:pos+m], 0, m)
		lines++
		if !(m == width && (pos+m == end || pos+m+1 == end && t[pos+m] == '\r')) {
			break // the run's last line
		}
		pos = end + 1
	}
	if lines < 2 {
		return max(pos, start+1)
	}
	sc.matches = s.idx.Find(sc.matches[:0], j.text)
	for _, m := range sc.matches {
		p := s.pats[m.ID]
		if p.enc != Base64 {
			continue
		}
		a, b := m.Start, m.End
		if p.extLeft && a > 0 && isBase64Char(j.text[a-1], p.url) {
			a--
		}
		if p.extRight && b < len(j.text) && isBase64Char(j.text[b], p.url) {
			b++
		}
		if j.to[b-1]-j.from[a] == int32(b-a) {
			continue // within one line: the scan of the text has it
		}
		// One span per line the match touches.
		from := int(j.from[a])
		for a < b {
			lineEnd := a
			for lineEnd < b && j.from[lineEnd] == j.from[a]+int32(lineEnd-a) {
				lineEnd++
			}
			sc.spans = append(sc.spans, span{start: int(j.from[a]), end: int(j.to[lineEnd-1]), sec: p.sec, enc: Base64, length: m.End - m.Start, cross: int(j.from[a]) - from})
			a = lineEnd
		}
	}
	return max(pos, start+1)
}

// nextStretch returns the first full-width stretch of base64 that starts
// at or after lo (where a line starts): a run of exactly 64 or 76 base64
// characters that ends a line (before its line break, or the '\r' of a
// CRLF) and begins the line or follows a character outside base64. It
// returns its start and width, or width 0.
//
// Such a stretch starting in [lo, p] with p = lo+56 holds the eight bytes
// at p, so the text is sampled one word every 57 bytes: a word with a byte
// below '+' (a space, a quote, a control byte) or above 'z' rules out every
// stretch starting in the 57 bytes up to it, a few instructions for 57
// bytes of text. A word that passes is walked byte by byte to where its run
// of base64 ends; the run is a stretch only if a line break follows and its
// length is a width. Ordinary log text fails most words on the first
// test, and the rest (identifiers, paths) within a few bytes of walking.
func nextStretch(text []byte, lo int) (int, int) {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	for p := lo + 56; p+8 < len(text); p += 57 {
		x := binary.LittleEndian.Uint64(text[p : p+8])
		if ((x-0x2b*ones)|(x+0x05*ones)|x)&high != 0 {
			continue // no stretch starts in (p-57, p]
		}
		a, w, e := stretchThrough(text, p, lo)
		if w != 0 {
			return a, w
		}
		// No stretch starts in (p-57, e]: one would hold p or start
		// inside the run, which does not end a line or is not as long
		// as a width. The next sample covers the stretches from e+1 on.
		p = e + 1 + 56 - 57
	}
	return 0, 0
}

// stretchThrough reports whether the run of base64 characters through
// text[p] is a full-width stretch (see nextStretch) that starts at or after
// lo, a line start; it returns its start and width (or width 0) and where
// the run ends (at most past the widest stretch).
func stretchThrough(text []byte, p, lo int) (a, w, e int) {
	maxW := wrapWidths[len(wrapWidths)-1]
	e = p
	for e < len(text) && e-p <= maxW && base64Chars[text[e]] {
		e++
	}
	q := e
	if q < len(text) && text[q] == '\r' {
		q++
	}
	if e-p > maxW || q >= len(text) || text[q] != '\n' {
		return 0, 0, e
	}
	a = p
	for a > lo && e-a <= maxW && base64Chars[text[a-1]] {
		a--
	}
	for _, w := range wrapWidths {
		if e-a == w {
			return a, w, e
		}
	}
	return 0, 0, e
}

// blockStretch is stretchThrough for the 32 bytes at b, all base64: a
// stretch that holds them ends a line at most 76 bytes after b, so a block
// with no line break in the 45 bytes after it (most blocks of base64 in
// log text: a path, an identifier) is done with one IndexByte, and else the
// line is read back from its end (where log text has a space a word before).
func blockStretch(text []byte, b, lo int) (int, int) {
	maxW := wrapWidths[len(wrapWidths)-1]
	nl := bytes.IndexByte(text[b+32:min(len(text), b+maxW+2)], '\n')
	if nl < 0 {
		return 0, 0
	}
	e := b + 32 + nl
	if e > b+32 && text[e-1] == '\r' {
		e--
	}
	for j := e - 1; j >= b+32; j-- {
		if !base64Chars[text[j]] {
			return 0, 0
		}
	}
	a := b
	for a > lo && e-a <= maxW && base64Chars[text[a-1]] {
		a--
	}
	for _, w := range wrapWidths {
		if e-a == w {
			return a, w
		}
	}
	return 0, 0
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
