package hushslog_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/internal/pairbench"

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

// BenchmarkSlogOverheadMultiline is BenchmarkSlogOverhead for the
// middleware with an index that also holds multi-line secrets (PEM keys, an
// AWS credentials file: every value with a line feed is also read as the
// handler escapes it), and records that carry a stack trace.
func BenchmarkSlogOverheadMultiline(b *testing.B) {
	r := newRedactor(b, append(benchSecrets(1000), leaktest.MultilineSecrets()...)...)
	ctx := context.Background()
	stack := slog.String("trace", strings.Repeat("goroutine 7 [running]:\nmain.handler(0xc000123456)\n\t/src/app/handler.go:112 +0x1d\n", 4))
	plain := slog.New(slog.NewJSONHandler(io.Discard, nil))
	mw := slog.New(hushslog.NewHandler(slog.NewJSONHandler(io.Discard, nil), r))
	b.Run("impl=hush-middleware", func(b *testing.B) {
		b.ReportAllocs()
		pairbench.Overhead(b,
			func(i int) {
				plain.LogAttrs(ctx, slog.LevelInfo, _messages[i%1000], append(fakeSlogFields(), stack)...)
			},
			func(i int) { mw.LogAttrs(ctx, slog.LevelInfo, _messages[i%1000], append(fakeSlogFields(), stack)...) })
	})
}
