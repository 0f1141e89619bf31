package hushslog_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	hushslog "github.com/hushlog/hush/slog"
)

// BenchmarkSlogOverhead measures the overhead of each hush handler over
// slog's JSON handler as a paired comparison: it alternates short chunks of
// plain and hush records and reports the median of the per-chunk time
// ratios, which other load on a shared machine disturbs far less than two
// separate ns/op figures.
func BenchmarkSlogOverhead(b *testing.B) {
	r := newRedactor(b, benchSecrets(1000)...)
	ctx := context.Background()
	plain := slog.New(slog.NewJSONHandler(io.Discard, nil))
	for _, tc := range []struct {
		name   string
		logger *slog.Logger
	}{
		{"impl=hush-json", slog.New(hushslog.NewJSONHandler(io.Discard, r, nil))},
		{"impl=hush-middleware", slog.New(hushslog.NewHandler(slog.NewJSONHandler(io.Discard, nil), r))},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			pairedOverhead(b,
				func(i int) { plain.LogAttrs(ctx, slog.LevelInfo, _messages[i%1000], fakeSlogFields()...) },
				func(i int) { tc.logger.LogAttrs(ctx, slog.LevelInfo, _messages[i%1000], fakeSlogFields()...) })
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
