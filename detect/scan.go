package detect

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"sync"
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
	// byPair[first[c]-1][d] is 1 + the index in pairLists of the
	// prefixes that begin with c, d (a prefix of one byte is under every
	// second byte), or 0.
	byPair    [][256]uint16
	pairLists []pairCands
	// pairs has a bit for each pair of bytes a prefix begins with (a
	// prefix of one byte sets the bits of every pair it begins): the
	// pairs that have a list in byPair (the tests' reference).
	pairs *[1 << 16 / 64]uint64

	tokens bool // any prefix rule
	tabs   *candTabs
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
	// head and mask are the prefix's first eight bytes (fewer: the
	// mask's zero bytes), little-endian: a word start at i begins with
	// them when its eight bytes w have w&mask == head.
	head, mask uint64
}

// newCand returns the cand of prefix p.
func newCand(p string, d *detector) cand {
	c := cand{prefix: p, det: d}
	for k := range min(8, len(p)) {
		c.head |= uint64(p[k]) << (8 * k)
		c.mask |= 0xff << (8 * k)
	}
	return c
}

// at reports whether text[i:] begins with the prefix.
func (c *cand) at(text []byte, i int) bool {
	if len(text)-i < 8 {
		return hasPrefix(text, i, c.prefix)
	}
	if binary.LittleEndian.Uint64(text[i:])&c.mask != c.head {
		return false
	}
	return len(c.prefix) <= 8 || hasPrefix(text, i+8, c.prefix[8:])
}

// pairCands are the prefixes that begin with a first byte and second, and
// the bits of their third bytes (every bit if one is shorter).
type pairCands struct {
	third [4]uint64
	cands []cand
}

func compile(on [numDetectors]bool) *Set {
	s := &Set{on: on, pairs: new([1 << 16 / 64]uint64)}
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
			heads[p[0]] = append(heads[p[0]], newCand(p, d))
			for c := range 256 {
				if len(p) == 1 || p[1] == byte(c) {
					k := int(p[0])<<8 | c
					s.pairs[k/64] |= 1 << (k % 64)
				}
			}
		}
	}
	var prefixes []string
	for c := range 256 {
		for _, cd := range heads[byte(c)] {
			prefixes = append(prefixes, cd.prefix)
		}
	}
	s.tabs = buildCandTabs(prefixes, s.cask != nil, s.pem != nil, s.url != nil)
	for c := range 256 {
		cs := heads[byte(c)]
		if len(cs) == 0 {
			continue
		}
		slices.SortStableFunc(cs, func(a, b cand) int { return len(b.prefix) - len(a.prefix) })
		s.heads = append(s.heads, cs)
		s.first[c] = uint8(len(s.heads))
		var bp [256]uint16
		for d := range 256 {
			var pc pairCands
			for _, cd := range cs {
				if len(cd.prefix) == 1 || cd.prefix[1] == byte(d) {
					pc.cands = append(pc.cands, cd)
					for e := range 256 {
						if len(cd.prefix) <= 2 || cd.prefix[2] == byte(e) {
							pc.third[e/64] |= 1 << (e % 64)
						}
					}
				}
			}
			if len(pc.cands) > 0 {
				s.pairLists = append(s.pairLists, pc)
				bp[d] = uint16(len(s.pairLists))
			}
		}
		s.byPair = append(s.byPair, bp)
	}
	if s.pem != nil || s.url != nil {
		// FindEncoded decodes base64 for PEM blocks and URLs too: the
		// scan widens its samples by reach to the runs it decodes, and
		// a piece of a long run is decoded from b64Overlap back.
		s.reach = max(s.reach, s.urlMaxLen())
	}
	return s
}

// urlMaxLen is the longest scheme://user:password@ that findURLPasswords
// reports a password of.
func (s *Set) urlMaxLen() int { return detectors[indexOf("url-password")].maxLen }

// MaxLen returns the longest token the set can report, in bytes: what a
// stream must hold back so that a token split across writes is found.
func (s *Set) MaxLen() int {
	if s == nil {
		return 0
	}
	return s.maxLen
}

// MaxTokenLen returns the longest token the set can report on one line
// (every rule but private-key, whose blocks span lines: see MaxPEMLen).
func (s *Set) MaxTokenLen() int {
	if s == nil {
		return 0
	}
	n := s.reach
	if s.url != nil {
		n = max(n, s.url.maxLen)
	}
	return n
}

// Hold returns where a stream must cut buf, the bytes it has so far, so
// that a token which may go on in bytes still to come is not passed on
// unscanned: the start of the earliest word near the end of buf that is,
// or could become, the beginning of a token of the set (a prefix, an
// unfinished identifiable key, an unfinished scheme://user:password@, the
// end of an unfinished run of base64 that may encode one).
// It returns len(buf) when nothing needs holding. PEM blocks span lines:
// a stream holds them on its own (see MaxPEMLen).
func (s *Set) Hold(buf []byte) int {
	n := len(buf)
	if s.Len() == 0 {
		return n
	}
	lim := max(0, n-2*s.MaxTokenLen())
	a := n
	for a > lim && holdByte[buf[a-1]] {
		a--
	}
	h := n
	for i := a; i < n; i++ {
		if i > 0 && alnum[buf[i-1]] {
			continue
		}
		if s.mayStart(buf[i:]) {
			h = i
			// After a '-', the token may be a GitLab token with an
			// instance prefix ("acme-glpat-"), which its checksum
			// covers: hold the prefix with it.
			if i > a && buf[i-1] == '-' {
				for h > a && i-h < 40 && b64url[buf[h-1]] {
					h--
				}
			}
			break
		}
	}
	if s.url != nil {
		h = min(h, s.holdURL(buf))
	}
	return min(h, s.holdBase64(buf))
}

// holdBase64 returns where an unfinished run of base64 at the end of buf
// must be cut, or len(buf): FindEncoded finds a token (a PEM block, a
// URL) in a run only once its encoding is whole. A cut inside the run is
// fine (a run at the start of text is decoded at every alignment), so it
// holds only what may be the start of an encoded token: of the groups at
// the end of the run (at each of the four alignments, the run's start
// being unknown), those that decode to text, b64Overlap at most, or from
// an encoded PEM BEGIN line whose END line has not come yet. Base64 of
// binary data (an image, a hash) decodes to non-text within a group or
// two, and a word of log text ("passpass") is not text in base64.
func (s *Set) holdBase64(buf []byte) int {
	n := len(buf)
	lim := max(0, n-s.b64Overlap())
	if s.pem != nil {
		lim = max(0, n-pemEncLen)
	}
	r := n
	for r > lim && b64Any[buf[r-1]] {
		r--
	}
	if r == n {
		return n
	}
	alpha := &b64StdVal
	h := n
	for ph := range 4 {
		e := n - ph // groups end here
		t := e
		for t-4 >= r && textGroup(buf[t-4:t], alpha) {
			t -= 4
		}
		// A token may start inside the group before.
		h = min(h, max(t-4, r, n-s.b64Overlap()))
		if s.pem != nil && e-t >= 4*((len(pemBegin)+2)/3+1) {
			h = min(h, s.heldPEMIn(buf, t, e))
		}
	}
	return h
}

// textGroup reports whether the four base64 characters g decode to three
// bytes of text (printable ASCII, tab, CR, LF), in either alphabet.
func textGroup(g []byte, alpha *[256]int8) bool {
	var v uint32
	for _, c := range g {
		d := alpha[c]
		if d < 0 {
			d = b64URLVal[c]
		}
		v = v<<6 | uint32(d)
	}
	for _, b := range [3]byte{byte(v >> 16), byte(v >> 8), byte(v)} {
		if (b < 0x20 || b > 0x7e) && b != '\t' && b != '\r' && b != '\n' {
			return false
		}
	}
	return true
}

// heldPEMIn returns the start of the group that encodes a PEM BEGIN line
// in buf[t:e] (whole groups) with no END line after it, or len(buf).
func (s *Set) heldPEMIn(buf []byte, t, e int) int {
	bp := pemBufs.Get().(*[pemEncLen / 4 * 3]byte)
	defer pemBufs.Put(bp)
	a := &b64StdVal
	for _, c := range buf[t:e] {
		if c == '-' || c == '_' {
			a = &b64URLVal
			break
		}
	}
	dec := bp[:decodeB64(bp[:], buf[t:e], a)]
	k := bytes.LastIndex(dec, []byte(pemBegin[:len(pemBegin)-1]))
	if k < 0 {
		return len(buf)
	}
	if e := bytes.Index(dec[k:], []byte(pemEnd[:len(pemEnd)-1])); e >= 0 {
		if tail := dec[k+e+len(pemEnd)-1:]; bytes.Contains(tail[:min(len(tail), maxPEMEndLine)], []byte(pemDash)) {
			return len(buf) // the END line is whole
		}
	}
	return t + k/3*4
}

// holdURL returns where an unfinished scheme://user:password@ begins at
// the end of buf, or len(buf).
func (s *Set) holdURL(buf []byte) int {
	n := len(buf)
	h := n
	// A scheme, "scheme:" or "scheme:/" at the very end.
	k := n
	for k > 0 && n-k < 32 && (schemeByte[buf[k-1]] || buf[k-1] == ':' || buf[k-1] == '/') {
		k--
	}
	if tail := buf[k:]; k < n && n-k < 32 {
		c := bytes.IndexByte(tail, ':')
		if c < 0 || bytes.HasPrefix([]byte("://"), tail[c:]) {
			h = k
		}
	}
	// An unfinished userinfo after "://" (whatever its last bytes are:
	// the tail above may be the end of a user name or a password).
	w := buf[max(0, n-s.url.maxLen):]
	if k := bytes.LastIndex(w, []byte("://")); k >= 0 && !bytes.ContainsAny(w[k:], " \t\r\n\"'<>") {
		k += n - len(w)
		for k > 0 && schemeByte[buf[k-1]] {
			k--
		}
		h = min(h, k)
	}
	return h
}

// holdByte holds the bytes a token may hold, as written or escaped.
var holdByte = makeClass("A-Za-z0-9", "-_.+/=", "%\\")

// mayStart reports whether t, the end of the text so far, begins a token
// or could begin one once more bytes come.
func (s *Set) mayStart(t []byte) bool {
	if h := s.first[t[0]]; h != 0 {
		for _, c := range s.heads[h-1] {
			if len(t) >= len(c.prefix) && hasPrefix(t, 0, c.prefix) || len(t) < len(c.prefix) && c.prefix[:len(t)] == string(t) {
				return true
			}
		}
	}
	if s.cask == nil || !alnum[t[0]] || len(t) >= caskMaxLen {
		return false
	}
	// An identifiable key so far: alphanumeric, and the "==" that ends
	// the 88-character form may have begun.
	m := run(t, 0, alnum, len(t))
	return m == len(t) || m == len(t)-1 && t[m] == '='
}

// Find appends the tokens found in text to dst, in order of their start,
// and returns the extended slice. Findings do not overlap. Find looks at
// raw text only (no decoding); it makes no allocation beyond growing dst.
func (s *Set) Find(dst []Finding, text []byte) []Finding {
	return s.find(dst, text, false)
}

// FindEncoded is Find that also decodes the runs of base64 in text (at
// least MinBase64Run characters, standard or URL alphabet, from the run's
// start; a run at the start of text, which may go on from bytes before
// it, at each of the four alignments) and looks for tokens, PEM blocks
// and URL passwords in what they hold: an Authorization: Basic header, a
// base64 blob. A token found there is reported with Base64 set
// and Start:End the aligned part of the run that encodes it (every base64
// character holding a bit of the token).
func (s *Set) FindEncoded(dst []Finding, text []byte) []Finding {
	return s.findEncoded(dst, text, nil)
}

func (s *Set) find(dst []Finding, text []byte, b64 bool) []Finding {
	if s == nil || len(s.rules) == 0 {
		return dst
	}
	n := len(dst)
	var g gates // without the scan, the searches run over the whole text
	switch {
	case b64 && (s.tokens || s.pem != nil || s.url != nil):
		g.scanned()
		dst = s.scanTokensB64(dst, text, &g)
	case s.tokens:
		g.scanned()
		dst = s.scanTokensSeen(dst, text, &g)
	}
	dst = s.gatedSearches(dst, text, &g)
	return tidyFindings(dst, n)
}

// findFrom is find of FindEncoded with the scan begun in sc (see
// FindEncodedSweep).
func (s *Set) findFrom(dst []Finding, text []byte, sc *candScan) []Finding {
	n := len(dst)
	var g gates
	g.scanned()
	dst = s.scanFrom(dst, text, &g, sc)
	dst = s.gatedSearches(dst, text, &g)
	return tidyFindings(dst, n)
}

// tidyFindings sorts the findings dst[n:] by start (the longest first)
// and drops those inside an earlier one (a URL password inside a PEM
// block, a token inside a URL password).
func tidyFindings(dst []Finding, n int) []Finding {
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

// Token scan: see cands.go for the candidate scan. Each candidate is a
// word start whose first two bytes begin a prefix of the set (looked up
// exactly in the pairs bitmap, then the prefixes that begin with its first
// byte, longest first, then the detector's check), or the signature of an
// identifiable key. Findings do not overlap: a candidate inside a token
// found before it is skipped.

// runByte holds the bytes a token may contain.
var runByte = makeClass("A-Za-z0-9", "-_.+/=")

// ungated makes find (and decodeRun) search the whole text for PEM blocks
// and URLs, whatever the scan saw (tests compare).
var ungated = false

// maxGates is how many places of each search gates holds in itself (the
// frame of Find, called on a line, which zeroes them); the places past
// them go to a slice of gateSpills.
const maxGates = 4

// gates are the places the candidate scan saw where the PEM and URL
// searches can find something: the start of each "-----BEGIN " followed
// by a space or '+' (the scan sees its "-B" at a word start), and each '@'
// that ends a run of userinfo bytes which begins after a "scheme://" (the
// scan sees its "//" at a word start) within findURLPasswords' reach.
// findPEM and findURLPasswords look at every "BEGIN" and every '@' of the
// text and reject the others with the same checks, so searching at these
// places only finds the same (TestGatesKeepFindings), and text pays for
// the searches only around its candidates.
//
// The zero gates search the whole text (there was no scan).
type gates struct {
	scan       bool // search at the places noted (else the whole text)
	none       bool // with scan: no place noted
	npem, nurl int
	pem        [maxGates]int // the starts of "-----BEGIN " lines
	url        [maxGates]int // the '@' after a userinfo
	// spill holds all the places of a search once there are more than
	// maxGates (from gateSpills: put it back with release).
	spill *gateSpill
}

type gateSpill struct{ pem, url []int }

var gateSpills = sync.Pool{New: func() any { return new(gateSpill) }}

// scanned makes g search at the places the scan notes only.
func (g *gates) scanned() { g.scan, g.none = true, true }

// release puts back g's spill (unless a text with very many URLs made it
// large).
func (g *gates) release() {
	if g.spill != nil && cap(g.spill.pem)+cap(g.spill.url) <= 1<<16 {
		gateSpills.Put(g.spill)
	}
	g.spill = nil
}

// more returns g's spill, taken from gateSpills.
func (g *gates) more() *gateSpill {
	if g.spill == nil {
		g.spill = gateSpills.Get().(*gateSpill)
		g.spill.pem, g.spill.url = g.spill.pem[:0], g.spill.url[:0]
	}
	return g.spill
}

// pems returns the starts noted.
func (g *gates) pems() []int {
	if g.npem > maxGates {
		return g.spill.pem
	}
	return g.pem[:g.npem]
}

// urls returns the '@' noted.
func (g *gates) urls() []int {
	if g.nurl > maxGates {
		return g.spill.url
	}
	return g.url[:g.nurl]
}

// pemAt notes the "-B" at i.
func (g *gates) pemAt(text []byte, i int) {
	start := i - (len(pemDash) - 1)
	if start < 0 || !hasPrefix(text, start, pemBegin[:len(pemBegin)-1]) || start+len(pemBegin) > len(text) ||
		text[start+len(pemBegin)-1] != ' ' && text[start+len(pemBegin)-1] != '+' {
		return
	}
	g.none = false
	switch {
	case g.npem < maxGates:
		g.pem[g.npem] = start
	case g.npem == maxGates:
		m := g.more()
		m.pem = append(append(m.pem, g.pem[:]...), start)
	default:
		g.spill.pem = append(g.spill.pem, start)
	}
	g.npem++
}

// urlAt notes the "//" at i: the '@' that ends the userinfo after it, if
// it is within the reach of findURLPasswords' walk back from an '@'
// (userinfoReach bytes) and a "scheme:" comes before.
func (g *gates) urlAt(text []byte, i int) {
	if i < 2 || text[i-1] != ':' || !schemeByte[text[i-2]] {
		return
	}
	// The userinfo starts at u = i+2. The walk back from an '@' at
	// "at" stops at the first byte that is not userinfo or at
	// at-userinfoReach: it reaches u (text[u-1] is '/', not userinfo)
	// if and only if text[u:at] is userinfo and at-u <= userinfoReach.
	// (The '@' of the "//" are in order: the next "//" ends the
	// userinfo of this one.)
	u := i + 2
	j, lim := u, min(len(text), u+userinfoReach+1)
	for j < lim && userinfo[text[j]] {
		j++
	}
	if j == lim || text[j] != '@' {
		return
	}
	g.none = false
	switch {
	case g.nurl < maxGates:
		g.url[g.nurl] = j
	case g.nurl == maxGates:
		m := g.more()
		m.url = append(append(m.url, g.url[:]...), j)
	default:
		g.spill.url = append(g.spill.url, j)
	}
	g.nurl++
}

// gatedSearches appends the PEM blocks and URL passwords of text at the
// places of g (or everywhere, ungated), and releases g.
func (s *Set) gatedSearches(dst []Finding, text []byte, g *gates) []Finding {
	if g.none && !ungated {
		return dst // most text (inlined: Find is called on a line)
	}
	return s.searches(dst, text, g)
}

func (s *Set) searches(dst []Finding, text []byte, g *gates) []Finding {
	whole := !g.scan || ungated
	if s.pem != nil {
		if whole {
			dst = findPEM(dst, text, s.pem.rule)
		} else {
			dst = findPEMAt(dst, text, g.pems(), s.pem.rule)
		}
	}
	if s.url != nil {
		if whole {
			dst = findURLPasswords(dst, text, s.url.rule)
		} else {
			for _, at := range g.urls() {
				dst = urlPassword(dst, text, at, s.url.rule)
			}
		}
	}
	g.release()
	return dst
}

func (s *Set) scanTokens(dst []Finding, text []byte) []Finding {
	return s.scanTokensSeen(dst, text, nil)
}

// scanTokensSeen is scanTokens that also notes in g (unless nil) the
// places of the PEM and URL searches.
func (s *Set) scanTokensSeen(dst []Finding, text []byte, g *gates) []Finding {
	sc := candScan{tabs: s.tabs}
	done := 0 // candidates before done are inside a finding
	for {
		o, cand, _, _, ok := sc.next(text)
		if !ok {
			return dst
		}
		if cand != 0 {
			dst, done = s.cands(dst, text, o, cand, done, g)
		}
	}
}

// scanTokensB64 is scanTokens that also decodes the long mixed-case runs
// of base64 (a copy rather than a flag: the decoded text is scanned by
// scanTokens, and a recursive cycle would make dst escape).
func (s *Set) scanTokensB64(dst []Finding, text []byte, g *gates) []Finding {
	sc := candScan{tabs: s.tabs}
	sc.fill(text)
	return s.scanFrom(dst, text, g, &sc)
}

// scanFrom is scanTokensB64 from the batch of events in sc on, batch by
// batch (next returns the same events one by one).
func (s *Set) scanFrom(dst []Finding, text []byte, g *gates, sc *candScan) []Finding {
	done := 0
	for {
		for k := range sc.n {
			e := &sc.ev[k]
			o, cand, ends, m := int(e.off)+sc.shift, e.cand, e.ends, e.b64
			if cand != 0 {
				dst, done = s.cands(dst, text, o, cand, done, g)
			}
			for ends != 0 {
				j := bits.TrailingZeros64(ends)
				ends &= ends - 1
				// The run begins after the last byte of the chunk
				// before j that is not base64, or before the chunk.
				e, a := o+j, o
				if z := ^m & (1<<j - 1); z != 0 {
					a = o + 64 - bits.LeadingZeros64(z)
				} else {
					for a > 0 && b64Any[text[a-1]] {
						a--
					}
				}
				// A run at the start of text may have begun before
				// it (what a stream holds after a cut, a window of a
				// decoded line): its alignment is unknown.
				if plausibleB64(text[a:e]) || a == 0 && (plausibleB64(text[1:e]) || plausibleB64(text[2:e]) || plausibleB64(text[3:e])) {
					dst = s.base64Runs(dst, text, a, e)
				}
			}
		}
		if sc.o > len(text) || !sc.fill(text) {
			return dst // the last batch (the next fill says so)
		}
	}
}

// plausibleB64 reports whether run, a run of base64 characters decoded
// from its start as FindEncoded decodes it, holds text: three whole groups
// in a row (nine bytes) that decode to printable ASCII, tabs or line
// breaks. Whatever the decoded text is looked at for (a token, at least 20
// bytes of them; a URL's userinfo; a PEM line) has them, while the
// identifiers and paths of log text that are long mixed-case runs of
// base64 characters decode to bytes above 0x7f within a group or two.
func plausibleB64(run []byte) bool {
	// Three groups in a row from group g: the last of them first, so
	// that a group that is not text rules out the three runs of groups
	// it is in at once (log text's runs mostly have none).
	ng := len(run) / 4
	for g := 0; g+3 <= ng; {
		switch {
		case !textGroupAny(run[4*(g+2):]):
			g += 3
		case !textGroupAny(run[4*(g+1):]):
			g += 2
		case !textGroupAny(run[4*g:]):
			g++
		default:
			return true
		}
	}
	return false
}

// textGroupAny reports whether the four base64 characters at the start of
// g (either alphabet) decode to three bytes of text (textByte).
func textGroupAny(g []byte) bool {
	v0, v1, v2, v3 := b64AnyVal[g[0]], b64AnyVal[g[1]], b64AnyVal[g[2]], b64AnyVal[g[3]]
	return textByte[v0<<2|v1>>4] && textByte[(v1&15)<<4|v2>>2] && textByte[(v2&3)<<6|v3]
}

// b64AnyVal is the value of a base64 character of either alphabet.
var b64AnyVal = func() (v [256]byte) {
	for i, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" {
		v[c] = byte(i)
	}
	v['+'], v['-'], v['/'], v['_'] = 62, 62, 63, 63
	return v
}()

// textByte holds printable ASCII, tab and the line breaks.
var textByte = makeClass(" -~", "\t\n\r")

// cands looks for tokens at the candidates of the chunk at o, and notes in
// g (unless nil) the pairs that begin a PEM block or a URL.
func (s *Set) cands(dst []Finding, text []byte, o int, cm uint64, done int, g *gates) ([]Finding, int) {
	for cm != 0 {
		i := o + bits.TrailingZeros64(cm)
		cm &= cm - 1
		var next byte
		if i+1 < len(text) {
			next = text[i+1]
		}
		switch text[i] {
		case 'J':
			if s.cask != nil && i >= 52 && hasPrefix(text, i, caskSig) {
				dst = findCASK(dst, text, i-52, i+len(caskSig), s.cask.rule)
			}
			continue
		case '/':
			if next == '/' && g != nil {
				g.urlAt(text, i)
			}
			continue
		case '-':
			if next == 'B' && g != nil {
				g.pemAt(text, i)
			}
			continue
		}
		if i < done || i > 0 && alnum[text[i-1]] {
			continue
		}
		// The prefixes that begin with the pair (the pairs bitmap's
		// bit), if the third byte begins one.
		h := s.first[text[i]]
		if h == 0 {
			continue
		}
		pl := s.byPair[h-1][next]
		if pl == 0 {
			continue
		}
		p := &s.pairLists[pl-1]
		var third byte
		if i+2 < len(text) {
			third = text[i+2]
		}
		if p.third[third/64]&(1<<(third%64)) == 0 {
			continue
		}
		cs := p.cands
		for k := range cs {
			c := &cs[k]
			if !c.at(text, i) {
				continue
			}
			e, conf := c.det.check(text, i, len(c.prefix))
			if e < 0 || conf == Prefix && placeholder(text[i+len(c.prefix):e]) {
				continue
			}
			dst = append(dst, Finding{Start: i, End: e, Rule: c.det.rule, Confidence: conf})
			done = e
			break
		}
	}
	return dst, done
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
		// Look for "BEGIN " and then for the dashes before it: '-' is
		// common in log text (dates, names), 'B' is not, and bytes.Index
		// calls IndexByte at every occurrence of the needle's first byte.
		// The space after BEGIN may be a '+' (see labelByte).
		k := bytes.Index(text[min(len(text), pos+len(pemDash)):], []byte(pemBegin[len(pemDash):len(pemBegin)-1]))
		if k < 0 {
			break
		}
		start := pos + k
		if !hasPrefix(text, start, pemDash) || start+len(pemBegin) > len(text) || text[start+len(pemBegin)-1] != ' ' && text[start+len(pemBegin)-1] != '+' {
			pos = start + 1
			continue
		}
		dst, pos = pemBlock(dst, text, start, r)
	}
	return dst
}

// findPEMAt is findPEM at starts, the starts of "-----BEGIN " lines of
// text (followed by a space or '+') in order, as gates.pemAt notes them:
// findPEM looks at nothing else, and skips the ones inside a block it
// found (or inside the BEGIN line and key material of one it rejected) as
// findPEM does.
func findPEMAt(dst []Finding, text []byte, starts []int, r *Rule) []Finding {
	pos := 0
	for _, start := range starts {
		if start < pos {
			continue
		}
		dst, pos = pemBlock(dst, text, start, r)
	}
	return dst
}

// pemBlock appends the PEM private-key block whose "-----BEGIN " line
// (followed by a space or '+') starts at text[start], if it is one, and
// returns where findPEM goes on.
func pemBlock(dst []Finding, text []byte, start int, r *Rule) ([]Finding, int) {
	pos := start + len(pemBegin)
	lab := pos
	for lab < len(text) && lab-pos < 40 && labelByte(text[lab]) {
		lab++
	}
	label := text[pos:lab]
	if !hasPrefix(text, lab, pemDash) || !privateLabel(label) {
		return dst, pos
	}
	bodyStart := lab + len(pemDash)
	limit := min(len(text), start+MaxPEMLen)
	end, conf := -1, Structure
	// The first END line after the body decides: the block ends there when
	// its label is the BEGIN line's and only key material comes between.
	if bodyStart < limit {
		if e := bytes.Index(text[bodyStart:limit], []byte(pemEnd[:len(pemEnd)-1])); e >= 0 {
			e += bodyStart
			l := e + len(pemEnd)
			if l <= len(text) && (text[l-1] == ' ' || text[l-1] == '+') &&
				hasPrefix(text, l, string(label)) && hasPrefix(text, l+len(label), pemDash) && keyBody(text[bodyStart:e]) == e-bodyStart {
				end = l + len(label) + len(pemDash)
			}
		}
	}
	if end < 0 {
		// No END line (or no key between the lines): the BEGIN line
		// and the key material after it, if there is any.
		n := keyBody(text[bodyStart:limit])
		end = bodyStart + n
		if n < 0 {
			return dst, bodyStart
		}
		conf = Prefix
	}
	return append(dst, Finding{Start: start, End: end, Rule: r, Confidence: conf}), end
}

// pemBody holds the bytes of a PEM body: base64, line breaks as written or
// escaped (\n, \r\n inside a JSON string), and the header lines of an
// encrypted key (Proc-Type: 4,ENCRYPTED).
var pemBody = makeClass("A-Za-z0-9", "+/=", " \t\r\n\\", ":,-")

// minPEMKey is the least base64 a PEM body must hold to be a key: a
// block with less (an empty template, "...", a body already redacted) is
// not reported. The smallest real private key (Ed25519 PKCS#8) has 64.
const minPEMKey = 40

// keyBody returns the length of the key material b starts with (a PEM
// body: base64, blanks, line breaks as written or escaped, the header lines
// of an encrypted key), or -1 when it holds fewer than minPEMKey base64
// characters. A backslash counts only as the start of an escaped line
// break, tab or slash (\n, \r, \t, \/, the backslash doubled at each
// level of JSON in JSON): anything else a logger escapes (a quote, a
// control byte, invalid UTF-8 as \ufffd) is not key material, as it is
// not as written, so a block reads the same raw and escaped. The body ends
// at the first armour line ("-----").
func keyBody(b []byte) int {
	n, i := 0, 0
	for i < len(b) {
		c := b[i]
		if c == '\\' {
			j := i
			for j < len(b) && b[j] == '\\' {
				j++
			}
			if j == len(b) || (b[j] != 'n' && b[j] != 'r' && b[j] != 't' && b[j] != '/') {
				break
			}
			if b[j] == '/' {
				n++
			}
			i = j + 1
			continue
		}
		if !pemBody[c] || c == '-' && bytes.HasPrefix(b[i:], []byte(pemDash)) {
			break // not key material, or an armour line
		}
		if alnum[c] || c == '+' || c == '/' {
			n++
		}
		i++
	}
	if n < minPEMKey {
		return -1
	}
	return i
}

// labelByte reports a byte of a PEM label: a capital letter or a space,
// written as itself or, in a form-encoded query string once its %XX are
// decoded, as '+'.
func labelByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c == ' ' || c == '+'
}

// privateLabel reports a private key's label (its spaces as ' ' or '+').
func privateLabel(l []byte) bool {
	return len(l) >= len("PRIVATE KEY") && sameLabel(l[len(l)-len("PRIVATE KEY"):], "PRIVATE KEY") ||
		sameLabel(l, "PGP PRIVATE KEY BLOCK")
}

// sameLabel reports whether l is the label want, with any space of it
// written as '+'.
func sameLabel(l []byte, want string) bool {
	if len(l) != len(want) {
		return false
	}
	for i := range l {
		if l[i] != want[i] && !(want[i] == ' ' && l[i] == '+') {
			return false
		}
	}
	return true
}

// URL passwords.

// userinfo holds the bytes of a URL's userinfo (RFC 3986: unreserved,
// pct-encoded, sub-delims and ':').
var userinfo = makeClass("A-Za-z0-9", "-._~", "%", "!$&'()*+,;=", ":")

var schemeByte = makeClass("A-Za-z0-9", "+.-")

// userinfoReach is how far back of an '@' findURLPasswords looks for the
// "scheme://" its userinfo follows.
const userinfoReach = 256

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
		dst = urlPassword(dst, text, at, r)
	}
	return dst
}

// urlPassword appends the password of the scheme://user:password@ that
// ends at the '@' at text[at], if it is one.
func urlPassword(dst []Finding, text []byte, at int, r *Rule) []Finding {
	u := at
	for lim := max(0, at-userinfoReach); u > lim && userinfo[text[u-1]]; u-- {
	}
	// scheme://
	if u < 4 || text[u-1] != '/' || text[u-2] != '/' || text[u-3] != ':' || !schemeByte[text[u-4]] {
		return dst
	}
	sc := u - 4
	for sc > 0 && schemeByte[text[sc-1]] {
		sc--
	}
	if !(text[sc] >= 'a' && text[sc] <= 'z' || text[sc] >= 'A' && text[sc] <= 'Z') {
		return dst
	}
	c := bytes.IndexByte(text[u:at], ':')
	if c < 0 || u+c+1 == at {
		return dst
	}
	// A host must follow.
	if at+1 >= len(text) || !(alnum[text[at+1]] || text[at+1] == '[') {
		return dst
	}
	return append(dst, Finding{Start: u + c + 1, End: at, Rule: r, Confidence: Structure})
}

// Base64.

// MinBase64Run is the shortest run of base64 that FindEncoded decodes:
// the base64 of the shortest token (20 bytes).
const MinBase64Run = 27

var (
	b64Any = makeClass("A-Za-z0-9", "+/", "-_")
)

// b64Chunk is how much of a run is decoded at once (a multiple of 4); the
// chunks overlap by the encoded length of the longest token (5,468 bytes
// with every rule on), so a chunk must be well over twice that for a run
// to be decoded in linear time.
const b64Chunk = 16384

// base64Runs decodes the runs of base64 in text[a:b] and appends the
// tokens they hold.
func (s *Set) base64Runs(dst []Finding, text []byte, a, b int) []Finding {
	for i := a; i < b; {
		if !b64Any[text[i]] {
			i++
			continue
		}
		j := run(text, i, b64Any, b-i)
		start, r := i, i
		if i == a && i > 0 && b64Any[text[i-1]] {
			// The scan cut a long run into pieces: decode from a
			// position aligned with the run's true start, far enough
			// back to take in a token that crosses into this piece.
			for r > 0 && b64Any[text[r-1]] && i-r < 1<<16 {
				r--
			}
			back := max(r, i-s.b64Overlap())
			start = back + (4-(back-r)%4)%4
		}
		if j-start >= MinBase64Run && mixedCase(text[start:j]) {
			dst = s.decodeRun(dst, text, start, j)
			if r == 0 || b64Any[text[r-1]] {
				// The run begins where text does (or further back
				// than the search went): it may have begun before
				// text (text is what a stream holds after a cut, or
				// a window of a decoded line), so its alignment is
				// not known. Decode it at the three others too.
				for k := 1; k < 4 && j-start-k >= MinBase64Run; k++ {
					dst = s.decodeRun(dst, text, start+k, j)
				}
			}
		}
		i = j
	}
	return dst
}

// decodeRun decodes text[i:j], one run of base64 characters, in chunks.
func (s *Set) decodeRun(dst []Finding, text []byte, i, j int) []Finding {
	alpha := &b64StdVal
	std, url := false, false
	for _, c := range text[i:j] {
		switch c {
		case '+', '/':
			std = true
		case '-', '_':
			url = true
		}
	}
	if std && url {
		return dst
	}
	if url {
		alpha = &b64URLVal
	}
	overlap := s.b64Overlap()
	bp := b64Bufs.Get().(*[b64Chunk / 4 * 3]byte)
	defer b64Bufs.Put(bp)
	buf := bp[:]
	for c := i; c < j; {
		e := min(j, c+b64Chunk)
		n := decodeB64(buf, text[c:e], alpha)
		n0 := len(dst)
		var g gates
		if s.tokens {
			g.scanned()
			dst = s.scanTokensSeen(dst, buf[:n], &g)
		}
		dst = s.gatedSearches(dst, buf[:n], &g)
		k := n0
		for _, f := range dst[n0:] {
			if s.pem != nil && f.Rule == s.pem.rule && f.Confidence == Prefix && n-f.End <= maxPEMEndLine {
				// A block without its END line in what was decoded
				// may go on in the run past the chunk (or past the
				// piece of the run the scan handed over): decode it
				// whole.
				if g, ok := s.pemAcross(text, c+f.Start/3*4, f.Start%3, e, alpha); ok {
					dst[k] = g
					k++
					continue
				}
			}
			f.Start = c + f.Start/3*4
			f.End = min(e, c+(f.End+2)/3*4)
			f.Base64 = true
			dst[k] = f
			k++
		}
		dst = dst[:k]
		if e == j {
			break
		}
		c = nextChunk(c, e, overlap)
	}
	return dst
}

// maxPEMEndLine bounds an END line ("-----END " and a label of at most 40
// bytes and "-----"): a block without one that stops this close to the end
// of what was decoded may have been cut there.
const maxPEMEndLine = len(pemEnd) + 40 + len(pemDash)

// pemAcross decodes the PEM block whose group of base64 starts at text[g]
// (the block at offset off of it) as far as the run of base64 goes, up to
// MaxPEMLen past it, and returns the block found there if it ends past e,
// where the caller's decoding stopped.
func (s *Set) pemAcross(text []byte, g, off, e int, alpha *[256]int8) (Finding, bool) {
	cls := b64std
	if alpha == &b64URLVal {
		cls = b64url
	}
	end := run(text, e, cls, pemEncLen-(e-g))
	if end <= e {
		return Finding{}, false
	}
	bp := pemBufs.Get().(*[pemEncLen / 4 * 3]byte)
	defer pemBufs.Put(bp)
	n := decodeB64(bp[:], text[g:end], alpha)
	var fb [1]Finding
	fs := findPEM(fb[:0], bp[off:n], s.pem.rule)
	if len(fs) == 0 || fs[0].Start != 0 {
		return Finding{}, false
	}
	f := fs[0]
	f.Start, f.End = g, min(end, g+(off+f.End+2)/3*4)
	f.Base64 = true
	return f, f.End > e
}

// pemEncLen is the most base64 pemAcross decodes: a block of MaxPEMLen
// bytes at any offset of its first group.
const pemEncLen = (MaxPEMLen+2+2)/3*4 + 4

// pemBufs holds pemAcross's scratch.
var pemBufs = sync.Pool{New: func() any { return new([pemEncLen / 4 * 3]byte) }}

// nextChunk returns where the chunk after text[c:e] starts: overlap bytes
// back from e, so that a token crossing e is decoded whole, and at least
// half a chunk on from c, so that a run costs at most twice its decoding
// whatever the overlap (with 4-byte steps, a run of a megabyte took
// seconds).
func nextChunk(c, e, overlap int) int {
	return max(c+b64Chunk/2, e-overlap/4*4)
}

// b64Bufs holds the scratch of base64 decoding (it would escape, and
// zeroing it on every run would cost more than the decoding).
var b64Bufs = sync.Pool{New: func() any { return new([b64Chunk / 4 * 3]byte) }}

// mixedCase reports whether b holds both an upper-case and a lower-case
// letter: base64 of text does (its first character of each group encodes
// the top bits of a printable byte), while the identifiers, hex strings
// and paths of log text that are runs of base64 characters mostly do not.
func mixedCase(b []byte) bool {
	// Eight bytes at a time: b holds base64 characters only, where a
	// lower-case letter is a byte with bits 6 and 5 set and an upper-case
	// one a byte with bit 6 set and bit 5 clear, other than '_'.
	const bit6, low7 = 0x4040404040404040, 0x7f7f7f7f7f7f7f7f
	var u, l uint64
	for len(b) >= 8 {
		x := binary.LittleEndian.Uint64(b)
		y := x ^ 0x5f5f5f5f5f5f5f5f
		us := ^((y&low7 + low7) | y | low7) // 0x80 at each '_'
		u |= x &^ (x << 1) & bit6 &^ (us >> 1)
		l |= x & (x << 1) & bit6
		if u != 0 && l != 0 {
			return true
		}
		b = b[8:]
	}
	up, lo := u != 0, l != 0
	for _, c := range b {
		up = up || c >= 'A' && c <= 'Z'
		lo = lo || c >= 'a' && c <= 'z'
		if up && lo {
			return true
		}
	}
	return false
}

// b64Overlap is the encoded length of the longest token of the set's
// prefix rules, rounded up to whole base64 groups.
func (s *Set) b64Overlap() int { return (s.reach+2)/3*4 + 4 }

var b64StdVal, b64URLVal = b64Vals("+/"), b64Vals("-_")

func b64Vals(last2 string) (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + last2 {
		v[c] = int8(i)
	}
	return v
}

// decodeB64 decodes src (no padding) into dst and returns the length.
func decodeB64(dst, src []byte, alpha *[256]int8) int {
	n, acc, bits := 0, uint32(0), 0
	for _, c := range src {
		acc = acc<<6 | uint32(alpha[c])
		bits += 6
		if bits >= 8 {
			bits -= 8
			dst[n] = byte(acc >> bits)
			n++
		}
	}
	return n
}
