package detectcompare

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
	"github.com/hushlog/hush/internal/pairbench"
	"github.com/hushlog/hush/redact"
)

// knownSecrets returns n random printable values of 16 to 48 bytes, the
// shape of benchmarks/'s engine secrets.
func knownSecrets(n int) []redact.Secret {
	rng := rand.New(rand.NewPCG(2026, 1))
	seen := map[string]bool{}
	out := make([]redact.Secret, 0, n)
	for len(out) < n {
		b := make([]byte, 16+rng.IntN(33))
		for i := range b {
			b[i] = byte(0x21 + rng.IntN(0x7F-0x21))
		}
		if seen[string(b)] {
			continue
		}
		seen[string(b)] = true
		out = append(out, redact.Secret{Name: fmt.Sprintf("bench/secret-%05d", len(out)), Version: "v1", Value: string(b)})
	}
	return out
}

func newRedactor(tb testing.TB, s *detect.Set, secrets []redact.Secret) *redact.Redactor {
	tb.Helper()
	r, err := redact.New(redact.WithDetectors(s))
	if err != nil {
		tb.Fatal(err)
	}
	if len(secrets) > 0 {
		if err := r.Set(secrets); err != nil {
			tb.Fatal(err)
		}
	}
	return r
}

// BenchmarkKnownPlusDetectors measures the cost of the default detectors on
// top of 10,000 known secrets: method=known (redact.WithDetectors(nil)) and
// method=known+detect (detect.Default()) scrub the same corpus, whole
// (mode=text), a line per call as a logger does (mode=lines) and in 64 KiB
// blocks (mode=blocks); method=paired alternates the two line by line (block
// by block) in one loop and reports the median overhead-% (internal/pairbench),
// the number the target is judged on.
func BenchmarkKnownPlusDetectors(b *testing.B) {
	c := loadCorpus(b)
	b.Logf("corpus: %s, %d bytes, %d lines", c.source, len(c.text), len(c.lines))
	secrets := knownSecrets(10000)
	known := newRedactor(b, nil, secrets)
	both := newRedactor(b, detect.Default(), secrets)
	if known.Contains(c.text) {
		b.Fatal("the corpus holds one of the generated known secrets")
	}
	if n := len(both.Find(c.text)); n > 0 {
		b.Logf("note: the default detectors report %d spans in the corpus (see TestCorpusFalsePositives)", n)
	}
	// 64 KiB blocks of the corpus, as redact's BenchmarkDetectorOverhead
	// scrubs (and as the CLI cuts its input).
	const blockSize = 64 << 10
	var blocks [][]byte
	for i := 0; i+blockSize <= len(c.text); i += blockSize {
		blocks = append(blocks, c.text[i:i+blockSize])
	}
	methods := []struct {
		name string
		r    *redact.Redactor
	}{{"known", known}, {"known+detect", both}}
	for _, m := range methods {
		b.Run("mode=text/method="+m.name, func(b *testing.B) {
			dst := make([]byte, 0, len(c.text)+1024)
			b.SetBytes(int64(len(c.text)))
			b.ReportAllocs()
			for b.Loop() {
				dst = m.r.Scrub(dst[:0], c.text)
			}
		})
		b.Run("mode=lines/method="+m.name, func(b *testing.B) {
			dst := make([]byte, 0, 64<<10)
			b.SetBytes(int64(len(c.text)))
			b.ReportAllocs()
			for b.Loop() {
				for _, l := range c.lines {
					dst = m.r.Scrub(dst[:0], l)
				}
			}
		})
		b.Run("mode=blocks/method="+m.name, func(b *testing.B) {
			dst := make([]byte, 0, blockSize+1024)
			b.SetBytes(int64(len(blocks) * blockSize))
			b.ReportAllocs()
			for b.Loop() {
				for _, bl := range blocks {
					dst = m.r.Scrub(dst[:0], bl)
				}
			}
		})
	}
	b.Run("mode=blocks/method=paired", func(b *testing.B) {
		b.SetBytes(blockSize)
		b.ReportAllocs()
		d1 := make([]byte, 0, blockSize+1024)
		d2 := make([]byte, 0, blockSize+1024)
		n := len(blocks)
		pairbench.Overhead(b,
			func(i int) { d1 = known.Scrub(d1[:0], blocks[i%n]) },
			func(i int) { d2 = both.Scrub(d2[:0], blocks[i%n]) })
	})
	b.Run("mode=lines/method=paired", func(b *testing.B) {
		var avg int64
		for _, l := range c.lines {
			avg += int64(len(l))
		}
		b.SetBytes(avg / int64(len(c.lines)))
		b.ReportAllocs()
		d1 := make([]byte, 0, 64<<10)
		d2 := make([]byte, 0, 64<<10)
		n := len(c.lines)
		pairbench.Overhead(b,
			func(i int) { d1 = known.Scrub(d1[:0], c.lines[i%n]) },
			func(i int) { d2 = both.Scrub(d2[:0], c.lines[i%n]) })
	})
}

// speedup runs b.N lines (line i is lines[i%len(lines)]) through hush and
// through other in alternating chunks of 64 and reports hush-ns/line,
// other-ns/line and speedup-x, the median over chunks of other's time over
// hush's.
func speedup(b *testing.B, lines [][]byte, hush, other func([]byte)) {
	const chunk = 64
	var tHush, tOther time.Duration
	ratios := make([]float64, 0, b.N/chunk+1)
	for done := 0; done < b.N; done += chunk {
		n := min(chunk, b.N-done)
		run := func(f func([]byte)) time.Duration {
			t0 := time.Now()
			for i := range n {
				f(lines[(done+i)%len(lines)])
			}
			return time.Since(t0)
		}
		var dh, do time.Duration
		if (done/chunk)%2 == 0 {
			dh, do = run(hush), run(other)
		} else {
			do, dh = run(other), run(hush)
		}
		tHush += dh
		tOther += do
		ratios = append(ratios, float64(do)/float64(max(dh, 1)))
	}
	slices.Sort(ratios)
	b.ReportMetric(float64(tHush.Nanoseconds())/float64(b.N), "hush-ns/line")
	b.ReportMetric(float64(tOther.Nanoseconds())/float64(b.N), "gitleaks-ns/line")
	b.ReportMetric(ratios[len(ratios)/2], "speedup-x")
}

// familyRules returns the default set's rule IDs.
func familyRules() []string {
	var ids []string
	for _, r := range detect.Default().Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

// BenchmarkVsGitleaks runs hush's default detectors and gitleaks' detector
// over the same corpus. method=gitleaks-families is gitleaks' default
// configuration narrowed to the rules of the same token families as hush's
// default set; method=gitleaks-default is its full default configuration
// (222 rules). hush-find is detect.Set.Find (detection only, as gitleaks
// does), hush-scrub redacts as well (redact with the detectors and no known
// secret). mode=lines calls each once per log line, as a log pipeline does
// (Grafana Alloy's loki.secretfilter calls gitleaks per entry); mode=text
// makes one call over the whole corpus, gitleaks' most favourable case.
func BenchmarkVsGitleaks(b *testing.B) {
	c := loadCorpus(b)
	set := detect.Default()
	r := newRedactor(b, set, nil)
	glFam, famIDs := newGitleaks(b, familyRules())
	glAll, allIDs := newGitleaks(b, nil)
	b.Logf("corpus: %s, %d bytes, %d lines; hush default set %d rules; gitleaks families %d rules, default %d rules",
		c.source, len(c.text), len(c.lines), set.Len(), len(famIDs), len(allIDs))
	bench := func(name string, f func()) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(c.text)))
			b.ReportAllocs()
			for b.Loop() {
				f()
			}
		})
	}
	var fs []detect.Finding
	dst := make([]byte, 0, len(c.text)+1024)
	bench("mode=lines/method=hush-find", func() {
		for _, l := range c.lines {
			fs = set.Find(fs[:0], l)
		}
	})
	bench("mode=lines/method=hush-scrub", func() {
		for _, l := range c.lines {
			dst = r.Scrub(dst[:0], l)
		}
	})
	bench("mode=lines/method=gitleaks-families", func() {
		for _, l := range c.lines {
			_ = glFam.DetectBytes(l)
		}
	})
	bench("mode=lines/method=gitleaks-default", func() {
		for _, l := range c.lines {
			_ = glAll.DetectBytes(l)
		}
	})
	// Paired: the same lines through hush and gitleaks in alternating
	// chunks, in one loop; speedup-x is the median over chunks of gitleaks'
	// time over hush's, which load from other processes hits alike.
	paired := func(name string, hush func(l []byte)) {
		b.Run(name, func(b *testing.B) {
			var total int64
			for _, l := range c.lines {
				total += int64(len(l))
			}
			b.SetBytes(total / int64(len(c.lines)))
			b.ReportAllocs()
			speedup(b, c.lines, hush, func(l []byte) { _ = glFam.DetectBytes(l) })
		})
	}
	paired("mode=lines/method=paired-find", func(l []byte) { fs = set.Find(fs[:0], l) })
	paired("mode=lines/method=paired-scrub", func(l []byte) { dst = r.Scrub(dst[:0], l) })
	bench("mode=text/method=hush-find", func() { fs = set.Find(fs[:0], c.text) })
	bench("mode=text/method=hush-scrub", func() { dst = r.Scrub(dst[:0], c.text) })
	bench("mode=text/method=gitleaks-families", func() { _ = glFam.DetectBytes(c.text) })
	bench("mode=text/method=gitleaks-default", func() { _ = glAll.DetectBytes(c.text) })
}

// TestCorpusFalsePositives counts what the detectors report in the corpus
// ($HUSH_CORPUS, loghub's logs: no credential in them): the default set must
// report nothing. Every rule but JWT and gitleaks' two configurations are
// counted for comparison. Findings are reported by rule, file line and
// length only.
func TestCorpusFalsePositives(t *testing.T) {
	if os.Getenv(corpusEnv) == "" {
		t.Skip("$" + corpusEnv + " is not set: the false-positive count is measured on a real log corpus")
	}
	c := loadCorpus(t)
	count := func(s *detect.Set) (int, map[string]int) {
		per := map[string]int{}
		n := 0
		var fs []detect.Finding
		for i, l := range c.lines {
			fs = s.Find(fs[:0], l)
			for _, f := range fs {
				n++
				if per[f.Rule.ID] < 3 {
					t.Logf("  %s: line %d, length %d", f.Rule.ID, i+1, f.End-f.Start)
				}
				per[f.Rule.ID]++
			}
		}
		return n, per
	}
	nDef, perDef := count(detect.Default())
	all, err := detect.Parse("all,-jwt")
	if err != nil {
		t.Fatal(err)
	}
	nAll, perAll := count(all)
	fam, _ := newGitleaks(t, familyRules())
	def, _ := newGitleaks(t, nil)
	glFam, glFamPer := 0, map[string]int{}
	glDef, glDefPer := 0, map[string]int{}
	for _, l := range c.lines {
		for _, f := range fam.DetectBytes(l) {
			glFam++
			glFamPer[f.RuleID]++
		}
		for _, f := range def.DetectBytes(l) {
			glDef++
			glDefPer[f.RuleID]++
		}
	}
	t.Logf("corpus: %s, %d bytes, %d lines", c.source, len(c.text), len(c.lines))
	t.Logf("hush default set: %d findings %s", nDef, perRule(perDef))
	t.Logf("hush all rules but jwt: %d findings %s", nAll, perRule(perAll))
	t.Logf("gitleaks, same families: %d findings %s", glFam, perRule(glFamPer))
	t.Logf("gitleaks, default config: %d findings %s", glDef, perRule(glDefPer))
	if nDef > 0 {
		t.Errorf("the default detectors report %d false positives in the corpus (target 0)", nDef)
	}
}

func perRule(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	var sb strings.Builder
	sb.WriteString("(")
	for i, k := range ks {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "%s %d", k, m[k])
	}
	sb.WriteString(")")
	return sb.String()
}

// TestGitleaksRecall compares recall on generated tokens written raw into a
// log line: for each family, how many tokens hush's detectors and gitleaks'
// rules for the family find whole, in part (a finding shorter than the
// token), or not at all. Informational for gitleaks (logged); hush must find
// every token whole.
func TestGitleaksRecall(t *testing.T) {
	gl, _ := newGitleaks(t, detecttest.Rules())
	s, err := detect.New(detecttest.Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	g := detecttest.New(77)
	raw := detecttest.Contexts()[0]
	const per = 50
	for _, rule := range detecttest.Rules() {
		var hushWhole, glWhole, glPart, total int
		for _, v := range detecttest.Variants(rule) {
			for range per {
				tok := g.Variant(rule, v)
				p := raw.Wrap(tok)
				total++
				for _, f := range s.Find(nil, []byte(p.Text)) {
					if f.Start == p.Start && f.End == p.End {
						hushWhole++
						break
					}
				}
				whole, part := false, false
				for _, f := range gl.DetectString(p.Text) {
					switch {
					case f.Secret == tok.Secret() || f.Match == tok.Secret():
						whole = true
					case strings.Contains(tok.Secret(), f.Secret) && len(f.Secret) >= 8:
						part = true
					}
				}
				if whole {
					glWhole++
				} else if part {
					glPart++
				}
			}
		}
		gitleaks := "no rule"
		if len(gitleaksRules[rule]) > 0 {
			gitleaks = fmt.Sprintf("whole %d, partial %d, missed %d", glWhole, glPart, total-glWhole-glPart)
		}
		t.Logf("%-32s %4d tokens: hush whole %d; gitleaks %s", rule, total, hushWhole, gitleaks)
		if hushWhole != total {
			t.Errorf("%s: hush found %d of %d tokens whole", rule, hushWhole, total)
		}
	}
}
