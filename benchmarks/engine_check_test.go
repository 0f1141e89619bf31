package benchmarks

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/redact"
)

// The checks below make sure the benchmarks measure real work: hush finds
// every secret injected into the dirty text, leaves the clean text alone,
// and the inputs are what the benchmark claims.

func TestDirtyTextIsScrubbed(t *testing.T) {
	c := loadCorpus(t)
	lines := c.lines
	if testing.Short() {
		lines = lines[:min(len(lines), 5000)]
	}
	secrets := benchSecrets(1000)
	r, err := redact.New(redact.WithDetectors(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set(secrets); err != nil {
		t.Fatal(err)
	}
	dirty, inj := inject(lines, secrets, 10, 42)
	spans := r.Find(dirty)
	for _, in := range inj {
		covered := false
		for _, sp := range spans {
			if sp.Start < in.end && in.start < sp.End {
				covered = true
				break
			}
		}
		if !covered {
			t.Errorf("%s form of %s at offset %d not found", in.enc, secrets[in.secret].Name, in.start)
		}
	}
	out := r.Scrub(nil, dirty)
	for _, in := range inj {
		s := secrets[in.secret]
		if bytes.Contains(out, []byte(s.Value)) {
			t.Errorf("raw value of %s left in output", s.Name)
		}
		if bytes.Contains(out, dirty[in.start:in.end]) {
			t.Errorf("%s form of %s left in output", in.enc, s.Name)
		}
	}
	if t.Failed() {
		return
	}
	// Everything outside the spans is untouched: the output is the input
	// with each span, and nothing else, replaced.
	requireOnlySpansReplaced(t, r, dirty, spans, out)
	// And every span is an injection: nothing in the clean lines around
	// them is taken for a secret.
	for _, sp := range spans {
		inside := false
		for _, in := range inj {
			if in.start < sp.End && sp.Start < in.end {
				inside = true
				break
			}
		}
		assert.Truef(t, inside, "span %d..%d (%s) overlaps no injection", sp.Start, sp.End, sp.Name)
	}
}

// requireOnlySpansReplaced checks that out is src with each span replaced by
// its name's replacement and every other byte as it was. Its messages give
// offsets only: the bytes may hold a secret.
func requireOnlySpansReplaced(t *testing.T, r *redact.Redactor, src []byte, spans []redact.Match, out []byte) {
	t.Helper()
	o, prev := 0, 0
	for _, sp := range spans {
		require.Truef(t, sp.Start >= prev && sp.End > sp.Start && sp.End <= len(src), "bad span %d..%d after %d", sp.Start, sp.End, prev)
		n := sp.Start - prev
		require.Truef(t, o+n <= len(out) && bytes.Equal(out[o:o+n], src[prev:sp.Start]),
			"bytes %d..%d of the input (before a span) changed", prev, sp.Start)
		o += n
		repl := r.Replacement(sp.Name)
		require.Truef(t, bytes.HasPrefix(out[o:], []byte(repl)), "span %d..%d not replaced by its name's replacement", sp.Start, sp.End)
		o += len(repl)
		prev = sp.End
	}
	require.Truef(t, bytes.Equal(out[o:], src[prev:]), "bytes %d.. of the input (after the last span) changed", prev)
}

// TestBaselinesMatchHush checks that every baseline, run by the very
// function its benchmark times, finds exactly what hush finds with the
// same pattern set (raw values only) in text with raw values planted: a
// baseline broken into finding nothing would look fast. strings.Replacer
// gives no positions, so its output is compared with Scrub's.
func TestBaselinesMatchHush(t *testing.T) {
	c := loadCorpus(t)
	// 2,000 lines, 200 planted values: the regexp alternation at 100
	// secrets takes about a second over them.
	lines := c.lines[:min(len(c.lines), 2000)]
	for _, n := range []int{10, 100, 1_000} {
		t.Run(fmt.Sprintf("secrets=%d", n), func(t *testing.T) {
			secrets := benchSecrets(n)
			dirty, inj := injectForms(lines, secrets, 10, uint64(n), encoders[:1])
			require.Equal(t, "raw", encoders[0].name)
			require.NotEmpty(t, inj)

			r, err := redact.New(redact.WithEncodings(redact.Raw), redact.WithDetectors(nil))
			require.NoError(t, err)
			require.NoError(t, r.Set(secrets))
			var want [][2]int
			for _, m := range r.Find(dirty) {
				want = append(want, [2]int{m.Start, m.End})
			}
			// hush itself finds each planted value, and nothing else.
			planted := make([][2]int, len(inj))
			for i, in := range inj {
				planted[i] = [2]int{in.start, in.end}
			}
			require.Equal(t, planted, want, "hush-raw spans vs planted values")

			baselines := map[string]baseline{
				"aho-corasick": newAhoCorasick(t, secrets),
				"bytes-index":  newBytesIndex(secrets),
			}
			if n <= 100 { // the alternation is slow past that (-engine.maxregexp)
				baselines["regexp"] = newRegexp(t, secrets)
			}
			for name, b := range baselines {
				var got [][2]int
				b.find(dirty, func(start, end int) { got = append(got, [2]int{start, end}) })
				// bytes-index reports pattern by pattern; the others in order.
				slices.SortFunc(got, func(x, y [2]int) int { return x[0] - y[0] })
				assert.Equal(t, want, got, "%s matches vs hush-raw (offsets)", name)
			}

			rep, _ := newReplacer(secrets)
			// Compared without printing either side: both are the dirty
			// text, secrets and all, when nothing was replaced.
			assert.True(t, rep.Replace(string(dirty)) == string(r.Scrub(nil, dirty)),
				"strings.Replacer output differs from hush-raw Scrub")
		})
	}
}

func TestCleanTextUntouched(t *testing.T) {
	c := loadCorpus(t)
	r, err := redact.New(redact.WithDetectors(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set(benchSecrets(1000)); err != nil {
		t.Fatal(err)
	}
	if r.Contains(c.text) {
		t.Fatal("clean text contains a secret")
	}
	if out := r.Scrub(nil, c.text); !bytes.Equal(out, c.text) {
		t.Fatal("clean text changed by Scrub")
	}
	dst := make([]byte, 0, len(c.text))
	line := c.lines[len(c.lines)/2]
	if n := testing.AllocsPerRun(20, func() { dst = r.Scrub(dst[:0], line) }); n != 0 {
		t.Errorf("Scrub of a clean line: %v allocs, want 0", n)
	}
	s := string(line)
	if n := testing.AllocsPerRun(20, func() { _ = r.ScrubString(s) }); n != 0 {
		t.Errorf("ScrubString of a clean line: %v allocs, want 0", n)
	}
}

// TestWriterMatchesScrub streams the dirty text through the Writer in
// random-sized writes: the output must equal one-shot Scrub.
func TestWriterMatchesScrub(t *testing.T) {
	c := loadCorpus(t)
	lines := c.lines[:min(len(c.lines), 5000)]
	secrets := benchSecrets(1000)
	r, err := redact.New(redact.WithDetectors(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set(secrets); err != nil {
		t.Fatal(err)
	}
	dirty, _ := inject(lines, secrets, 10, 7)
	want := r.Scrub(nil, dirty)
	rng := rand.New(rand.NewPCG(5, 5))
	for _, maxChunk := range []int{1, 7, 64, 4096} {
		var got bytes.Buffer
		w := r.NewWriter(&got)
		for rest := dirty; len(rest) > 0; {
			n := min(len(rest), 1+rng.IntN(maxChunk))
			if _, err := w.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			i := 0
			for i < min(got.Len(), len(want)) && got.Bytes()[i] == want[i] {
				i++
			}
			t.Errorf("writes of up to %d bytes: output differs from Scrub at byte %d (lengths %d, %d)", maxChunk, i, got.Len(), len(want))
		}
	}
}

func TestBenchSecretsShape(t *testing.T) {
	s := benchSecrets(maxSecrets)
	if len(s) != maxSecrets {
		t.Fatalf("got %d secrets", len(s))
	}
	for _, x := range s {
		if len(x.Value) < 16 || len(x.Value) > 48 {
			t.Fatalf("%s: length %d outside 16..48", x.Name, len(x.Value))
		}
	}
}

func TestGeneratedLogs(t *testing.T) {
	g := generateLogs(1 << 16)
	if len(g) < 1<<16 || !bytes.Equal(g, generateLogs(1<<16)) {
		t.Fatal("generated text is short or not deterministic")
	}
	if bytes.Count(g, []byte("\n")) < 300 {
		t.Fatal("generated text has too few lines")
	}
}
