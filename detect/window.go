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
// every run within it; a run that crosses its edges is read whole.
func (s *Set) QuietAround(text []byte, p, e int) bool {
	if s.Len() == 0 {
		return true
	}
	n := len(text)
	lo, hi := max(0, p-2), min(n, e+2)
	sub := text[lo:hi]
	sc := candScan{tabs: s.tabs}
	for {
		o, cand, ends, _, ok := sc.next(sub)
		if !ok {
			break
		}
		if ends != 0 {
			// A long mixed-case run within sub: one of text too (if
			// it is cut at sub's edges, the run of text holds it).
			return false
		}
		for cand != 0 {
			// Candidates at sub's first byte (taken as a word start)
			// and at its last (the byte after taken as 0) are not of
			// text unless sub starts or ends where text does: those
			// are at p-2 and e+1, outside p-1 to e.
			i := lo + o + bits.TrailingZeros64(cand)
			cand &= cand - 1
			if i >= p-1 && i <= e {
				return false
			}
		}
	}
	t := s.tabs
	if lo > 0 && t.cls256[text[lo-1]] != 0 && t.cls256[text[lo]] != 0 && t.longRun(text, lo) {
		return false
	}
	if hi < n && t.cls256[text[hi-1]] != 0 && t.cls256[text[hi]] != 0 && t.longRun(text, hi) {
		return false
	}
	return true
}

// longRun reports whether the run of base64 characters (the scan's: any
// byte of a class) that holds text[i] is at least MinBase64Run long and
// holds an upper-case and a lower-case letter.
func (t *candTabs) longRun(text []byte, i int) bool {
	var cls byte
	a := i
	for a > 0 {
		c := t.cls256[text[a-1]]
		if c == 0 {
			break
		}
		cls |= c
		a--
	}
	j := i
	for j < len(text) {
		c := t.cls256[text[j]]
		if c == 0 {
			break
		}
		cls |= c
		j++
	}
	return j-a >= MinBase64Run && cls&clsUpper != 0 && cls&clsLower != 0
}
