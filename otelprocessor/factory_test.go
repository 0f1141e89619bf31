package hushprocessor

import (
	"context"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/hushlog/hush/otelprocessor/internal/metadata"
)

func TestFactory(t *testing.T) {
	f := NewFactory()
	if f.Type() != metadata.Type || f.Type().String() != "hush" {
		t.Errorf("type %s", f.Type())
	}
	if f.LogsStability() != metadata.LogsStability || f.TracesStability() != metadata.TracesStability ||
		f.MetricsStability() != metadata.MetricsStability {
		t.Error("stability")
	}
}

// The processors of one configuration share one index: one refresher,
// started by the first Start and stopped by the last Shutdown.
func TestSignalsShareOneIndex(t *testing.T) {
	cfg := staticConfig()
	ctx := context.Background()
	lp, err := NewFactory().CreateLogs(ctx, settings(), cfg, consumertest.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	tsink := new(consumertest.TracesSink)
	tp, err := NewFactory().CreateTraces(ctx, settings(), cfg, tsink)
	if err != nil {
		t.Fatal(err)
	}
	mp, err := NewFactory().CreateMetrics(ctx, settings(), cfg, consumertest.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if idx := indexOf(t, cfg); idx.refs != 3 {
		t.Errorf("%d references to the shared index, want 3", idx.refs)
	}
	host := componenttest.NewNopHost()
	if err := lp.Start(ctx, host); err != nil {
		t.Fatal(err)
	}
	if err := tp.Start(ctx, host); err != nil {
		t.Fatal(err)
	}
	if err := mp.Start(ctx, host); err != nil {
		t.Fatal(err)
	}
	waitReady(t, cfg)
	if err := lp.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := mp.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	// The traces processor still scrubs with the shared index.
	td := ptrace.NewTraces()
	td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().SetName("x " + apiSecret)
	if err := tp.ConsumeTraces(ctx, td); err != nil {
		t.Fatal(err)
	}
	if got := tsink.AllTraces()[0].ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Name(); got != "x "+apiRepl {
		t.Errorf("secret %s not scrubbed after the other signals shut down", apiName)
	}
	if err := tp.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	indexes.Lock()
	_, left := indexes.m[cfg]
	indexes.Unlock()
	if left {
		t.Error("index not released after the last Shutdown")
	}
}

// A failed creation releases the index it acquired.
func TestFailedCreateReleasesIndex(t *testing.T) {
	cfg := staticConfig()
	cfg.BlockedValues = []string{"(unclosed"} // not validated: creation itself fails
	if _, err := NewFactory().CreateLogs(context.Background(), settings(), cfg, consumertest.NewNop()); err == nil {
		t.Fatal("invalid regular expression accepted")
	}
	indexes.Lock()
	_, left := indexes.m[cfg]
	indexes.Unlock()
	if left {
		t.Error("index kept after a failed creation")
	}
}

// Shutdown without Start is clean.
func TestShutdownWithoutStart(t *testing.T) {
	p, err := NewFactory().CreateLogs(context.Background(), settings(), staticConfig(), consumertest.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}
