package redact

import "encoding/binary"

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
// Only runs of at least nestedMinRun characters are decoded: every such
// run holds a 32-byte block of base64 characters only, which the decoding
// scan's block pass reports anyway (see decodedSpans), so clean text pays
// nothing more; the portable scan samples for the same runs. The one
// double form of a value standing alone (base64 of its base64, both from
// the first byte) is still indexed (formSet.addBase64), for short blobs.

// nestedMinRun is the shortest run of base64 characters decoded in search
// of base64 of base64: a run this long holds an aligned 32-byte block.
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

// nestedRunAt searches the run of base64 characters (base64Chars) that
// holds text[p], when it is at least nestedMinRun long, and returns where
// the run ends. Runs before lo are done.
func (sw *sweep) nestedRunAt(p, lo int) int {
	text := sw.text
	a, e := p, p
	for a > lo && base64Chars[text[a-1]] {
		a--
	}
	for e < len(text) && base64Chars[text[e]] {
		e++
	}
	if e-a >= nestedMinRun {
		sw.nestedRun(a, e)
	}
	return e
}

// nestedRuns is the portable way to find the runs nestedRunAt is given by
// the block pass: a run of nestedMinRun characters or more holds the eight
// bytes at some multiple of 56, so the text is sampled there.
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
		all := true
		for _, c := range text[p : p+8] {
			if !base64Chars[c] {
				all = false
				break
			}
		}
		if all {
			done = sw.nestedRunAt(p, done)
		}
	}
}

// nestedRun searches text[a:e], a run of base64 characters, for base64 of
// base64: each stretch of the standard alphabet long enough to hold an
// inner pattern is decoded at its four character offsets.
func (sw *sweep) nestedRun(a, e int) {
	text := sw.text
	for i := a; i < e; {
		for i < e && b64Val[text[i]] == 0xFF {
			i++
		}
		j := i
		for j < e && b64Val[text[j]] != 0xFF {
			j++
		}
		// nestedMinInner decoded bytes need at least this many characters.
		if j-i >= (nestedMinInner*4+2)/3 {
			for o := range 4 {
				sw.nestedStretches(i+o, j)
			}
		}
		i = j
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

// isStdChar reports whether c is a character of the standard alphabet.
func isStdChar(c byte) bool { return b64Val[c] != 0xFF }

// nestedStretches finds, in the decoding of text[p:e], the stretches of
// at least nestedMinInner standard-alphabet bytes and searches them. It
// probes one decoded byte in nestedMinInner: a stretch that long holds a
// probed byte.
func (sw *sweep) nestedStretches(p, e int) {
	text := sw.text
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
			sw.nestedSearch(p, e, lo, hi)
		}
		k = hi + nestedMinInner
	}
}

// nestedSearch searches the decoded bytes [lo, hi) of text[p:e] in windows
// of a segment that overlap by a match's reach, and records a span for
// each match of a base64 pattern.
func (sw *sweep) nestedSearch(p, e, lo, hi int) {
	s, text := sw.s, sw.text
	sc := sw.scratch()
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
			sc.spans = append(sc.spans, span{start: start, end: end, sec: pi.sec, enc: Base64, length: end - start})
		}
		if we >= hi {
			return
		}
	}
}
