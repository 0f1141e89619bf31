package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pprofile"
	"go.opentelemetry.io/collector/pdata/pprofile/pprofileotlp"

	"github.com/hushlog/hush/internal/smfake"
)

// buildProfiles makes a profiles batch for case c, as a profiler's SDK
// does (index 0 of every dictionary table is its zero value); every string
// (and key) goes through f, so buildProfiles(c, identity, db) is what is
// sent and buildProfiles(c, oracle.ScrubString, db) what must arrive.
// Secrets sit in function and file names, an attribute key, attribute
// values of several types and a profile's gzip original payload.
func buildProfiles(t testing.TB, c string, f func(string) string, db string) pprofile.Profiles {
	t.Helper()
	pd := pprofile.NewProfiles()
	d := pd.Dictionary()
	d.StringTable().Append("")
	d.MappingTable().AppendEmpty()
	d.LocationTable().AppendEmpty()
	d.FunctionTable().AppendEmpty()
	d.LinkTable().AppendEmpty()
	d.AttributeTable().AppendEmpty()
	d.StackTable().AppendEmpty()
	str := func(s string) int32 {
		i, err := pprofile.SetString(d.StringTable(), f(s))
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	attr := func(k string, v pcommon.Value) int32 {
		kv := d.AttributeTable().AppendEmpty()
		kv.SetKeyStrindex(str(k))
		v.CopyTo(kv.Value())
		return int32(d.AttributeTable().Len() - 1)
	}
	m := d.MappingTable().AppendEmpty()
	m.SetFilenameStrindex(str("/usr/local/bin/checkout"))
	stack := d.StackTable().AppendEmpty()
	for i, fn := range []struct{ name, file string }{
		{"main.connect(dsn=postgres://app:" + url.QueryEscape(db) + "@db.internal/app)", "/src/db.go"},
		{"main.handleOrder", "/src/orders/" + apiValue + ".go"},
	} {
		fun := d.FunctionTable().AppendEmpty()
		fun.SetNameStrindex(str(fn.name))
		fun.SetSystemNameStrindex(str(fn.name))
		fun.SetFilenameStrindex(str(fn.file))
		loc := d.LocationTable().AppendEmpty()
		loc.SetMappingIndex(1)
		loc.SetAddress(uint64(0x4000 + i))
		line := loc.Lines().AppendEmpty()
		line.SetFunctionIndex(int32(d.FunctionTable().Len() - 1))
		line.SetLine(int64(10 + i))
		stack.LocationIndices().Append(int32(d.LocationTable().Len() - 1))
	}
	link := d.LinkTable().AppendEmpty()
	link.SetTraceID(pcommon.TraceID{9, 8, 7})
	link.SetSpanID(pcommon.SpanID{1, 2})

	rp := pd.ResourceProfiles().AppendEmpty()
	rp.Resource().Attributes().PutStr("service.name", "checkout")
	rp.Resource().Attributes().PutStr("case", c)
	rp.Resource().Attributes().PutStr("db.url", f("postgres://app:"+url.QueryEscape(db)+"@db.internal:5432/app"))
	sp := rp.ScopeProfiles().AppendEmpty()
	sp.Scope().SetName("e2e-profiler")
	prof := sp.Profiles().AppendEmpty()
	prof.SampleType().SetTypeStrindex(str("cpu"))
	prof.SampleType().SetUnitStrindex(str("nanoseconds"))
	prof.PeriodType().SetTypeStrindex(str("cpu"))
	prof.PeriodType().SetUnitStrindex(str("nanoseconds"))
	prof.SetPeriod(10_000_000)
	prof.SetTime(pcommon.Timestamp(1_700_000_000_000_000_000))
	prof.SetProfileID(pprofile.ProfileID{1, 2, 3, 4})
	prof.SetOriginalPayloadFormat("pprof")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(f("\x0a\x00\x0a\x0cmain.connect\x0a\x30password=" + db + "\x0a\x04/src")))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	prof.OriginalPayload().FromRaw(gz.Bytes())
	prof.AttributeIndices().Append(attr("profile.kind", pcommon.NewValueStr("cpu")))
	s := prof.Samples().AppendEmpty()
	s.SetStackIndex(1)
	s.SetLinkIndex(1)
	s.Values().Append(30_000_000)
	s.AttributeIndices().Append(
		attr("http.request.header.authorization", pcommon.NewValueStr(f("Basic "+base64.StdEncoding.EncodeToString([]byte("app_user:"+rdsPass))))),
		attr("header-"+apiValue, pcommon.NewValueStr("key holds a secret")),
		attr("thread.name", pcommon.NewValueStr("worker-1")),
	)
	nested := pcommon.NewValueMap()
	nested.Map().PutStr("query", f("key="+url.QueryEscape(apiValue)+"&page=2"))
	nested.Map().PutInt("retries", 2)
	s.AttributeIndices().Append(attr("request", nested))
	return pd
}

// profilesView renders what a batch says, with every index resolved (the
// string table's layout differs between what was sent and what arrives:
// OTLP/protobuf moves resource attributes into it), as JSON with sorted
// keys: the resource attributes, scope, and for each profile its types,
// payload (decompressed), attributes and samples (values, frames,
// attributes, link).
func profilesView(t testing.TB, pd pprofile.Profiles) string {
	t.Helper()
	d := pd.Dictionary()
	st := func(i int32) string { return d.StringTable().At(int(i)) }
	attrs := func(rec interface{ AttributeIndices() pcommon.Int32Slice }) map[string]any {
		m, err := pprofile.FromAttributeIndices(d.AttributeTable(), rec, d)
		if err != nil {
			t.Fatal(err)
		}
		return m.AsRaw()
	}
	var out []any
	for _, rp := range pd.ResourceProfiles().All() {
		for _, sp := range rp.ScopeProfiles().All() {
			for _, p := range sp.Profiles().All() {
				payload, err := gunzipAll(p.OriginalPayload().AsRaw())
				if err != nil {
					t.Fatalf("original payload: %v", err)
				}
				var samples []any
				for _, s := range p.Samples().All() {
					var frames []string
					for _, li := range d.StackTable().At(int(s.StackIndex())).LocationIndices().All() {
						loc := d.LocationTable().At(int(li))
						for _, ln := range loc.Lines().All() {
							fn := d.FunctionTable().At(int(ln.FunctionIndex()))
							frames = append(frames, fmt.Sprintf("%s|%s|%s:%d|%s", st(fn.NameStrindex()), st(fn.SystemNameStrindex()),
								st(fn.FilenameStrindex()), ln.Line(), st(d.MappingTable().At(int(loc.MappingIndex())).FilenameStrindex())))
						}
					}
					link := d.LinkTable().At(int(s.LinkIndex()))
					samples = append(samples, map[string]any{
						"values": s.Values().AsRaw(), "frames": frames, "attributes": attrs(s),
						"link": link.TraceID().String() + "/" + link.SpanID().String(),
					})
				}
				out = append(out, map[string]any{
					"resource": rp.Resource().Attributes().AsRaw(), "schema": rp.SchemaUrl(),
					"scope":  sp.Scope().Name() + "@" + sp.Scope().Version(),
					"type":   st(p.SampleType().TypeStrindex()) + "/" + st(p.SampleType().UnitStrindex()),
					"period": fmt.Sprintf("%s/%s %d", st(p.PeriodType().TypeStrindex()), st(p.PeriodType().UnitStrindex()), p.Period()),
					"id":     p.ProfileID().String(), "time": p.Time().String(),
					"format": p.OriginalPayloadFormat(), "payload": string(payload),
					"attributes": attrs(p), "samples": samples,
				})
			}
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func gunzipAll(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// profilesByCase splits what the sink received by the resource's "case"
// attribute, as views.
func profilesByCase(t testing.TB, batches []pprofile.Profiles) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, pd := range batches {
		for i, rp := range pd.ResourceProfiles().All() {
			// One resource of the batch, with the batch's dictionary.
			one := pprofile.NewProfiles()
			pd.CopyTo(one)
			j := 0
			one.ResourceProfiles().RemoveIf(func(pprofile.ResourceProfiles) bool { j++; return j-1 != i })
			c, _ := rp.Resource().Attributes().Get("case")
			out[c.Str()] = profilesView(t, one)
		}
	}
	return out
}

func (s *sink) profilesSnapshot() []pprofile.Profiles {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]pprofile.Profiles(nil), s.profiles...)
}

func (c *collector) sendProfilesGRPC(t testing.TB, pd pprofile.Profiles) {
	t.Helper()
	client := pprofileotlp.NewGRPCClient(c.conn)
	c.retry(t, func(ctx context.Context) error {
		req := pprofileotlp.NewExportRequest()
		pd.CopyTo(req.Profiles()) // the marshaler changes what it sends
		_, err := client.Export(ctx, req)
		return err
	})
}

// sendProfilesHTTP posts pd to the receiver's profiles path as OTLP/HTTP
// JSON or protobuf.
func (c *collector) sendProfilesHTTP(t testing.TB, pd pprofile.Profiles, asJSON bool) {
	t.Helper()
	req := pprofileotlp.NewExportRequest()
	pd.CopyTo(req.Profiles())
	var body []byte
	var err error
	ctype := "application/x-protobuf"
	if asJSON {
		body, err = req.MarshalJSON()
		ctype = "application/json"
	} else {
		body, err = req.MarshalProto()
	}
	if err != nil {
		t.Fatal(err)
	}
	c.post(t, "/v1development/profiles", ctype, body)
}

// signalMetric returns the sum of a Prometheus metric's samples (by name
// prefix) whose labels include label.
func (c *collector) signalMetric(prefix, label string) float64 {
	resp, err := http.Get(c.metrics) //nolint:noctx // loopback, test
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	sum := 0.0
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, prefix) || !strings.Contains(line, label) {
			continue
		}
		f := strings.Fields(line)
		var v float64
		if _, err := fmt.Sscan(f[len(f)-1], &v); err == nil {
			sum += v
		}
	}
	return sum
}

// TestEndToEndProfiles builds the distribution and runs a profiles
// pipeline (otlp receiver, memory_limiter, hush, otlp exporter; the
// Collector's feature gate service.profilesSupport on) against the Secrets
// Manager stand-in and a loopback OTLP sink: profiles carrying secrets raw
// and encoded, sent over OTLP/gRPC and OTLP/HTTP (JSON and protobuf),
// arrive with none of them and everything else as sent (the expected batch
// is the input scrubbed by the engine alone, compared with every index
// resolved), and the processor counts them under otel.signal "profiles".
func TestEndToEndProfiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the collector; skipped with -short")
	}
	bin := buildCollector(t)
	sm := smfake.New()
	defer sm.Close()
	sm.Put(dbName, dbValue)
	sm.Put(apiName, apiValue)
	sm.Put(rdsName, rdsValue)
	s := startSink(t, true)
	c := startCollectorWith(t, bin, sm, s.addr, time.Second, profilesPipeline, "--feature-gates=service.profilesSupport")

	scrub := oracle(t, false)
	cases := []string{"profiles-grpc", "profiles-http-json", "profiles-http-proto"}
	c.sendProfilesGRPC(t, buildProfiles(t, cases[0], identity, dbValue))
	c.sendProfilesHTTP(t, buildProfiles(t, cases[1], identity, dbValue), true)
	c.sendProfilesHTTP(t, buildProfiles(t, cases[2], identity, dbValue), false)
	var got map[string]string
	deadline := time.Now().Add(20 * time.Second)
	for {
		got = profilesByCase(t, s.profilesSnapshot())
		missing := 0
		for _, cs := range cases {
			if _, ok := got[cs]; !ok {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d profile cases never reached the sink", missing)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, cs := range cases {
		assertNoLeak(t, cs, []byte(got[cs]))
		compare(t, "profiles", cs, got[cs], profilesView(t, buildProfiles(t, cs, scrub, dbValue)))
	}
	if !strings.Contains(got[cases[0]], "main.connect(dsn=postgres://app:[REDACTED:prod/db/password]@db.internal/app)") ||
		!strings.Contains(got[cases[0]], `"header-[REDACTED:prod/api/key]"`) ||
		!strings.Contains(got[cases[0]], `password=[REDACTED:prod/db/password]`) {
		t.Error("expected replacements missing from the received profiles")
	}
	// Everything that reached the sink, as the sink's peers would write
	// it, and the collector's own output.
	for i, pd := range s.profilesSnapshot() {
		for _, m := range []interface {
			MarshalProfiles(pprofile.Profiles) ([]byte, error)
		}{&pprofile.ProtoMarshaler{}, &pprofile.JSONMarshaler{}} {
			cp := pprofile.NewProfiles()
			pd.CopyTo(cp)
			b, err := m.MarshalProfiles(cp)
			if err != nil {
				t.Fatal(err)
			}
			assertNoLeak(t, fmt.Sprintf("profiles batch %d", i), b)
		}
	}
	deadline = time.Now().Add(10 * time.Second)
	for c.signalMetric("otelcol_processor_hush_redactions", `otel_signal="profiles"`) <= 0 {
		if time.Now().After(deadline) {
			t.Error("no redaction counted under otel.signal=profiles in the collector's telemetry")
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.stop(t)
	assertNoLeak(t, "collector output", c.out.Bytes())
	if out := c.out.Bytes(); t.Failed() && !leaks(string(out)) {
		t.Logf("collector output:\n%s", out)
	}
}
