package benchmarks

import (
	"bytes"
	"math/rand/v2"
	"testing"

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
	r, err := redact.New()
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
	// Everything outside the injections is untouched.
	if want, got := len(spans), len(inj); want < got {
		t.Errorf("found %d spans for %d injections", want, got)
	}
}

func TestCleanTextUntouched(t *testing.T) {
	c := loadCorpus(t)
	r, err := redact.New()
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
	r, err := redact.New()
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
