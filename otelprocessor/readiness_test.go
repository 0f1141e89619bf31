package hushprocessor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/hushlog/hush/internal/smfake"
	"github.com/hushlog/hush/otelprocessor/internal/metadata"
)

// awsConfig points the processor at the stand-in through the SDK's default
// chain (environment set by smfake.SetEnv), selecting secrets by prefix.
func awsConfig(mut func(*Config)) *Config {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.AWS.Prefixes = []string{"prod/"}
	cfg.RefreshInterval = time.Second
	if mut != nil {
		mut(cfg)
	}
	return cfg
}

func newStandIn(t *testing.T) *smfake.Server {
	t.Helper()
	sm := smfake.New()
	t.Cleanup(sm.Close)
	sm.SetEnv(t)
	sm.Put(dbName, dbSecret)
	sm.Put(apiName, apiSecret)
	return sm
}

func secretLog(s string) plog.Logs {
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("value=" + s)
	return ld
}

func bodyOf(ld plog.Logs) string {
	return ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body().Str()
}

// createStarted creates and starts a logs processor without waiting for its
// index.
func createStarted(t *testing.T, cfg *Config, set processor.Settings) (processor.Logs, *consumertest.LogsSink) {
	t.Helper()
	sink := new(consumertest.LogsSink)
	p, err := NewFactory().CreateLogs(context.Background(), set, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p, sink
}

func indexOf(t *testing.T, cfg *Config) *sharedIndex {
	t.Helper()
	indexes.Lock()
	defer indexes.Unlock()
	idx := indexes.m[cfg]
	if idx == nil {
		t.Fatal("no index for this configuration")
	}
	return idx
}

func TestNotReadyActions(t *testing.T) {
	sm := newStandIn(t)
	sm.Fail("", smfake.Denied, 0) // every request denied until Heal: no index can be built

	t.Run("refuse", func(t *testing.T) {
		tel := componenttest.NewTelemetry()
		t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
		set := settings()
		set.TelemetrySettings = tel.NewTelemetrySettings()
		p, sink := createStarted(t, awsConfig(nil), set)
		err := p.ConsumeLogs(context.Background(), secretLog(dbSecret))
		if err == nil || consumererror.IsPermanent(err) {
			t.Fatalf("want a retryable error before the first index, got %v", err)
		}
		if strings.Contains(err.Error(), dbSecret) {
			t.Errorf("error holds secret %s", dbName)
		}
		if sink.LogRecordCount() != 0 {
			t.Error("data forwarded before the first index")
		}
		assertCounter(t, tel, metadata.MetricNotReadyItems, 1, attribute.String("processor", "hush"), attribute.String("otel.signal", "logs"), attribute.String("action", "refuse"))
	})
	t.Run("drop", func(t *testing.T) {
		p, sink := createStarted(t, awsConfig(func(c *Config) { c.WhenNotReady = NotReadyDrop }), settings())
		if err := p.ConsumeLogs(context.Background(), secretLog(dbSecret)); err != nil {
			t.Fatal(err)
		}
		if sink.LogRecordCount() != 0 {
			t.Error("dropped data was forwarded")
		}
	})
	t.Run("pass", func(t *testing.T) {
		p, sink := createStarted(t, awsConfig(func(c *Config) {
			c.WhenNotReady = NotReadyPass
			c.BlockedValues = []string{"value="}
		}), settings())
		if err := p.ConsumeLogs(context.Background(), secretLog("clean")); err != nil {
			t.Fatal(err)
		}
		if got := bodyOf(sink.AllLogs()[0]); got != "****clean" {
			t.Errorf("pass did not apply the rules: %q", got)
		}
	})
	t.Run("wait times out", func(t *testing.T) {
		p, _ := createStarted(t, awsConfig(func(c *Config) {
			c.WhenNotReady = NotReadyWait
			c.WaitTimeout = 50 * time.Millisecond
		}), settings())
		if err := p.ConsumeLogs(context.Background(), secretLog(dbSecret)); !errors.Is(err, errNotReady) {
			t.Fatalf("want errNotReady after the wait, got %v", err)
		}
	})
	t.Run("wait until ready", func(t *testing.T) {
		p, sink := createStarted(t, awsConfig(func(c *Config) {
			c.WhenNotReady = NotReadyWait
			c.WaitTimeout = 20 * time.Second
		}), settings())
		time.AfterFunc(200*time.Millisecond, sm.Heal)
		if err := p.ConsumeLogs(context.Background(), secretLog(dbSecret)); err != nil {
			t.Fatal(err)
		}
		if got := bodyOf(sink.AllLogs()[0]); got != "value="+dbRepl {
			t.Errorf("secret %s not scrubbed after waiting", dbName)
		}
	})
}

// Rotation: the new value is protected after one refresh and the old one
// stays protected (grace period); then an outage of the stand-in keeps the
// last index.
func TestRotationAndOutage(t *testing.T) {
	sm := newStandIn(t)
	cfg := awsConfig(func(c *Config) { c.RefreshInterval = time.Hour })
	p, sink := startLogs(t, cfg, settings())
	idx := indexOf(t, cfg)

	const rotated = "Np4wQ8zR1tY6uV3xK0sD"
	sm.Put(dbName, rotated)
	if err := idx.refresher.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{dbSecret, rotated} {
		if err := p.ConsumeLogs(context.Background(), secretLog(v)); err != nil {
			t.Fatal(err)
		}
	}
	for i, ld := range sink.AllLogs() {
		if got := bodyOf(ld); got != "value="+dbRepl {
			t.Errorf("batch %d: secret %s (old or rotated value) not scrubbed", i, dbName)
		}
	}

	sink.Reset()
	sm.Fail("", smfake.Internal, 0)
	if err := idx.refresher.Refresh(context.Background()); err == nil {
		t.Fatal("refresh against a failing stand-in succeeded")
	}
	if err := p.ConsumeLogs(context.Background(), secretLog(rotated+" "+apiSecret)); err != nil {
		t.Fatal(err)
	}
	if got := bodyOf(sink.AllLogs()[0]); got != "value="+dbRepl+" "+apiRepl {
		t.Errorf("scrubbing stopped during an outage: %q", strings.ReplaceAll(strings.ReplaceAll(got, rotated, "<db>"), apiSecret, "<api>"))
	}
}

// The pipeline never waits for a refresh: batches go through while a
// listing hangs on a slow stand-in.
func TestRefreshNeverBlocksThePipeline(t *testing.T) {
	sm := newStandIn(t)
	cfg := awsConfig(func(c *Config) { c.RefreshInterval = time.Hour })
	p, sink := startLogs(t, cfg, settings())
	idx := indexOf(t, cfg)

	sm.SetLatency(1500 * time.Millisecond)
	refreshed := make(chan struct{})
	go func() {
		defer close(refreshed)
		_ = idx.refresher.Refresh(context.Background())
	}()
	time.Sleep(50 * time.Millisecond) // let the listing reach the stand-in
	for i := 0; i < 200; i++ {
		if err := p.ConsumeLogs(context.Background(), secretLog(dbSecret)); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-refreshed:
		t.Error("the refresh ended before 200 batches went through; cannot tell whether they waited for it")
	default:
	}
	if sink.LogRecordCount() != 200 || bodyOf(sink.AllLogs()[199]) != "value="+dbRepl {
		t.Error("batches during a refresh were not scrubbed")
	}
	sm.Heal()
	<-refreshed
}

func TestTelemetry(t *testing.T) {
	sm := newStandIn(t)
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	set := settings()
	set.TelemetrySettings = tel.NewTelemetrySettings()
	cfg := awsConfig(func(c *Config) { c.RefreshInterval = time.Hour })
	p, _ := startLogs(t, cfg, set)
	for i := 0; i < 3; i++ {
		if err := p.ConsumeLogs(context.Background(), secretLog(dbSecret+" and "+dbSecret)); err != nil {
			t.Fatal(err)
		}
	}
	assertCounter(t, tel, metadata.MetricRedactions, 6, attribute.String("processor", "hush"), attribute.String("otel.signal", "logs"), attribute.String("secret", dbName))
	assertGauge(t, tel, metadata.MetricIndexReady, 1)
	assertGauge(t, tel, metadata.MetricIndexSecrets, 2)
	assertGauge(t, tel, metadata.MetricRefreshFailing, 0)
	if v := gaugeValue(t, tel, metadata.MetricIndexPatterns); v < 2 {
		t.Errorf("%s = %d", metadata.MetricIndexPatterns, v)
	}
	if v := gaugeValue(t, tel, metadata.MetricIndexBytes); v <= 0 {
		t.Errorf("%s = %d", metadata.MetricIndexBytes, v)
	}
	if _, err := tel.GetMetric(metadata.MetricIndexStaleness); err != nil {
		t.Error(err)
	}

	// A failing refresh shows up in the processor's gauge and the
	// refresher's error counter, both through the component's meter.
	sm.Fail("", smfake.Denied, 0)
	_ = indexOf(t, cfg).refresher.Refresh(context.Background())
	assertGauge(t, tel, metadata.MetricRefreshFailing, 1)
	if _, err := tel.GetMetric("otelcol_processor_hush_provider_refresh_errors"); err != nil {
		t.Errorf("refresher metrics not on the component's meter: %v", err)
	}
}

func assertCounter(t *testing.T, tel *componenttest.Telemetry, name string, want int64, attrs ...attribute.KeyValue) {
	t.Helper()
	m, err := tel.GetMetric(name)
	if err != nil {
		t.Fatal(err)
	}
	sum, ok := m.Data.(metricdata.Sum[int64])
	if !ok {
		t.Fatalf("%s is %T", name, m.Data)
	}
	set := attribute.NewSet(attrs...)
	for _, dp := range sum.DataPoints {
		if dp.Attributes.Equals(&set) {
			if dp.Value != want {
				t.Errorf("%s%v = %d, want %d", name, attrs, dp.Value, want)
			}
			return
		}
	}
	t.Errorf("%s has no point with %v", name, attrs)
}

func gaugeValue(t *testing.T, tel *componenttest.Telemetry, name string) int64 {
	t.Helper()
	m, err := tel.GetMetric(name)
	if err != nil {
		t.Fatal(err)
	}
	g, ok := m.Data.(metricdata.Gauge[int64])
	if !ok || len(g.DataPoints) != 1 {
		t.Fatalf("%s is %T with unexpected points", name, m.Data)
	}
	return g.DataPoints[0].Value
}

func assertGauge(t *testing.T, tel *componenttest.Telemetry, name string, want int64) {
	t.Helper()
	if got := gaugeValue(t, tel, name); got != want {
		t.Errorf("%s = %d, want %d", name, got, want)
	}
}

// The review's readiness bug: discovery (ListSecrets) works, then every
// secret fails on its own. The source must not count as listed: the
// processor keeps refusing data instead of scrubbing with an empty set,
// until the secrets can be read.
func TestReadinessFailsClosedWhenEverySecretFails(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(*smfake.Server)
	}{
		{"every secret denied", func(sm *smfake.Server) { sm.DenyAccess(dbName); sm.DenyAccess(apiName) }},
		{"every secret undecryptable", func(sm *smfake.Server) { sm.FailDecryption(dbName); sm.FailDecryption(apiName) }},
		{"BatchGetSecretValue denied", func(sm *smfake.Server) { sm.Fail(smfake.OpBatchGetSecretValue, smfake.Denied, 0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sm := newStandIn(t)
			tc.fault(sm)
			cfg := awsConfig(func(c *Config) { c.RefreshInterval = time.Hour })
			p, sink := createStarted(t, cfg, settings())
			idx := indexOf(t, cfg)
			require.Error(t, idx.refresher.Refresh(context.Background()))

			err := p.ConsumeLogs(context.Background(), secretLog(dbSecret))
			require.ErrorIs(t, err, errNotReady)
			assert.False(t, consumererror.IsPermanent(err))
			assert.Zero(t, sink.LogRecordCount(), "data forwarded with an empty secret set")
			st := idx.refresher.Status()
			assert.False(t, st.Ready)
			var pending []string
			for _, names := range st.Pending {
				pending = append(pending, names...)
			}
			assert.ElementsMatch(t, []string{dbName, apiName}, pending)

			sm.Heal()
			sm.Put(dbName, dbSecret) // a fresh version, readable
			sm.Put(apiName, apiSecret)
			require.NoError(t, idx.refresher.Refresh(context.Background()))
			require.Eventually(t, idx.isReady, testWait, 10*time.Millisecond)
			require.NoError(t, p.ConsumeLogs(context.Background(), secretLog(dbSecret)))
			if got := bodyOf(sink.AllLogs()[0]); got != "value="+dbRepl {
				t.Errorf("secret %s not scrubbed once readable", dbName)
			}
		})
	}
}

// The same with a file source: the directory is listed, every file in it
// fails to be read.
func TestReadinessFailsClosedFileSource(t *testing.T) {
	dir := t.TempDir()
	// A link to itself: listed, unreadable (ELOOP) whoever runs the test.
	require.NoError(t, os.Symlink("token", filepath.Join(dir, "token")))
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.Files.Dirs = []string{dir}
	cfg.RefreshInterval = time.Hour
	p, sink := createStarted(t, cfg, settings())
	idx := indexOf(t, cfg)
	require.Error(t, idx.refresher.Refresh(context.Background()))
	require.ErrorIs(t, p.ConsumeLogs(context.Background(), secretLog(dbSecret)), errNotReady)
	assert.Zero(t, sink.LogRecordCount())
	assert.Equal(t, map[string][]string{"file:" + dir: {"token"}}, idx.refresher.Status().Pending)

	// The file becomes readable: ready, and its value is scrubbed.
	require.NoError(t, os.Remove(filepath.Join(dir, "token")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "token"), []byte(dbSecret), 0o600))
	require.NoError(t, idx.refresher.Refresh(context.Background()))
	require.Eventually(t, idx.isReady, testWait, 10*time.Millisecond)
	require.NoError(t, p.ConsumeLogs(context.Background(), secretLog(dbSecret)))
	if got := bodyOf(sink.AllLogs()[0]); got != "value=[REDACTED:token]" {
		t.Error("the file's secret was not scrubbed once readable")
	}
}
