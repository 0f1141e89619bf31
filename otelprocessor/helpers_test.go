package hushprocessor

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/hushlog/hush/config"
	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/otelprocessor/internal/metadata"
	"github.com/hushlog/hush/redact"
)

// Test secrets: random-looking, long enough to be indexed, and with
// characters that JSON, URL and HTML escape differently.
const (
	dbName     = "prod/db/password"
	dbSecret   = "Vq7rT2p&Lx9Kw3<Nz8"
	apiName    = "prod/api/key"
	apiSecret  = "pk_demo_4eC39HqLyjWDarjtT1zdp7dc" // no detectable token format: the tests measure known secrets
	pinName    = "prod/vault/pin"
	pinSecret  = "827461930551826"
	dbRepl     = "[REDACTED:" + dbName + "]"
	apiRepl    = "[REDACTED:" + apiName + "]"
	pinRepl    = "[REDACTED:" + pinName + "]"
	testWait   = 10 * time.Second
	cardNumber = "4111111111111111"
)

var testSecrets = map[string]string{dbName: dbSecret, apiName: apiSecret, pinName: pinSecret}

// staticConfig returns the default configuration with the test secrets
// given as static secrets.
func staticConfig() *Config {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	for _, n := range []string{dbName, apiName, pinName} {
		cfg.Static = append(cfg.Static, config.StaticSecret{Name: n, Value: config.Opaque(testSecrets[n])})
	}
	return cfg
}

func jsonEscape(v string) string {
	r := strings.NewReplacer(`"`, `\"`, `\`, `\\`, "<", `\u003c`, ">", `\u003e`, "&", `\u0026`)
	return r.Replace(v)
}

// assertNoLeak fails when any test secret occurs in data, in any form the
// project's leak oracle knows or in any standard decode of data. It names
// the secret and the form, never the value.
func assertNoLeak(t *testing.T, what string, data []byte) {
	t.Helper()
	secrets := make([]redact.Secret, 0, len(testSecrets))
	for name, v := range testSecrets {
		secrets = append(secrets, redact.Secret{Name: name, Value: v})
	}
	leaktest.Check(t, secrets, data, what)
}

func logsBytes(t *testing.T, ld plog.Logs) []byte {
	t.Helper()
	p, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	if err != nil {
		t.Fatal(err)
	}
	j, err := (&plog.JSONMarshaler{}).MarshalLogs(ld)
	if err != nil {
		t.Fatal(err)
	}
	return append(p, j...)
}

func tracesBytes(t *testing.T, td ptrace.Traces) []byte {
	t.Helper()
	p, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
	if err != nil {
		t.Fatal(err)
	}
	j, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	if err != nil {
		t.Fatal(err)
	}
	return append(p, j...)
}

func metricsBytes(t *testing.T, md pmetric.Metrics) []byte {
	t.Helper()
	p, err := (&pmetric.ProtoMarshaler{}).MarshalMetrics(md)
	if err != nil {
		t.Fatal(err)
	}
	j, err := (&pmetric.JSONMarshaler{}).MarshalMetrics(md)
	if err != nil {
		t.Fatal(err)
	}
	return append(p, j...)
}

func settings() processor.Settings {
	return processortest.NewNopSettings(metadata.Type)
}

// waitReady blocks until the index of cfg has been built.
func waitReady(t *testing.T, cfg *Config) {
	t.Helper()
	indexes.Lock()
	idx := indexes.m[cfg]
	indexes.Unlock()
	if idx == nil {
		t.Fatal("no index for this configuration")
	}
	deadline := time.Now().Add(testWait)
	for !idx.isReady() {
		if time.Now().After(deadline) {
			t.Fatal("index not ready in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// startLogs creates and starts a logs processor through the factory and
// waits for its index.
func startLogs(t *testing.T, cfg *Config, set processor.Settings) (processor.Logs, *consumertest.LogsSink) {
	t.Helper()
	sink := new(consumertest.LogsSink)
	p, err := NewFactory().CreateLogs(context.Background(), set, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	waitReady(t, cfg)
	return p, sink
}

func startTraces(t *testing.T, cfg *Config, set processor.Settings) (processor.Traces, *consumertest.TracesSink) {
	t.Helper()
	sink := new(consumertest.TracesSink)
	p, err := NewFactory().CreateTraces(context.Background(), set, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	waitReady(t, cfg)
	return p, sink
}

func startMetrics(t *testing.T, cfg *Config, set processor.Settings) (processor.Metrics, *consumertest.MetricsSink) {
	t.Helper()
	sink := new(consumertest.MetricsSink)
	p, err := NewFactory().CreateMetrics(context.Background(), set, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	waitReady(t, cfg)
	return p, sink
}

// runLogs sends ld through a fresh processor for cfg and returns the output.
func runLogs(t *testing.T, cfg *Config, ld plog.Logs) plog.Logs {
	t.Helper()
	p, sink := startLogs(t, cfg, settings())
	if err := p.ConsumeLogs(context.Background(), ld); err != nil {
		t.Fatal(err)
	}
	if len(sink.AllLogs()) != 1 {
		t.Fatalf("%d batches out, want 1", len(sink.AllLogs()))
	}
	return sink.AllLogs()[0]
}

func runTraces(t *testing.T, cfg *Config, td ptrace.Traces) ptrace.Traces {
	t.Helper()
	p, sink := startTraces(t, cfg, settings())
	if err := p.ConsumeTraces(context.Background(), td); err != nil {
		t.Fatal(err)
	}
	if len(sink.AllTraces()) != 1 {
		t.Fatalf("%d batches out, want 1", len(sink.AllTraces()))
	}
	return sink.AllTraces()[0]
}

func runMetrics(t *testing.T, cfg *Config, md pmetric.Metrics) pmetric.Metrics {
	t.Helper()
	p, sink := startMetrics(t, cfg, settings())
	if err := p.ConsumeMetrics(context.Background(), md); err != nil {
		t.Fatal(err)
	}
	if len(sink.AllMetrics()) != 1 {
		t.Fatalf("%d batches out, want 1", len(sink.AllMetrics()))
	}
	return sink.AllMetrics()[0]
}
