package hushprocessor

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/xpdata/entity"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// entityRows put v in each string of a resource's entity references,
// which pdata keeps beside the resource's attributes (package
// xpdata/entity) and OTLP carries: type, schema URL, and the attribute
// keys an entity is identified and described by.
func entityRows(v string) map[string]func(pcommon.Resource) {
	ref := func(res pcommon.Resource) entity.EntityRef {
		r := entity.ResourceEntityRefs(res).AppendEmpty()
		r.SetType("service")
		r.IdKeys().Append("service.name")
		return r
	}
	return map[string]func(pcommon.Resource){
		"entity ref type":        func(res pcommon.Resource) { ref(res).SetType("k8s.pod/" + v) },
		"entity ref schema URL":  func(res pcommon.Resource) { ref(res).SetSchemaUrl("https://example.com/" + v) },
		"entity ref id key":      func(res pcommon.Resource) { ref(res).IdKeys().Append("k_" + v) },
		"entity ref description": func(res pcommon.Resource) { ref(res).DescriptionKeys().Append("d_" + v) },
	}
}

// resourceOutput runs a batch of signal whose resource set prepared
// through a processor for cfg and returns the output as OTLP protobuf and
// JSON.
func resourceOutput(t *testing.T, cfg *Config, signal string, set func(pcommon.Resource)) []byte {
	t.Helper()
	switch signal {
	case "logs":
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("m")
		set(rl.Resource())
		return logsBytes(t, runLogs(t, cfg, ld))
	case "traces":
		td := ptrace.NewTraces()
		rs := td.ResourceSpans().AppendEmpty()
		rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty().SetName("op")
		set(rs.Resource())
		return tracesBytes(t, runTraces(t, cfg, td))
	case "metrics":
		md := pmetric.NewMetrics()
		rm := md.ResourceMetrics().AppendEmpty()
		m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
		m.SetName("app.requests")
		m.SetEmptySum().DataPoints().AppendEmpty().SetIntValue(1)
		set(rm.Resource())
		return metricsBytes(t, runMetrics(t, cfg, md))
	default:
		b := newProfileBatch()
		set(b.rp.Resource())
		return profilesBytes(t, runProfiles(t, cfg, b.pd))
	}
}

// entityStrings checks each entity reference string of every signal with
// sec, one of secrets (everyString runs it for each set of secrets).
func entityStrings(t *testing.T, secrets []redact.Secret, sec redact.Secret) {
	repl := "[REDACTED:" + sec.Name + "]"
	for field, set := range entityRows(sec.Value) {
		for _, signal := range signals {
			t.Run(signal+"/"+field, func(t *testing.T) {
				out := resourceOutput(t, secretsConfig(secrets), signal, set)
				leaktest.Check(t, secrets, out, signal+" "+field)
				assert.True(t, bytes.Contains(out, []byte(repl)), "no replacement") // never print out
			})
		}
	}
}

// TestEntityRefKeysFollowRenamedAttributes: an entity's id key names a
// resource attribute; when that attribute's key held a secret and was
// renamed, the id key is renamed alike and still names it.
func TestEntityRefKeysFollowRenamedAttributes(t *testing.T) {
	for _, cfg := range []*Config{staticConfig(), ruleConfig(func(c *Config) { c.Summary = SummaryDebug })} {
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("m")
		rl.Resource().Attributes().PutStr("tenant."+apiSecret, "acme")
		ref := entity.ResourceEntityRefs(rl.Resource()).AppendEmpty()
		ref.SetType("tenant")
		ref.IdKeys().Append("tenant." + apiSecret)
		out := runLogs(t, cfg, ld)
		res := out.ResourceLogs().At(0).Resource()
		assertNoLeak(t, "entity refs", logsBytes(t, out))
		keys := entity.ResourceEntityRefs(res).At(0).IdKeys()
		if assert.Equal(t, 1, keys.Len()) {
			_, ok := res.Attributes().Get(keys.At(0))
			assert.True(t, ok, "the entity's id key names no attribute")
		}
	}
}
