package metadata

import (
	"context"
	"errors"
	"sync"

	"go.opentelemetry.io/otel/metric"

	"go.opentelemetry.io/collector/component"
)

// The names of the processor's own metrics, as mdatagen derives them from
// the keys under telemetry.metrics in metadata.yaml ("otelcol_" + key).
// TestTelemetryMatchesMetadata keeps them, their units, descriptions and
// instrument kinds in step with metadata.yaml.
const (
	MetricRedactions      = "otelcol_processor_hush_redactions"
	MetricDetections      = "otelcol_processor_hush_detections"
	MetricNotReadyItems   = "otelcol_processor_hush_not_ready_items"
	MetricPayloadsRemoved = "otelcol_processor_hush_payloads_removed"
	MetricIndexReady      = "otelcol_processor_hush_index_ready"
	MetricIndexSecrets    = "otelcol_processor_hush_index_secrets"
	MetricIndexPatterns   = "otelcol_processor_hush_index_patterns"
	MetricIndexBytes      = "otelcol_processor_hush_index_bytes"
	MetricIndexStaleness  = "otelcol_processor_hush_index_staleness"
	MetricRefreshFailing  = "otelcol_processor_hush_refresh_failing"
)

// ProviderMetricPrefix and ProviderMetricSeparator name the provider
// metrics (package github.com/hushlog/hush/provider/otelmetric) in the same
// scheme: "refresh.duration" becomes
// "otelcol_processor_hush_provider_refresh_duration".
const (
	ProviderMetricPrefix    = "otelcol_processor_hush_provider_"
	ProviderMetricSeparator = "_"
)

// Attribute keys. AttributeProcessor is the Collector's attribute naming
// the component instance (processorhelper and memorylimiter use it too);
// every measurement of the processor and of its providers carries it, so
// that two hush processors ("hush" and "hush/b") never collide.
const (
	AttributeProcessor  = "processor"
	AttributeSignal     = "otel.signal"
	AttributeSecret     = "secret"
	AttributeRule       = "rule"
	AttributeConfidence = "confidence"
	AttributeAction     = "action"
	AttributeReason     = "reason"
	AttributeProvider   = "provider"
	AttributeErrorKind  = "error.kind"
)

// Meter returns the processor's meter.
func Meter(settings component.TelemetrySettings) metric.Meter {
	return settings.MeterProvider.Meter(ScopeName)
}

// TelemetryBuilder holds the processor's own instruments, in the shape
// mdatagen generates: one field per metric of metadata.yaml, made by
// NewTelemetryBuilder.
type TelemetryBuilder struct {
	meter         metric.Meter
	mu            sync.Mutex
	registrations []metric.Registration

	ProcessorHushRedactions      metric.Int64Counter
	ProcessorHushDetections      metric.Int64Counter
	ProcessorHushNotReadyItems   metric.Int64Counter
	ProcessorHushPayloadsRemoved metric.Int64Counter
	ProcessorHushIndexReady      metric.Int64ObservableGauge
	ProcessorHushIndexSecrets    metric.Int64ObservableGauge
	ProcessorHushIndexPatterns   metric.Int64ObservableGauge
	ProcessorHushIndexBytes      metric.Int64ObservableGauge
	ProcessorHushIndexStaleness  metric.Float64ObservableGauge
	ProcessorHushRefreshFailing  metric.Int64ObservableGauge
}

// NewTelemetryBuilder makes every instrument on the processor's meter.
func NewTelemetryBuilder(settings component.TelemetrySettings) (*TelemetryBuilder, error) {
	b := TelemetryBuilder{meter: Meter(settings)}
	var err, errs error
	b.ProcessorHushRedactions, err = b.meter.Int64Counter(MetricRedactions,
		metric.WithDescription("Secret values replaced, by signal and secret name."),
		metric.WithUnit("{redaction}"))
	errs = errors.Join(errs, err)
	b.ProcessorHushDetections, err = b.meter.Int64Counter(MetricDetections,
		metric.WithDescription("Tokens found by the detectors (credentials hush was not given) and replaced, by signal, rule and confidence."),
		metric.WithUnit("{detection}"))
	errs = errors.Join(errs, err)
	b.ProcessorHushNotReadyItems, err = b.meter.Int64Counter(MetricNotReadyItems,
		metric.WithDescription("Items (log records, spans, data points, profile samples) that arrived before the first index was built, by signal and the action taken: refuse, pass or drop."),
		metric.WithUnit("{item}"))
	errs = errors.Join(errs, err)
	b.ProcessorHushPayloadsRemoved, err = b.meter.Int64Counter(MetricPayloadsRemoved,
		metric.WithDescription("Profiles' original payloads removed, by signal and reason: secret (it could not be kept without a secret) or unchecked (a compression hush does not open, corrupt, nested too deep or over 64 MiB decompressed)."),
		metric.WithUnit("{payload}"))
	errs = errors.Join(errs, err)
	b.ProcessorHushIndexReady, err = b.meter.Int64ObservableGauge(MetricIndexReady,
		metric.WithDescription("1 once the first secret index has been built, 0 before."),
		metric.WithUnit("{status}"))
	errs = errors.Join(errs, err)
	b.ProcessorHushIndexSecrets, err = b.meter.Int64ObservableGauge(MetricIndexSecrets,
		metric.WithDescription("Secret names in the index (fields of JSON secrets count apart)."),
		metric.WithUnit("{secret}"))
	errs = errors.Join(errs, err)
	b.ProcessorHushIndexPatterns, err = b.meter.Int64ObservableGauge(MetricIndexPatterns,
		metric.WithDescription("Byte patterns in the index (every protected encoded form)."),
		metric.WithUnit("{pattern}"))
	errs = errors.Join(errs, err)
	b.ProcessorHushIndexBytes, err = b.meter.Int64ObservableGauge(MetricIndexBytes,
		metric.WithDescription("Memory held by the index."),
		metric.WithUnit("By"))
	errs = errors.Join(errs, err)
	b.ProcessorHushIndexStaleness, err = b.meter.Float64ObservableGauge(MetricIndexStaleness,
		metric.WithDescription("Seconds since the last refresh round without error (since start before the first)."),
		metric.WithUnit("s"))
	errs = errors.Join(errs, err)
	b.ProcessorHushRefreshFailing, err = b.meter.Int64ObservableGauge(MetricRefreshFailing,
		metric.WithDescription("1 while the last refresh round of any provider had an error (the last good index is kept)."),
		metric.WithUnit("{status}"))
	errs = errors.Join(errs, err)
	return &b, errs
}

// RegisterIndexCallback registers cb to observe the index gauges, which
// all read one snapshot (where mdatagen would register one callback per
// gauge).
func (b *TelemetryBuilder) RegisterIndexCallback(cb metric.Callback) error {
	reg, err := b.meter.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		return cb(ctx, o)
	}, b.ProcessorHushIndexReady, b.ProcessorHushIndexSecrets, b.ProcessorHushIndexPatterns,
		b.ProcessorHushIndexBytes, b.ProcessorHushIndexStaleness, b.ProcessorHushRefreshFailing)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.registrations = append(b.registrations, reg)
	return nil
}

// Shutdown unregisters the callbacks.
func (b *TelemetryBuilder) Shutdown() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, reg := range b.registrations {
		_ = reg.Unregister()
	}
	b.registrations = nil
}
