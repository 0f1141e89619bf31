package hushprocessor

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/hushlog/hush/config"
	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// suiteConfig is the default configuration protecting the leak suite's
// secrets.
func suiteConfig() *Config { return secretsConfig(leaktest.Secrets()) }

// secretsConfig is the default configuration protecting secrets.
func secretsConfig(secrets []redact.Secret) *Config {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	for _, s := range secrets {
		cfg.Static = append(cfg.Static, config.StaticSecret{Name: s.Name, Value: config.Opaque(s.Value)})
	}
	return cfg
}

// putAttrs maps the suite's attributes to OpenTelemetry attributes as an SDK
// or receiver would have rendered them: the Collector receives data, never
// the application's objects, so an error or a Stringer arrives as its text,
// and values whose rendering runs application code (panicking or fickle
// ones) cannot be expressed.
func putAttrs(m pcommon.Map, attrs []leaktest.Attr) error {
	for _, a := range attrs {
		switch v := a.Value.(type) {
		case string:
			m.PutStr(a.Key, v)
		case []byte:
			m.PutEmptyBytes(a.Key).FromRaw(v)
		case leaktest.Binary:
			m.PutEmptyBytes(a.Key).FromRaw(v)
		case leaktest.Group:
			if err := putAttrs(m.PutEmptyMap(a.Key), v); err != nil {
				return err
			}
		case leaktest.Object:
			om := m.PutEmptyMap(a.Key)
			for k, s := range v {
				om.PutStr(k, s)
			}
		case leaktest.Error:
			m.PutStr(a.Key, v.Msg)
		case leaktest.Stringer:
			m.PutStr(a.Key, v.S)
		default:
			return leaktest.ErrUnsupported
		}
	}
	return nil
}

// collectorFrontEnd sends each entry through a processor of one signal and
// returns the output batch as OTLP protobuf and JSON.
type collectorFrontEnd struct {
	t      *testing.T
	signal string
	// secrets the processor knows; the suite's when nil.
	secrets []redact.Secret
	out     []byte
}

func (c *collectorFrontEnd) Output() []byte { return c.out }

// nestInGroups nests an entry's context and attributes in its groups, as an SDK
// exports them: the Collector sees attributes only.
func nestInGroups(e leaktest.Entry) []leaktest.Attr {
	attrs := append(append([]leaktest.Attr(nil), e.With...), e.Attrs...)
	for i := len(e.Groups) - 1; i >= 0; i-- {
		attrs = []leaktest.Attr{{Key: e.Groups[i], Value: leaktest.Group(attrs)}}
	}
	return attrs
}

func (c *collectorFrontEnd) Log(e leaktest.Entry) error {
	cfg := suiteConfig()
	if c.secrets != nil {
		cfg = secretsConfig(c.secrets)
	}
	e.Attrs = nestInGroups(e)
	switch c.signal {
	case "logs":
		ld := plog.NewLogs()
		lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.Body().SetStr(e.Message)
		if err := putAttrs(lr.Attributes(), e.Attrs); err != nil {
			return err
		}
		c.out = logsBytes(c.t, runLogs(c.t, cfg, ld))
	case "traces":
		td := ptrace.NewTraces()
		span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
		span.SetName(e.Message)
		if err := putAttrs(span.Attributes(), e.Attrs); err != nil {
			return err
		}
		c.out = tracesBytes(c.t, runTraces(c.t, cfg, td))
	case "metrics":
		md := pmetric.NewMetrics()
		m := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
		m.SetName("app.requests")
		m.SetDescription(e.Message)
		dp := m.SetEmptySum().DataPoints().AppendEmpty()
		dp.SetIntValue(1)
		if err := putAttrs(dp.Attributes(), e.Attrs); err != nil {
			return err
		}
		c.out = metricsBytes(c.t, runMetrics(c.t, cfg, md))
	case "profiles":
		// The message is a function's name (in the string table), the
		// attributes the sample's, in the attribute table.
		b := newProfileBatch()
		b.fn.SetNameStrindex(b.str(e.Message))
		m := pcommon.NewMap()
		if err := putAttrs(m, e.Attrs); err != nil {
			return err
		}
		for k, v := range m.All() {
			b.sample.AttributeIndices().Append(b.attr(k, v))
		}
		c.out = profilesBytes(c.t, runProfiles(c.t, cfg, b.pd))
	case "profiles by reference":
		// The attributes' strings and keys by reference into the string
		// table, with the summary on, so that the rule-aware walk resolves
		// them.
		cfg.Summary = SummaryDebug
		b := newProfileBatch()
		b.fn.SetNameStrindex(b.str(e.Message))
		m := pcommon.NewMap()
		if err := putAttrs(m, e.Attrs); err != nil {
			return err
		}
		var attrs []refAttr
		for k, v := range m.All() {
			attrs = append(attrs, refAttr{key: k, val: v, ref: true})
		}
		pd := withRefAttrs(c.t, b, attrs, b.sample.AttributeIndices())
		c.out = profilesBytes(c.t, runProfiles(c.t, cfg, pd))
	}
	return nil
}

// signals are the signals the processor handles.
var signals = []string{"logs", "traces", "metrics", "profiles", "profiles by reference"}

// TestConformance runs the leak suite through the processor, per signal.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a processor per scenario")
	}
	for _, signal := range signals {
		t.Run(signal, func(t *testing.T) {
			leaktest.Run(t, func(t *testing.T, _ *redact.Redactor) leaktest.FrontEnd {
				return &collectorFrontEnd{t: t, signal: signal}
			})
		})
	}
}

// TestConformanceMultiline runs the leak suite with multi-line secrets (PEM
// keys whose last line is too short to index alone, LF and CRLF, and an AWS
// credentials file) through the processor, per signal. An OTLP string is a
// value an exporter writes later, escaped or as it is, and the protobuf
// output holds its line breaks as they are: a short line left next to its
// redacted neighbour is a leak in both.
func TestConformanceMultiline(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a processor per scenario")
	}
	secrets := leaktest.MultilineSecrets()
	for _, signal := range signals {
		t.Run(signal, func(t *testing.T) {
			leaktest.RunSecrets(t, secrets, func(t *testing.T, _ *redact.Redactor) leaktest.FrontEnd {
				return &collectorFrontEnd{t: t, signal: signal, secrets: secrets}
			})
		})
	}
}

// TestConformanceBinary runs the leak suite with secrets that are base64
// text (leaktest.BinarySecrets) through the processor, per signal: OTLP/JSON
// (and pcommon's AsString, which the debug exporter prints) write a bytes
// value as base64, so bytes that hold no form of such a secret are written
// as the secret itself ("bytes-base64").
func TestConformanceBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a processor per scenario")
	}
	secrets := leaktest.BinarySecrets()
	for _, signal := range signals {
		t.Run(signal, func(t *testing.T) {
			leaktest.RunSecrets(t, secrets, func(t *testing.T, _ *redact.Redactor) leaktest.FrontEnd {
				return &collectorFrontEnd{t: t, signal: signal, secrets: secrets}
			})
		})
	}
}

// TestBytesAsBase64 puts bytes whose base64 is a secret (decoded from a
// secret kept as base64 text) in every place a bytes value can be: a log
// body, nested in a body map and slice, resource and scope attributes, and
// under each kind of rule (none, a blocked key with a hash, an ignored key,
// an allowed value). None may reach the output, nor a hash of the secret.
func TestBytesAsBase64(t *testing.T) {
	secrets := leaktest.BinarySecrets()
	for _, sec := range secrets {
		raw, err := base64.StdEncoding.DecodeString(sec.Value)
		if err != nil {
			raw, err = base64.RawStdEncoding.DecodeString(sec.Value)
		}
		require.NoError(t, err, "secret %s is not base64", sec.Name)
		for name, mod := range map[string]func(*Config){
			"plain": func(*Config) {},
			"rules": func(c *Config) {
				c.BlockedKeyPatterns = []string{"^hashed"}
				c.HashFunction = HashSHA256
				c.IgnoredKeys = []string{"ignored"}
				c.AllowedValues = []string{".*"}
				c.Summary = SummaryDebug
			},
		} {
			t.Run(sec.Name+"/"+name, func(t *testing.T) {
				cfg := secretsConfig(secrets)
				mod(cfg)
				ld := plog.NewLogs()
				rl := ld.ResourceLogs().AppendEmpty()
				rl.Resource().Attributes().PutEmptyBytes("r").FromRaw(raw)
				sl := rl.ScopeLogs().AppendEmpty()
				sl.Scope().Attributes().PutEmptyBytes("s").FromRaw(raw)
				lr := sl.LogRecords().AppendEmpty()
				lr.Body().SetEmptyBytes().FromRaw(raw)
				for _, k := range []string{"plain", "hashed", "ignored"} {
					lr.Attributes().PutEmptyBytes(k).FromRaw(raw)
				}
				lr2 := sl.LogRecords().AppendEmpty()
				bm := lr2.Body().SetEmptyMap()
				bm.PutEmptyBytes("hashed_in_body").FromRaw(raw)
				bm.PutEmptyMap("m").PutEmptySlice("s").AppendEmpty().SetEmptyBytes().FromRaw(raw)
				out := logsBytes(t, runLogs(t, cfg, ld))
				leaktest.Check(t, secrets, out, "bytes values")
				if bytes.Contains(out, []byte(digest(sha256.New(), sec.Value))) {
					t.Errorf("the SHA-256 of secret %s is in the output", sec.Name)
				}
			})
		}
	}
}

// TestEveryStringOfEverySignalMultiline is TestEveryStringOfEverySignal
// with each multi-line secret: every string field of every signal is
// scrubbed as a value.
func TestEveryStringOfEverySignalMultiline(t *testing.T) {
	secrets := leaktest.MultilineSecrets()
	for _, sec := range secrets {
		t.Run(strings.ReplaceAll(sec.Name, "/", "_"), func(t *testing.T) {
			everyString(t, secrets, sec)
		})
	}
}

// TestEveryStringOfEverySignal puts a secret in each string field of each
// signal, one at a time, and checks the processor's output with the leak
// oracle. The table in the README lists the same fields.
func TestEveryStringOfEverySignal(t *testing.T) {
	secrets := leaktest.Secrets()
	everyString(t, secrets, secrets[0])
}

// everyString puts sec, one of secrets, in each string field of each
// signal, one at a time, and checks the output.
func everyString(t *testing.T, secrets []redact.Secret, sec redact.Secret) {
	cfg := func() *Config { return secretsConfig(secrets) }
	v := sec.Value
	repl := "[REDACTED:" + sec.Name + "]"
	traceState := "vendor=" + v + ",other=x"

	logs := map[string]func(plog.ResourceLogs){
		"resource attribute": func(rl plog.ResourceLogs) { rl.Resource().Attributes().PutStr("k", v) },
		"resource schema URL": func(rl plog.ResourceLogs) {
			rl.SetSchemaUrl("https://example.com/" + v)
		},
		"scope schema URL": func(rl plog.ResourceLogs) { rl.ScopeLogs().At(0).SetSchemaUrl("https://example.com/" + v) },
		"scope name":       func(rl plog.ResourceLogs) { rl.ScopeLogs().At(0).Scope().SetName("lib-" + v) },
		"scope version":    func(rl plog.ResourceLogs) { rl.ScopeLogs().At(0).Scope().SetVersion("1.0-" + v) },
		"scope attribute":  func(rl plog.ResourceLogs) { rl.ScopeLogs().At(0).Scope().Attributes().PutStr("k", v) },
		"body":             func(rl plog.ResourceLogs) { rl.ScopeLogs().At(0).LogRecords().At(0).Body().SetStr("m " + v) },
		"attribute key": func(rl plog.ResourceLogs) {
			rl.ScopeLogs().At(0).LogRecords().At(0).Attributes().PutStr("k_"+v, "x")
		},
		"severity text": func(rl plog.ResourceLogs) { rl.ScopeLogs().At(0).LogRecords().At(0).SetSeverityText("INFO " + v) },
		"event name":    func(rl plog.ResourceLogs) { rl.ScopeLogs().At(0).LogRecords().At(0).SetEventName("ev." + v) },
	}
	for field, set := range logs {
		t.Run("logs/"+field, func(t *testing.T) {
			ld := plog.NewLogs()
			rl := ld.ResourceLogs().AppendEmpty()
			rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("m")
			set(rl)
			out := logsBytes(t, runLogs(t, cfg(), ld))
			leaktest.Check(t, secrets, out, "logs "+field)
			assert.True(t, bytes.Contains(out, []byte(repl)), "no replacement") // never print out
		})
	}

	span := func(rs ptrace.ResourceSpans) ptrace.Span { return rs.ScopeSpans().At(0).Spans().At(0) }
	traces := map[string]func(ptrace.ResourceSpans){
		"resource attribute":  func(rs ptrace.ResourceSpans) { rs.Resource().Attributes().PutStr("k", v) },
		"resource schema URL": func(rs ptrace.ResourceSpans) { rs.SetSchemaUrl("https://example.com/" + v) },
		"scope schema URL":    func(rs ptrace.ResourceSpans) { rs.ScopeSpans().At(0).SetSchemaUrl("https://example.com/" + v) },
		"scope name":          func(rs ptrace.ResourceSpans) { rs.ScopeSpans().At(0).Scope().SetName("lib-" + v) },
		"scope version":       func(rs ptrace.ResourceSpans) { rs.ScopeSpans().At(0).Scope().SetVersion("1.0-" + v) },
		"scope attribute":     func(rs ptrace.ResourceSpans) { rs.ScopeSpans().At(0).Scope().Attributes().PutStr("k", v) },
		"span name":           func(rs ptrace.ResourceSpans) { span(rs).SetName("GET /" + v) },
		"span attribute":      func(rs ptrace.ResourceSpans) { span(rs).Attributes().PutStr("k", v) },
		"span trace state":    func(rs ptrace.ResourceSpans) { span(rs).TraceState().FromRaw(traceState) },
		"status message":      func(rs ptrace.ResourceSpans) { span(rs).Status().SetMessage("failed " + v) },
		"event name":          func(rs ptrace.ResourceSpans) { span(rs).Events().AppendEmpty().SetName("ev " + v) },
		"event attribute":     func(rs ptrace.ResourceSpans) { span(rs).Events().AppendEmpty().Attributes().PutStr("k", v) },
		"link attribute":      func(rs ptrace.ResourceSpans) { span(rs).Links().AppendEmpty().Attributes().PutStr("k", v) },
		"link trace state":    func(rs ptrace.ResourceSpans) { span(rs).Links().AppendEmpty().TraceState().FromRaw(traceState) },
	}
	for field, set := range traces {
		t.Run("traces/"+field, func(t *testing.T) {
			td := ptrace.NewTraces()
			rs := td.ResourceSpans().AppendEmpty()
			rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty().SetName("op")
			set(rs)
			out := tracesBytes(t, runTraces(t, cfg(), td))
			leaktest.Check(t, secrets, out, "traces "+field)
			assert.True(t, bytes.Contains(out, []byte(repl)), "no replacement") // never print out
		})
	}

	metric := func(rm pmetric.ResourceMetrics) pmetric.Metric { return rm.ScopeMetrics().At(0).Metrics().At(0) }
	metrics := map[string]func(pmetric.ResourceMetrics){
		"resource attribute":  func(rm pmetric.ResourceMetrics) { rm.Resource().Attributes().PutStr("k", v) },
		"resource schema URL": func(rm pmetric.ResourceMetrics) { rm.SetSchemaUrl("https://example.com/" + v) },
		"scope schema URL": func(rm pmetric.ResourceMetrics) {
			rm.ScopeMetrics().At(0).SetSchemaUrl("https://example.com/" + v)
		},
		"scope name":      func(rm pmetric.ResourceMetrics) { rm.ScopeMetrics().At(0).Scope().SetName("lib-" + v) },
		"scope version":   func(rm pmetric.ResourceMetrics) { rm.ScopeMetrics().At(0).Scope().SetVersion("1.0-" + v) },
		"scope attribute": func(rm pmetric.ResourceMetrics) { rm.ScopeMetrics().At(0).Scope().Attributes().PutStr("k", v) },
		"metric name":     func(rm pmetric.ResourceMetrics) { metric(rm).SetName("app." + v) },
		"description":     func(rm pmetric.ResourceMetrics) { metric(rm).SetDescription("d " + v) },
		"unit":            func(rm pmetric.ResourceMetrics) { metric(rm).SetUnit("{" + v + "}") },
		"metadata":        func(rm pmetric.ResourceMetrics) { metric(rm).Metadata().PutStr("k", v) },
		"data point attribute": func(rm pmetric.ResourceMetrics) {
			metric(rm).Sum().DataPoints().At(0).Attributes().PutStr("k", v)
		},
		"exemplar filtered attribute": func(rm pmetric.ResourceMetrics) {
			metric(rm).Sum().DataPoints().At(0).Exemplars().AppendEmpty().FilteredAttributes().PutStr("k", v)
		},
	}
	for field, set := range metrics {
		t.Run("metrics/"+field, func(t *testing.T) {
			md := pmetric.NewMetrics()
			rm := md.ResourceMetrics().AppendEmpty()
			m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
			m.SetName("app.requests")
			m.SetEmptySum().DataPoints().AppendEmpty().SetIntValue(1)
			set(rm)
			out := metricsBytes(t, runMetrics(t, cfg(), md))
			leaktest.Check(t, secrets, out, "metrics "+field)
			assert.True(t, bytes.Contains(out, []byte(repl)), "no replacement") // never print out
		})
	}

	for field, set := range profileRows(v) {
		t.Run("profiles/"+field, func(t *testing.T) {
			b := newProfileBatch()
			set(b)
			out := profilesBytes(t, runProfiles(t, cfg(), b.pd))
			leaktest.Check(t, secrets, out, "profiles "+field)
			assert.True(t, bytes.Contains(out, []byte(repl)), "no replacement") // never print out
		})
	}

	entityStrings(t, secrets, sec)

	// The other metric types' data points and exemplars.
	t.Run("metrics/every data point type", func(t *testing.T) {
		md := pmetric.NewMetrics()
		ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
		g := ms.AppendEmpty()
		g.SetName("g")
		gdp := g.SetEmptyGauge().DataPoints().AppendEmpty()
		gdp.Attributes().PutStr("k", v)
		gdp.Exemplars().AppendEmpty().FilteredAttributes().PutStr("k", v)
		h := ms.AppendEmpty()
		h.SetName("h")
		hdp := h.SetEmptyHistogram().DataPoints().AppendEmpty()
		hdp.Attributes().PutStr("k", v)
		hdp.Exemplars().AppendEmpty().FilteredAttributes().PutStr("k", v)
		e := ms.AppendEmpty()
		e.SetName("e")
		edp := e.SetEmptyExponentialHistogram().DataPoints().AppendEmpty()
		edp.Attributes().PutStr("k", v)
		edp.Exemplars().AppendEmpty().FilteredAttributes().PutStr("k", v)
		s := ms.AppendEmpty()
		s.SetName("s")
		s.SetEmptySummary().DataPoints().AppendEmpty().Attributes().PutStr("k", v)
		out := metricsBytes(t, runMetrics(t, cfg(), md))
		leaktest.Check(t, secrets, out, "metrics of every type")
	})
}

// TestHashNeverOfAKnownSecret: a blocked key with hash_function set hashes
// the value after known secrets are removed, so the output is never the
// plain digest of a known secret (which would identify it to anyone who can
// compute digests of candidate values).
func TestHashNeverOfAKnownSecret(t *testing.T) {
	cfg := ruleConfig(func(c *Config) {
		c.BlockedKeyPatterns = []string{"^token"}
		c.HashFunction = HashSHA256
	})
	sum := func(s string) string { return digest(sha256.New(), s) }

	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Attributes().PutStr("token", dbSecret)
	lr.Attributes().PutStr("token_header", "Bearer "+apiSecret)
	lr.Attributes().PutStr("token_plain", "not-a-known-secret")
	body := lr.Body().SetEmptyMap()
	body.PutStr("token_in_body", dbSecret)
	out := runLogs(t, cfg, ld)
	got := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)

	for key, want := range map[string]string{
		"token":        sum(dbRepl),
		"token_header": sum("Bearer " + apiRepl),
		"token_plain":  sum("not-a-known-secret"),
	} {
		v, ok := got.Attributes().Get(key)
		require.True(t, ok, "attribute %s missing", key)
		assert.Equal(t, want, v.Str(), "attribute %s", key)
	}
	bv, ok := got.Body().Map().Get("token_in_body")
	require.True(t, ok)
	assert.Equal(t, sum(dbRepl), bv.Str(), "body key token_in_body")

	// The digests of the known secrets appear nowhere.
	all := logsBytes(t, out)
	for name, value := range testSecrets {
		if bytes.Contains(all, []byte(sum(value))) {
			t.Errorf("the SHA-256 of secret %s is in the output", name)
		}
	}
}
