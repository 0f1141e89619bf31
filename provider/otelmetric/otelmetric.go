package otelmetric

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/hushlog/hush/provider"
)

// ScopeName is the default instrumentation scope of the instruments.
const ScopeName = "github.com/hushlog/hush/provider"

// DurationBuckets are the explicit bucket boundaries, in seconds, of the
// listing duration histogram: from a local file read (a millisecond) to a
// slow remote listing that pages through thousands of secrets (two
// minutes), so that observations spread over the buckets.
var DurationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120}

// Option configures Metrics.
type Option func(*options)

type options struct {
	scope     string
	prefix    string
	separator string
	attrs     []attribute.KeyValue
}

// WithScopeName sets the instrumentation scope of the instruments
// (default ScopeName). The Collector processor passes its own, so that all
// of its telemetry comes from one scope.
func WithScopeName(name string) Option { return func(o *options) { o.scope = name } }

// WithNaming names every instrument prefix + its base name with the dots
// replaced by separator. The default, ("hush.provider.", "."), gives the
// names listed in the package documentation; the Collector processor uses
// ("otelcol_processor_hush_provider_", "_"), the naming scheme of its own
// metrics and of every Collector component's telemetry.
func WithNaming(prefix, separator string) Option {
	return func(o *options) { o.prefix, o.separator = prefix, separator }
}

// WithAttributes adds attributes to every measurement, such as the
// Collector's "processor" attribute naming the component instance, so that
// two users of one MeterProvider do not collide.
func WithAttributes(kv ...attribute.KeyValue) Option {
	return func(o *options) { o.attrs = append(o.attrs, kv...) }
}

// Metrics is a provider.Observer recording into OpenTelemetry instruments.
// Give it to RefresherOptions.Observer and CacheOptions.Observer, then call
// ObserveRefresher and ObserveCache with what was built so that the gauges
// can read their snapshots. Close unregisters the gauges. A Metrics is safe
// for concurrent use.
type Metrics struct {
	opts          options
	meter         metric.Meter
	duration      metric.Float64Histogram
	listingErrors metric.Int64Counter

	// The cache's error counter is made on first use, so that a user of
	// the refresher alone registers no cache instrument.
	cacheOnce   sync.Once
	cacheErrors metric.Int64Counter
	cacheErr    error

	mu   sync.Mutex
	regs []metric.Registration
}

var _ provider.Observer = (*Metrics)(nil)

// New creates the refresher's event instruments on mp's meter (the gauges
// come with ObserveRefresher, the cache's instruments with ObserveCache or
// the first FetchFailed).
func New(mp metric.MeterProvider, opts ...Option) (*Metrics, error) {
	if mp == nil {
		return nil, errors.New("otelmetric: nil MeterProvider")
	}
	o := options{scope: ScopeName, prefix: "hush.provider.", separator: "."}
	for _, opt := range opts {
		opt(&o)
	}
	m := &Metrics{opts: o, meter: mp.Meter(o.scope)}
	var err error
	if m.duration, err = m.meter.Float64Histogram(m.name("refresh.duration"),
		metric.WithDescription("Duration of one listing of one provider."), metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(DurationBuckets...)); err != nil {
		return nil, wrap(err)
	}
	if m.listingErrors, err = m.meter.Int64Counter(m.name("refresh.errors"),
		metric.WithDescription("Failed listings and per-secret failures, by provider and error kind."),
		metric.WithUnit("{error}")); err != nil {
		return nil, wrap(err)
	}
	return m, nil
}

// name is the full name of the instrument with this base name.
func (m *Metrics) name(base string) string {
	return m.opts.prefix + strings.ReplaceAll(base, ".", m.opts.separator)
}

// with returns the measurement option of these attributes and the
// configured ones.
func (m *Metrics) with(kv ...attribute.KeyValue) metric.MeasurementOption {
	if len(m.opts.attrs) == 0 {
		return metric.WithAttributes(kv...)
	}
	return metric.WithAttributes(append(slices.Clip(m.opts.attrs), kv...)...)
}

func (m *Metrics) cacheCounter() (metric.Int64Counter, error) {
	m.cacheOnce.Do(func() {
		m.cacheErrors, m.cacheErr = m.meter.Int64Counter(m.name("cache.errors"),
			metric.WithDescription("Failed fetches through the cache, by error kind."),
			metric.WithUnit("{error}"))
	})
	return m.cacheErrors, m.cacheErr
}

func wrap(err error) error { return fmt.Errorf("otelmetric: %w", err) }

// Listed records one listing's duration and, per failure, its kind.
func (m *Metrics) Listed(ctx context.Context, lister string, took time.Duration, err error) {
	p := attribute.String("provider", lister)
	m.duration.Record(ctx, took.Seconds(), m.with(p))
	for _, e := range provider.Failures(err) {
		m.listingErrors.Add(ctx, 1, m.with(p, attribute.String("error.kind", provider.Kind(e).String())))
	}
}

// FetchFailed counts a failed fetch through a Cache by kind.
func (m *Metrics) FetchFailed(ctx context.Context, kind provider.ErrorKind) {
	if c, err := m.cacheCounter(); err == nil {
		c.Add(ctx, 1, m.with(attribute.String("error.kind", kind.String())))
	}
}

// ObserveRefresher registers the gauges that read f.Status: last success,
// staleness and secrets by lister, and rebuilds.
func (m *Metrics) ObserveRefresher(f *provider.Refresher, now func() time.Time) error {
	if now == nil {
		now = time.Now
	}
	lastSuccess, err := m.meter.Float64ObservableGauge(m.name("refresh.last_success"),
		metric.WithDescription("Unix time of the last successful (possibly partial) listing, by provider."), metric.WithUnit("s"))
	if err != nil {
		return wrap(err)
	}
	staleness, err := m.meter.Float64ObservableGauge(m.name("refresh.staleness"),
		metric.WithDescription("Seconds since the last successful listing (since start, before the first), by provider."),
		metric.WithUnit("s"))
	if err != nil {
		return wrap(err)
	}
	secrets, err := m.meter.Int64ObservableGauge(m.name("secrets"),
		metric.WithDescription("Secret values protected, including those in their grace period, by provider."),
		metric.WithUnit("{secret}"))
	if err != nil {
		return wrap(err)
	}
	rebuilds, err := m.meter.Int64ObservableCounter(m.name("rebuilds"),
		metric.WithDescription("Rebuilds of the redactor's index after the set changed."), metric.WithUnit("{rebuild}"))
	if err != nil {
		return wrap(err)
	}
	reg, err := m.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		st := f.Status()
		t := now()
		for name, n := range st.ByLister {
			attrs := m.with(attribute.String("provider", name))
			since := st.Started
			if at, ok := st.ListedAt[name]; ok {
				since = at
				o.ObserveFloat64(lastSuccess, float64(at.UnixNano())/1e9, attrs)
			}
			o.ObserveFloat64(staleness, t.Sub(since).Seconds(), attrs)
			o.ObserveInt64(secrets, int64(n), attrs)
		}
		o.ObserveInt64(rebuilds, int64(st.Rebuilds), m.with())
		return nil
	}, lastSuccess, staleness, secrets, rebuilds)
	if err != nil {
		return wrap(err)
	}
	m.keep(reg)
	return nil
}

// ObserveCache registers the counters that read c.Stats: fetches and stale
// answers.
func (m *Metrics) ObserveCache(c *provider.Cache) error {
	if _, err := m.cacheCounter(); err != nil {
		return wrap(err)
	}
	fetches, err := m.meter.Int64ObservableCounter(m.name("cache.fetches"),
		metric.WithDescription("Fetches from the underlying provider."), metric.WithUnit("{fetch}"))
	if err != nil {
		return wrap(err)
	}
	stale, err := m.meter.Int64ObservableCounter(m.name("cache.stale"),
		metric.WithDescription("Gets answered with a stale value after a failed refresh."), metric.WithUnit("{get}"))
	if err != nil {
		return wrap(err)
	}
	reg, err := m.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		st := c.Stats()
		o.ObserveInt64(fetches, int64(st.Fetches), m.with())
		o.ObserveInt64(stale, int64(st.Stale), m.with())
		return nil
	}, fetches, stale)
	if err != nil {
		return wrap(err)
	}
	m.keep(reg)
	return nil
}

func (m *Metrics) keep(reg metric.Registration) {
	m.mu.Lock()
	m.regs = append(m.regs, reg)
	m.mu.Unlock()
}

// Close unregisters the gauges' callbacks.
func (m *Metrics) Close() error {
	m.mu.Lock()
	regs := m.regs
	m.regs = nil
	m.mu.Unlock()
	var errs []error
	for _, r := range regs {
		errs = append(errs, r.Unregister())
	}
	return errors.Join(errs...)
}
