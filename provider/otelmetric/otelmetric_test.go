package otelmetric_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/otelmetric"
	"github.com/hushlog/hush/redact"
)

// lister returns its values, or its error; failOn makes one secret fail.
type lister struct {
	name string
	mu   sync.Mutex
	vals map[string]string
	err  error
}

func (l *lister) Name() string { return l.name }

func (l *lister) List(context.Context) ([]redact.Secret, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []redact.Secret
	for k, v := range l.vals {
		out = append(out, redact.Secret{Name: k, Value: v})
	}
	return out, l.err
}

func (l *lister) Get(_ context.Context, name string) (redact.Secret, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return redact.Secret{}, l.err
	}
	return redact.Secret{Name: name, Value: l.vals[name]}, nil
}

func (l *lister) fail(err error) { l.mu.Lock(); l.err = err; l.mu.Unlock() }

func collect(t *testing.T, reader *sdkmetric.ManualReader) map[string]metricdata.Aggregation {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]metricdata.Aggregation{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != otelmetric.ScopeName {
			t.Errorf("scope %q", sm.Scope.Name)
		}
		for _, m := range sm.Metrics {
			got[m.Name] = m.Data
		}
	}
	return got
}

func TestRefresherMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	m, err := otelmetric.New(mp)
	if err != nil {
		t.Fatal(err)
	}
	r, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	good := &lister{name: "good", vals: map[string]string{"a": "first-value-aaaa", "b": "second-value-bbbb"}}
	bad := &lister{name: "bad", vals: map[string]string{"c": "third-value-cccc"}}
	f, err := provider.NewRefresher(r, []provider.Lister{good, bad}, provider.RefresherOptions{Observer: m})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := m.ObserveRefresher(f, nil); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_ = f.Refresh(ctx)
	bad.fail(errors.Join(provider.NewError("bad", "c", provider.AccessDenied, errors.New("denied"))))
	_ = f.Refresh(ctx)
	bad.fail(provider.NewError("bad", "", provider.Transient, errors.New("throttled")))
	_ = f.Refresh(ctx)

	got := collect(t, reader)
	for _, name := range []string{
		"hush.provider.refresh.duration", "hush.provider.refresh.errors", "hush.provider.refresh.last_success",
		"hush.provider.refresh.staleness", "hush.provider.secrets", "hush.provider.rebuilds",
	} {
		if got[name] == nil {
			t.Errorf("metric %s missing", name)
		}
	}
	errs, _ := got["hush.provider.refresh.errors"].(metricdata.Sum[int64])
	kinds := map[string]int64{}
	for _, dp := range errs.DataPoints {
		p, _ := dp.Attributes.Value(attribute.Key("provider"))
		k, _ := dp.Attributes.Value(attribute.Key("error.kind"))
		kinds[p.AsString()+"/"+k.AsString()] += dp.Value
	}
	if kinds["bad/access_denied"] != 1 || kinds["bad/transient"] != 1 || len(kinds) != 2 {
		t.Errorf("errors by provider and kind = %v", kinds)
	}
	secrets, _ := got["hush.provider.secrets"].(metricdata.Gauge[int64])
	if len(secrets.DataPoints) != 2 {
		t.Errorf("secrets has %d data points, want 2", len(secrets.DataPoints))
	}
	for _, dp := range secrets.DataPoints {
		p, _ := dp.Attributes.Value(attribute.Key("provider"))
		want := map[string]int64{"good": 2, "bad": 1}[p.AsString()]
		if dp.Value != want {
			t.Errorf("secrets{provider=%s} = %d, want %d", p.AsString(), dp.Value, want)
		}
	}
	hist, _ := got["hush.provider.refresh.duration"].(metricdata.Histogram[float64])
	var n uint64
	for _, dp := range hist.DataPoints {
		n += dp.Count
		if dp.Bounds[len(dp.Bounds)-1] < 10 {
			t.Errorf("duration buckets end at %v s; listings of large sets take seconds", dp.Bounds[len(dp.Bounds)-1])
		}
	}
	if n != 6 {
		t.Errorf("%d listings recorded, want 6", n)
	}

	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, reader); got["hush.provider.secrets"] != nil {
		t.Error("gauges still reported after Close")
	}
}

func TestCacheMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	m, err := otelmetric.New(mp)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	r, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	src := &lister{name: "src", vals: map[string]string{"a": "first-value-aaaa"}}
	now := time.Unix(1e9, 0)
	c, err := provider.NewCache(src, r, provider.CacheOptions{Observer: m, Now: func() time.Time { return now }, TTL: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := m.ObserveCache(c); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	src.fail(provider.NewError("src", "a", provider.AccessDenied, errors.New("denied")))
	now = now.Add(time.Hour)
	if _, err := c.Get(ctx, "a"); err != nil {
		t.Fatalf("stale value not served: %v", err)
	}
	got := collect(t, reader)
	sum := func(name string) int64 {
		s, _ := got[name].(metricdata.Sum[int64])
		var v int64
		for _, dp := range s.DataPoints {
			v += dp.Value
		}
		return v
	}
	if f, st, e := sum("hush.provider.cache.fetches"), sum("hush.provider.cache.stale"), sum("hush.provider.cache.errors"); f != 2 || st != 1 || e != 1 {
		t.Errorf("fetches, stale, errors = %d, %d, %d; want 2, 1, 1", f, st, e)
	}
}
