package hushslog_test

import (
	"context"
	"github.com/hushlog/hush/internal/pairbench"
	"io"
	"log/slog"
	"testing"

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
			pairbench.Overhead(b,
				func(i int) { plain.LogAttrs(ctx, slog.LevelInfo, _messages[i%1000], fakeSlogFields()...) },
				func(i int) { tc.logger.LogAttrs(ctx, slog.LevelInfo, _messages[i%1000], fakeSlogFields()...) })
		})
	}
}
