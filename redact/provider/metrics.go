package provider

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// meterName is the instrumentation scope of this package's metrics.
const meterName = "github.com/hushlog/hush/redact/provider"

// refresherMetrics are the Refresher's instruments (OpenTelemetry metric
// API). Every instrument carries the attribute "provider" (the lister name);
// errors also carry "error.kind".
//
//	hush.provider.refresh.duration      histogram, s    one listing of one lister
//	hush.provider.refresh.errors        counter         failed listings and per-secret failures, by kind
//	hush.provider.refresh.last_success  gauge, s        unix time of the last (possibly partial) listing
//	hush.provider.refresh.staleness     gauge, s        time since then (since the start before any)
//	hush.provider.secrets               gauge           values protected, including those in grace
//	hush.provider.rebuilds              counter         Redactor rebuilds (no attribute)
type refresherMetrics struct {
	duration metric.Float64Histogram
	errors   metric.Int64Counter
	reg      metric.Registration
	rebuilds atomic.Uint64
}

func (m *refresherMetrics) init(mp metric.MeterProvider, f *Refresher) error {
	if mp == nil {
		return nil
	}
	meter := mp.Meter(meterName)
	wrap := func(err error) error { return fmt.Errorf("provider: refresher metrics: %w", err) }
	var err error
	if m.duration, err = meter.Float64Histogram("hush.provider.refresh.duration",
		metric.WithDescription("Duration of one listing of one provider."), metric.WithUnit("s")); err != nil {
		return wrap(err)
	}
	if m.errors, err = meter.Int64Counter("hush.provider.refresh.errors",
		metric.WithDescription("Failed listings and per-secret failures, by provider and error kind."),
		metric.WithUnit("{error}")); err != nil {
		return wrap(err)
	}
	lastSuccess, err := meter.Float64ObservableGauge("hush.provider.refresh.last_success",
		metric.WithDescription("Unix time of the last successful (possibly partial) listing, by provider."), metric.WithUnit("s"))
	if err != nil {
		return wrap(err)
	}
	staleness, err := meter.Float64ObservableGauge("hush.provider.refresh.staleness",
		metric.WithDescription("Seconds since the last successful listing (since start, before the first), by provider."),
		metric.WithUnit("s"))
	if err != nil {
		return wrap(err)
	}
	secrets, err := meter.Int64ObservableGauge("hush.provider.secrets",
		metric.WithDescription("Secret values protected, including those in their grace period, by provider."),
		metric.WithUnit("{secret}"))
	if err != nil {
		return wrap(err)
	}
	rebuilds, err := meter.Int64ObservableCounter("hush.provider.rebuilds",
		metric.WithDescription("Rebuilds of the redactor's index after the set changed."), metric.WithUnit("{rebuild}"))
	if err != nil {
		return wrap(err)
	}
	started := f.now()
	m.reg, err = meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		now := f.now()
		for _, ls := range f.listers {
			attrs := metric.WithAttributes(attribute.String("provider", ls.name))
			since := started
			if t := ls.lastSuccess.Load(); t != 0 {
				since = time.Unix(0, t)
				o.ObserveFloat64(lastSuccess, float64(t)/1e9, attrs)
			}
			o.ObserveFloat64(staleness, now.Sub(since).Seconds(), attrs)
			o.ObserveInt64(secrets, ls.count.Load(), attrs)
		}
		o.ObserveInt64(rebuilds, int64(m.rebuilds.Load()))
		return nil
	}, lastSuccess, staleness, secrets, rebuilds)
	if err != nil {
		return wrap(err)
	}
	return nil
}

func (m *refresherMetrics) recordListing(ctx context.Context, lister string, d time.Duration, err error) {
	if m.duration == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	p := attribute.String("provider", lister)
	m.duration.Record(ctx, d.Seconds(), metric.WithAttributes(p))
	for _, e := range errorLeaves(err) {
		m.errors.Add(ctx, 1, metric.WithAttributes(p, attribute.String("error.kind", Kind(e).String())))
	}
}

func (m *refresherMetrics) close() {
	if m.reg != nil {
		_ = m.reg.Unregister()
	}
}
