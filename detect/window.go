package detect

import "math/bits"

// Quiet reports whether the candidate scan of FindEncoded sees nothing in
// text: no candidate (a word start whose first two bytes may begin a
// prefix of the set, "-B" or "//" at a word start, the "JQ" of an
// identifiable key) and no end of a run of base64 characters of at least
// MinBase64Run that holds an upper-case and a lower-case letter. FindEncoded
// and Find find tokens only where the scan sees something: with a quiet
// text they find nothing. The nil or empty Set finds nothing in any text.
//
// With QuietAround, a quiet text serves as the template of texts that
// differ from it in a few bytes (the entries of one log call site).
func (s *Set) Quiet(text []byte) bool {
	if s.Len() == 0 {
		return true
	}
	sc := candScan{tabs: s.tabs}
	_, _, _, _, ok := sc.next(text)
	return !ok
}

// QuietAround reports whether text is quiet (see Quiet), given that it
// shares text[:p] with a quiet text t and text[e:] with its end (p <= e <=
// len(text); t[:p] == text[:p] and t[len(t)-(len(text)-e):] == text[e:]).
// It reads text only around text[p:e], the bytes that may differ from t's,
// and the runs of base64 characters that reach into them.
//
// The scan's events depend on few bytes. A candidate at i depends on
// text[i-1:i+2] (the word start, the pair; the byte after the last reads as
// 0, and the byte before the first as not alphanumeric): one whose three
// bytes lie in the common prefix, or in the common suffix (the end of text
// being the end of t), is a candidate of t, which has none; any other is at
// p-1 to e. A run's end at j depends on the run text[a:j] and on where it
// is bounded (text[a-1], text[j]): a run that ends before p, bounded
// within the common prefix, is one of t's own; one that starts at e or
// after lies within the common suffix and within a run of t that holds it
// and ends at the same place (a run at least as long, holding each case if
// it does); t has no long mixed-case run, so neither is one. Any other run
// holds a byte of text[p-1:e].
//
// So the scan of text[p-2:e+2] sees every candidate at p-1 to e, and
// every run that holds a byte of text[p-1:e] once its ends are moved out to
// the ends of the runs they cut. A short window is read byte by byte.
func (s *Set) QuietAround(text []byte, p, e int) bool {
	if s.Len() == 0 {
		return true
	}
	t := s.tabs
	n := len(text)
	lo, hi := max(0, p-2), min(n, e+2)
	if lo < n && t.cls256[text[lo]] != 0 {
		for lo > 0 && t.cls256[text[lo-1]] != 0 {
			lo--
		}
	}
	if hi > 0 && t.cls256[text[hi-1]] != 0 {
		for hi < n && t.cls256[text[hi]] != 0 {
			hi++
		}
	}
	if hi-lo <= smallWindow && !forceWindowScan {
		return t.quietBytes(text, p, e)
	}
	sub := text[lo:hi]
	sc := candScan{tabs: t}
	for {
		o, cand, ends, _, ok := sc.next(sub)
		if !ok {
			return true
		}
		if ends != 0 {
			// A long mixed-case run of text (sub cuts none).
			return false
		}
		for cand != 0 {
			// Candidates at sub's first byte (taken as a word start)
			// and at its last (the byte after taken as 0) are not of
			// text unless sub starts or ends where text does: those
			// are before p-1 and after e.
			i := lo + o + bits.TrailingZeros64(cand)
			cand &= cand - 1
			if i >= p-1 && i <= e {
				return false
			}
		}
	}
}

// smallWindow is the longest window QuietAround reads byte by byte rather
// than with the scan, which costs more to set up. It is shorter than
// MinBase64Run: such a window, whose ends are not within a run of base64,
// holds no long run.
const smallWindow = 16

var _ [MinBase64Run - smallWindow - 1]struct{} // smallWindow < MinBase64Run

// forceWindowScan makes QuietAround scan every window (tests compare).
var forceWindowScan = false

// quietBytes reports whether the scan sees no candidate at p-1 to e,
// reading text byte by byte with its tables (chunkMasks and
// candState.step). A candidate is a word start whose pair is in a bucket,
// or a "JQ" (the only pair of its bucket, caskBucket): a byte after an
// alphanumeric one other than 'J' is none.
func (t *candTabs) quietBytes(text []byte, p, e int) bool {
	n := len(text)
	i := max(0, p-1)
	prevAlnum := i > 0 && t.cls256[text[i-1]]&clsAlnum != 0
	for ; i <= e && i < n; i++ {
		c := text[i]
		if !prevAlnum || c == 'J' {
			var d byte
			if i+1 < n {
				d = text[i+1]
			}
			if v := t.pairFirst[c] & t.pairSecond[d]; v != 0 && (!prevAlnum || v&(caskBucket<<8) != 0) {
				return false
			}
		}
		prevAlnum = t.cls256[c]&clsAlnum != 0
	}
	return true
}
