package redact_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/hushlog/hush/redact"
)

const benchAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_{|}~"

func benchSecrets(n int) []redact.Secret {
	rng := rand.New(rand.NewPCG(42, uint64(n)))
	out := make([]redact.Secret, n)
	for i := range out {
		v := make([]byte, 16+rng.IntN(33))
		for j := range v {
			v[j] = benchAlphabet[rng.IntN(len(benchAlphabet))]
		}
		out[i] = redact.Secret{Name: fmt.Sprintf("app/secret-%d", i), Value: string(v)}
	}
	return out
}

// benchLog is generated log text (unit tests must not need the corpus;
// benchmarks/ measures on real logs).
func benchLog() []byte {
	rng := rand.New(rand.NewPCG(9, 9))
	words := []string{"INFO", "WARN", "request", "served", "user", "id=42", "path=/api/v1/items?page=2", "status=200", "latency=3ms", "2026-11-26T07:40:31Z", "connection", "from", "10.0.0.12:5432", "closed", "retrying", "session", "cache", "miss", `{"k":"v"}`}
	var b bytes.Buffer
	for b.Len() < 1<<20 {
		for k := 0; k < 12; k++ {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func BenchmarkScrubClean(b *testing.B) {
	text := benchLog()
	for _, n := range []int{10, 1000, 10000, 100000} {
		r := newRedactor(b, benchSecrets(n), redact.WithDetectors(nil)) // known secrets alone: see BenchmarkScrubDetectors
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			dst := make([]byte, 0, len(text))
			for b.Loop() {
				dst = r.Scrub(dst[:0], text)
			}
			st := r.Stats()
			b.ReportMetric(float64(st.IndexBytes)/float64(st.Patterns), "B/pattern")
		})
	}
}

func BenchmarkScrubDirty(b *testing.B) {
	text := benchLog()
	secrets := benchSecrets(1000)
	r := newRedactor(b, secrets, redact.WithDetectors(nil))
	lines := bytes.SplitAfter(text, []byte("\n"))
	for i := 0; i < len(lines); i += 100 {
		lines[i] = append([]byte(secrets[i%len(secrets)].Value+" "), lines[i]...)
	}
	text = bytes.Join(lines, nil)
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	dst := make([]byte, 0, 2*len(text))
	for b.Loop() {
		dst = r.Scrub(dst[:0], text)
	}
}

func BenchmarkSet(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		secrets := benchSecrets(n)
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			r, _ := redact.New(redact.WithDetectors(nil))
			b.ReportAllocs()
			for b.Loop() {
				if err := r.Set(secrets); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(r.Stats().Patterns), "patterns")
		})
	}
}

// BenchmarkWriterRunOfMatches streams a line of back-to-back secrets with
// no newline in 512-byte writes; ns/op divided by size must stay flat
// (the Writer is linear in the run's length).
func BenchmarkWriterRunOfMatches(b *testing.B) {
	r, err := redact.New(redact.WithDetectors(nil))
	if err != nil {
		b.Fatal(err)
	}
	if err := r.Set([]redact.Secret{{Name: "pp", Value: "passpassword99"}}); err != nil {
		b.Fatal(err)
	}
	for _, size := range []int{10 << 10, 100 << 10, 1 << 20} {
		text := bytes.Repeat([]byte("passpassword99"), size/14)
		b.Run(fmt.Sprintf("size=%dKB", size>>10), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				w := r.NewWriter(io.Discard)
				for i := 0; i < len(text); i += 512 {
					w.Write(text[i:min(i+512, len(text))])
				}
				w.Close()
			}
		})
	}
}
