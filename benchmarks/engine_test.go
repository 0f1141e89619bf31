package benchmarks

import (
	"bytes"
	"flag"
	"fmt"
	"maps"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coregx/ahocorasick"

	"github.com/hushlog/hush/internal/cputime"
	"github.com/hushlog/hush/redact"
)

// secretCounts are the set sizes every method is measured at.
var secretCounts = []int{10, 100, 1_000, 10_000, 100_000}

// dirtyInterval is how many lines share one injected secret in the dirty
// text: 1 line in 100 carries a secret.
const dirtyInterval = 100

var (
	// The slow baselines stop at these sizes unless told otherwise: past
	// them one pass over the corpus takes minutes (see README.md for the
	// extrapolation).
	maxRegexp = flag.Int("engine.maxregexp", 100, "largest secret count for the regexp alternation baseline (0: none)")
	maxIndex  = flag.Int("engine.maxindex", 1_000, "largest secret count for the per-secret bytes.Index baseline (0: none)")
	regexpCap = flag.Int("engine.regexptext", 1<<20, "bytes of the corpus the regexp baseline scans (it is 1000x slower than the rest)")
)

// scanner is one method prepared for one secret set: scan processes the
// whole text once.
type scanner struct {
	text    []byte
	scan    func()
	metrics map[string]float64
}

// method is a way of removing N known secrets from text.
type method struct {
	name string
	// prepare builds the method's structure for the secrets; it returns a
	// reason instead when the method is not run at this size.
	prepare func(tb testing.TB, c corpus, secrets []redact.Secret) (*scanner, string)
}

var methods = []method{
	{"hush-clean", prepareHushClean},
	{"hush-raw", prepareHushRaw},
	{"hush-find", prepareHushFind},
	{"hush-lines", prepareHushLines},
	{"hush-dirty", prepareHushDirty},
	{"aho-corasick", prepareAhoCorasick},
	{"strings-replacer", prepareReplacer},
	{"regexp", prepareRegexp},
	{"bytes-index", prepareBytesIndex},
	{"indexbyte", prepareIndexByte},
}

// BenchmarkEngine measures every method at every secret count on the same
// text. Sub-benchmarks are named method=M/secrets=N; build cost and memory
// are reported as custom metrics (build-ms, heap-MB; for hush also
// patterns and B/pattern).
func BenchmarkEngine(b *testing.B) {
	c := loadCorpus(b)
	b.Logf("text: %s, %d bytes, %d lines", c.source, len(c.text), len(c.lines))
	for _, m := range methods {
		b.Run("method="+m.name, func(b *testing.B) {
			for _, n := range secretCounts {
				// Prepared on the first call only: the leaf runs once more
				// per -count, and a filtered-out size costs nothing.
				var s *scanner
				var reason string
				b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
					if s == nil && reason == "" {
						s, reason = m.prepare(b, c, benchSecrets(n))
					}
					if s == nil {
						b.Skip(reason)
					}
					b.ReportAllocs()
					b.SetBytes(int64(len(s.text)))
					cpu0 := processCPU()
					iters := 0
					for b.Loop() {
						s.scan()
						iters++
					}
					// The machine is shared: wall-clock MB/s counts the
					// time this process waited for a core; cpu-MB/s does
					// not.
					if cpu := processCPU() - cpu0; cpu > 0 {
						b.ReportMetric(float64(iters)*float64(len(s.text))/1e6/cpu.Seconds(), "cpu-MB/s")
					}
					for unit, v := range s.metrics {
						b.ReportMetric(v, unit)
					}
				})
				s = nil
				runtime.GC()
			}
			if !strings.HasPrefix(m.name, "hush-") {
				clear(hushCache)
			}
		})
	}
}

// BenchmarkBuild measures Redactor.Set for the largest secret set: the
// index build a provider refresh pays, off the hot path.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{10_000, maxSecrets} {
		secrets := benchSecrets(n)
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			r, err := redact.New(redact.WithDetectors(nil))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			cpu0 := processCPU()
			iters := 0
			for b.Loop() {
				if err := r.Set(secrets); err != nil {
					b.Fatal(err)
				}
				iters++
			}
			// Set uses every core; CPU time tells the work apart from
			// waiting on a shared machine.
			b.ReportMetric(float64((processCPU()-cpu0).Milliseconds())/float64(iters), "cpu-ms/op")
			st := r.Stats()
			b.ReportMetric(float64(st.Patterns), "patterns")
			b.ReportMetric(float64(st.IndexBytes)/float64(st.Patterns), "B/pattern")
			b.ReportMetric(float64(st.Patterns)/float64(n), "patterns/secret")
		})
	}
}

// BenchmarkRotation rotates one secret per op among N (Set with one value
// changed) and measures the time until the new value is protected: Set has
// returned and a Scrub of a line holding it redacts it. The Redactor takes
// the incremental path (a delta index beside the large one, merged in the
// background); cpu-ms/op is the process's CPU time per op, the background
// merges the rotations cause included.
func BenchmarkRotation(b *testing.B) {
	for _, n := range secretCounts {
		secrets := benchSecrets(n)
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			r, err := redact.New(redact.WithDetectors(nil))
			if err != nil {
				b.Fatal(err)
			}
			list := append([]redact.Secret(nil), secrets...)
			if err := r.Set(list); err != nil {
				b.Fatal(err)
			}
			var line, out []byte
			b.ReportAllocs()
			cpu0 := processCPU()
			i := 0
			for b.Loop() {
				k := i % n
				list[k].Value = fmt.Sprintf("rotated-%08d-%s", i, secrets[k].Value[:8])
				if err := r.Set(list); err != nil {
					b.Fatal(err)
				}
				line = append(append(line[:0], "msg token="...), list[k].Value...)
				out = r.Scrub(out[:0], line)
				if bytes.Contains(out, []byte("rotated-")) {
					b.Fatalf("rotation %d among %d: the new value is not redacted", i, n)
				}
				i++
			}
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1e3/float64(i), "cpu-ms/op")
		})
	}
}

// processCPU returns the CPU time (user and system) this process has used.
func processCPU() time.Duration { return cputime.Process() }

// built measures the wall time and retained heap of build.
func built[T any](build func() (T, error)) (T, map[string]float64, error) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	v, err := build()
	d := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
	return v, map[string]float64{"build-ms": float64(d.Microseconds()) / 1000, "heap-MB": max(heap, 0)}, err
}

// hushCache keeps the Redactors built for one hush method for the next
// one: a build of 100,000 secrets is not free.
var hushCache = map[hushKey]cachedHush{}

type hushKey struct {
	n   int
	enc redact.Encoding
}

type cachedHush struct {
	r       *redact.Redactor
	metrics map[string]float64
}

func newHush(tb testing.TB, secrets []redact.Secret) (*redact.Redactor, map[string]float64) {
	return newHushWith(tb, secrets, redact.AllEncodings)
}

func newHushWith(tb testing.TB, secrets []redact.Secret, enc redact.Encoding) (*redact.Redactor, map[string]float64) {
	tb.Helper()
	k := hushKey{len(secrets), enc}
	if h, ok := hushCache[k]; ok {
		return h.r, maps.Clone(h.metrics)
	}
	r, metrics, err := built(func() (*redact.Redactor, error) {
		// Known secrets alone: the token detectors (on by default) are
		// measured beside them in benchmarks/detectcompare.
		r, err := redact.New(redact.WithEncodings(enc), redact.WithDetectors(nil))
		if err != nil {
			return nil, err
		}
		return r, r.Set(secrets)
	})
	if err != nil {
		tb.Fatal(err)
	}
	st := r.Stats()
	if len(st.Skipped) > 0 {
		tb.Fatalf("%d secrets skipped, first %s", len(st.Skipped), st.Skipped[0])
	}
	metrics["patterns"] = float64(st.Patterns)
	metrics["B/pattern"] = float64(st.IndexBytes) / float64(st.Patterns)
	hushCache[k] = cachedHush{r, metrics}
	return r, maps.Clone(metrics)
}

func prepareHushClean(tb testing.TB, c corpus, secrets []redact.Secret) (*scanner, string) {
	r, metrics := newHush(tb, secrets)
	if r.Contains(c.text) {
		tb.Fatal("clean text contains a secret")
	}
	dst := make([]byte, 0, len(c.text))
	return &scanner{text: c.text, metrics: metrics, scan: func() {
		dst = r.Scrub(dst[:0], c.text)
	}}, ""
}

// prepareHushFind runs Find over the clean text: the scan alone, without
// the copy into dst that Scrub makes (the Aho-Corasick and bytes.Index
// baselines produce no output either).
func prepareHushFind(tb testing.TB, c corpus, secrets []redact.Secret) (*scanner, string) {
	r, metrics := newHush(tb, secrets)
	return &scanner{text: c.text, metrics: metrics, scan: func() {
		if r.Find(c.text) != nil {
			panic("secret found in clean text")
		}
	}}, ""
}

// prepareHushRaw is hush-clean with only the raw values indexed: the same
// pattern set the baselines search for.
func prepareHushRaw(tb testing.TB, c corpus, secrets []redact.Secret) (*scanner, string) {
	r, metrics := newHushWith(tb, secrets, redact.Raw)
	dst := make([]byte, 0, len(c.text))
	return &scanner{text: c.text, metrics: metrics, scan: func() {
		dst = r.Scrub(dst[:0], c.text)
	}}, ""
}

// prepareHushLines scrubs the clean text one line per call, as a logger
// does.
func prepareHushLines(tb testing.TB, c corpus, secrets []redact.Secret) (*scanner, string) {
	r, metrics := newHush(tb, secrets)
	dst := make([]byte, 0, 64<<10)
	return &scanner{text: c.text, metrics: metrics, scan: func() {
		for _, l := range c.lines {
			dst = r.Scrub(dst[:0], l)
		}
	}}, ""
}

func prepareHushDirty(tb testing.TB, c corpus, secrets []redact.Secret) (*scanner, string) {
	r, metrics := newHush(tb, secrets)
	dirty, inj := inject(c.lines, secrets, dirtyInterval, uint64(len(secrets)))
	if missed := uncovered(r.Find(dirty), inj); missed > 0 {
		// A scrubber that misses secrets has not done the work it is timed
		// for: no number for it.
		tb.Fatalf("%d secrets: %d of %d injected forms not found", len(secrets), missed, len(inj))
	}
	dst := make([]byte, 0, 2*len(dirty))
	return &scanner{text: dirty, metrics: metrics, scan: func() {
		dst = r.Scrub(dst[:0], dirty)
	}}, ""
}

// uncovered counts the injections that no span overlaps.
func uncovered(spans []redact.Match, inj []injection) int {
	n := 0
	for _, in := range inj {
		hit := false
		for _, sp := range spans {
			if sp.Start < in.end && in.start < sp.End {
				hit = true
				break
			}
		}
		if !hit {
			n++
		}
	}
	return n
}

// A baseline is a competitor prepared for one secret set. Its benchmark
// times exactly the function TestBaselinesMatchHush checks against hush on
// dirty text, so a baseline broken into finding nothing cannot look fast.
// find reports each match's [start, end) to emit (in the baseline's own
// order; the benchmarks pass a no-op, and clean text has no match).
type baseline struct {
	find    func(text []byte, emit func(start, end int))
	metrics map[string]float64
}

// findScanner times b.find over the whole clean text.
func findScanner(text []byte, b baseline) *scanner {
	noop := func(int, int) {}
	return &scanner{text: text, metrics: b.metrics, scan: func() { b.find(text, noop) }}
}

// prepareAhoCorasick scans with coregx/ahocorasick over the raw values (one
// pattern per secret, where hush indexes every encoded form), calling Find
// from the end of each match as a replacer would.
//
// The match kind is LeftmostFirst: v0.3.1's Find under LeftmostLongest is
// not leftmost (after a first match it scans on and returns the longest
// match in the rest of the text, skipping the ones before it), and
// TestBaselinesMatchHush caught it finding 38 of 500 planted values. Both
// kinds build the same automaton, so on clean text the scan is the same.
func prepareAhoCorasick(tb testing.TB, c corpus, secrets []redact.Secret) (*scanner, string) {
	return findScanner(c.text, newAhoCorasick(tb, secrets)), ""
}

func newAhoCorasick(tb testing.TB, secrets []redact.Secret) baseline {
	ac, metrics, err := built(func() (*ahocorasick.Automaton, error) {
		bl := ahocorasick.NewBuilder().SetMatchKind(ahocorasick.LeftmostFirst)
		for _, s := range secrets {
			bl.AddPattern([]byte(s.Value))
		}
		return bl.Build()
	})
	if err != nil {
		tb.Fatal(err)
	}
	return baseline{metrics: metrics, find: func(text []byte, emit func(int, int)) {
		for pos := 0; pos < len(text); {
			m, ok := ac.Find(text, pos)
			if !ok {
				break
			}
			emit(m.Start, m.End)
			pos = m.End
		}
	}}
}

// prepareReplacer replaces the raw values with strings.Replacer.
func prepareReplacer(tb testing.TB, c corpus, secrets []redact.Secret) (*scanner, string) {
	r, metrics := newReplacer(secrets)
	text := string(c.text)
	return &scanner{text: c.text, metrics: metrics, scan: func() {
		_ = r.Replace(text)
	}}, ""
}

// newReplacer builds a strings.Replacer from each raw value to hush's
// default replacement for its name, so its output can be compared with
// Scrub's byte for byte.
func newReplacer(secrets []redact.Secret) (*strings.Replacer, map[string]float64) {
	r, metrics, _ := built(func() (*strings.Replacer, error) {
		pairs := make([]string, 0, 2*len(secrets))
		for _, s := range secrets {
			pairs = append(pairs, s.Value, "[REDACTED:"+s.Name+"]")
		}
		r := strings.NewReplacer(pairs...)
		r.Replace("warm") // the Replacer builds its trie lazily, on first use
		return r, nil
	})
	return r, metrics
}

// prepareRegexp matches an alternation of the quoted raw values. It scans
// only the first -engine.regexptext bytes of the corpus.
func prepareRegexp(tb testing.TB, c corpus, secrets []redact.Secret) (*scanner, string) {
	if len(secrets) > *maxRegexp {
		return nil, fmt.Sprintf("regexp alternation skipped above %d secrets (-engine.maxregexp): too slow to finish", *maxRegexp)
	}
	return findScanner(c.text[:min(len(c.text), *regexpCap)], newRegexp(tb, secrets)), ""
}

func newRegexp(tb testing.TB, secrets []redact.Secret) baseline {
	re, metrics, err := built(func() (*regexp.Regexp, error) {
		q := make([]string, len(secrets))
		for i, s := range secrets {
			q[i] = regexp.QuoteMeta(s.Value)
		}
		return regexp.Compile(strings.Join(q, "|"))
	})
	if err != nil {
		tb.Fatal(err)
	}
	return baseline{metrics: metrics, find: func(text []byte, emit func(int, int)) {
		for _, m := range re.FindAllIndex(text, -1) {
			emit(m[0], m[1])
		}
	}}
}

// prepareBytesIndex looks for each raw value in turn, as CI log maskers do.
func prepareBytesIndex(tb testing.TB, c corpus, secrets []redact.Secret) (*scanner, string) {
	if len(secrets) > *maxIndex {
		return nil, fmt.Sprintf("bytes.Index loop skipped above %d secrets (-engine.maxindex): time grows linearly with N", *maxIndex)
	}
	return findScanner(c.text, newBytesIndex(secrets)), ""
}

func newBytesIndex(secrets []redact.Secret) baseline {
	pats := make([][]byte, len(secrets))
	for i, s := range secrets {
		pats[i] = []byte(s.Value)
	}
	return baseline{metrics: map[string]float64{}, find: func(text []byte, emit func(int, int)) {
		for _, p := range pats {
			for off := 0; ; {
				i := bytes.Index(text[off:], p)
				if i < 0 {
					break
				}
				emit(off+i, off+i+len(p))
				off += i + len(p)
			}
		}
	}}
}

// prepareIndexByte scans for a byte the text does not hold: the speed of
// reading memory, independent of N.
func prepareIndexByte(tb testing.TB, c corpus, _ []redact.Secret) (*scanner, string) {
	absent := -1
	for x := 0; x < 256; x++ {
		if bytes.IndexByte(c.text, byte(x)) < 0 {
			absent = x
			break
		}
	}
	if absent < 0 {
		return nil, "every byte value occurs in the text"
	}
	text := c.text
	return &scanner{text: text, metrics: map[string]float64{}, scan: func() {
		if bytes.IndexByte(text, byte(absent)) >= 0 {
			panic("absent byte found")
		}
	}}, ""
}
