// Package pairbench measures the overhead of one implementation over another
// as a paired comparison, for the logger front ends' benchmarks.
package pairbench

import (
	"slices"
	"testing"
	"time"
)

// Overhead runs b.N operations of each of base and variant in alternating
// chunks and reports base-ns/op, hush-ns/op and overhead-% (the median over
// chunks of variant time / base time, minus one). Load from other processes
// changes slowly compared to a chunk, so it hits both sides of a pair alike;
// the median discards chunks that were preempted.
func Overhead(b *testing.B, base, variant func(i int)) {
	const chunk = 64
	var tBase, tVar time.Duration
	ratios := make([]float64, 0, b.N/chunk+1)
	for done := 0; done < b.N; done += chunk {
		n := min(chunk, b.N-done)
		var db, dv time.Duration
		run := func(f func(int)) time.Duration {
			t0 := time.Now()
			for i := range n {
				f(done + i)
			}
			return time.Since(t0)
		}
		if (done/chunk)%2 == 0 { // alternate which side goes first
			db, dv = run(base), run(variant)
		} else {
			dv, db = run(variant), run(base)
		}
		tBase += db
		tVar += dv
		ratios = append(ratios, float64(dv)/float64(db))
	}
	slices.Sort(ratios)
	b.ReportMetric(float64(tBase.Nanoseconds())/float64(b.N), "base-ns/op")
	b.ReportMetric(float64(tVar.Nanoseconds())/float64(b.N), "hush-ns/op")
	b.ReportMetric(100*(ratios[len(ratios)/2]-1), "overhead-%")
}
