package hushzap_test

import (
	"github.com/hushlog/hush/internal/pairbench"
	"io"
	"testing"

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
			pairbench.Overhead(b,
				func(i int) { plain.Info(_messages[i%1000], fakeFields()...) },
				func(i int) { tc.logger.Info(_messages[i%1000], fakeFields()...) })
		})
	}
}
