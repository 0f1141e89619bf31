package otelmetric

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/hushlog/hush/provider"
)

// ScopeName is the instrumentation scope of the instruments.
const ScopeName = "github.com/hushlog/hush/provider"

// Metrics is a provider.Observer recording into OpenTelemetry instruments.
// Give it to RefresherOptions.Observer and CacheOptions.Observer, then call
// ObserveRefresher and ObserveCache with what was built so that the gauges
// can read their snapshots. Close unregisters the gauges. A Metrics is safe
// for concurrent use.
type Metrics struct {
	meter         metric.Meter
	duration      metric.Float64Histogram
	listingErrors metric.Int64Counter
	cacheErrors   metric.Int64Counter

	mu   sync.Mutex
	regs []metric.Registration
}

var _ provider.Observer = (*Metrics)(nil)

// New creates the instruments on mp's meter for ScopeName.
func New(mp metric.MeterProvider) (*Metrics, error) {
	if mp == nil {
		return nil, errors.New("otelmetric: nil MeterProvider")
	}
	m := &Metrics{meter: mp.Meter(ScopeName)}
	var err error
	if m.duration, err = m.meter.Float64Histogram("hush.provider.refresh.duration",
		metric.WithDescription("Duration of one listing of one provider."), metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)); err != nil {
		return nil, wrap(err)
	}
	if m.listingErrors, err = m.meter.Int64Counter("hush.provider.refresh.errors",
		metric.WithDescription("Failed listings and per-secret failures, by provider and error kind."),
		metric.WithUnit("{error}")); err != nil {
		return nil, wrap(err)
	}
	if m.cacheErrors, err = m.meter.Int64Counter("hush.provider.cache.errors",
		metric.WithDescription("Failed fetches through the cache, by error kind."),
		metric.WithUnit("{error}")); err != nil {
		return nil, wrap(err)
	}
	return m, nil
}

func wrap(err error) error { return fmt.Errorf("otelmetric: %w", err) }

// Listed records one listing's duration and, per failure, its kind.
func (m *Metrics) Listed(ctx context.Context, lister string, took time.Duration, err error) {
	p := attribute.String("provider", lister)
	m.duration.Record(ctx, took.Seconds(), metric.WithAttributes(p))
	for _, e := range provider.Failures(err) {
		m.listingErrors.Add(ctx, 1, metric.WithAttributes(p, attribute.String("error.kind", provider.Kind(e).String())))
	}
}

// FetchFailed counts a failed fetch through a Cache by kind.
func (m *Metrics) FetchFailed(ctx context.Context, kind provider.ErrorKind) {
	m.cacheErrors.Add(ctx, 1, metric.WithAttributes(attribute.String("error.kind", kind.String())))
}

// ObserveRefresher registers the gauges that read f.Status: last success,
// staleness and secrets by lister, and rebuilds.
func (m *Metrics) ObserveRefresher(f *provider.Refresher, now func() time.Time) error {
	if now == nil {
		now = time.Now
	}
	lastSuccess, err := m.meter.Float64ObservableGauge("hush.provider.refresh.last_success",
		metric.WithDescription("Unix time of the last successful (possibly partial) listing, by provider."), metric.WithUnit("s"))
	if err != nil {
		return wrap(err)
	}
	staleness, err := m.meter.Float64ObservableGauge("hush.provider.refresh.staleness",
		metric.WithDescription("Seconds since the last successful listing (since start, before the first), by provider."),
		metric.WithUnit("s"))
	if err != nil {
		return wrap(err)
	}
	secrets, err := m.meter.Int64ObservableGauge("hush.provider.secrets",
		metric.WithDescription("Secret values protected, including those in their grace period, by provider."),
		metric.WithUnit("{secret}"))
	if err != nil {
		return wrap(err)
	}
	rebuilds, err := m.meter.Int64ObservableCounter("hush.provider.rebuilds",
		metric.WithDescription("Rebuilds of the redactor's index after the set changed."), metric.WithUnit("{rebuild}"))
	if err != nil {
		return wrap(err)
	}
	reg, err := m.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		st := f.Status()
		t := now()
		for name, n := range st.ByLister {
			attrs := metric.WithAttributes(attribute.String("provider", name))
			since := st.Started
			if at, ok := st.ListedAt[name]; ok {
				since = at
				o.ObserveFloat64(lastSuccess, float64(at.UnixNano())/1e9, attrs)
			}
			o.ObserveFloat64(staleness, t.Sub(since).Seconds(), attrs)
			o.ObserveInt64(secrets, int64(n), attrs)
		}
		o.ObserveInt64(rebuilds, int64(st.Rebuilds))
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
	fetches, err := m.meter.Int64ObservableCounter("hush.provider.cache.fetches",
		metric.WithDescription("Fetches from the underlying provider."), metric.WithUnit("{fetch}"))
	if err != nil {
		return wrap(err)
	}
	stale, err := m.meter.Int64ObservableCounter("hush.provider.cache.stale",
		metric.WithDescription("Gets answered with a stale value after a failed refresh."), metric.WithUnit("{get}"))
	if err != nil {
		return wrap(err)
	}
	reg, err := m.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		st := c.Stats()
		o.ObserveInt64(fetches, int64(st.Fetches))
		o.ObserveInt64(stale, int64(st.Stale))
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
