package otelcompare

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/redactionprocessor"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/hushlog/hush/config"
	hushprocessor "github.com/hushlog/hush/otelprocessor"
)

const batch = 1000

var secretCounts = []int{10, 100, 1000}

// secrets returns n random 24-character values; secrets(10) is a prefix of
// secrets(1000), so every configuration meets the same secrets in the batch.
func secrets(n int) []config.StaticSecret {
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
	out := make([]config.StaticSecret, n)
	for i := range out {
		b := make([]byte, 24)
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		out[i] = config.StaticSecret{Name: fmt.Sprintf("prod/app/secret-%04d", i), Value: config.Opaque(b)}
	}
	return out
}

// logs is the batch of otelprocessor's benchmarks: HTTP server logs with
// ten attributes and a message; 1% carry a secret (raw, in a body string).
func logs(n int, s []config.StaticSecret) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	ra := rl.Resource().Attributes()
	ra.PutStr("service.name", "checkout")
	ra.PutStr("service.version", "2.14.1")
	ra.PutStr("host.name", "ip-10-0-3-17.ec2.internal")
	ra.PutStr("k8s.pod.name", "checkout-7d9f8b6c5-x2kqp")
	ra.PutStr("cloud.region", "us-east-1")
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("github.com/acme/checkout/internal/http")
	lrs := sl.LogRecords()
	for i := 0; i < n; i++ {
		lr := lrs.AppendEmpty()
		lr.SetTimestamp(pcommon.Timestamp(1_700_000_000_000_000_000 + int64(i)*1_000_000))
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		lr.SetSeverityText("INFO")
		lr.SetTraceID(pcommon.TraceID{byte(i), byte(i >> 8), 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
		a := lr.Attributes()
		a.PutStr("http.request.method", "POST")
		a.PutStr("url.path", "/api/v1/orders/"+strconv.Itoa(100000+i)+"/items")
		a.PutStr("url.query", "page=2&per_page=50&sort=created_at")
		a.PutInt("http.response.status_code", 200)
		a.PutInt("http.response.body.size", int64(1024+i))
		a.PutStr("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36")
		a.PutStr("client.address", "203.0.113."+strconv.Itoa(i%250))
		a.PutStr("network.protocol.version", "1.1")
		a.PutDouble("http.server.duration_ms", 12.5)
		a.PutStr("user.id", "usr_"+strconv.Itoa(7000+i))
		msg := "order " + strconv.Itoa(100000+i) + " accepted: 3 items, total 129.90 EUR, payment authorized by provider stripe in 212ms"
		if i%100 == 50 {
			// Raw, so that the regular expressions of redactionprocessor
			// can find it too (hush would also find it base64-encoded).
			msg = "retrying upstream call with password=" + string(s[(i/100)%len(s)].Value)
		}
		lr.Body().SetStr(msg)
	}
	return ld
}

func traces(n int, s []config.StaticSecret) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	ra := rs.Resource().Attributes()
	ra.PutStr("service.name", "checkout")
	ra.PutStr("service.version", "2.14.1")
	ra.PutStr("host.name", "ip-10-0-3-17.ec2.internal")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp")
	spans := ss.Spans()
	for i := 0; i < n; i++ {
		sp := spans.AppendEmpty()
		sp.SetName("POST /api/v1/orders/{id}/items")
		sp.SetTraceID(pcommon.TraceID{byte(i), byte(i >> 8), 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
		sp.SetSpanID(pcommon.SpanID{byte(i), 2, 3, 4, 5, 6, 7, 8})
		sp.SetKind(ptrace.SpanKindServer)
		a := sp.Attributes()
		a.PutStr("http.request.method", "POST")
		a.PutStr("url.path", "/api/v1/orders/"+strconv.Itoa(100000+i)+"/items")
		a.PutStr("url.scheme", "https")
		a.PutInt("http.response.status_code", 200)
		a.PutStr("server.address", "checkout.internal")
		a.PutInt("server.port", 8443)
		a.PutStr("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36")
		a.PutStr("client.address", "203.0.113."+strconv.Itoa(i%250))
		q := "SELECT id, status, total FROM orders WHERE customer_id = $1 AND created_at > $2 ORDER BY created_at DESC LIMIT 50"
		if i%100 == 50 {
			q = "ALTER USER app WITH PASSWORD '" + string(s[(i/100)%len(s)].Value) + "'"
		}
		a.PutStr("db.query.text", q)
		a.PutStr("db.system", "postgresql")
	}
	return td
}

// hushConfig is the hush processor with the secrets as static secrets.
func hushConfig(s []config.StaticSecret) component.Config {
	cfg := hushprocessor.NewFactory().CreateDefaultConfig().(*hushprocessor.Config)
	cfg.Static = s
	return cfg
}

// redactionConfig is redactionprocessor with every key allowed and the
// secrets as quoted blocked_values: the way to hold known values in it.
func redactionConfig(s []config.StaticSecret) component.Config {
	cfg := redactionprocessor.NewFactory().CreateDefaultConfig().(*redactionprocessor.Config)
	cfg.AllowAllKeys = true
	for _, v := range s {
		cfg.BlockedValues = append(cfg.BlockedValues, regexp.QuoteMeta(string(v.Value)))
	}
	return cfg
}

type impl struct {
	name    string
	factory processor.Factory
	config  func([]config.StaticSecret) component.Config
}

var impls = []impl{
	{"hush", hushprocessor.NewFactory(), hushConfig},
	{"redaction", redactionprocessor.NewFactory(), redactionConfig},
}

func start(tb testing.TB, c component.Component) {
	tb.Helper()
	if err := c.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Shutdown(context.Background()) })
}

// settle waits until a processor accepts data (hush refuses until its
// index is built, a few milliseconds after Start).
func settle(tb testing.TB, try func() error) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for try() != nil {
		if time.Now().After(deadline) {
			tb.Fatal("processor not ready")
		}
		time.Sleep(time.Millisecond)
	}
}

// newLogs creates, starts and settles the logs processor the benchmark
// times, sending to next.
func newLogs(tb testing.TB, im impl, s []config.StaticSecret, next consumer.Logs) processor.Logs {
	tb.Helper()
	p, err := im.factory.CreateLogs(context.Background(), processortest.NewNopSettings(im.factory.Type()), im.config(s), next)
	if err != nil {
		tb.Fatal(err)
	}
	start(tb, p)
	settle(tb, func() error { return p.ConsumeLogs(context.Background(), plog.NewLogs()) })
	return p
}

// newTraces is newLogs for spans.
func newTraces(tb testing.TB, im impl, s []config.StaticSecret, next consumer.Traces) processor.Traces {
	tb.Helper()
	p, err := im.factory.CreateTraces(context.Background(), processortest.NewNopSettings(im.factory.Type()), im.config(s), next)
	if err != nil {
		tb.Fatal(err)
	}
	start(tb, p)
	settle(tb, func() error { return p.ConsumeTraces(context.Background(), ptrace.NewTraces()) })
	return p
}

func BenchmarkLogs(b *testing.B) {
	for _, n := range secretCounts {
		s := secrets(n)
		src := logs(batch, s)
		size, _ := (&plog.ProtoMarshaler{}).MarshalLogs(src)
		for _, im := range impls {
			b.Run(fmt.Sprintf("secrets=%d/impl=%s", n, im.name), func(b *testing.B) {
				// The work timed is the work TestLogs checks: the batch
				// comes out with every secret gone.
				sink := new(consumertest.LogsSink)
				checkLogs(b, newLogs(b, im, s, sink), sink, src, s, im.name)
				p := newLogs(b, im, s, consumertest.NewNop())
				b.ReportAllocs()
				b.SetBytes(int64(len(size)))
				for b.Loop() {
					b.StopTimer()
					ld := plog.NewLogs()
					src.CopyTo(ld)
					b.StartTimer()
					if err := p.ConsumeLogs(context.Background(), ld); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkTraces(b *testing.B) {
	for _, n := range secretCounts {
		s := secrets(n)
		src := traces(batch, s)
		size, _ := (&ptrace.ProtoMarshaler{}).MarshalTraces(src)
		for _, im := range impls {
			b.Run(fmt.Sprintf("secrets=%d/impl=%s", n, im.name), func(b *testing.B) {
				sink := new(consumertest.TracesSink)
				checkTraces(b, newTraces(b, im, s, sink), sink, src, s, im.name)
				p := newTraces(b, im, s, consumertest.NewNop())
				b.ReportAllocs()
				b.SetBytes(int64(len(size)))
				for b.Loop() {
					b.StopTimer()
					td := ptrace.NewTraces()
					src.CopyTo(td)
					b.StartTimer()
					if err := p.ConsumeTraces(context.Background(), td); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestLogs checks, for both processors at every secret count, what
// BenchmarkLogs times: the batch's secrets are removed and the other records
// pass unchanged, so the comparison is between equivalent work.
func TestLogs(t *testing.T) {
	for _, n := range secretCounts {
		s := secrets(n)
		src := logs(batch, s)
		for _, im := range impls {
			t.Run(fmt.Sprintf("secrets=%d/impl=%s", n, im.name), func(t *testing.T) {
				sink := new(consumertest.LogsSink)
				checkLogs(t, newLogs(t, im, s, sink), sink, src, s, im.name)
			})
		}
	}
}

// TestTraces is TestLogs for BenchmarkTraces.
func TestTraces(t *testing.T) {
	for _, n := range secretCounts {
		s := secrets(n)
		src := traces(batch, s)
		for _, im := range impls {
			t.Run(fmt.Sprintf("secrets=%d/impl=%s", n, im.name), func(t *testing.T) {
				sink := new(consumertest.TracesSink)
				checkTraces(t, newTraces(t, im, s, sink), sink, src, s, im.name)
			})
		}
	}
}

// secretRecord reports whether record (or span) i of a batch carries a
// secret, and which: logs and traces plant one in every hundredth.
func secretRecord(i int, s []config.StaticSecret) (string, bool) {
	return string(s[(i/100)%len(s)].Value), i%100 == 50
}

// checkLogs sends a copy of src through p and checks what reaches sink:
// each planted secret is gone from its body, which keeps its text before
// the secret; every other body is unchanged. Messages name the record, never
// the value. (redactionprocessor adds attributes of its own, so only
// bodies are compared.)
func checkLogs(tb testing.TB, p consumer.Logs, sink *consumertest.LogsSink, src plog.Logs, s []config.StaticSecret, name string) {
	tb.Helper()
	sink.Reset() // the empty batches settle sent
	ld := plog.NewLogs()
	src.CopyTo(ld)
	require.NoError(tb, p.ConsumeLogs(context.Background(), ld))
	require.Len(tb, sink.AllLogs(), 1, "%s: batches out", name)
	out := sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	in := src.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	require.Equal(tb, in.Len(), out.Len(), "%s: records out", name)
	planted := 0
	for i := range out.Len() {
		body, want := out.At(i).Body().Str(), in.At(i).Body().Str()
		secret, ok := secretRecord(i, s)
		if !ok {
			if body != want {
				tb.Fatalf("%s changed the body of record %d, which holds no secret", name, i)
			}
			continue
		}
		planted++
		if strings.Contains(body, secret) || !strings.HasPrefix(body, "retrying upstream call with password=") {
			tb.Fatalf("%s did not redact the secret of record %d (or changed the text around it)", name, i)
		}
	}
	require.Equal(tb, batch/100, planted, "records with a secret")
}

// checkTraces is checkLogs for spans: the secret is in db.query.text.
func checkTraces(tb testing.TB, p consumer.Traces, sink *consumertest.TracesSink, src ptrace.Traces, s []config.StaticSecret, name string) {
	tb.Helper()
	sink.Reset() // the empty batches settle sent
	td := ptrace.NewTraces()
	src.CopyTo(td)
	require.NoError(tb, p.ConsumeTraces(context.Background(), td))
	require.Len(tb, sink.AllTraces(), 1, "%s: batches out", name)
	out := sink.AllTraces()[0].ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	in := src.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	require.Equal(tb, in.Len(), out.Len(), "%s: spans out", name)
	planted := 0
	for i := range out.Len() {
		q, ok := out.At(i).Attributes().Get("db.query.text")
		require.True(tb, ok, "%s dropped db.query.text of span %d", name, i)
		wq, _ := in.At(i).Attributes().Get("db.query.text")
		secret, planted1 := secretRecord(i, s)
		if !planted1 {
			if q.Str() != wq.Str() {
				tb.Fatalf("%s changed db.query.text of span %d, which holds no secret", name, i)
			}
			continue
		}
		planted++
		if strings.Contains(q.Str(), secret) || !strings.HasPrefix(q.Str(), "ALTER USER app WITH PASSWORD '") {
			tb.Fatalf("%s did not redact the secret of span %d (or changed the text around it)", name, i)
		}
	}
	require.Equal(tb, batch/100, planted, "spans with a secret")
}
