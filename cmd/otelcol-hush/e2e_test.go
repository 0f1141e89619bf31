package main

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/internal/smfake"
	"github.com/hushlog/hush/redact"
)

// The secrets of the end-to-end test. The RDS one is a JSON object, as AWS
// stores database credentials: its password field is protected as
// "prod/rds/app#password", its host is not.
const (
	dbName    = "prod/db/password"
	dbValue   = "Vq7rT2p&Lx9Kw3<Nz8"
	apiName   = "prod/api/key"
	apiValue  = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
	rdsName   = "prod/rds/app"
	rdsPass   = "hQ3!mZ8@pL5#vR2s"
	rdsValue  = `{"engine":"postgres","host":"db.internal","username":"app_user","password":"` + rdsPass + `"}`
	rotatedDB = "Np4wQ8zR1tY6uV3xK0sD"
)

// e2eSecrets are the values that must never reach the sink. The RDS
// secret's password field stands alone: its host is not protected.
func e2eSecrets() []redact.Secret {
	return []redact.Secret{
		{Name: dbName, Value: dbValue},
		{Name: apiName, Value: apiValue},
		{Name: rdsName + "#password", Value: rdsPass},
		{Name: dbName + "@rotated", Value: rotatedDB},
	}
}

// leaks reports whether s holds any of them, in any form the project's leak
// oracle knows.
func leaks(s string) bool {
	return len(leaktest.Find(e2eSecrets(), []byte(s))) > 0
}

// assertNoLeak fails when data holds any of them, naming the secret and the
// form, never the value.
func assertNoLeak(t *testing.T, what string, data []byte) {
	t.Helper()
	leaktest.Check(t, e2eSecrets(), data, what)
}

func jsonEscape(v string) string {
	return strings.NewReplacer(`"`, `\"`, `\`, `\\`, "<", `\u003c`, ">", `\u003e`, "&", `\u0026`).Replace(v)
}

// buildLogs makes one log record for case c; every string (and key) goes
// through f, so buildLogs(c, identity) is what is sent and
// buildLogs(c, oracle.ScrubString) what must arrive.
func buildLogs(c string, f func(string) string, db string) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "checkout")
	rl.Resource().Attributes().PutStr("db.url", f("postgres://app:"+url.QueryEscape(db)+"@db.internal:5432/app"))
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("e2e")
	sl.Scope().SetVersion("1.0.0")
	lr := sl.LogRecords().AppendEmpty()
	lr.SetTimestamp(pcommon.Timestamp(1_700_000_000_000_000_000))
	lr.SetSeverityNumber(plog.SeverityNumberWarn)
	lr.SetSeverityText("WARN")
	lr.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	a := lr.Attributes()
	a.PutStr("case", c)
	a.PutStr("http.request.header.authorization", f("Basic "+base64.StdEncoding.EncodeToString([]byte("app_user:"+rdsPass))))
	a.PutStr("request.query", f("key="+url.QueryEscape(apiValue)+"&page=2"))
	a.PutInt("http.response.status_code", 401)
	a.PutBool("retry", true)
	a.PutStr("db.host", "db.internal")
	b := lr.Body().SetEmptyMap()
	b.PutStr("msg", f(`login failed: {"user":"app_user","password":"`+jsonEscape(db)+`"}`))
	b.PutStr("dump", f("hex:"+hex.EncodeToString([]byte(apiValue))))
	l := b.PutEmptySlice("list")
	l.AppendEmpty().SetStr(f("token " + apiValue))
	l.AppendEmpty().SetStr("plain")
	l.AppendEmpty().SetDouble(2.5)
	b.PutStr(f("header-"+apiValue), "key holds a secret")
	return ld
}

func buildTraces(c string, f func(string) string, db string) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "checkout")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("e2e")
	span := ss.Spans().AppendEmpty()
	span.SetName(f("GET /v1/orders?api_key=" + url.QueryEscape(apiValue)))
	span.SetTraceID(pcommon.TraceID{9, 8, 7, 6, 5, 4, 3, 2, 1})
	span.SetSpanID(pcommon.SpanID{1, 1, 2, 3, 5, 8})
	span.SetKind(ptrace.SpanKindClient)
	span.SetStartTimestamp(pcommon.Timestamp(1_700_000_000_000_000_000))
	span.SetEndTimestamp(pcommon.Timestamp(1_700_000_000_500_000_000))
	span.Attributes().PutStr("case", c)
	span.Attributes().PutStr("db.query.text", f("UPDATE users SET pw='"+db+"' WHERE id=7"))
	span.Attributes().PutInt("db.rows", 1)
	span.Status().SetCode(ptrace.StatusCodeError)
	span.Status().SetMessage(f("auth failed with " + base64.StdEncoding.EncodeToString([]byte(db))))
	ev := span.Events().AppendEmpty()
	ev.SetName("exception")
	ev.SetTimestamp(pcommon.Timestamp(1_700_000_000_100_000_000))
	ev.Attributes().PutStr("exception.message", f("password "+rdsPass+" rejected"))
	link := span.Links().AppendEmpty()
	link.SetTraceID(pcommon.TraceID{4, 4})
	link.Attributes().PutStr("note", f("from "+apiValue))
	return td
}

func identity(s string) string { return s }

// logsByCase splits what the sink received into one plog.Logs per record,
// keyed by the "case" attribute, as JSON.
func logsByCase(t *testing.T, batches []plog.Logs) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, ld := range batches {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rl := ld.ResourceLogs().At(i)
			for j := 0; j < rl.ScopeLogs().Len(); j++ {
				sl := rl.ScopeLogs().At(j)
				for k := 0; k < sl.LogRecords().Len(); k++ {
					one := plog.NewLogs()
					orl := one.ResourceLogs().AppendEmpty()
					rl.Resource().CopyTo(orl.Resource())
					osl := orl.ScopeLogs().AppendEmpty()
					sl.Scope().CopyTo(osl.Scope())
					lr := osl.LogRecords().AppendEmpty()
					sl.LogRecords().At(k).CopyTo(lr)
					c, _ := lr.Attributes().Get("case")
					out[c.Str()] = logsJSON(t, one)
				}
			}
		}
	}
	return out
}

func logsJSON(t *testing.T, ld plog.Logs) string {
	t.Helper()
	b, err := (&plog.JSONMarshaler{}).MarshalLogs(ld)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func tracesByCase(t *testing.T, batches []ptrace.Traces) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, td := range batches {
		for i := 0; i < td.ResourceSpans().Len(); i++ {
			rs := td.ResourceSpans().At(i)
			for j := 0; j < rs.ScopeSpans().Len(); j++ {
				ss := rs.ScopeSpans().At(j)
				for k := 0; k < ss.Spans().Len(); k++ {
					one := ptrace.NewTraces()
					ors := one.ResourceSpans().AppendEmpty()
					rs.Resource().CopyTo(ors.Resource())
					oss := ors.ScopeSpans().AppendEmpty()
					ss.Scope().CopyTo(oss.Scope())
					sp := oss.Spans().AppendEmpty()
					ss.Spans().At(k).CopyTo(sp)
					c, _ := sp.Attributes().Get("case")
					out[c.Str()] = tracesJSON(t, one)
				}
			}
		}
	}
	return out
}

func tracesJSON(t *testing.T, td ptrace.Traces) string {
	t.Helper()
	b, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// oracle is an engine holding the same secrets as the stand-in: the
// expected output is the input with every string scrubbed by it.
func oracle(t *testing.T, withRotated bool) func(string) string {
	t.Helper()
	r, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	s := []redact.Secret{{Name: dbName, Value: dbValue}, {Name: apiName, Value: apiValue}, {Name: rdsName, Value: rdsValue}}
	if withRotated {
		s = append(s, redact.Secret{Name: dbName, Value: rotatedDB})
	}
	if err := r.Set(s); err != nil {
		t.Fatal(err)
	}
	return r.ScrubString
}

// waitFor polls the sink until it holds the cases.
func waitFor(t *testing.T, s *sink, logCases, spanCases []string) (map[string]string, map[string]string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		lb, tb := s.snapshot()
		logs, traces := logsByCase(t, lb), tracesByCase(t, tb)
		missing := 0
		for _, c := range logCases {
			if _, ok := logs[c]; !ok {
				missing++
			}
		}
		for _, c := range spanCases {
			if _, ok := traces[c]; !ok {
				missing++
			}
		}
		if missing == 0 {
			return logs, traces
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d cases never reached the sink", missing)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func compare(t *testing.T, kind, c, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	if leaks(got) || leaks(want) {
		t.Errorf("%s case %s: received data differs from the expected (not shown: it holds a secret)", kind, c)
		return
	}
	t.Errorf("%s case %s: received data differs from the expected\n got: %s\nwant: %s", kind, c, got, want)
}

// TestEndToEnd builds the distribution and runs it against the Secrets
// Manager stand-in and a loopback OTLP sink.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the collector; skipped with -short")
	}
	bin := buildCollector(t)
	sm := smfake.New()
	defer sm.Close()
	sm.Put(dbName, dbValue)
	sm.Put(apiName, apiValue)
	sm.Put(rdsName, rdsValue)
	sm.Put("staging/unrelated", "Xk2pL9qW4mN7rT1v") // not selected by the prefix
	s := startSink(t, true)
	c := startCollector(t, bin, sm, s.addr, time.Second)

	// 1. Secrets raw and encoded, logs and traces, over gRPC and HTTP.
	scrub := oracle(t, false)
	c.sendLogsGRPC(t, buildLogs("logs-grpc", identity, dbValue))
	c.sendLogsHTTP(t, buildLogs("logs-http", identity, dbValue))
	c.sendTracesGRPC(t, buildTraces("traces-grpc", identity, dbValue))
	c.sendTracesHTTP(t, buildTraces("traces-http", identity, dbValue))
	logs, traces := waitFor(t, s, []string{"logs-grpc", "logs-http"}, []string{"traces-grpc", "traces-http"})
	for _, cs := range []string{"logs-grpc", "logs-http"} {
		assertNoLeak(t, cs, []byte(logs[cs]))
		compare(t, "logs", cs, logs[cs], logsJSON(t, buildLogs(cs, scrub, dbValue)))
	}
	for _, cs := range []string{"traces-grpc", "traces-http"} {
		assertNoLeak(t, cs, []byte(traces[cs]))
		compare(t, "traces", cs, traces[cs], tracesJSON(t, buildTraces(cs, scrub, dbValue)))
	}
	// The oracle agrees with hand-written expectations on the raw forms.
	if !strings.Contains(logs["logs-grpc"], `[REDACTED:prod/rds/app#password]`) ||
		!strings.Contains(traces["traces-grpc"], `UPDATE users SET pw='[REDACTED:prod/db/password]' WHERE id=7`) ||
		!strings.Contains(logs["logs-grpc"], `"db.internal"`) {
		t.Error("expected replacements missing from the received data")
	}
	if v, ok := c.metric("otelcol_processor_hush_redactions"); !ok || v <= 0 {
		t.Errorf("the processor's redaction counter is not in the collector's telemetry (%v, %v)", v, ok)
	}

	// 2. Rotation: the new value is staged AWSPENDING (live in the target
	// before it becomes current); after one refresh both values are
	// scrubbed, and still are once the rotation finishes.
	patterns := c.waitMetric(t, "otelcol_processor_hush_index_patterns", func(float64) bool { return true }, 10*time.Second)
	if _, err := sm.PutPending(dbName, rotatedDB); err != nil {
		t.Fatal(err)
	}
	c.waitMetric(t, "otelcol_processor_hush_index_patterns", func(v float64) bool { return v > patterns }, 15*time.Second)
	scrub = oracle(t, true)
	c.sendLogsGRPC(t, buildLogs("rotated-new", identity, rotatedDB))
	c.sendLogsHTTP(t, buildLogs("rotated-old", identity, dbValue))
	if err := sm.FinishRotation(dbName); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // at least one more refresh
	c.sendTracesGRPC(t, buildTraces("finished-new", identity, rotatedDB))
	c.sendTracesHTTP(t, buildTraces("finished-old", identity, dbValue))
	logs, traces = waitFor(t, s, []string{"rotated-new", "rotated-old"}, []string{"finished-new", "finished-old"})
	compare(t, "logs", "rotated-new", logs["rotated-new"], logsJSON(t, buildLogs("rotated-new", scrub, rotatedDB)))
	compare(t, "logs", "rotated-old", logs["rotated-old"], logsJSON(t, buildLogs("rotated-old", scrub, dbValue)))
	compare(t, "traces", "finished-new", traces["finished-new"], tracesJSON(t, buildTraces("finished-new", scrub, rotatedDB)))
	compare(t, "traces", "finished-old", traces["finished-old"], tracesJSON(t, buildTraces("finished-old", scrub, dbValue)))

	// 3. The stand-in fails: the last index is kept and scrubbing goes on.
	sm.Fail("", smfake.Internal, 0)
	c.waitMetric(t, "otelcol_processor_hush_refresh_failing", func(v float64) bool { return v == 1 }, 20*time.Second)
	c.sendLogsGRPC(t, buildLogs("outage", identity, rotatedDB))
	c.sendTracesHTTP(t, buildTraces("outage", identity, dbValue))
	logs, traces = waitFor(t, s, []string{"outage"}, []string{"outage"})
	compare(t, "logs", "outage", logs["outage"], logsJSON(t, buildLogs("outage", scrub, rotatedDB)))
	compare(t, "traces", "outage", traces["outage"], tracesJSON(t, buildTraces("outage", scrub, dbValue)))

	// Nothing that reached the sink, and nothing the collector logged,
	// holds a secret.
	lb, tb := s.snapshot()
	for i, ld := range lb {
		b, _ := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
		assertNoLeak(t, fmt.Sprintf("logs batch %d", i), b)
	}
	for i, td := range tb {
		b, _ := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
		assertNoLeak(t, fmt.Sprintf("traces batch %d", i), b)
	}
	c.stop(t)
	assertNoLeak(t, "collector output", c.out.Bytes())
	if out := c.out.Bytes(); t.Failed() && !leaks(string(out)) {
		t.Logf("collector output:\n%s", out)
	}
}
