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
	return &CleanText{v: Version{s}, text: bytes.Clone(text)}
}

// ContainsLike reports Contains(src). When c is a CleanText of the current
// secret set, the index is searched only around the bytes where src
// differs from c's text: between their longest common prefix and their
// longest common suffix, widened by the longest pattern less one on each
// side. An occurrence of a pattern in src that lies within the common
// prefix, or within the common suffix, occurs in c's text too, which has
// none; any other occurrence reaches into the differing middle (or across
// the joint where the middle is empty) and, being at most the longest
// pattern long, lies within the widened window. The detectors and the
// decoders, whose findings depend on more than a match's own bytes, read
// all of src as Contains does. scanned is how many bytes the index read,
// or -1 when c was of no use (nil, or of another secret set) and src was
// checked whole.
func (r *Redactor) ContainsLike(c *CleanText, src []byte) (found bool, scanned int) {
	s := r.cur.Load()
	if c == nil || c.v.s != s || s.idx == nil {
		return s.contains(src), -1
	}
	lo, hi := c.differing(src, s.idx.MaxLen()-1)
	if s.idx.Contains(src[lo:hi]) {
		return s.contains(src), hi - lo
	}
	// No pattern occurs anywhere in src: what Contains would find beyond
	// the index is the detectors' tokens and the decoded forms.
	if s.det != nil {
		var sb [8]span
		if len(s.detectRaw(sb[:0], src, false)) > 0 {
			return true, hi - lo
		}
	}
	if s.decoders == 0 {
		return false, hi - lo
	}
	var sb [8]span
	return len(s.decodedSpans(sb[:0], src)) > 0, hi - lo
}

// differing returns the window [lo, hi) of b that holds every span of at
// most reach+1 bytes not lying within the common prefix or the common
// suffix of a and b: the bytes between them widened by reach on each side.
// The prefix and suffix it finds may be shorter than the longest common
// ones (never longer), which only widens the window.
func (c *CleanText) differing(b []byte, reach int) (lo, hi int) {
	a := c.text
	n := min(len(a), len(b))
	p := commonPrefix(a[:n], b[:n])
	q := int(c.hint.Load())
	if q == 0 || q > n-p || !bytes.Equal(a[len(a)-q:], b[len(b)-q:]) {
		q = commonSuffix(a[p:], b[p:])
		// A few bytes of slack: the next entry's counter may be a
		// digit longer.
		c.hint.Store(uint64(max(0, q-suffixSlack)))
	}
	return max(0, p-reach), min(len(b), len(b)-q+reach)
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
