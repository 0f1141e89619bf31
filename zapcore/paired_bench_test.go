package hushzap_test

import (
	"io"
	"slices"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	hushzap "github.com/hushlog/hush/zapcore"
)

// BenchmarkZapOverhead measures the overhead of each hush variant over plain
// zap as a paired comparison: it alternates short chunks of plain and hush
// entries and reports the median of the per-chunk time ratios. Load from
// other processes changes slowly compared to a chunk (well under a
// millisecond), so it hits both sides of a pair alike; the median discards
// chunks that were preempted. On a shared machine this is far steadier than
// comparing two separate ns/op figures.
func BenchmarkZapOverhead(b *testing.B) {
	r := benchRedactor(b, 1000)
	plain := zap.New(zapcore.NewCore(productionEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel))
	for _, tc := range []struct {
		name   string
		logger *zap.Logger
	}{
		{"impl=hush-core", zap.New(hushzap.NewCore(productionEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel, r))},
		{"impl=hush-writesyncer", zap.New(zapcore.NewCore(productionEncoder(), hushzap.NewWriteSyncer(zapcore.AddSync(io.Discard), r), zap.DebugLevel))},
		{"impl=hush-wrap", zap.New(zapcore.NewCore(productionEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel), hushzap.Wrap(r))},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			pairedOverhead(b,
				func(i int) { plain.Info(_messages[i%1000], fakeFields()...) },
				func(i int) { tc.logger.Info(_messages[i%1000], fakeFields()...) })
		})
	}
}

// pairedOverhead runs b.N operations of each of base and variant in
// alternating chunks and reports base-ns/op, hush-ns/op and overhead-% (the
// median over chunks of variant time / base time, minus one).
func pairedOverhead(b *testing.B, base, variant func(i int)) {
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
