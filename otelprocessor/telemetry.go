package hushprocessor

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/hushlog/hush/otelprocessor/internal/metadata"
	"github.com/hushlog/hush/provider/otelmetric"
)

// The processor's own metrics are listed in metadata.yaml and made by
// internal/metadata (the shape mdatagen generates). Every measurement
// carries the "processor" attribute with the component ID, as the
// Collector's processorhelper does, so that two hush processors ("hush",
// "hush/b") in one Collector never collide. The providers' metrics
// (package otelmetric) are named in the same scheme,
// otelcol_processor_hush_provider_*, come from the same scope and carry the
// same attribute; see the README's telemetry table.

// processorTelemetry holds the counters of one processor.
type processorTelemetry struct {
	tb        *metadata.TelemetryBuilder
	component attribute.KeyValue
	// redactionAttrs caches the attribute set of each (signal, secret
	// name), so that recording a batch's redactions allocates nothing
	// once a name has been seen. Names are bounded by the secret set.
	redactionAttrs sync.Map // redactionKey -> metric.AddOption
	// detectionAttrs does the same for (signal, rule, confidence); rules
	// are bounded by package detect.
	detectionAttrs sync.Map // detectionKey -> metric.AddOption
}

type redactionKey struct{ signal, secret string }

// detection is what a detected token is counted by: its rule id and the
// confidence of the finding.
type detection struct{ rule, confidence string }

type detectionKey struct {
	signal string
	detection
}

func newProcessorTelemetry(set component.TelemetrySettings, id component.ID) (*processorTelemetry, error) {
	tb, err := metadata.NewTelemetryBuilder(set)
	if err != nil {
		return nil, fmt.Errorf("hush processor: telemetry: %w", err)
	}
	return &processorTelemetry{tb: tb, component: attribute.String(metadata.AttributeProcessor, id.String())}, nil
}

// redacted records a batch's redactions. Names are secret names, never
// values.
func (t *processorTelemetry) redacted(ctx context.Context, signal string, hits map[string]int64) {
	if len(hits) == 0 {
		return
	}
	for name, n := range hits {
		k := redactionKey{signal, name}
		opt, ok := t.redactionAttrs.Load(k)
		if !ok {
			opt, _ = t.redactionAttrs.LoadOrStore(k, metric.WithAttributeSet(attribute.NewSet(t.component,
				attribute.String(metadata.AttributeSignal, signal), attribute.String(metadata.AttributeSecret, name))))
		}
		t.tb.ProcessorHushRedactions.Add(ctx, n, opt.(metric.AddOption))
	}
}

// detected records a batch's detected tokens, by rule and confidence.
func (t *processorTelemetry) detected(ctx context.Context, signal string, hits map[detection]int64) {
	for d, n := range hits {
		k := detectionKey{signal, d}
		opt, ok := t.detectionAttrs.Load(k)
		if !ok {
			opt, _ = t.detectionAttrs.LoadOrStore(k, metric.WithAttributeSet(attribute.NewSet(t.component,
				attribute.String(metadata.AttributeSignal, signal), attribute.String(metadata.AttributeRule, d.rule),
				attribute.String(metadata.AttributeConfidence, d.confidence))))
		}
		t.tb.ProcessorHushDetections.Add(ctx, n, opt.(metric.AddOption))
	}
}

// payloadsRemoved counts the profiles' original payloads removed, by
// reason.
func (t *processorTelemetry) payloadsRemoved(ctx context.Context, signal string, secret, unchecked int64) {
	for reason, n := range map[string]int64{payloadSecret: secret, payloadUnchecked: unchecked} {
		if n > 0 {
			t.tb.ProcessorHushPayloadsRemoved.Add(ctx, n, metric.WithAttributes(t.component,
				attribute.String(metadata.AttributeSignal, signal), attribute.String(metadata.AttributeReason, reason)))
		}
	}
}

func (t *processorTelemetry) notReady(ctx context.Context, signal string, action NotReadyAction, items int) {
	t.tb.ProcessorHushNotReadyItems.Add(ctx, int64(items), metric.WithAttributes(t.component,
		attribute.String(metadata.AttributeSignal, signal), attribute.String(metadata.AttributeAction, string(action))))
}

// providerMetricOptions name the providers' metrics in the processor's
// scheme and scope, with the component attribute.
func providerMetricOptions(id component.ID) []otelmetric.Option {
	return []otelmetric.Option{
		otelmetric.WithScopeName(metadata.ScopeName),
		otelmetric.WithNaming(metadata.ProviderMetricPrefix, metadata.ProviderMetricSeparator),
		otelmetric.WithAttributes(attribute.String(metadata.AttributeProcessor, id.String())),
	}
}

// indexTelemetry holds the observable gauges of one shared index.
type indexTelemetry struct {
	tb *metadata.TelemetryBuilder
}

func newIndexTelemetry(set component.TelemetrySettings, id component.ID, idx *sharedIndex) (*indexTelemetry, error) {
	tb, err := metadata.NewTelemetryBuilder(set)
	if err != nil {
		return nil, fmt.Errorf("hush processor: telemetry: %w", err)
	}
	attrs := metric.WithAttributes(attribute.String(metadata.AttributeProcessor, id.String()))
	started := time.Now()
	err = tb.RegisterIndexCallback(func(_ context.Context, o metric.Observer) error {
		var r int64
		if idx.isReady() {
			r = 1
		}
		o.ObserveInt64(tb.ProcessorHushIndexReady, r, attrs)
		st := idx.redactor.Stats()
		o.ObserveInt64(tb.ProcessorHushIndexSecrets, int64(st.Secrets), attrs)
		o.ObserveInt64(tb.ProcessorHushIndexPatterns, int64(st.Patterns), attrs)
		o.ObserveInt64(tb.ProcessorHushIndexBytes, int64(st.IndexBytes), attrs)
		rs := idx.refresher.Status()
		since := rs.LastSuccess
		if since.IsZero() {
			since = started
		}
		o.ObserveFloat64(tb.ProcessorHushIndexStaleness, time.Since(since).Seconds(), attrs)
		var f int64
		if rs.LastError != nil {
			f = 1
		}
		o.ObserveInt64(tb.ProcessorHushRefreshFailing, f, attrs)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hush processor: telemetry: %w", err)
	}
	return &indexTelemetry{tb: tb}, nil
}

func (t *indexTelemetry) close() {
	if t != nil {
		t.tb.Shutdown()
	}
}
