package redact_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/hushlog/hush/internal/cputime"
	"github.com/hushlog/hush/redact"
)

// BenchmarkBuildFresh measures a full build of the engine benchmark's
// secrets (printableSecrets): a new Redactor per iteration,
// so that no build is an incremental update of the one before (Set of an
// unchanged set costs nothing, see BenchmarkSet). cpu-ms/op is the CPU
// time of all cores; forms/secret and B/form come from Stats.
func BenchmarkBuildFresh(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		secrets := printableSecrets(n)
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			var r *redact.Redactor
			cpu0 := cputime.Process()
			iters := 0
			for b.Loop() {
				r, _ = redact.New(redact.WithDetectors(nil))
				if err := r.Set(secrets); err != nil {
					b.Fatal(err)
				}
				iters++
			}
			b.ReportMetric(float64((cputime.Process()-cpu0).Microseconds())/1000/float64(iters), "cpu-ms/op")
			st := r.Stats()
			b.ReportMetric(float64(st.Patterns)/float64(n), "forms/secret")
			b.ReportMetric(float64(st.IndexBytes)/float64(st.Patterns), "B/form")
		})
	}
}

// printableSecrets are the secrets of the engine benchmark
// (benchmarks/corpus_test.go): 16 to 48 printable ASCII characters.
func printableSecrets(n int) []redact.Secret {
	rng := rand.New(rand.NewPCG(2026, 1))
	out := make([]redact.Secret, 0, n)
	seen := make(map[string]bool, n)
	for len(out) < n {
		b := make([]byte, 16+rng.IntN(33))
		for i := range b {
			b[i] = byte(0x21 + rng.IntN(0x7F-0x21))
		}
		if v := string(b); !seen[v] {
			seen[v] = true
			out = append(out, redact.Secret{Name: fmt.Sprintf("bench/secret-%06d", len(out)), Version: "v1", Value: v})
		}
	}
	return out
}
