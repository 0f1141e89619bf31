package redact

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/hushlog/hush/fingerprint"
)

// Redactor finds and replaces the values of a set of secrets, raw or
// encoded, in arbitrary bytes. It is safe for concurrent use: Scrub and its
// relatives do one atomic load and never lock, while Set and Add rebuild the
// index off the hot path and publish it with an atomic swap, so a reader
// sees either the old set or the new one, never a mix.
type Redactor struct {
	opts options
	cur  atomic.Pointer[snapshot]

	buildMu sync.Mutex // serializes Set, Add and publishing a merge
	base    []Secret
	added   map[Secret]struct{}
	trk     *tracker       // what is live and where it is indexed (delta.go)
	merges  sync.WaitGroup // background merges running

	incrMinBase, deltaLimit int           // see delta.go
	idleMerge               time.Duration // see maybeMerge
	idleTimer               *time.Timer
	mergeHook               func() // tests: runs in a merge between its build and its publication

	statsMu  sync.Mutex
	counters map[string]*counters

	det *detection // token detectors (detect.go)
}

// New returns an empty Redactor configured by opts. It scrubs nothing until
// Set or Add gives it secrets.
func New(opts ...Option) (*Redactor, error) {
	o := defaultOptions()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	r := &Redactor{opts: o, added: map[Secret]struct{}{}, counters: map[string]*counters{},
		incrMinBase: defaultIncrMinBase, deltaLimit: defaultDeltaLimit, idleMerge: defaultIdleMerge}
	r.det = r.newDetection()
	s := &snapshot{built: time.Now(), det: r.det}
	if r.det != nil {
		// Detectors alone decode as a Redactor with secrets does: a
		// token in a JSON string, a query string or wrapped base64.
		s.decoders = o.encodings & decodedFamilies
	}
	r.cur.Store(s)
	return r, nil
}

// Set replaces the set of secrets (values added with Add stay). Values
// that fail the policy (too short, common words) are skipped and reported
// by name in Stats().Skipped. On error the previous index stays in place.
//
// Set compares secrets with the current set by name and value: only what
// changed is indexed (in a small delta index beside the large one, merged
// in the background, see DESIGN.md "Refreshing the set"), and a removed
// value stops being redacted in the same atomic swap that protects what
// replaced it. Readers never wait and never see a half-applied change.
func (r *Redactor) Set(secrets []Secret) error {
	r.buildMu.Lock()
	defer r.buildMu.Unlock()
	removed, added, p, q := diffSecrets(r.base, secrets)
	if err := r.change(secrets, removed, added); err != nil {
		return err
	}
	// Keep a copy of the list (the caller keeps its slice). Its common
	// prefix and suffix are equal by name and value already, which is
	// all the list is used for: only the middle is copied.
	r.base = slices.Replace(r.base, p, len(r.base)-q, secrets[p:len(secrets)-q]...)
	return nil
}

// Add protects further secrets in addition to the current set, and keeps
// protecting them across later calls to Set. It is how values an
// application reads itself (through a provider Cache) join the index.
// Adding secrets already present costs a map lookup, and a new one costs
// time in proportion to it, not to the set.
func (r *Redactor) Add(secrets ...Secret) error {
	r.buildMu.Lock()
	defer r.buildMu.Unlock()
	var fresh []Secret
	for _, s := range secrets {
		if _, ok := r.added[s]; !ok {
			fresh = append(fresh, s)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	for _, s := range fresh {
		r.added[s] = struct{}{}
	}
	if err := r.change(r.base, nil, fresh); err != nil {
		for _, s := range fresh {
			delete(r.added, s)
		}
		return err
	}
	return nil
}

// Replacement returns the replacement text for a secret name, as the
// template renders it. Front ends use it when they redact a value whole
// (a field whose key says it is a password).
func (r *Redactor) Replacement(name string) string { return r.render(name) }

// Contains reports whether src holds any protected form of any secret.
func (r *Redactor) Contains(src []byte) bool {
	return r.cur.Load().contains(src)
}

// contains is Contains on one snapshot.
func (s *snapshot) contains(src []byte) bool {
	if s.det != nil {
		var sb [8]span
		return len(s.spans(sb[:0], src)) > 0
	}
	if s.idx.Contains(src) {
		if !s.decodedOnly {
			return true
		}
		// The match may be a form that counts only in decoded text.
		var sb [8]span
		return len(s.spans(sb[:0], src)) > 0
	}
	if s.decoders == 0 {
		return false
	}
	var sb [8]span
	return len(s.decodedSpans(sb[:0], src)) > 0
}

// Match is one redacted span of the input: src[Start:End] is replaced.
// Overlapping and adjacent occurrences are merged into one Match, named
// after the longest of them (a known secret before a detected token).
type Match struct {
	Start, End int
	Name       string
	Encoding   Encoding
	// Rule and Confidence describe a detected token (Name is then
	// "detected:" and the rule ID); both are empty for a known secret.
	Rule       string
	Confidence string
}

// Find returns the spans Scrub would replace, in order. It never returns a
// value, only positions and names.
func (r *Redactor) Find(src []byte) []Match {
	s := r.cur.Load()
	var sb [8]span
	return s.matches(s.spans(sb[:0], src))
}

// matches converts spans to Matches (nil for none).
func (s *snapshot) matches(spans []span) []Match {
	if len(spans) == 0 {
		return nil
	}
	out := make([]Match, len(spans))
	for i, sp := range spans {
		out[i] = s.match(sp)
	}
	return out
}

// Scrub appends src to dst with every protected span replaced, and returns
// the extended slice. dst and src must not overlap. On text without secrets
// Scrub makes no allocation beyond growing dst.
func (r *Redactor) Scrub(dst, src []byte) []byte {
	s := r.cur.Load()
	var sb [8]span
	spans := s.spans(sb[:0], src)
	return s.replace(dst, src, spans)
}

// ScrubEscaped is Scrub for text in an escaping syntax, such as an encoded
// JSON log entry or a Go-quoted string. A match that begins right after the
// backslash of an escape (a value that happens to start with "n", right
// after a "\n") takes that backslash with it, so the output stays
// well-formed instead of ending up with a dangling "\[REDACTED:...]". Use
// Scrub for anything else: it never changes a byte outside a match.
func (r *Redactor) ScrubEscaped(dst, src []byte) []byte {
	s := r.cur.Load()
	var sb [8]span
	spans := s.findSpans(sb[:0], src, true)
	return s.replace(dst, src, spans)
}

// ScrubString returns s with every protected span replaced. When s holds
// no secret it returns s itself without allocating.
func (r *Redactor) ScrubString(s string) string {
	snap := r.cur.Load()
	src := unsafe.Slice(unsafe.StringData(s), len(s))
	var sb [8]span
	spans := snap.spans(sb[:0], src)
	if len(spans) == 0 {
		return s
	}
	out := snap.replace(make([]byte, 0, len(s)+32*len(spans)), src, spans)
	return unsafe.String(unsafe.SliceData(out), len(out))
}

// span is one merged redaction.
type span struct {
	start, end int
	sec        uint32
	enc        Encoding
	length     int // of the longest match in the span
	// bs: the byte before start is the backslash of an escaped
	// punctuation character the match begins with, left out of it (see
	// scanDecoded); a span that ends right before it joins this one.
	bs bool
	// cross is, for the part on one line of a match across the lines of
	// wrapped base64, how far before start the match began (on an
	// earlier line); 0 for a match on one line.
	cross int
	// depth ranks how directly the match was read: 0 in the text as
	// written, 1+level for a decoded level, maxDecodeDepth more in a
	// restarted reading (see Restarts in decode.go and
	// dropShiftedReadings).
	depth uint8
}

// joins reports whether sp, which starts at or after cur, merges into a
// span that ends at end: it overlaps or touches it, or only the backslash
// it left out lies between.
func (sp span) joins(end int) bool {
	return sp.start <= end || sp.bs && sp.start == end+1
}

// spans finds the matches in text, widens base64 cores by their partial
// characters, and merges overlapping and adjacent ones, in order.
func (s *snapshot) spans(dst []span, text []byte) []span {
	return s.findSpans(dst, text, false)
}

// findSpans is spans; with escaped set, a match that begins right after the
// backslash of an escape sequence takes the backslash with it.
func (s *snapshot) findSpans(dst []span, text []byte, escaped bool) []span {
	var mb [8]fingerprint.Match
	dst, _ = s.findSpansBuf(dst, mb[:0], text, escaped)
	return dst
}

// findSpansBuf is findSpans with the caller's scratch for the index's
// matches (a Writer keeps it across writes); it returns the scratch grown.
func (s *snapshot) findSpansBuf(dst []span, mb []fingerprint.Match, text []byte, escaped bool) ([]span, []fingerprint.Match) {
	return s.findSpansJoins(dst, mb, text, escaped, false)
}

// findSpansJoins is findSpansBuf; with joins set, the decodedOnly patterns
// count in text as written too (a value whose line breaks a logger will
// escape: see value.go).
func (s *snapshot) findSpansJoins(dst []span, mb []fingerprint.Match, text []byte, escaped, joins bool) ([]span, []fingerprint.Match) {
	if s.idx == nil {
		return s.detectOnly(dst, text, escaped), mb
	}
	ms := s.idx.Find(mb[:0], text)
	mb = ms[:0]
	raw := dst
	for _, m := range ms {
		p := s.pats[m.ID]
		if p.decodedOnly && !joins {
			continue // a line break as written: see patInfo.decodedOnly
		}
		a, b := m.Start, m.End
		if p.extLeft && a > 0 && isBase64Char(text[a-1], p.url) {
			a--
		}
		if p.extRight && b < len(text) && isBase64Char(text[b], p.url) {
			b++
		}
		if escaped && danglingBackslash(text, a) {
			a--
		}
		raw = append(raw, span{start: a, end: b, sec: p.sec, enc: p.enc, length: m.End - m.Start})
	}
	var fs fusedSweep // the detectors' scan sweeps for the decoders' (detect.go)
	raw = s.detectRawSweep(raw, text, escaped, &fs)
	if s.decoders != 0 {
		n := len(raw)
		raw = s.decodedSpansSwept(raw, text, &fs) // and wrapped base64
		if escaped {
			for i := n; i < len(raw); i++ {
				if danglingBackslash(text, raw[i].start) {
					raw[i].start--
				}
			}
		}
	}
	raw = s.yieldToKnown(raw, text)
	return mergeSpans(raw, len(dst)), mb
}

// danglingBackslash reports whether text[i] is preceded by an odd run of
// backslashes: the second byte of an escape sequence.
func danglingBackslash(text []byte, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && text[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

func compareSpans(a, b span) int {
	switch {
	case less(a, b):
		return -1
	case less(b, a):
		return 1
	}
	return 0
}

// less orders spans by start, the longest match first; the rest of the
// order only makes ties deterministic (the same text gives the same name
// and encoding however it was cut into pieces).
func less(a, b span) bool {
	switch {
	case a.start != b.start:
		return a.start < b.start
	case a.length != b.length:
		return a.length > b.length
	case a.end != b.end:
		return a.end > b.end
	case a.enc != b.enc:
		return a.enc < b.enc
	}
	return a.sec < b.sec
}

// replace writes src to dst with spans replaced, and counts them.
func (s *snapshot) replace(dst, src []byte, spans []span) []byte {
	prev := 0
	for _, sp := range spans {
		dst = append(dst, src[prev:sp.start]...)
		repl, ctr := s.target(sp.sec)
		dst = append(dst, repl...)
		ctr[sp.enc.index()].Add(1)
		prev = sp.end
	}
	return append(dst, src[prev:]...)
}

// Stats describes the current index and the redactions made so far.
type Stats struct {
	// Secrets is the number of names indexed (JSON fields count apart).
	Secrets int
	// Patterns is the number of distinct byte strings indexed (every
	// encoded form of every value).
	Patterns int
	// IndexBytes is the memory held by the index; BytesPerPattern is
	// IndexBytes / Patterns (about 31 past about 10,000 secrets, up to
	// about 50 below, where the index spends memory on speed).
	IndexBytes      int
	BytesPerPattern float64
	// DeltaPatterns is how many of Patterns are in the delta index of the
	// values added since the last full build or merge; MaskedPatterns
	// counts the patterns of values removed since, which the large index
	// still holds but no longer reports (not in Patterns).
	DeltaPatterns  int
	MaskedPatterns int
	// BuildTime is how long the last update took (a full build, an
	// incremental change or a background merge); BuiltAt when it finished.
	BuildTime time.Duration
	BuiltAt   time.Time
	// Skipped lists what the last build did not index, by name.
	Skipped []Skipped
	// Matches counts redactions by secret name and encoding family name,
	// since the Redactor was created.
	Matches map[string]map[string]uint64
}

// Stats returns a snapshot of the Redactor's statistics.
func (r *Redactor) Stats() Stats {
	s := r.cur.Load()
	st := Stats{
		Secrets:    s.secrets,
		Patterns:   s.idx.Len(),
		IndexBytes: s.idx.MemoryBytes(),
		BuildTime:  s.duration,
		BuiltAt:    s.built.Add(s.duration),
		Skipped:    append([]Skipped(nil), s.skipped...),
		Matches:    map[string]map[string]uint64{},
	}
	if s.idx != nil {
		st.DeltaPatterns, st.MaskedPatterns = s.idx.delta.Len(), s.idx.deadN
	}
	if st.Patterns > 0 {
		st.BytesPerPattern = float64(st.IndexBytes) / float64(st.Patterns)
	}
	r.statsMu.Lock()
	defer r.statsMu.Unlock()
	for name, c := range r.counters {
		for i := range c {
			if n := c[i].Load(); n > 0 {
				m := st.Matches[name]
				if m == nil {
					m = map[string]uint64{}
					st.Matches[name] = m
				}
				m[encodingNames[i]] = n
			}
		}
	}
	return st
}
