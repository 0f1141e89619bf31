package hushprocessor

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/hushlog/hush/otelprocessor/internal/metadata"
)

// The processor's own metrics, recorded through the component's meter
// (so they appear in the Collector's own telemetry, e.g. its Prometheus
// endpoint, with the processor's component attributes):
//
//	otelcol_processor_hush_redactions          counter  secret values replaced, by signal and secret name
//	otelcol_processor_hush_not_ready_items     counter  items that arrived before the first index, by signal and action taken
//	otelcol_processor_hush_index_ready         gauge    1 once the first index is built
//	otelcol_processor_hush_index_secrets       gauge    secret names indexed (JSON fields count apart)
//	otelcol_processor_hush_index_patterns      gauge    byte patterns indexed (every encoded form)
//	otelcol_processor_hush_index_bytes         gauge    memory held by the index
//	otelcol_processor_hush_index_staleness     gauge    seconds since the last refresh round without error
//	otelcol_processor_hush_refresh_failing     gauge    1 while the last refresh round had an error
//
// The refresher adds, through the same meter provider, hush.provider.*:
// listing duration, refresh errors by provider and kind, staleness and
// secrets by provider, rebuilds.
const (
	metricRedactions    = "otelcol_processor_hush_redactions"
	metricNotReadyItems = "otelcol_processor_hush_not_ready_items"
	metricIndexReady    = "otelcol_processor_hush_index_ready"
	metricIndexSecrets  = "otelcol_processor_hush_index_secrets"
	metricIndexPatterns = "otelcol_processor_hush_index_patterns"
	metricIndexBytes    = "otelcol_processor_hush_index_bytes"
	metricStaleness     = "otelcol_processor_hush_index_staleness"
	metricRefreshFailed = "otelcol_processor_hush_refresh_failing"
)

// processorTelemetry holds the counters of one processor.
type processorTelemetry struct {
	redactions    metric.Int64Counter
	notReadyItems metric.Int64Counter
}

func newProcessorTelemetry(mp metric.MeterProvider) (*processorTelemetry, error) {
	meter := mp.Meter(metadata.ScopeName)
	t := &processorTelemetry{}
	var err error
	if t.redactions, err = meter.Int64Counter(metricRedactions,
		metric.WithDescription("Secret values replaced, by signal and secret name."),
		metric.WithUnit("{redaction}")); err != nil {
		return nil, fmt.Errorf("hush processor: telemetry: %w", err)
	}
	if t.notReadyItems, err = meter.Int64Counter(metricNotReadyItems,
		metric.WithDescription("Items (log records, spans, data points) that arrived before the first index was built, by signal and the action taken: refuse, pass or drop."),
		metric.WithUnit("{item}")); err != nil {
		return nil, fmt.Errorf("hush processor: telemetry: %w", err)
	}
	return t, nil
}

// redacted records a batch's redactions. Names are secret names, never
// values.
func (t *processorTelemetry) redacted(ctx context.Context, signal string, hits map[string]int64) {
	if len(hits) == 0 {
		return
	}
	sig := attribute.String("signal", signal)
	for name, n := range hits {
		t.redactions.Add(ctx, n, metric.WithAttributes(sig, attribute.String("secret", name)))
	}
}

func (t *processorTelemetry) notReady(ctx context.Context, signal string, action NotReadyAction, items int) {
	t.notReadyItems.Add(ctx, int64(items), metric.WithAttributes(
		attribute.String("signal", signal), attribute.String("action", string(action))))
}

// indexTelemetry holds the observable gauges of one shared index.
type indexTelemetry struct {
	reg metric.Registration
}

func newIndexTelemetry(mp metric.MeterProvider, idx *sharedIndex) (*indexTelemetry, error) {
	meter := mp.Meter(metadata.ScopeName)
	wrap := func(err error) error { return fmt.Errorf("hush processor: telemetry: %w", err) }
	ready, err := meter.Int64ObservableGauge(metricIndexReady,
		metric.WithDescription("1 once the first secret index has been built, 0 before."))
	if err != nil {
		return nil, wrap(err)
	}
	secrets, err := meter.Int64ObservableGauge(metricIndexSecrets,
		metric.WithDescription("Secret names in the index (fields of JSON secrets count apart)."), metric.WithUnit("{secret}"))
	if err != nil {
		return nil, wrap(err)
	}
	patterns, err := meter.Int64ObservableGauge(metricIndexPatterns,
		metric.WithDescription("Byte patterns in the index (every protected encoded form)."), metric.WithUnit("{pattern}"))
	if err != nil {
		return nil, wrap(err)
	}
	size, err := meter.Int64ObservableGauge(metricIndexBytes,
		metric.WithDescription("Memory held by the index."), metric.WithUnit("By"))
	if err != nil {
		return nil, wrap(err)
	}
	stale, err := meter.Float64ObservableGauge(metricStaleness,
		metric.WithDescription("Seconds since the last refresh round without error (since start before the first)."), metric.WithUnit("s"))
	if err != nil {
		return nil, wrap(err)
	}
	failing, err := meter.Int64ObservableGauge(metricRefreshFailed,
		metric.WithDescription("1 while the last refresh round of any provider had an error (the last good index is kept)."))
	if err != nil {
		return nil, wrap(err)
	}
	started := time.Now()
	reg, err := meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		var r int64
		if idx.isReady() {
			r = 1
		}
		o.ObserveInt64(ready, r)
		st := idx.redactor.Stats()
		o.ObserveInt64(secrets, int64(st.Secrets))
		o.ObserveInt64(patterns, int64(st.Patterns))
		o.ObserveInt64(size, int64(st.IndexBytes))
		rs := idx.refresher.Status()
		since := rs.LastSuccess
		if since.IsZero() {
			since = started
		}
		o.ObserveFloat64(stale, time.Since(since).Seconds())
		var f int64
		if rs.LastError != nil {
			f = 1
		}
		o.ObserveInt64(failing, f)
		return nil
	}, ready, secrets, patterns, size, stale, failing)
	if err != nil {
		return nil, wrap(err)
	}
	return &indexTelemetry{reg: reg}, nil
}

func (t *indexTelemetry) close() {
	if t != nil && t.reg != nil {
		_ = t.reg.Unregister()
	}
}
