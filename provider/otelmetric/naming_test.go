package otelmetric_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/otelmetric"
)

// Listing durations from a millisecond to a minute land in distinct,
// second-scale buckets; the naming, scope and attribute options apply to
// every instrument.
func TestDurationBucketsAndNaming(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	m, err := otelmetric.New(mp,
		otelmetric.WithScopeName("example/scope"),
		otelmetric.WithNaming("otelcol_processor_hush_provider_", "_"),
		otelmetric.WithAttributes(attribute.String("processor", "hush/b")))
	require.NoError(t, err)
	ctx := context.Background()
	durations := []time.Duration{500 * time.Microsecond, 3 * time.Millisecond, 40 * time.Millisecond, 200 * time.Millisecond, 1500 * time.Millisecond, 45 * time.Second}
	for _, d := range durations {
		m.Listed(ctx, "file:/run/secrets", d, nil)
	}
	m.Listed(ctx, "file:/run/secrets", time.Millisecond, provider.NewError("file", "", provider.AccessDenied, nil))
	m.FetchFailed(ctx, provider.NotFound)

	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(ctx, &rm))
	require.Len(t, rm.ScopeMetrics, 1)
	assert.Equal(t, "example/scope", rm.ScopeMetrics[0].Scope.Name)
	got := map[string]metricdata.Aggregation{}
	for _, mt := range rm.ScopeMetrics[0].Metrics {
		got[mt.Name] = mt.Data
	}
	assert.Contains(t, got, "otelcol_processor_hush_provider_refresh_errors")
	assert.Contains(t, got, "otelcol_processor_hush_provider_cache_errors")

	hist, ok := got["otelcol_processor_hush_provider_refresh_duration"].(metricdata.Histogram[float64])
	require.True(t, ok)
	require.Len(t, hist.DataPoints, 1)
	dp := hist.DataPoints[0]
	assert.Equal(t, otelmetric.DurationBuckets, dp.Bounds)
	v, _ := dp.Attributes.Value("processor")
	assert.Equal(t, "hush/b", v.AsString())
	nonEmpty := 0
	for _, c := range dp.BucketCounts {
		assert.LessOrEqual(t, c, uint64(2), "observations bunched in one bucket: %v", dp.BucketCounts)
		if c > 0 {
			nonEmpty++
		}
	}
	assert.GreaterOrEqual(t, nonEmpty, len(durations)-1, "bucket counts %v", dp.BucketCounts)
	assert.Less(t, dp.BucketCounts[0], uint64(len(durations)), "every observation in the first bucket")
}
