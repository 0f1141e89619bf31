package redact

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hushlog/hush/internal/cputime"
	"github.com/hushlog/hush/internal/pairbench"
)

// rotationSecrets is bench_test.go's benchSecrets (the same values), for
// the benchmarks that need the package's internals.
func rotationSecrets(n int) []Secret {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_{|}~"
	rng := rand.New(rand.NewPCG(42, uint64(n)))
	out := make([]Secret, n)
	for i := range out {
		v := make([]byte, 16+rng.IntN(33))
		for j := range v {
			v[j] = alphabet[rng.IntN(len(alphabet))]
		}
		out[i] = Secret{Name: fmt.Sprintf("app/secret-%d", i), Value: string(v)}
	}
	return out
}

// BenchmarkRotation rotates one secret per op among n and measures the time
// until the new value is protected (Set returns and a Scrub redacts it):
// mode=incremental is the delta path, mode=full a full rebuild of the set.
// cpu-ns/op is the CPU time of the whole process per op (GC, build workers
// and the background merges the rotations cause, which it waits for at the
// end, included); merges/op counts those merges.
func BenchmarkRotation(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		secrets := rotationSecrets(n)
		for _, mode := range []string{"incremental", "full"} {
			b.Run(fmt.Sprintf("secrets=%d/mode=%s", n, mode), func(b *testing.B) {
				r, err := New()
				if err != nil {
					b.Fatal(err)
				}
				if mode == "full" {
					r.incrMinBase = math.MaxInt
				}
				list := append([]Secret(nil), secrets...)
				if err := r.Set(list); err != nil {
					b.Fatal(err)
				}
				merges := 0
				r.mergeHook = func() { merges++ }
				line := make([]byte, 0, 128)
				var out []byte
				b.ReportAllocs()
				cpu0 := cputime.Process()
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
						b.Fatalf("rotation %d: the new value is not redacted", i)
					}
					i++
				}
				b.StopTimer()
				r.merges.Wait()
				cpu := cputime.Process() - cpu0
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(i), "cpu-ns/op")
				b.ReportMetric(float64(merges)/float64(i), "merges/op")
				st := r.Stats()
				b.ReportMetric(float64(st.Patterns), "patterns")
			})
		}
	}
}

// BenchmarkScanDelta measures what a non-empty delta costs the scan: Scrub
// of clean log text with the set just merged (base only) against the same
// set after 200 rotations (a delta of ~4,000 patterns and a mask over as
// many), paired in one process (overhead-% is the median ratio, minus one).
func BenchmarkScanDelta(b *testing.B) {
	text := benchLogText()
	for _, n := range []int{10000, 100000} {
		secrets := rotationSecrets(n)
		merged, err := New()
		if err != nil {
			b.Fatal(err)
		}
		withDelta, err := New()
		if err != nil {
			b.Fatal(err)
		}
		withDelta.deltaLimit, withDelta.idleMerge = math.MaxInt/2, 0 // no merge
		for _, r := range []*Redactor{merged, withDelta} {
			if err := r.Set(secrets); err != nil {
				b.Fatal(err)
			}
		}
		list := append([]Secret(nil), secrets...)
		for k := range 200 {
			list[k*(n/200)].Value = fmt.Sprintf("rotated-%08d-Qm4Xz8Lp", k)
		}
		if err := withDelta.Set(list); err != nil {
			b.Fatal(err)
		}
		if err := merged.Set(list); err != nil {
			b.Fatal(err)
		}
		merged.merges.Wait()
		merged.buildMu.Lock()
		merged.incrMinBase = math.MaxInt // the next change is a full build
		merged.buildMu.Unlock()
		list[0].Value += "x"
		for _, r := range []*Redactor{merged, withDelta} {
			if err := r.Set(list); err != nil {
				b.Fatal(err)
			}
		}
		st := withDelta.Stats()
		if st.DeltaPatterns == 0 || merged.Stats().DeltaPatterns != 0 {
			b.Fatalf("delta %d patterns, merged %d", st.DeltaPatterns, merged.Stats().DeltaPatterns)
		}
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			dm, dd := make([]byte, 0, len(text)), make([]byte, 0, len(text))
			pairbench.Overhead(b, func(int) { dm = merged.Scrub(dm[:0], text) }, func(int) { dd = withDelta.Scrub(dd[:0], text) })
			b.ReportMetric(float64(st.DeltaPatterns), "delta-patterns")
			b.ReportMetric(float64(st.MaskedPatterns), "masked-patterns")
		})
	}
}

// benchLogText is bench_test.go's benchLog.
func benchLogText() []byte {
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

// BenchmarkDiffSecrets is the list comparison a Set makes: 100,000
// secrets, the previous list's copy against the caller's with one value
// rotated near the start (so the common suffix is nearly all of it).
func BenchmarkDiffSecrets(b *testing.B) {
	list := rotationSecrets(100000)
	old := append([]Secret(nil), list...)
	list[3].Value = "rotated-Qm4Xz8Lp"
	b.ReportAllocs()
	b.SetBytes(int64(len(list)))
	for b.Loop() {
		if removed, added, _, _ := diffSecrets(old, list); len(removed) != 1 || len(added) != 1 {
			b.Fatal("wrong diff")
		}
	}
}
