package hushprocessor

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func getStr(t *testing.T, m pcommon.Map, k string) string {
	t.Helper()
	v, ok := m.Get(k)
	if !ok {
		t.Fatalf("attribute %q missing", k)
	}
	return v.AsString()
}

func TestLogsCoverage(t *testing.T) {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "checkout")
	rl.Resource().Attributes().PutStr("db.dsn", "postgres://app:"+url.QueryEscape(dbSecret)+"@db:5432/app")
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("scope-" + apiSecret)
	sl.Scope().SetVersion("1.2.3")
	sl.Scope().Attributes().PutStr("token", apiSecret)
	lr := sl.LogRecords().AppendEmpty()
	lr.SetSeverityText("INFO")
	lr.SetEventName("login " + apiSecret)
	lr.SetTraceID(pcommon.TraceID{1, 2, 3})
	a := lr.Attributes()
	a.PutStr("http.request.header.authorization", "Bearer "+apiSecret)
	a.PutInt("pin", mustInt(t, pinSecret))
	a.PutDouble("ratio", 0.5)
	a.PutEmptyBytes("payload").FromRaw([]byte("raw:" + dbSecret + ":end"))
	a.PutStr("kept", "hello world, nothing to see")
	a.PutInt("count", 42)
	list := a.PutEmptySlice("list")
	list.AppendEmpty().SetStr("a")
	list.AppendEmpty().SetStr(dbSecret)
	inner := a.PutEmptyMap("request")
	inner.PutStr("url", "https://api.example.com/v1?key="+url.QueryEscape(apiSecret)+"&page=2")
	body := lr.Body().SetEmptyMap()
	body.PutStr("msg", "auth header Basic "+base64.StdEncoding.EncodeToString([]byte("user:"+dbSecret)))
	nested := body.PutEmptyMap("nested")
	nl := nested.PutEmptySlice("list")
	nl.AppendEmpty().SetStr("x")
	nl.AppendEmpty().SetStr("hex " + hex.EncodeToString([]byte(apiSecret)))
	deep := nl.AppendEmpty().SetEmptyMap()
	deep.PutStr("deep", `{"password":"`+jsonEscape(dbSecret)+`"}`)
	nested.PutInt("n", mustInt(t, pinSecret))
	body.PutStr(apiSecret, "a key that holds a secret")

	out := runLogs(t, staticConfig(), ld)
	assertNoLeak(t, "logs", logsBytes(t, out))

	orl := out.ResourceLogs().At(0)
	if got := getStr(t, orl.Resource().Attributes(), "service.name"); got != "checkout" {
		t.Errorf("service.name changed: %q", got)
	}
	if got := getStr(t, orl.Resource().Attributes(), "db.dsn"); got != "postgres://app:"+dbRepl+"@db:5432/app" {
		t.Errorf("db.dsn = %q", got)
	}
	osl := orl.ScopeLogs().At(0)
	if osl.Scope().Name() != "scope-"+apiRepl || osl.Scope().Version() != "1.2.3" {
		t.Errorf("scope = %q %q", osl.Scope().Name(), osl.Scope().Version())
	}
	if got := getStr(t, osl.Scope().Attributes(), "token"); got != apiRepl {
		t.Errorf("scope token = %q", got)
	}
	olr := osl.LogRecords().At(0)
	if olr.SeverityText() != "INFO" || olr.EventName() != "login "+apiRepl || olr.TraceID() != (pcommon.TraceID{1, 2, 3}) {
		t.Errorf("record fields: %q %q", olr.SeverityText(), olr.EventName())
	}
	oa := olr.Attributes()
	want := map[string]string{
		"http.request.header.authorization": "Bearer " + apiRepl,
		"pin":                               pinRepl,
		"ratio":                             "0.5",
		"kept":                              "hello world, nothing to see",
		"count":                             "42",
		"list":                              `["a","` + dbRepl + `"]`,
		"request":                           `{"url":"https://api.example.com/v1?key=` + apiRepl + `\u0026page=2"}`,
	}
	for k, w := range want {
		if got := getStr(t, oa, k); got != w && !(k == "request" && strings.Contains(got, apiRepl)) {
			t.Errorf("attribute %s = %q, want %q", k, got, w)
		}
	}
	if v, _ := oa.Get("count"); v.Type() != pcommon.ValueTypeInt {
		t.Errorf("clean int attribute changed type to %s", v.Type())
	}
	if v, _ := oa.Get("pin"); v.Type() != pcommon.ValueTypeStr {
		t.Errorf("int holding a secret kept type %s", v.Type())
	}
	if v, _ := oa.Get("payload"); string(v.Bytes().AsRaw()) != "raw:"+dbRepl+":end" {
		t.Errorf("bytes attribute not scrubbed as bytes")
	}
	ob := olr.Body().Map()
	if got := getStr(t, ob, "msg"); !strings.HasPrefix(got, "auth header Basic ") || !strings.Contains(got, dbRepl) {
		t.Errorf("body msg = %q", got)
	}
	if _, ok := ob.Get(apiRepl); !ok {
		t.Errorf("body key holding a secret was not renamed to its replacement")
	}
	on, _ := ob.Get("nested")
	if got := on.Map().AsRaw()["n"]; got != pinRepl {
		t.Errorf("nested int = %v", got)
	}
	ol, _ := on.Map().Get("list")
	if ol.Slice().At(0).Str() != "x" || ol.Slice().At(1).Str() != "hex "+apiRepl {
		t.Errorf("nested list = %v", ol.Slice().AsRaw())
	}
	if got := ol.Slice().At(2).Map().AsRaw()["deep"]; got != `{"password":"`+dbRepl+`"}` {
		t.Errorf("deep = %v", got)
	}
}

func TestLogBodyShapes(t *testing.T) {
	tests := []struct {
		name  string
		set   func(v pcommon.Value)
		check func(t *testing.T, v pcommon.Value)
	}{
		{"string", func(v pcommon.Value) { v.SetStr("connecting with password=" + dbSecret + "\r\n") },
			func(t *testing.T, v pcommon.Value) {
				if v.Str() != "connecting with password="+dbRepl+"\r\n" {
					t.Errorf("body = %q", v.Str())
				}
			}},
		{"slice", func(v pcommon.Value) {
			s := v.SetEmptySlice()
			s.AppendEmpty().SetStr(apiSecret)
			s.AppendEmpty().SetInt(7)
			s.AppendEmpty().SetEmptySlice().AppendEmpty().SetStr("x" + dbSecret)
		}, func(t *testing.T, v pcommon.Value) {
			raw := v.Slice().AsRaw()
			if raw[0] != apiRepl || raw[1] != int64(7) || raw[2].([]any)[0] != "x"+dbRepl {
				t.Errorf("body = %v", raw)
			}
		}},
		{"int", func(v pcommon.Value) { v.SetInt(mustInt(t, pinSecret)) },
			func(t *testing.T, v pcommon.Value) {
				if v.AsString() != pinRepl {
					t.Errorf("body = %q", v.AsString())
				}
			}},
		{"bytes", func(v pcommon.Value) { v.SetEmptyBytes().FromRaw([]byte(apiSecret)) },
			func(t *testing.T, v pcommon.Value) {
				if string(v.Bytes().AsRaw()) != apiRepl {
					t.Errorf("body not scrubbed")
				}
			}},
		{"clean", func(v pcommon.Value) { v.SetStr("nothing secret here at all") },
			func(t *testing.T, v pcommon.Value) {
				if v.Str() != "nothing secret here at all" {
					t.Errorf("clean body changed: %q", v.Str())
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ld := plog.NewLogs()
			lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
			tt.set(lr.Body())
			out := runLogs(t, staticConfig(), ld)
			assertNoLeak(t, "logs", logsBytes(t, out))
			tt.check(t, out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body())
		})
	}
}

func TestTracesCoverage(t *testing.T) {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "checkout")
	rs.Resource().Attributes().PutStr("deploy.env", "ENV_TOKEN="+apiSecret)
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("tracer")
	ss.Scope().Attributes().PutStr("lib.secret", dbSecret)
	span := ss.Spans().AppendEmpty()
	span.SetName("GET /login?token=" + url.QueryEscape(apiSecret))
	span.SetTraceID(pcommon.TraceID{9, 9, 9})
	span.SetSpanID(pcommon.SpanID{7, 7})
	span.SetKind(ptrace.SpanKindServer)
	span.Attributes().PutStr("http.route", "/login")
	span.Attributes().PutStr("db.statement", "SELECT * FROM users WHERE pw='"+dbSecret+"'")
	span.Attributes().PutInt("pin", mustInt(t, pinSecret))
	span.Status().SetCode(ptrace.StatusCodeError)
	span.Status().SetMessage("auth failed for " + dbSecret)
	ev := span.Events().AppendEmpty()
	ev.SetName("exception " + apiSecret)
	ev.Attributes().PutStr("exception.message", "bad key "+base64.StdEncoding.EncodeToString([]byte(apiSecret)))
	ev.Attributes().PutStr("exception.type", "AuthError")
	link := span.Links().AppendEmpty()
	link.SetTraceID(pcommon.TraceID{5})
	link.Attributes().PutStr("link.note", "from "+dbSecret)

	out := runTraces(t, staticConfig(), td)
	assertNoLeak(t, "traces", tracesBytes(t, out))

	ors := out.ResourceSpans().At(0)
	if got := getStr(t, ors.Resource().Attributes(), "deploy.env"); got != "ENV_TOKEN="+apiRepl {
		t.Errorf("resource attr = %q", got)
	}
	oss := ors.ScopeSpans().At(0)
	if got := getStr(t, oss.Scope().Attributes(), "lib.secret"); got != dbRepl {
		t.Errorf("scope attr = %q", got)
	}
	os := oss.Spans().At(0)
	if os.Name() != "GET /login?token="+apiRepl {
		t.Errorf("span name = %q", os.Name())
	}
	if os.TraceID() != (pcommon.TraceID{9, 9, 9}) || os.SpanID() != (pcommon.SpanID{7, 7}) || os.Kind() != ptrace.SpanKindServer {
		t.Error("span identity changed")
	}
	if got := getStr(t, os.Attributes(), "http.route"); got != "/login" {
		t.Errorf("clean attribute changed: %q", got)
	}
	if got := getStr(t, os.Attributes(), "db.statement"); got != "SELECT * FROM users WHERE pw='"+dbRepl+"'" {
		t.Errorf("db.statement = %q", got)
	}
	if os.Status().Message() != "auth failed for "+dbRepl || os.Status().Code() != ptrace.StatusCodeError {
		t.Errorf("status = %q", os.Status().Message())
	}
	oev := os.Events().At(0)
	if oev.Name() != "exception "+apiRepl || getStr(t, oev.Attributes(), "exception.type") != "AuthError" {
		t.Errorf("event = %q", oev.Name())
	}
	if got := getStr(t, oev.Attributes(), "exception.message"); !strings.Contains(got, apiRepl) {
		t.Errorf("event attribute = %q", got)
	}
	if got := getStr(t, os.Links().At(0).Attributes(), "link.note"); got != "from "+dbRepl {
		t.Errorf("link attribute = %q", got)
	}
}

func TestMetricsCoverage(t *testing.T) {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("host.token", apiSecret)
	sm := rm.ScopeMetrics().AppendEmpty()
	sm.Scope().Attributes().PutStr("scope.key", dbSecret)
	addAttrs := func(m pcommon.Map) {
		m.PutStr("conn", "postgres://u:"+dbSecret+"@h/db")
		m.PutStr("route", "/checkout")
	}
	addExemplar := func(es pmetric.ExemplarSlice) {
		e := es.AppendEmpty()
		e.SetDoubleValue(1)
		e.FilteredAttributes().PutStr("user.token", apiSecret)
	}
	g := sm.Metrics().AppendEmpty()
	g.SetName("gauge")
	g.SetDescription("pool for " + dbSecret)
	gdp := g.SetEmptyGauge().DataPoints().AppendEmpty()
	addAttrs(gdp.Attributes())
	addExemplar(gdp.Exemplars())
	s := sm.Metrics().AppendEmpty()
	s.SetName("sum")
	sdp := s.SetEmptySum().DataPoints().AppendEmpty()
	addAttrs(sdp.Attributes())
	addExemplar(sdp.Exemplars())
	h := sm.Metrics().AppendEmpty()
	h.SetName("histogram")
	hdp := h.SetEmptyHistogram().DataPoints().AppendEmpty()
	addAttrs(hdp.Attributes())
	addExemplar(hdp.Exemplars())
	eh := sm.Metrics().AppendEmpty()
	eh.SetName("exphistogram")
	ehdp := eh.SetEmptyExponentialHistogram().DataPoints().AppendEmpty()
	addAttrs(ehdp.Attributes())
	addExemplar(ehdp.Exemplars())
	su := sm.Metrics().AppendEmpty()
	su.SetName("summary")
	addAttrs(su.SetEmptySummary().DataPoints().AppendEmpty().Attributes())

	out := runMetrics(t, staticConfig(), md)
	assertNoLeak(t, "metrics", metricsBytes(t, out))

	orm := out.ResourceMetrics().At(0)
	if getStr(t, orm.Resource().Attributes(), "host.token") != apiRepl {
		t.Error("resource attribute not scrubbed")
	}
	osm := orm.ScopeMetrics().At(0)
	if getStr(t, osm.Scope().Attributes(), "scope.key") != dbRepl {
		t.Error("scope attribute not scrubbed")
	}
	ms := osm.Metrics()
	if ms.At(0).Description() != "pool for "+dbRepl {
		t.Errorf("description = %q", ms.At(0).Description())
	}
	var dps []pcommon.Map
	var exs []pmetric.ExemplarSlice
	dps = append(dps, ms.At(0).Gauge().DataPoints().At(0).Attributes(), ms.At(1).Sum().DataPoints().At(0).Attributes(),
		ms.At(2).Histogram().DataPoints().At(0).Attributes(), ms.At(3).ExponentialHistogram().DataPoints().At(0).Attributes(),
		ms.At(4).Summary().DataPoints().At(0).Attributes())
	exs = append(exs, ms.At(0).Gauge().DataPoints().At(0).Exemplars(), ms.At(1).Sum().DataPoints().At(0).Exemplars(),
		ms.At(2).Histogram().DataPoints().At(0).Exemplars(), ms.At(3).ExponentialHistogram().DataPoints().At(0).Exemplars())
	for i, m := range dps {
		if getStr(t, m, "conn") != "postgres://u:"+dbRepl+"@h/db" || getStr(t, m, "route") != "/checkout" {
			t.Errorf("data point %d attributes = %v", i, m.AsRaw())
		}
	}
	for i, e := range exs {
		if getStr(t, e.At(0).FilteredAttributes(), "user.token") != apiRepl {
			t.Errorf("exemplar %d not scrubbed", i)
		}
	}
}
