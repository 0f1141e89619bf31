package detect

import "encoding/binary"

// The sampling scan this package used before the candidate scan (dense
// 8-byte words every 13 bytes, widened to their run of token bytes): the
// reference the candidate scan must find everything of.

// Token scan.
//
// Every token family's token holds a stretch of at least oldMinDense bytes
// none of which is a space, a control byte, a byte above 'z', or one of
// the separators . / : = that ordinary log text is full of (the body of
// the shortest token, an AWS key ID, is 20 bytes). Sampling 8-byte words
// every oldStride = oldMinDense-7 bytes therefore lands one word wholly inside
// every token. A sample whose word has such a byte (almost all of them in
// log text) costs one load and a few arithmetic instructions; a word that
// passes is a run of token-like bytes, and only then are the run's word
// starts looked up in the first-byte table and the prefixes compared.

const (
	oldMinDense = 20
	oldStride   = oldMinDense - 7
)

// denseWord reports whether the 8 bytes of x (little-endian) are all in
// '-'..'z' and none is '.', '/', ':' or '='.
func denseWord(x uint64) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	lo := (x - 0x2d*ones) &^ x            // a byte below '-'
	hi := x + 0x05*ones                   // a byte above 'z'
	v := (x ^ 0x2e*ones) &^ (0x01 * ones) // '.' or '/'
	c := x ^ 0x3a*ones                    // ':'
	e := x ^ 0x3d*ones                    // '='
	z := (v - ones) &^ v
	z |= (c - ones) &^ c
	z |= (e - ones) &^ e
	return (lo|hi|x|z)&high == 0
}

// runByte holds the bytes a token may contain: the scan widens a sampled
// word to the run of them around it.
var oldRunByte = makeClass("A-Za-z0-9", "-_.+/=")

func (s *Set) oldScanTokens(dst []Finding, text []byte) []Finding {
	done := 0 // word starts before done have been looked at
	for p := 0; p+8 <= len(text); p += oldStride {
		if !denseWord(binary.LittleEndian.Uint64(text[p:])) || oldShort(text, p) {
			continue
		}
		a, b := s.oldWiden(text, p, done)
		if b-a >= oldMinDense || a == done {
			a = max(a, done)
			dst, done = s.oldWords(dst, text, a, b)
		}
		if next := max(b, done); next > p {
			p = next - oldStride
		}
	}
	return dst
}

// scanTokensB64 is scanTokens that also decodes the runs of base64 it
// meets (a copy rather than a flag: the decoded text is scanned by
// scanTokens, and a recursive cycle would make dst escape).
func (s *Set) oldScanTokensB64(dst []Finding, text []byte) []Finding {
	done := 0
	for p := 0; p+8 <= len(text); p += oldStride {
		if !denseWord(binary.LittleEndian.Uint64(text[p:])) || oldShort(text, p) {
			continue
		}
		a, b := s.oldWiden(text, p, done)
		if b-a >= oldMinDense || a == done {
			a = max(a, done)
			dst, done = s.oldWords(dst, text, a, b)
			if b-a >= MinBase64Run {
				dst = s.base64Runs(dst, text, a, b)
			}
		}
		if next := max(b, done); next > p {
			p = next - oldStride
		}
	}
	return dst
}

// short reports whether the dense stretch around the dense word at p is
// shorter than oldMinDense, so no token is there: a stretch of 20 bytes that
// holds text[p:p+8] goes on for 6 more bytes after it or before it, and
// the words at p+6 and p-6 say whether it does. Near the ends of text it
// reports false.
func oldShort(text []byte, p int) bool {
	if p < 6 || p+14 > len(text) {
		return false
	}
	return !denseWord(binary.LittleEndian.Uint64(text[p+6:])) && !denseWord(binary.LittleEndian.Uint64(text[p-6:]))
}

// widen returns the run of token bytes around the word at p, looking no
// further back than done or the set's reach.
func (s *Set) oldWiden(text []byte, p, done int) (int, int) {
	a := p
	for lim := max(done, p-s.reach); a > lim && oldRunByte[text[a-1]]; a-- {
	}
	b := p + 8
	for lim := min(len(text), p+8+s.reach); b < lim && oldRunByte[text[b]]; b++ {
	}
	return a, b
}

// words looks for tokens starting at the word starts in text[a:b] (a
// position whose previous byte is not alphanumeric) and returns the
// findings and where it stopped (b, or the end of a token reaching past
// it).
func (s *Set) oldWords(dst []Finding, text []byte, a, b int) ([]Finding, int) {
	if s.cask != nil && b-a >= caskLen {
		dst = findCASK(dst, text, a, b, s.cask.rule)
	}
	for i := a; i < b; i++ {
		if i > 0 && alnum[text[i-1]] {
			continue
		}
		k := int(text[i]) << 8
		if i+1 < len(text) {
			k |= int(text[i+1])
		}
		if s.pairs[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		h := s.first[text[i]]
		for _, c := range s.heads[h-1] {
			if !hasPrefix(text, i, c.prefix) {
				continue
			}
			e, conf := c.det.check(text, i, len(c.prefix))
			if e < 0 {
				continue
			}
			dst = append(dst, Finding{Start: i, End: e, Rule: c.det.rule, Confidence: conf})
			i = e - 1
			if e > b {
				b = e
			}
			break
		}
	}
	return dst, b
}
