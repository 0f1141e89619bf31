package redact

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"sync/atomic"
)

// CleanText is a text the index found no pattern in (no form of any
// secret, as written), for one secret set: a template that later texts of
// the same shape (the encoded entries of one log call site, which differ
// from each other in a timestamp, a counter, a value or two) are checked
// against with ContainsLike. Its bytes are a private copy.
type CleanText struct {
	v    Version
	text []byte
	// quiet says the decoders' scan has nothing to look at anywhere in
	// text: no marker byte of an enabled decoder and no run of 32 base64
	// characters (at any alignment). tab is the scan's marker table.
	quiet bool
	tab   [16]byte
	// detQuiet says the detectors' candidate scan sees nothing anywhere
	// in text (detect.Set.Quiet): then it sees something in a text that
	// shares a prefix and a suffix with it only around the bytes between
	// them (detect.Set.QuietAround).
	detQuiet bool
	// hint is a common suffix length a little under that of the last
	// text compared: the entries of one call site usually share about as
	// much with the template as the last one did, and checking that costs
	// one comparison. (The prefix is found directly: it ends early, at
	// the timestamp.)
	hint atomic.Uint64
}

// NewCleanText returns a CleanText of text for the current secret set, or
// nil when the index finds a pattern in text (or there is no index). It
// copies text.
func (r *Redactor) NewCleanText(text []byte) *CleanText {
	s := r.cur.Load()
	if s.idx == nil || s.idx.Contains(text) {
		return nil
	}
	c := &CleanText{v: Version{s}, text: bytes.Clone(text), tab: s.markerTab()}
	c.quiet = quietText(text, &c.tab)
	c.detQuiet = s.det != nil && s.det.set.Quiet(text)
	return c
}

// markerTab is the marker table of the decoding scan of s (sweep.markerTable).
func (s *snapshot) markerTab() [16]byte {
	sw := sweep{s: s}
	decs := s.decs()
	for k := range decs {
		if s.decoders&decs[k].enc != 0 {
			sw.decs[sw.nd] = &decs[k]
			sw.nd++
		}
	}
	return sw.markerTable()
}

// quietText reports whether text holds no marker byte of tab and no run of
// 32 base64 characters: whether no 32-byte block of it, at any alignment,
// is an event of the decoding scan (blockEvents).
func quietText(text []byte, tab *[16]byte) bool {
	run := 0
	for _, c := range text {
		if c < 0x80 && tab[c&15] == c {
			return false
		}
		if base64Chars[c] {
			run++
			if run >= 32 {
				return false
			}
		} else {
			run = 0
		}
	}
	return true
}

// quietWindow reports whether the decoding scan of src sees no event (a
// marker byte, a 32-byte block of base64 characters only, at src's
// alignment) in the blocks that hold a byte of src[x:y] or straddle x
// (where y == x), nor a marker byte in src[x:y] past the last whole block.
// When src shares src[:x] and src[y:] with a quiet CleanText, those are the
// only blocks that can hold an event: a block within src[:x] is one of the
// template's own (at the same offset), and one within src[y:] is a run of
// 32 base64 characters of the template's. With no event anywhere, the scan
// decodes nothing (decodedSpans).
func quietWindow(src []byte, x, y int, tab *[16]byte) bool {
	full := len(src) &^ 31
	a := max(0, x-1) &^ 31
	b := min(full, (y+32)&^31)
	if a < b && blockEvents(&src[a], b-a, tab) != b-a {
		return false
	}
	for i := max(x, full); i < y; i++ {
		if c := src[i]; c < 0x80 && tab[c&15] == c {
			return false
		}
	}
	return true
}

// ContainsLike reports Contains(src). When c is a CleanText of the current
// secret set, the index is searched only around the bytes where src
// differs from c's text: between their longest common prefix and their
// longest common suffix, widened by the longest pattern less one on each
// side. An occurrence of a pattern in src that lies within the common
// prefix, or within the common suffix, occurs in c's text too, which has
// none; any other occurrence reaches into the differing middle (or across
// the joint where the middle is empty) and, being at most the longest
// pattern long, lies within the widened window. The detectors, whose
// findings depend on more than a match's own bytes, read all of src as
// Contains does, unless their candidate scan saw nothing in c's text and
// sees nothing in src around the difference either (then it sees nothing
// anywhere in src, and they find nothing: detect.Set.QuietAround); so do
// the decoders, unless c's text gave them nothing to look at and neither
// do the bytes of src around the difference (then they would find nothing
// in src either: quietWindow). shared is how many bytes of src its common
// prefix and suffix with c's text hold (how much c resembles src), or -1
// when c was of no use (nil, or of another secret set) and src was checked
// whole.
func (r *Redactor) ContainsLike(c *CleanText, src []byte) (found bool, shared int) {
	s := r.cur.Load()
	if c == nil || c.v.s != s || s.idx == nil {
		return s.contains(src), -1
	}
	p, q := c.differing(src)
	reach := s.idx.MaxLen() - 1
	lo, hi := max(0, p-reach), min(len(src), len(src)-q+reach)
	shared = p + q
	if s.idx.Contains(src[lo:hi]) {
		return s.contains(src), shared
	}
	// No pattern occurs anywhere in src: what Contains would find beyond
	// the index is the detectors' tokens and the decoded forms.
	if s.det != nil && !(c.detQuiet && s.det.set.QuietAround(src, p, len(src)-q)) {
		var sb [8]span
		if len(s.detectRaw(sb[:0], src, false)) > 0 {
			return true, shared
		}
	}
	if s.decoders == 0 {
		return false, shared
	}
	if c.quiet && haveBlocks && !forceNoBlocks && quietWindow(src, p, len(src)-q, &c.tab) {
		return false, shared
	}
	var sb [8]span
	return len(s.decodedSpans(sb[:0], src)) > 0, shared
}

// differing returns the length of a common prefix of c's text and b, and
// of a common suffix of what follows it. They may be shorter than the
// longest common ones (never longer), which only widens what is searched.
func (c *CleanText) differing(b []byte) (p, q int) {
	a := c.text
	n := min(len(a), len(b))
	p = commonPrefix(a[:n], b[:n])
	q = int(c.hint.Load())
	if q == 0 || q > n-p || !bytes.Equal(a[len(a)-q:], b[len(b)-q:]) {
		q = commonSuffix(a[p:], b[p:])
		// A few bytes of slack: the next entry's counter may be a
		// digit longer.
		c.hint.Store(uint64(max(0, q-suffixSlack)))
	}
	return p, q
}

// suffixSlack is how much shorter than the last common suffix the hint is.
const suffixSlack = 8

// commonPrefix returns the length of the longest common prefix of a and b
// (of equal length): eight bytes at a time while it lasts (it usually ends
// within the first few dozen bytes, at the timestamp), then doubling
// blocks compared with bytes.Equal, halving into the first that differs.
func commonPrefix(a, b []byte) int {
	n := len(a)
	p := 0
	for ; p+8 <= n && p < 64; p += 8 {
		if x := binary.LittleEndian.Uint64(a[p:]) ^ binary.LittleEndian.Uint64(b[p:]); x != 0 {
			return p + bits.TrailingZeros64(x)/8
		}
	}
	k := 64
	for p < n {
		k = min(k, n-p)
		if !bytes.Equal(a[p:p+k], b[p:p+k]) {
			break
		}
		p += k
		k *= 2
	}
	// a[p:p+k] and b[p:p+k] differ (or p == n): halve into them.
	for k > 8 && p < n {
		k /= 2
		if bytes.Equal(a[p:p+k], b[p:p+k]) {
			p += k
		}
	}
	for p < n && a[p] == b[p] {
		p++
	}
	return p
}

// commonSuffix is commonPrefix from the ends of a and b (of any lengths).
func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	a, b = a[len(a)-n:], b[len(b)-n:]
	q, k := 0, 32
	for q < n {
		k = min(k, n-q)
		if !bytes.Equal(a[n-q-k:n-q], b[n-q-k:n-q]) {
			break
		}
		q += k
		k *= 2
	}
	for k > 8 && q < n {
		k /= 2
		if bytes.Equal(a[n-q-k:n-q], b[n-q-k:n-q]) {
			q += k
		}
	}
	for q < n && a[n-q-1] == b[n-q-1] {
		q++
	}
	return q
}
