package hushprocessor

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pprofile"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"

	"github.com/hushlog/hush/config"
)

// The benchmarks run a batch of 1,000 log records (or spans) with realistic
// attributes, 1% of them carrying a secret, through:
//
//   - noop: the part of a pipeline every collector pays for a batch:
//     decoding the OTLP request and encoding the export request;
//   - hush/secrets=N: the same with the hush processor in between, N
//     secrets in the index.
//
// The ratio of the two is the processor's added cost. BenchmarkProcessor*
// times the processor alone.

const benchBatch = 1000

func benchSecrets(n int) []config.StaticSecret {
	rng := rand.New(rand.NewPCG(1, 2)) // one sequence: benchSecrets(10) is a prefix of benchSecrets(1000)
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

// benchLogs is a batch of n records as a service emits them: HTTP server
// logs with ten attributes and a message; 1% carry a secret.
func benchLogs(n int, secrets []config.StaticSecret) plog.Logs {
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
	lrs.EnsureCapacity(n)
	for i := 0; i < n; i++ {
		lr := lrs.AppendEmpty()
		lr.SetTimestamp(pcommon.Timestamp(1_700_000_000_000_000_000 + int64(i)*1_000_000))
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		lr.SetSeverityText("INFO")
		lr.SetTraceID(pcommon.TraceID{byte(i), byte(i >> 8), 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
		lr.SetSpanID(pcommon.SpanID{byte(i), 2, 3, 4, 5, 6, 7, 8})
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
		if i%100 == 50 && len(secrets) > 0 {
			s := string(secrets[(i/100)%len(secrets)].Value)
			msg = "retrying upstream call with Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("svc:"+s))
		}
		lr.Body().SetStr(msg)
	}
	return ld
}

func benchTraces(n int, secrets []config.StaticSecret) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	ra := rs.Resource().Attributes()
	ra.PutStr("service.name", "checkout")
	ra.PutStr("service.version", "2.14.1")
	ra.PutStr("host.name", "ip-10-0-3-17.ec2.internal")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp")
	spans := ss.Spans()
	spans.EnsureCapacity(n)
	for i := 0; i < n; i++ {
		sp := spans.AppendEmpty()
		sp.SetName("POST /api/v1/orders/{id}/items")
		sp.SetTraceID(pcommon.TraceID{byte(i), byte(i >> 8), 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
		sp.SetSpanID(pcommon.SpanID{byte(i), 2, 3, 4, 5, 6, 7, 8})
		sp.SetKind(ptrace.SpanKindServer)
		sp.SetStartTimestamp(pcommon.Timestamp(1_700_000_000_000_000_000 + int64(i)*1_000_000))
		sp.SetEndTimestamp(pcommon.Timestamp(1_700_000_000_012_000_000 + int64(i)*1_000_000))
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
		if i%100 == 50 && len(secrets) > 0 {
			q = "ALTER USER app WITH PASSWORD '" + string(secrets[(i/100)%len(secrets)].Value) + "'"
		}
		a.PutStr("db.query.text", q)
		a.PutStr("db.system", "postgresql")
	}
	return td
}

func benchProcessor(b *testing.B, secrets []config.StaticSecret) (processor.Logs, processor.Traces) {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.Static = secrets
	set := settings()
	set.TelemetrySettings = componenttest.NewNopTelemetrySettings()
	lp, err := NewFactory().CreateLogs(context.Background(), set, cfg, consumertest.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	tp, err := NewFactory().CreateTraces(context.Background(), set, cfg, consumertest.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	if err := lp.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	if err := tp.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = lp.Shutdown(context.Background())
		_ = tp.Shutdown(context.Background())
	})
	waitReadyB(b, cfg)
	return lp, tp
}

func waitReadyB(b *testing.B, cfg *Config) {
	indexes.Lock()
	idx := indexes.m[cfg]
	indexes.Unlock()
	<-idx.readyCh()
	for !idx.isReady() {
		time.Sleep(time.Millisecond) // watchReady flips the flag right after
	}
}

var secretCounts = []int{10, 100, 1000}

// BenchmarkPipelineLogs compares decode + export encode of a 1,000-record
// batch without and with the processor.
func BenchmarkPipelineLogs(b *testing.B) {
	payload, err := (&plog.ProtoMarshaler{}).MarshalLogs(benchLogs(benchBatch, benchSecrets(1000)))
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, p processor.Logs) {
		b.ReportAllocs()
		b.SetBytes(int64(len(payload)))
		var um plog.ProtoUnmarshaler
		var m plog.ProtoMarshaler
		for b.Loop() {
			ld, err := um.UnmarshalLogs(payload)
			if err != nil {
				b.Fatal(err)
			}
			if p != nil {
				if err := p.ConsumeLogs(context.Background(), ld); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := m.MarshalLogs(ld); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("noop", func(b *testing.B) { run(b, nil) })
	for _, n := range secretCounts {
		b.Run("hush/secrets="+strconv.Itoa(n), func(b *testing.B) {
			lp, _ := benchProcessor(b, benchSecrets(n))
			run(b, lp)
		})
	}
}

// BenchmarkPipelineTraces is BenchmarkPipelineLogs for 1,000 spans.
func BenchmarkPipelineTraces(b *testing.B) {
	payload, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(benchTraces(benchBatch, benchSecrets(1000)))
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, p processor.Traces) {
		b.ReportAllocs()
		b.SetBytes(int64(len(payload)))
		var um ptrace.ProtoUnmarshaler
		var m ptrace.ProtoMarshaler
		for b.Loop() {
			td, err := um.UnmarshalTraces(payload)
			if err != nil {
				b.Fatal(err)
			}
			if p != nil {
				if err := p.ConsumeTraces(context.Background(), td); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := m.MarshalTraces(td); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("noop", func(b *testing.B) { run(b, nil) })
	for _, n := range secretCounts {
		b.Run("hush/secrets="+strconv.Itoa(n), func(b *testing.B) {
			_, tp := benchProcessor(b, benchSecrets(n))
			run(b, tp)
		})
	}
}

// BenchmarkProcessorLogs times the processor alone on a fresh copy of the
// batch each iteration (the copy is not timed).
func BenchmarkProcessorLogs(b *testing.B) {
	for _, n := range secretCounts {
		b.Run("secrets="+strconv.Itoa(n), func(b *testing.B) {
			secrets := benchSecrets(n)
			src := benchLogs(benchBatch, secrets)
			payload, _ := (&plog.ProtoMarshaler{}).MarshalLogs(src)
			lp, _ := benchProcessor(b, secrets)
			b.ReportAllocs()
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				b.StopTimer()
				ld := plog.NewLogs()
				src.CopyTo(ld)
				b.StartTimer()
				if err := lp.ConsumeLogs(context.Background(), ld); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkProcessorClean is the processor on a batch without any secret:
// the common case, which must not allocate per record.
func BenchmarkProcessorClean(b *testing.B) {
	secrets := benchSecrets(1000)
	ld := benchLogs(benchBatch, nil)
	payload, _ := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	lp, _ := benchProcessor(b, secrets)
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if err := lp.ConsumeLogs(context.Background(), ld); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPipelineOverhead runs the no-op pipeline and the hush pipeline
// alternately on the same payload, batch by batch, and reports the time
// hush adds as a percentage of the no-op pipeline's ("added-%"). Alternating
// makes the ratio robust to a machine whose speed drifts (shared cores),
// which separate benchmarks are not; "added-cpu-%" is the same ratio in
// process CPU time, which also leaves out time other processes took.
func BenchmarkPipelineOverhead(b *testing.B) {
	for _, signal := range []string{"logs", "traces"} {
		// secrets=0 is the control: the no-op pipeline against itself,
		// which shows the noise floor of the ratio.
		for _, n := range append([]int{0}, secretCounts...) {
			b.Run(signal+"/secrets="+strconv.Itoa(n), func(b *testing.B) {
				lp, tp := benchProcessor(b, benchSecrets(max(n, 1)))
				control := n == 0
				var once func(withHush bool)
				var size int
				switch signal {
				case "logs":
					payload, _ := (&plog.ProtoMarshaler{}).MarshalLogs(benchLogs(benchBatch, benchSecrets(1000)))
					size = len(payload)
					once = func(withHush bool) {
						ld, err := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(payload)
						if err != nil {
							b.Fatal(err)
						}
						if withHush {
							if err := lp.ConsumeLogs(context.Background(), ld); err != nil {
								b.Fatal(err)
							}
						}
						if _, err := (&plog.ProtoMarshaler{}).MarshalLogs(ld); err != nil {
							b.Fatal(err)
						}
					}
				default:
					payload, _ := (&ptrace.ProtoMarshaler{}).MarshalTraces(benchTraces(benchBatch, benchSecrets(1000)))
					size = len(payload)
					once = func(withHush bool) {
						td, err := (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(payload)
						if err != nil {
							b.Fatal(err)
						}
						if withHush {
							if err := tp.ConsumeTraces(context.Background(), td); err != nil {
								b.Fatal(err)
							}
						}
						if _, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(td); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.SetBytes(int64(size))
				var noop, with, noopCPU, withCPU time.Duration
				for b.Loop() {
					c0, t0 := processCPU(), time.Now()
					once(false)
					c1, t1 := processCPU(), time.Now()
					once(!control)
					c2, t2 := processCPU(), time.Now()
					noop += t1.Sub(t0)
					with += t2.Sub(t1)
					noopCPU += c1 - c0
					withCPU += c2 - c1
				}
				b.ReportMetric(100*float64(with-noop)/float64(noop), "added-%")
				if noopCPU > 0 {
					b.ReportMetric(100*float64(withCPU-noopCPU)/float64(noopCPU), "added-cpu-%")
				}
			})
		}
	}
}

// benchProfiles is a profiles batch of n samples as a CPU profiler sends
// one: a dictionary of 200 functions (each a location of one line) in 2
// mappings, stacks of 8 locations, 50 attribute entries (thread names and
// ids) that samples point to, 2 attributes per sample; 1% of the functions
// and attribute values carry a secret.
func benchProfiles(n int, secrets []config.StaticSecret) pprofile.Profiles {
	pd := pprofile.NewProfiles()
	d := pd.Dictionary()
	st := d.StringTable()
	st.Append("")
	d.MappingTable().AppendEmpty()
	d.LocationTable().AppendEmpty()
	d.FunctionTable().AppendEmpty()
	d.AttributeTable().AppendEmpty()
	d.StackTable().AppendEmpty()
	d.LinkTable().AppendEmpty()
	str := func(s string) int32 {
		st.Append(s)
		return int32(st.Len() - 1)
	}
	secret := func(i int) string { return string(secrets[i%len(secrets)].Value) }
	for _, f := range []string{"/usr/local/bin/checkout", "/usr/lib/x86_64-linux-gnu/libc.so.6"} {
		d.MappingTable().AppendEmpty().SetFilenameStrindex(str(f))
	}
	for i := 0; i < 200; i++ {
		name := fmt.Sprintf("github.com/acme/checkout/internal/orders.(*Service).handle%03d", i)
		if len(secrets) > 0 && i%100 == 7 {
			name += "(dsn=postgres://app:" + secret(i) + "@db/app)"
		}
		fn := d.FunctionTable().AppendEmpty()
		fn.SetNameStrindex(str(name))
		fn.SetSystemNameStrindex(fn.NameStrindex())
		fn.SetFilenameStrindex(str(fmt.Sprintf("/src/internal/orders/service_%03d.go", i)))
		loc := d.LocationTable().AppendEmpty()
		loc.SetMappingIndex(int32(1 + i%2))
		loc.SetAddress(uint64(0x401000 + 16*i))
		line := loc.Lines().AppendEmpty()
		line.SetFunctionIndex(int32(i + 1))
		line.SetLine(int64(10 + i))
	}
	keys := []int32{str("thread.name"), str("thread.id")}
	for i := 0; i < 50; i++ {
		kv := d.AttributeTable().AppendEmpty()
		kv.SetKeyStrindex(keys[i%2])
		if i%2 == 0 {
			v := fmt.Sprintf("worker-%02d", i)
			if len(secrets) > 0 && i == 10 {
				v += " token=" + secret(i)
			}
			kv.Value().SetStr(v)
		} else {
			kv.Value().SetInt(int64(1000 + i))
		}
	}
	for i := 0; i < 64; i++ {
		s := d.StackTable().AppendEmpty()
		for j := 0; j < 8; j++ {
			s.LocationIndices().Append(int32(1 + (i*8+j)%200))
		}
	}
	rp := pd.ResourceProfiles().AppendEmpty()
	rp.Resource().Attributes().PutStr("service.name", "checkout")
	rp.Resource().Attributes().PutStr("host.name", "ip-10-0-3-17.ec2.internal")
	sp := rp.ScopeProfiles().AppendEmpty()
	sp.Scope().SetName("go.opentelemetry.io/ebpf-profiler")
	prof := sp.Profiles().AppendEmpty()
	prof.SampleType().SetTypeStrindex(str("cpu"))
	prof.SampleType().SetUnitStrindex(str("nanoseconds"))
	prof.SetPeriod(10_000_000)
	for i := 0; i < n; i++ {
		s := prof.Samples().AppendEmpty()
		s.SetStackIndex(int32(1 + i%64))
		s.Values().Append(int64(10_000_000))
		a := int32(1 + 2*(i%25))
		s.AttributeIndices().Append(a, a+1)
	}
	return pd
}

// BenchmarkProcessorProfiles times the processor alone on a profiles
// batch of 1,000 samples, with the default configuration and with the
// rules and the summary on.
func BenchmarkProcessorProfiles(b *testing.B) {
	secrets := benchSecrets(100)
	src := benchProfiles(benchBatch, secrets)
	payload, _ := (&pprofile.ProtoMarshaler{}).MarshalProfiles(benchProfiles(benchBatch, secrets))
	for _, c := range []struct {
		name string
		mut  func(*Config)
	}{
		{"default", func(*Config) {}},
		{"rules+summary", func(c *Config) {
			c.BlockedValues = []string{`4[0-9]{15}`}
			c.Summary = SummaryInfo
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			cfg := NewFactory().CreateDefaultConfig().(*Config)
			cfg.Static = secrets
			c.mut(cfg)
			set := settings()
			set.TelemetrySettings = componenttest.NewNopTelemetrySettings()
			pp, err := NewFactory().CreateProfiles(context.Background(), set, cfg, consumertest.NewNop())
			if err != nil {
				b.Fatal(err)
			}
			if err := pp.Start(context.Background(), componenttest.NewNopHost()); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = pp.Shutdown(context.Background()) })
			waitReadyB(b, cfg)
			b.ReportAllocs()
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				b.StopTimer()
				pd := pprofile.NewProfiles()
				src.CopyTo(pd)
				b.StartTimer()
				if err := pp.ConsumeProfiles(context.Background(), pd); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
