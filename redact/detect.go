package redact

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/hushlog/hush/detect"
)

// Token detectors (package detect) find credentials the Redactor was never
// given: a GitHub token, an AWS access key ID, a PEM private key. They run
// in the same call as the index, on the text as written, on each decoded
// level of a line with escapes (a token in a JSON string or a query string
// is found and its escape sequences redacted with it), in runs of base64
// (the aligned part of the run that encodes the token is redacted) and
// across the lines of wrapped base64. A Redactor with detectors and no
// secrets decodes the same way. A PEM block that a decoded window cuts is
// decoded whole from its start in the next one. A detected token is
// replaced by the detected-replacement template, which names its rule.

// DefaultDetectedReplacement is the default replacement of a detected
// token.
const DefaultDetectedReplacement = "[REDACTED:detected:{rule}]"

// WithDetectors sets the token detectors that run beside the known
// secrets; nil (or an empty set) turns them off. The default is
// detect.Default(): every Redactor redacts detected tokens unless told
// otherwise.
func WithDetectors(s *detect.Set) Option {
	return func(o *options) error {
		o.detectors = s
		return nil
	}
}

// WithDetectedReplacement sets the replacement template of detected
// tokens: "{rule}" expands to the rule ID ("github-token"), "{name}" to
// "detected:" and the rule ID, "{hash}" to a keyed fingerprint of that
// name. The default is DefaultDetectedReplacement.
func WithDetectedReplacement(template string) Option {
	return func(o *options) error {
		o.detectedReplacement = template
		return nil
	}
}

// detSec marks a span's sec as a detected token: the low 8 bits are the
// rule's index in detection.rules, bits 8-15 its confidence.
const detSec = 1 << 31

// detection is a Redactor's compiled detectors and what their findings are
// replaced by and counted under. It does not change with the secrets.
type detection struct {
	set   *detect.Set
	rules []*detect.Rule
	names []string
	repl  [][]byte
	ctrs  []*counters
	// reach is the longest source span of a detected token on one line,
	// escaped: what a stream holds back of a line and how far before an
	// escape a decoded window starts.
	reach int
	pem   bool
	// markers are the escape markers the Redactor's decoders undo ('%',
	// '\\', '&'): a stream holds a line's tail that has one (see held).
	markers []byte
	// wrapReach is how much wrapped base64 a stream holds back so that a
	// token encoded across its lines is scrubbed whole (0: the Redactor
	// does not decode base64).
	wrapReach int
}

func (r *Redactor) newDetection() *detection {
	set := r.opts.detectors
	if set.Len() == 0 {
		return nil
	}
	d := &detection{set: set, rules: set.Rules(), pem: set.Has("private-key")}
	for _, rule := range d.rules {
		name := "detected:" + rule.ID
		d.names = append(d.names, name)
		d.repl = append(d.repl, []byte(r.renderDetected(rule.ID)))
		d.ctrs = append(d.ctrs, r.countersFor(name))
	}
	d.reach = maxExpansion*set.MaxTokenLen() + 2
	for _, dec := range decoders {
		if r.opts.encodings&dec.enc != 0 {
			d.markers = append(d.markers, dec.marker)
		}
	}
	if r.opts.encodings&Base64 != 0 {
		n := set.MaxTokenLen()
		if d.pem {
			n = max(n, detect.MaxPEMLen)
		}
		// Its base64, with a line break every 64 characters.
		enc := (n+2)/3*4 + 8
		d.wrapReach = enc + enc/64 + 1
	}
	return d
}

// renderDetected expands the detected-replacement template for a rule.
func (r *Redactor) renderDetected(rule string) string {
	t := r.opts.detectedReplacement
	name := "detected:" + rule
	if strings.Contains(t, "{hash}") {
		m := hmac.New(sha256.New, r.opts.hashKey)
		m.Write([]byte(name))
		t = strings.ReplaceAll(t, "{hash}", hex.EncodeToString(m.Sum(nil)[:8]))
	}
	t = strings.ReplaceAll(t, "{rule}", rule)
	return strings.ReplaceAll(t, "{name}", name)
}

// held moves cut back, for a stream, before a token that may go on in the
// bytes still to come: a word that begins one (detect.Set.Hold), an
// unterminated PEM private-key block, and the escaped end of a line.
func (d *detection) held(buf []byte, cut int) int {
	cut = min(cut, d.set.Hold(buf))
	if d.pem {
		cut = heldPEM(buf, cut)
		if bytes.IndexByte(d.markers, '%') >= 0 {
			cut = heldPEMPercent(buf, cut)
		}
	}
	if d.wrapReach > 0 && cut > 0 {
		// The full-width lines of wrapped base64 before the line cut
		// is on: the run may go on in that line or the next.
		if ls := bytes.LastIndexByte(buf[:cut], '\n') + 1; ls > 0 {
			cut = min(cut, heldWrapped(buf, ls, d.wrapReach))
		}
	}
	return d.heldEscaped(buf, cut)
}

// heldPEMPercent is heldPEM for a block on buf's last line whose armour
// lines are percent-escaped dashes and all ("%2D%2D%2D%2D%2DBEGIN", an
// encoder that escapes every byte), once or twice: it reads the line's
// tail percent-decoded. A line without an escaped dash costs a search.
func heldPEMPercent(buf []byte, cut int) int {
	from := max(bytes.LastIndexByte(buf, '\n')+1, len(buf)-maxExpansion*detect.MaxPEMLen)
	tail := buf[from:]
	if !bytes.Contains(tail, []byte("%2D")) && !bytes.Contains(tail, []byte("%2d")) {
		return cut
	}
	sc := getScratch()
	defer putScratch(sc)
	d := &sc.levels[0]
	d.reset()
	decodePercent(d, nil, from, tail)
	if bytes.Contains(d.text, []byte("%2")) {
		d2 := &sc.levels[1]
		d2.reset()
		decodePercent(d2, d, 0, d.text)
		d = d2
	}
	if h := heldPEM(d.text, len(d.text)); h < len(d.text) {
		return min(cut, int(d.from[h]))
	}
	return cut
}

// heldEscaped moves cut back to reach before the end of buf, within its
// last line, when that stretch holds an escape the Redactor decodes: a
// token escaped there, or one whose context is (the scheme://user: of a
// URL as %3A%2F%2F), is found in the decoded line only once it is whole,
// and Hold reads the text as written.
func (d *detection) heldEscaped(buf []byte, cut int) int {
	from := max(0, len(buf)-d.reach)
	if nl := bytes.LastIndexByte(buf[from:], '\n'); nl >= 0 {
		from += nl + 1
	}
	if from >= cut {
		return cut
	}
	for _, m := range d.markers {
		if bytes.IndexByte(buf[from:], m) >= 0 {
			return from
		}
	}
	return cut
}

// withReach returns the reach of matches, maxLen for the index alone, with
// the detectors' taken in.
func (d *detection) withReach(maxLen int) int {
	if d == nil {
		return maxLen
	}
	return max(maxLen, d.reach)
}

// ruleIndex returns the index of rule in d.rules.
func (d *detection) ruleIndex(rule *detect.Rule) uint32 {
	for i, r := range d.rules {
		if r == rule {
			return uint32(i)
		}
	}
	return 0 // not reached: findings name the set's rules
}

func (d *detection) sec(f *detect.Finding) uint32 {
	return detSec | uint32(f.Confidence)<<8 | d.ruleIndex(f.Rule)
}

// target returns what replaces a span of sec and where it is counted.
func (s *snapshot) target(sec uint32) ([]byte, *counters) {
	if sec&detSec != 0 {
		k := sec & 0xff
		return s.det.repl[k], s.det.ctrs[k]
	}
	si := &s.secs[sec]
	return si.repl, si.counters
}

// match describes a span for Find.
func (s *snapshot) match(sp span) Match {
	if sp.sec&detSec != 0 {
		k := sp.sec & 0xff
		return Match{Start: sp.start, End: sp.end, Name: s.det.names[k], Encoding: sp.enc,
			Rule: s.det.rules[k].ID, Confidence: detect.Confidence(sp.sec >> 8 & 0xff).String()}
	}
	return Match{Start: sp.start, End: sp.end, Name: s.secs[sp.sec].name, Encoding: sp.enc}
}

// detectRaw appends the spans of the tokens in text as written and in its
// runs of base64. Detected spans have length 0: merged with a known
// secret's match, the known secret names the span.
func (s *snapshot) detectRaw(dst []span, text []byte, escaped bool) []span {
	return s.detectRawSweep(dst, text, escaped, nil)
}

// detectRawSweep is detectRaw that, with fs and where canFuse, has the
// detectors' scan sweep text for the decoding scan too (fs.Done tells
// whether it did: pass fs to decodedSpansSwept), so that a line is read
// once for both.
func (s *snapshot) detectRawSweep(dst []span, text []byte, escaped bool, fs *detect.Sweep) []span {
	if s.det == nil {
		return dst
	}
	var fb [8]detect.Finding
	found := fb[:0]
	if fs != nil && s.decoders != 0 && canFuse() {
		fs.Markers = s.sweepSetup().words
		found = s.det.set.FindEncodedSweep(found, text, fs)
	} else {
		found = s.det.set.FindEncoded(found, text)
	}
	for _, f := range found {
		enc := Raw
		if f.Base64 {
			enc = Base64
		}
		a := f.Start
		if escaped && danglingBackslash(text, a) {
			a--
		}
		dst = append(dst, span{start: a, end: f.End, sec: s.det.sec(&f), enc: enc})
	}
	return dst
}

// pemEndLine bounds a PEM END line ("-----END ", a label of at most 40
// bytes, "-----").
const pemEndLine = 9 + 40 + 5

// detectDecoded appends to sc.spans the tokens found in d, a decoded level
// (see scanDecoded). Unlike the index's matches, a token whose own bytes
// hold no escape of this level counts too: what makes it a token may be
// escaped around it (the scheme://user: of a URL's password, a byte before
// or after it that the check looks at), so the level below may not have
// found it. A token the level below found as well is the same span, and
// merges with it.
func (s *snapshot) detectDecoded(sc *decodeScratch, d *decoded, lvl int, dec *decoder, limit int) {
	if s.det == nil {
		return
	}
	var fb [8]detect.Finding
	for _, f := range s.det.set.FindEncoded(fb[:0], d.text) {
		a, b := f.Start, f.End
		if int(d.pfrom[a]) >= limit {
			continue
		}
		start, end := int(d.from[a]), int(d.to[b-1])
		if f.Confidence == detect.Prefix && d == &sc.levels[lvl] && len(d.text)-b <= pemEndLine && f.Rule.ID == "private-key" && (sc.pemCut < 0 || start < sc.pemCut) {
			sc.pemCut = start // no END line in the window: it may be past it
		}
		enc := dec.enc
		if f.Base64 {
			enc = Base64
		}
		sc.spans = append(sc.spans, span{start: start, end: end, sec: s.det.sec(&f), enc: enc, depth: sc.depth(lvl)})
	}
}

// detectWrapped appends to sc.spans the tokens encoded in d, the joined
// lines of a run of wrapped base64 (see wrappedRun), decoded: one span per line the
// token's encoding touches, the line breaks staying. A token within one
// line counts too (what makes it one may be on the line before: a URL's
// scheme://user:); the scan of the text as written may have found it as
// well, and the spans merge. It returns the source position of the first
// PEM block without its END line that runs to the end of d (the segment
// may have cut it), or -1.
func (s *snapshot) detectWrapped(sc *decodeScratch, d *decoded) int {
	cut := -1
	if s.det == nil {
		return cut
	}
	var fb [8]detect.Finding
	for _, f := range s.det.set.FindEncoded(fb[:0], d.text) {
		if !f.Base64 {
			continue // the joined lines are base64, not text
		}
		a, b := f.Start, f.End
		if cut < 0 && f.Confidence == detect.Prefix && f.Rule.ID == "private-key" && len(d.text)-b <= (pemEndLine+2)/3*4+4 {
			cut = int(d.from[a])
		}
		sec := s.det.sec(&f)
		from := int(d.from[a])
		for a < b {
			e := a
			for e < b && d.from[e] == d.from[a]+int32(e-a) {
				e++
			}
			sc.spans = append(sc.spans, span{start: int(d.from[a]), end: int(d.to[e-1]), sec: sec, enc: Base64, cross: int(d.from[a]) - from})
			a = e
		}
	}
	return cut
}

// yieldToKnown settles the detected tokens that overlap a known secret's
// matches. A token whose every character of key material (armour lines,
// blanks and escapes aside) a known match covers is dropped: the secret is
// known, and it is redacted as the Redactor was told to (a PEM key given as
// a secret keeps its armour lines and line breaks). Any other token that a
// known match touches stays whole, merged with the match and named after
// the secret, so that no part of it is left that the known secret did not
// cover.
func (s *snapshot) yieldToKnown(raw []span, text []byte) []span {
	if s.det == nil || len(raw) < 2 || len(raw) > 256 {
		return raw
	}
	det, known := false, false
	for _, sp := range raw {
		det = det || sp.sec&detSec != 0
		known = known || sp.sec&detSec == 0
	}
	if !det || !known {
		return raw
	}
	k := 0
	for _, sp := range raw {
		if sp.sec&detSec != 0 {
			touched := false
			for _, o := range raw {
				if o.sec&detSec == 0 && o.start <= sp.end && sp.start <= o.end {
					touched = true
					break
				}
			}
			if touched {
				if !uncoveredKey(text, sp, raw) {
					continue
				}
				sp.length = 0 // merged, the known secret names the span
			}
		}
		raw[k] = sp
		k++
	}
	return raw[:k]
}

// uncoveredKey reports whether a byte of key material in the detected span
// sp (not an armour line "-----...-----", a blank or an escape) is outside
// every known match of raw.
func uncoveredKey(text []byte, sp span, raw []span) bool {
	for i := sp.start; i < sp.end; i++ {
		c := text[i]
		switch {
		case c == '-' && bytes.HasPrefix(text[i:sp.end], []byte("-----")):
			j := bytes.Index(text[i+5:sp.end], []byte("-----"))
			if j < 0 {
				return false
			}
			i += 5 + j + 4
			continue
		case c == '\\':
			i++ // the escape's letter
			continue
		case !isBase64Char(c, false) && !isBase64Char(c, true):
			continue
		}
		covered := false
		for _, o := range raw {
			if o.sec&detSec == 0 && o.start <= i && i < o.end {
				covered = true
				break
			}
		}
		if !covered {
			return true
		}
	}
	return false
}

// detectOnly is findSpansBuf for a snapshot without an index: the
// detectors on the text as written and on its decoded levels, as with an
// index.
func (s *snapshot) detectOnly(dst []span, text []byte, escaped bool) []span {
	if s.det == nil {
		return dst
	}
	n := len(dst)
	var fs detect.Sweep
	dst = s.detectRawSweep(dst, text, escaped, &fs)
	if s.decoders != 0 {
		m := len(dst)
		dst = s.decodedSpansSwept(dst, text, &fs)
		if escaped {
			for i := m; i < len(dst); i++ {
				if danglingBackslash(text, dst[i].start) {
					dst[i].start--
				}
			}
		}
	}
	return mergeSpans(dst, n)
}

// mergeSpans sorts dst[n:] by start and merges the overlapping and
// adjacent spans, each merged span named after its longest match.
func mergeSpans(dst []span, n int) []span {
	raw := dst[n:]
	if len(raw) == 0 {
		return dst
	}
	// Matches come out of the scan nearly in order. Insertion sort is the
	// fastest for the usual handful; text crafted to hold thousands of
	// matches must not make it quadratic.
	if len(raw) <= 32 {
		for i := 1; i < len(raw); i++ {
			for j := i; j > 0 && less(raw[j], raw[j-1]); j-- {
				raw[j], raw[j-1] = raw[j-1], raw[j]
			}
		}
	} else {
		slices.SortFunc(raw, compareSpans)
	}
	out := raw[:1]
	for _, sp := range raw[1:] {
		cur := &out[len(out)-1]
		if sp.joins(cur.end) {
			cur.cross = max(cur.cross, cur.start-(sp.start-sp.cross))
			cur.end = max(cur.end, sp.end)
			if sp.length > cur.length {
				cur.sec, cur.enc, cur.length = sp.sec, sp.enc, sp.length
			}
			continue
		}
		out = append(out, sp)
	}
	return dst[:n+len(out)]
}

// heldPEM moves cut (where a stream would cut its buffered bytes) back to
// the start of a PEM private-key block that begins before cut and has no
// END line yet in buf, so that the block is scrubbed whole; a block whose
// start is more than detect.MaxPEMLen before the end of buf (maxExpansion
// times that on buf's last line, where an escaped block is) is not held.
// The armour lines are read as written or escaped (see pemLabel).
func heldPEM(buf []byte, cut int) int {
	const begin = "-----BEGIN"
	// The end of buf may be the first bytes of a BEGIN marker.
	for i := max(0, len(buf)-len(begin)+1); i < len(buf); i++ {
		if buf[i] == '-' && strings.HasPrefix(begin, string(buf[i:])) {
			cut = min(cut, i)
			break
		}
	}
	from := max(0, len(buf)-detect.MaxPEMLen)
	if ls := bytes.LastIndexByte(buf, '\n') + 1; ls < from {
		from = max(ls, len(buf)-maxExpansion*detect.MaxPEMLen)
	}
	for hi := len(buf); hi > from; {
		i := bytes.LastIndex(buf[from:hi], []byte(begin))
		if i < 0 {
			return cut
		}
		i += from
		var lb [pemLabelMax]byte
		label, end, more := pemLabel(lb[:0], buf, i+len(begin))
		if more {
			return min(cut, i) // the label goes on in a later write
		}
		if end < 0 || !privatePEMLabel(label) {
			hi = i
			continue
		}
		if pemEndAfter(buf[end:], label) {
			return cut // complete
		}
		return min(cut, i)
	}
	return cut
}

// pemLabelMax bounds a PEM label as pemLabel reads it (" RSA PRIVATE KEY").
const pemLabelMax = 48

// pemSeps are the ways a space of a PEM label is written: as itself, and
// escaped in a query string, once or twice, plain or form-encoded.
var pemSeps = [...]string{" ", "+", "%20", "%2B", "%2b", "%2520", "%252B", "%252b"}

// pemLabel reads the label of an armour line from buf[i:] (just after
// "-----BEGIN" or "-----END") into dst, each space (as written or escaped)
// as ' ', up to the closing "-----". It returns the label, where the line
// ends (-1 when this is no label), and more when buf ends before the label
// does.
func pemLabel(dst, buf []byte, i int) (label []byte, end int, more bool) {
	for i < len(buf) && len(dst) < pemLabelMax {
		c := buf[i]
		if c >= 'A' && c <= 'Z' {
			dst = append(dst, c)
			i++
			continue
		}
		if c == '-' {
			switch rest := string(buf[i:]); {
			case strings.HasPrefix(rest, "-----"):
				return dst, i + 5, false
			case strings.HasPrefix("-----", rest):
				return dst, -1, true
			}
			return dst, -1, false
		}
		sep := 0
		for _, s := range pemSeps {
			rest := string(buf[i:])
			if strings.HasPrefix(rest, s) {
				sep = len(s)
				break
			}
			if strings.HasPrefix(s, rest) {
				return dst, -1, true
			}
		}
		if sep == 0 {
			return dst, -1, false
		}
		dst = append(dst, ' ')
		i += sep
	}
	return dst, -1, i == len(buf)
}

// privatePEMLabel reports a private key's label as pemLabel reads it.
func privatePEMLabel(l []byte) bool {
	return len(l) > 1 && l[0] == ' ' && (bytes.HasSuffix(l, []byte(" PRIVATE KEY")) || string(l) == " PGP PRIVATE KEY BLOCK")
}

// pemEndAfter reports whether b holds the END line of the label.
func pemEndAfter(b []byte, label []byte) bool {
	const end = "-----END"
	for {
		i := bytes.Index(b, []byte(end))
		if i < 0 {
			return false
		}
		var lb [pemLabelMax]byte
		if l, e, _ := pemLabel(lb[:0], b, i+len(end)); e >= 0 && bytes.Equal(l, label) {
			return true
		}
		b = b[i+len(end):]
	}
}
