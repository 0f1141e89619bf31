package detect

import (
	"bytes"
	"encoding/binary"
	"slices"
)

// Set is a compiled, immutable set of rules, safe for concurrent use. The
// nil *Set is the empty set.
type Set struct {
	rules []*Rule
	on    [numDetectors]bool

	// first maps the first byte of a prefix to heads[first[c]-1]: the
	// prefixes starting with c, longest first.
	first [256]uint8
	heads [][]cand

	tokens bool // any prefix rule
	cask   *detector
	pem    *detector
	url    *detector
	// reach is the longest token a prefix rule can report: how far back
	// of a sample the scan looks for its start.
	reach int
	// maxLen is the longest finding of any rule in the set.
	maxLen int
}

type cand struct {
	prefix string
	det    *detector
}

func compile(on [numDetectors]bool) *Set {
	s := &Set{on: on}
	heads := map[byte][]cand{}
	for k := range detectors {
		if !on[k] {
			continue
		}
		d := &detectors[k]
		s.rules = append(s.rules, d.rule)
		s.maxLen = max(s.maxLen, d.maxLen)
		switch {
		case d.kind == kindPEM:
			s.pem = d
			continue
		case d.kind == kindURL:
			s.url = d
			continue
		case d.rule.ID == "microsoft-identifiable-key":
			s.cask = d
			s.tokens = true
			s.reach = max(s.reach, d.maxLen)
			continue
		}
		s.tokens = true
		s.reach = max(s.reach, d.maxLen)
		for _, p := range d.rule.Prefixes {
			heads[p[0]] = append(heads[p[0]], cand{p, d})
		}
	}
	for c := range 256 {
		cs := heads[byte(c)]
		if len(cs) == 0 {
			continue
		}
		slices.SortStableFunc(cs, func(a, b cand) int { return len(b.prefix) - len(a.prefix) })
		s.heads = append(s.heads, cs)
		s.first[c] = uint8(len(s.heads))
	}
	return s
}

// MaxLen returns the longest token the set can report, in bytes: what a
// stream must hold back so that a token split across writes is found.
func (s *Set) MaxLen() int {
	if s == nil {
		return 0
	}
	return s.maxLen
}

// Find appends the tokens found in text to dst, in order of their start,
// and returns the extended slice. Findings do not overlap. Find looks at
// raw text only (no decoding); it makes no allocation beyond growing dst.
func (s *Set) Find(dst []Finding, text []byte) []Finding {
	if s == nil || len(s.rules) == 0 {
		return dst
	}
	n := len(dst)
	if s.tokens {
		dst = s.scanTokens(dst, text)
	}
	if s.pem != nil {
		dst = findPEM(dst, text, s.pem.rule)
	}
	if s.url != nil {
		dst = findURLPasswords(dst, text, s.url.rule)
	}
	out := dst[n:]
	if len(out) < 2 {
		return dst
	}
	slices.SortFunc(out, func(a, b Finding) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	// Drop findings inside an earlier one (a URL password inside a PEM
	// block, a token inside a URL password).
	k := n + 1
	for i := n + 1; i < len(dst); i++ {
		if dst[i].Start < dst[k-1].End {
			continue
		}
		dst[k] = dst[i]
		k++
	}
	return dst[:k]
}

// Token scan.
//
// Every token family's token holds a stretch of at least minDense bytes
// none of which is a space, a control byte, a byte above 'z', or one of
// the separators . / : = that ordinary log text is full of (the body of
// the shortest token, an AWS key ID, is 20 bytes). Sampling 8-byte words
// every stride = minDense-7 bytes therefore lands one word wholly inside
// every token. A sample whose word has such a byte (almost all of them in
// log text) costs one load and a few arithmetic instructions; a word that
// passes is a run of token-like bytes, and only then are the run's word
// starts looked up in the first-byte table and the prefixes compared.

const (
	minDense = 20
	stride   = minDense - 7
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
var runByte = makeClass("A-Za-z0-9", "-_.+/=")

func (s *Set) scanTokens(dst []Finding, text []byte) []Finding {
	done := 0 // word starts before done have been looked at
	for p := 0; p+8 <= len(text); p += stride {
		if !denseWord(binary.LittleEndian.Uint64(text[p:])) {
			continue
		}
		a := p
		for lim := max(done, p-s.reach); a > lim && runByte[text[a-1]]; a-- {
		}
		b := p + 8
		for lim := min(len(text), p+8+s.reach); b < lim && runByte[text[b]]; b++ {
		}
		if b-a >= minDense || a == done {
			dst, done = s.words(dst, text, max(a, done), b)
		}
		if next := max(b, done); next > p {
			p = next - stride
		}
	}
	return dst
}

// words looks for tokens starting at the word starts in text[a:b] (a
// position whose previous byte is not alphanumeric) and returns the
// findings and where it stopped (b, or the end of a token reaching past
// it).
func (s *Set) words(dst []Finding, text []byte, a, b int) ([]Finding, int) {
	if s.cask != nil && b-a >= caskLen {
		dst = findCASK(dst, text, a, b, s.cask.rule)
	}
	for i := a; i < b; i++ {
		if i > 0 && alnum[text[i-1]] {
			continue
		}
		h := s.first[text[i]]
		if h == 0 {
			continue
		}
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

// PEM private keys.

const (
	pemBegin = "-----BEGIN "
	pemEnd   = "-----END "
	pemDash  = "-----"
)

// findPEM appends the PEM private-key blocks of text.
func findPEM(dst []Finding, text []byte, r *Rule) []Finding {
	for pos := 0; pos < len(text); {
		k := bytes.Index(text[pos:], []byte(pemBegin))
		if k < 0 {
			break
		}
		start := pos + k
		pos = start + len(pemBegin)
		lab := pos
		for lab < len(text) && lab-pos < 40 && (text[lab] >= 'A' && text[lab] <= 'Z' || text[lab] == ' ') {
			lab++
		}
		label := text[pos:lab]
		if !hasPrefix(text, lab, pemDash) || !privateLabel(label) {
			continue
		}
		bodyStart := lab + len(pemDash)
		limit := min(len(text), start+MaxPEMLen)
		end, conf := -1, Structure
		for q := bodyStart; q < limit; {
			e := bytes.Index(text[q:limit], []byte(pemEnd))
			if e < 0 {
				break
			}
			e += q
			l := e + len(pemEnd)
			if hasPrefix(text, l, string(label)) && hasPrefix(text, l+len(label), pemDash) {
				end = l + len(label) + len(pemDash)
			}
			break
		}
		if end < 0 {
			// No END line: the BEGIN line and the key material after it.
			end = bodyStart
			for end < limit && pemBody[text[end]] {
				end++
			}
			conf = Prefix
		}
		dst = append(dst, Finding{Start: start, End: end, Rule: r, Confidence: conf})
		pos = end
	}
	return dst
}

// pemBody holds the bytes of a PEM body: base64, line breaks as written or
// escaped (\n, \r\n inside a JSON string), and the header lines of an
// encrypted key (Proc-Type: 4,ENCRYPTED).
var pemBody = makeClass("A-Za-z0-9", "+/=", " \t\r\n\\", ":,-")

func privateLabel(l []byte) bool {
	return bytes.HasSuffix(l, []byte("PRIVATE KEY")) || string(l) == "PGP PRIVATE KEY BLOCK"
}

// URL passwords.

// userinfo holds the bytes of a URL's userinfo (RFC 3986: unreserved,
// pct-encoded, sub-delims and ':').
var userinfo = makeClass("A-Za-z0-9", "-._~", "%", "!$&'()*+,;=", ":")

var schemeByte = makeClass("A-Za-z0-9", "+.-")

// findURLPasswords appends the password of every scheme://user:password@
// in text.
func findURLPasswords(dst []Finding, text []byte, r *Rule) []Finding {
	for pos := 0; pos < len(text); {
		k := bytes.IndexByte(text[pos:], '@')
		if k < 0 {
			break
		}
		at := pos + k
		pos = at + 1
		u := at
		for lim := max(0, at-256); u > lim && userinfo[text[u-1]]; u-- {
		}
		// scheme://
		if u < 4 || text[u-1] != '/' || text[u-2] != '/' || text[u-3] != ':' || !schemeByte[text[u-4]] {
			continue
		}
		sc := u - 4
		for sc > 0 && schemeByte[text[sc-1]] {
			sc--
		}
		if !(text[sc] >= 'a' && text[sc] <= 'z' || text[sc] >= 'A' && text[sc] <= 'Z') {
			continue
		}
		c := bytes.IndexByte(text[u:at], ':')
		if c < 0 || u+c+1 == at {
			continue
		}
		// A host must follow.
		if at+1 >= len(text) || !(alnum[text[at+1]] || text[at+1] == '[') {
			continue
		}
		dst = append(dst, Finding{Start: u + c + 1, End: at, Rule: r, Confidence: Structure})
	}
	return dst
}
