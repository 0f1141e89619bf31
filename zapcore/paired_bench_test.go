package hushzap_test

import (
	"io"
	"strings"
	"testing"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/internal/pairbench"
	"github.com/hushlog/hush/redact"

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
	// NewCore with a Redactor without detectors: their share of the cost.
	nodetect := benchRedactor(b, 1000, redact.WithDetectors(nil))
	for _, tc := range []struct {
		name   string
		logger *zap.Logger
	}{
		{"impl=hush-core", zap.New(hushzap.NewCore(productionEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel, r))},
		{"impl=hush-core-nodetect", zap.New(hushzap.NewCore(productionEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel, nodetect))},
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

// BenchmarkZapOverheadMultiline is BenchmarkZapOverhead for Wrap with an
// index that also holds multi-line secrets (PEM keys, an AWS credentials
// file: their short lines' joins hold a line break, so every value with a
// line feed is also read as the encoder escapes it), and entries that
// carry a stack trace as a string field; and NewCore under the console
// encoder with messages that hold line feeds.
func BenchmarkZapOverheadMultiline(b *testing.B) {
	r, err := redact.New()
	if err != nil {
		b.Fatal(err)
	}
	if err := r.Set(append(benchSecrets(1000), leaktest.MultilineSecrets()...)); err != nil {
		b.Fatal(err)
	}
	stack := zap.String("trace", strings.Repeat("goroutine 7 [running]:\nmain.handler(0xc000123456)\n\t/src/app/handler.go:112 +0x1d\n", 4))
	plain := zap.New(zapcore.NewCore(productionEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel))
	wrapped := zap.New(zapcore.NewCore(productionEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel), hushzap.Wrap(r))
	b.Run("impl=hush-wrap", func(b *testing.B) {
		b.ReportAllocs()
		pairbench.Overhead(b,
			func(i int) { plain.Info(_messages[i%1000], append(fakeFields(), stack)...) },
			func(i int) { wrapped.Info(_messages[i%1000], append(fakeFields(), stack)...) })
	})
	// NewCore under the console encoder with a message holding line feeds:
	// the message is read as a value (ScrubValueString) before the encoder
	// prints it, then the entry's bytes are scrubbed as before.
	var msgs [1000]string
	for i := range msgs {
		msgs[i] = _messages[i] + "\nretrying in 2s\n\tattempt 3 of 5"
	}
	plainConsole := zap.New(zapcore.NewCore(consoleEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel))
	core := zap.New(hushzap.NewCore(consoleEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel, r))
	b.Run("impl=hush-core-console-multiline-message", func(b *testing.B) {
		b.ReportAllocs()
		pairbench.Overhead(b,
			func(i int) { plainConsole.Info(msgs[i%1000], fakeFields()...) },
			func(i int) { core.Info(msgs[i%1000], fakeFields()...) })
	})
}
