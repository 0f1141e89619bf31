package hushprocessor

import (
	"context"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/hushlog/hush/otelprocessor/internal/metadata"
)

// mdFile is the part of mdatagen's metadata.yaml schema the test reads.
type mdFile struct {
	Type       string `mapstructure:"type"`
	Attributes map[string]struct {
		NameOverride string `mapstructure:"name_override"`
		Description  string `mapstructure:"description"`
		Type         string `mapstructure:"type"`
	} `mapstructure:"attributes"`
	Telemetry struct {
		Metrics map[string]mdMetric `mapstructure:"metrics"`
	} `mapstructure:"telemetry"`
}

type mdMetric struct {
	Enabled     bool   `mapstructure:"enabled"`
	Stability   string `mapstructure:"stability"`
	Description string `mapstructure:"description"`
	Unit        string `mapstructure:"unit"`
	Sum         *struct {
		ValueType string `mapstructure:"value_type"`
		Monotonic bool   `mapstructure:"monotonic"`
		Async     bool   `mapstructure:"async"`
	} `mapstructure:"sum"`
	Gauge *struct {
		ValueType string `mapstructure:"value_type"`
		Async     bool   `mapstructure:"async"`
	} `mapstructure:"gauge"`
	Histogram *struct {
		ValueType        string    `mapstructure:"value_type"`
		BucketBoundaries []float64 `mapstructure:"bucket_boundaries"`
		Async            bool      `mapstructure:"async"`
	} `mapstructure:"histogram"`
	Attributes []string `mapstructure:"attributes"`
}

// kind is the OpenTelemetry Go instrument mdatagen makes for the metric.
func (m mdMetric) kind() string {
	typ := func(vt string) string {
		if vt == "int" {
			return "Int64"
		}
		return "Float64"
	}
	switch {
	case m.Sum != nil:
		k := typ(m.Sum.ValueType)
		if m.Sum.Async {
			k += "Observable"
		}
		if m.Sum.Monotonic {
			return k + "Counter"
		}
		return k + "UpDownCounter"
	case m.Gauge != nil:
		if m.Gauge.Async {
			return typ(m.Gauge.ValueType) + "ObservableGauge"
		}
		return typ(m.Gauge.ValueType) + "Gauge"
	case m.Histogram != nil:
		return typ(m.Histogram.ValueType) + "Histogram"
	}
	return "?"
}

func loadMetadata(t *testing.T) mdFile {
	t.Helper()
	cm, err := confmaptest.LoadConf("metadata.yaml")
	require.NoError(t, err)
	var md mdFile
	require.NoError(t, cm.Unmarshal(&md, confmap.WithIgnoreUnused()))
	require.Equal(t, metadata.Type.String(), md.Type)
	require.NotEmpty(t, md.Telemetry.Metrics)
	return md
}

// registered is one instrument as the code created it.
type registered struct {
	scope, kind, description, unit string
	buckets                        []float64
}

// recordingProvider wraps a real MeterProvider and records every
// instrument created through it, with its options.
type recordingProvider struct {
	metric.MeterProvider
	mu    sync.Mutex
	insts map[string]registered
}

func (p *recordingProvider) Meter(name string, opts ...metric.MeterOption) metric.Meter {
	return &recordingMeter{Meter: p.MeterProvider.Meter(name, opts...), scope: name, p: p}
}

func (p *recordingProvider) add(name string, r registered) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.insts[name] = r
}

type recordingMeter struct {
	metric.Meter
	scope string
	p     *recordingProvider
}

func (m *recordingMeter) Int64Counter(name string, opts ...metric.Int64CounterOption) (metric.Int64Counter, error) {
	c := metric.NewInt64CounterConfig(opts...)
	m.p.add(name, registered{scope: m.scope, kind: "Int64Counter", description: c.Description(), unit: c.Unit()})
	return m.Meter.Int64Counter(name, opts...)
}

func (m *recordingMeter) Int64UpDownCounter(name string, opts ...metric.Int64UpDownCounterOption) (metric.Int64UpDownCounter, error) {
	c := metric.NewInt64UpDownCounterConfig(opts...)
	m.p.add(name, registered{scope: m.scope, kind: "Int64UpDownCounter", description: c.Description(), unit: c.Unit()})
	return m.Meter.Int64UpDownCounter(name, opts...)
}

func (m *recordingMeter) Int64Histogram(name string, opts ...metric.Int64HistogramOption) (metric.Int64Histogram, error) {
	c := metric.NewInt64HistogramConfig(opts...)
	m.p.add(name, registered{scope: m.scope, kind: "Int64Histogram", description: c.Description(), unit: c.Unit(), buckets: c.ExplicitBucketBoundaries()})
	return m.Meter.Int64Histogram(name, opts...)
}

func (m *recordingMeter) Int64Gauge(name string, opts ...metric.Int64GaugeOption) (metric.Int64Gauge, error) {
	c := metric.NewInt64GaugeConfig(opts...)
	m.p.add(name, registered{scope: m.scope, kind: "Int64Gauge", description: c.Description(), unit: c.Unit()})
	return m.Meter.Int64Gauge(name, opts...)
}

func (m *recordingMeter) Int64ObservableCounter(name string, opts ...metric.Int64ObservableCounterOption) (metric.Int64ObservableCounter, error) {
	c := metric.NewInt64ObservableCounterConfig(opts...)
	m.p.add(name, registered{scope: m.scope, kind: "Int64ObservableCounter", description: c.Description(), unit: c.Unit()})
	return m.Meter.Int64ObservableCounter(name, opts...)
}

func (m *recordingMeter) Int64ObservableUpDownCounter(name string, opts ...metric.Int64ObservableUpDownCounterOption) (metric.Int64ObservableUpDownCounter, error) {
	c := metric.NewInt64ObservableUpDownCounterConfig(opts...)
	m.p.add(name, registered{scope: m.scope, kind: "Int64ObservableUpDownCounter", description: c.Description(), unit: c.Unit()})
	return m.Meter.Int64ObservableUpDownCounter(name, opts...)
}

func (m *recordingMeter) Int64ObservableGauge(name string, opts ...metric.Int64ObservableGaugeOption) (metric.Int64ObservableGauge, error) {
	c := metric.NewInt64ObservableGaugeConfig(opts...)
	m.p.add(name, registered{scope: m.scope, kind: "Int64ObservableGauge", description: c.Description(), unit: c.Unit()})
	return m.Meter.Int64ObservableGauge(name, opts...)
}

func (m *recordingMeter) Float64Counter(name string, opts ...metric.Float64CounterOption) (metric.Float64Counter, error) {
	c := metric.NewFloat64CounterConfig(opts...)
	m.p.add(name, registered{scope: m.scope, kind: "Float64Counter", description: c.Description(), unit: c.Unit()})
	return m.Meter.Float64Counter(name, opts...)
}

func (m *recordingMeter) Float64UpDownCounter(name string, opts ...metric.Float64UpDownCounterOption) (metric.Float64UpDownCounter, error) {
	c := metric.NewFloat64UpDownCounterConfig(opts...)
	m.p.add(name, registered{scope: m.scope, kind: "Float64UpDownCounter", description: c.Description(), unit: c.Unit()})
	return m.Meter.Float64UpDownCounter(name, opts...)
}

func (m *recordingMeter) Float64Histogram(name string, opts ...metric.Float64HistogramOption) (metric.Float64Histogram, error) {
	c := metric.NewFloat64HistogramConfig(opts...)
	m.p.add(name, registered{scope: m.scope, kind: "Float64Histogram", description: c.Description(), unit: c.Unit(), buckets: c.ExplicitBucketBoundaries()})
	return m.Meter.Float64Histogram(name, opts...)
}

func (m *recordingMeter) Float64Gauge(name string, opts ...metric.Float64GaugeOption) (metric.Float64Gauge, error) {
	c := metric.NewFloat64GaugeConfig(opts...)
	m.p.add(name, registered{scope: m.scope, kind: "Float64Gauge", description: c.Description(), unit: c.Unit()})
	return m.Meter.Float64Gauge(name, opts...)
}

func (m *recordingMeter) Float64ObservableCounter(name string, opts ...metric.Float64ObservableCounterOption) (metric.Float64ObservableCounter, error) {
	c := metric.NewFloat64ObservableCounterConfig(opts...)
	m.p.add(name, registered{scope: m.scope, kind: "Float64ObservableCounter", description: c.Description(), unit: c.Unit()})
	return m.Meter.Float64ObservableCounter(name, opts...)
}

func (m *recordingMeter) Float64ObservableUpDownCounter(name string, opts ...metric.Float64ObservableUpDownCounterOption) (metric.Float64ObservableUpDownCounter, error) {
	c := metric.NewFloat64ObservableUpDownCounterConfig(opts...)
	m.p.add(name, registered{scope: m.scope, kind: "Float64ObservableUpDownCounter", description: c.Description(), unit: c.Unit()})
	return m.Meter.Float64ObservableUpDownCounter(name, opts...)
}

func (m *recordingMeter) Float64ObservableGauge(name string, opts ...metric.Float64ObservableGaugeOption) (metric.Float64ObservableGauge, error) {
	c := metric.NewFloat64ObservableGaugeConfig(opts...)
	m.p.add(name, registered{scope: m.scope, kind: "Float64ObservableGauge", description: c.Description(), unit: c.Unit()})
	return m.Meter.Float64ObservableGauge(name, opts...)
}

// startInstance creates and starts a logs processor with the component ID
// id on the given meter provider, with the test secrets as static ones.
func startInstance(t *testing.T, id component.ID, mp metric.MeterProvider) *consumertest.LogsSink {
	t.Helper()
	set := settings()
	set.ID = id
	set.MeterProvider = mp
	cfg := staticConfig()
	sink := new(consumertest.LogsSink)
	p, err := NewFactory().CreateLogs(context.Background(), set, cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), newStatusHost()))
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	waitReady(t, cfg)
	require.NoError(t, p.ConsumeLogs(context.Background(), secretLog(dbSecret)))
	return sink
}

// TestTelemetryMatchesMetadata keeps internal/metadata (written by hand,
// as mdatagen is not run here) and the provider metrics in step with
// metadata.yaml: every instrument the processor registers is listed there
// with its unit, description, instrument kind and buckets, every listed
// metric is registered, and every recorded attribute is declared.
func TestTelemetryMatchesMetadata(t *testing.T) {
	md := loadMetadata(t)
	reader := sdkmetric.NewManualReader()
	rec := &recordingProvider{MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)), insts: map[string]registered{}}
	startInstance(t, component.MustNewIDWithName("hush", "a"), rec)

	rec.mu.Lock()
	insts := rec.insts
	rec.mu.Unlock()
	// The Collector's processorhelper registers its own metrics
	// (otelcol_processor_incoming_items, ...) in its own scope; they are
	// not the processor's.
	var names []string
	for name, r := range insts {
		if r.scope == metadata.ScopeName || strings.HasPrefix(name, "otelcol_processor_hush_") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		got := insts[name]
		key, ok := strings.CutPrefix(name, "otelcol_")
		require.True(t, ok, "%s: not an otelcol_ name", name)
		want, ok := md.Telemetry.Metrics[key]
		if !assert.True(t, ok, "%s is registered but not listed in metadata.yaml", name) {
			continue
		}
		assert.Equal(t, metadata.ScopeName, got.scope, "%s: scope", name)
		assert.True(t, want.Enabled, "%s: enabled", name)
		assert.NotEmpty(t, want.Stability, "%s: stability", name)
		assert.Equal(t, want.Description, got.description, "%s: description", name)
		assert.Equal(t, want.Unit, got.unit, "%s: unit", name)
		assert.Equal(t, want.kind(), got.kind, "%s: instrument kind", name)
		if want.Histogram != nil {
			assert.Equal(t, want.Histogram.BucketBoundaries, got.buckets, "%s: buckets", name)
		}
	}
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for key, m := range md.Telemetry.Metrics {
		_, ok := insts["otelcol_"+key]
		assert.True(t, ok, "metadata.yaml lists %s, which the processor does not register", key)
		// The README's telemetry table follows metadata.yaml.
		assert.Contains(t, string(readme), "| `otelcol_"+key+"` |", "README.md: no row for %s", key)
		assert.Contains(t, string(readme), "| `"+m.Unit+"` |", "README.md: unit of %s", key)
		assert.Contains(t, string(readme), " | "+m.Description+" |", "README.md: description of %s", key)
	}

	// The attributes recorded are the declared ones, and every point
	// carries the component ID.
	declared := map[string]string{} // recorded key -> metadata name
	for name, a := range md.Attributes {
		key := name
		if a.NameOverride != "" {
			key = a.NameOverride
		}
		declared[key] = name
	}
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	seen := 0
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != metadata.ScopeName {
			continue
		}
		for _, m := range sm.Metrics {
			want := md.Telemetry.Metrics[m.Name[len("otelcol_"):]]
			for _, set := range pointAttributes(m.Data) {
				seen++
				v, ok := set.Value(metadata.AttributeProcessor)
				assert.True(t, ok && v.AsString() == "hush/a", "%s: point without the component ID", m.Name)
				for _, kv := range set.ToSlice() {
					name, ok := declared[string(kv.Key)]
					if assert.True(t, ok, "%s: attribute %s not declared in metadata.yaml", m.Name, kv.Key) {
						assert.Contains(t, want.Attributes, name, "%s: attribute %s not listed for the metric", m.Name, name)
					}
				}
			}
		}
	}
	assert.Greater(t, seen, 5, "too few points collected to check attributes")
}

// pointAttributes returns the attribute sets of a metric's points.
func pointAttributes(data metricdata.Aggregation) []attribute.Set {
	var out []attribute.Set
	switch d := data.(type) {
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			out = append(out, p.Attributes)
		}
	case metricdata.Sum[float64]:
		for _, p := range d.DataPoints {
			out = append(out, p.Attributes)
		}
	case metricdata.Gauge[int64]:
		for _, p := range d.DataPoints {
			out = append(out, p.Attributes)
		}
	case metricdata.Gauge[float64]:
		for _, p := range d.DataPoints {
			out = append(out, p.Attributes)
		}
	case metricdata.Histogram[float64]:
		for _, p := range d.DataPoints {
			out = append(out, p.Attributes)
		}
	case metricdata.Histogram[int64]:
		for _, p := range d.DataPoints {
			out = append(out, p.Attributes)
		}
	}
	return out
}

// Two hush processors in one Collector share its meter provider; each
// series carries its own component ID, so their metrics never merge.
func TestTwoInstancesDoNotCollide(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	startInstance(t, component.MustNewID("hush"), mp)
	startInstance(t, component.MustNewIDWithName("hush", "b"), mp)

	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	byMetric := map[string]map[string]bool{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			for _, set := range pointAttributes(m.Data) {
				v, _ := set.Value(metadata.AttributeProcessor)
				if byMetric[m.Name] == nil {
					byMetric[m.Name] = map[string]bool{}
				}
				byMetric[m.Name][v.AsString()] = true
			}
		}
	}
	for _, name := range []string{
		metadata.MetricRedactions, metadata.MetricIndexReady, metadata.MetricIndexSecrets,
		"otelcol_processor_hush_provider_secrets", "otelcol_processor_hush_provider_refresh_duration",
	} {
		assert.Equal(t, map[string]bool{"hush": true, "hush/b": true}, byMetric[name], name)
	}
}
