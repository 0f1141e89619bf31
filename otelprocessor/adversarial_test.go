package hushprocessor

import (
	"fmt"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// adversarialValues are values built to get secret v past the processor:
// bytes inside slices and maps, a map keyed by it, maps and slices 100
// deep with it as the deepest value or key, more keys holding it than are
// renamed one by one; and (large) values of 256 KiB with it where the
// engine's decoding windows (64 KiB) meet, after escapes.
func adversarialValues(v string) (small, large map[string]func(pcommon.Value)) {
	deep := func(x pcommon.Value, leaf func(pcommon.Map)) {
		m := x.SetEmptyMap()
		for i := 0; i < 100; i++ {
			if i%2 == 0 {
				m = m.PutEmptyMap(fmt.Sprintf("level%d", i))
			} else {
				m = m.PutEmptySlice(fmt.Sprintf("level%d", i)).AppendEmpty().SetEmptyMap()
			}
		}
		leaf(m)
	}
	huge := func(at int) string {
		var b strings.Builder
		for b.Len() < at-len(v)/2 {
			b.WriteString("line \"quoted\"\n\t")
		}
		b.WriteString(v)
		for b.Len() < 256<<10 {
			b.WriteString(" tail\n")
		}
		return b.String()
	}
	small = map[string]func(pcommon.Value){
		"slice of bytes": func(x pcommon.Value) {
			s := x.SetEmptySlice()
			s.AppendEmpty().SetEmptyBytes().FromRaw([]byte("clean"))
			s.AppendEmpty().SetEmptyBytes().FromRaw([]byte("b=" + v))
		},
		"map of slices of bytes": func(x pcommon.Value) {
			x.SetEmptyMap().PutEmptySlice("s").AppendEmpty().SetEmptyBytes().FromRaw([]byte(v))
		},
		"map keyed by the secret": func(x pcommon.Value) {
			m := x.SetEmptyMap()
			m.PutEmptyMap("outer").PutStr("auth-"+v, "x")
			m.PutStr(v, "y")
		},
		"100 deep, secret value": func(x pcommon.Value) { deep(x, func(m pcommon.Map) { m.PutStr("k", v) }) },
		"100 deep, secret key":   func(x pcommon.Value) { deep(x, func(m pcommon.Map) { m.PutStr("k"+v, "x") }) },
		"100 deep, bytes":        func(x pcommon.Value) { deep(x, func(m pcommon.Map) { m.PutEmptyBytes("k").FromRaw([]byte(v)) }) },
		"slice 100 deep": func(x pcommon.Value) {
			s := x.SetEmptySlice()
			for i := 0; i < 99; i++ {
				s = s.AppendEmpty().SetEmptySlice()
			}
			s.AppendEmpty().SetStr(v)
		},
		"many keys holding it": func(x pcommon.Value) {
			m := x.SetEmptyMap()
			for i := 0; i < 3*fewKeys; i++ {
				m.PutStr(fmt.Sprintf("k%d-%s", i, v), v)
			}
		},
	}
	large = map[string]func(pcommon.Value){
		"256 KiB, secret across the first window's end": func(x pcommon.Value) { x.SetStr(huge(64 << 10)) },
		"256 KiB, secret at the end":                    func(x pcommon.Value) { x.SetStr(huge(256<<10 - len(v))) },
		"256 KiB of bytes, secret across a window":      func(x pcommon.Value) { x.SetEmptyBytes().FromRaw([]byte(huge(192 << 10))) },
	}
	return small, large
}

// TestAdversarialValues puts each small adversarial value at every place
// of every signal that holds a value or a map (for a map place, as the
// value of one key): resource, scope, log and span attributes, log bodies,
// span events and links, metric metadata, data points and exemplars,
// profile attributes; and each large one at one place per signal (the
// leak oracle's decoding of megabytes of output is what costs); plainly
// and under rules that send it down the rule-aware walk (an ignored key, a
// summary at debug level). Nothing may leak.
func TestAdversarialValues(t *testing.T) {
	secrets := leaktest.Secrets()
	for i, sec := range []redact.Secret{secrets[0], secrets[len(secrets)-1]} {
		small, large := adversarialValues(sec.Value)
		for name, val := range small {
			for _, mode := range []string{"plain", "rules"} {
				t.Run(strings.ReplaceAll(sec.Name, "/", "_")+"/"+name+"/"+mode, func(t *testing.T) {
					adversarialRun(t, secrets, mode, val, true)
				})
			}
		}
		if i > 0 || testing.Short() {
			continue
		}
		for name, val := range large {
			for _, mode := range []string{"plain", "rules"} {
				t.Run(strings.ReplaceAll(sec.Name, "/", "_")+"/"+name+"/"+mode, func(t *testing.T) {
					adversarialRun(t, secrets, mode, val, false)
				})
			}
		}
	}
}

// adversarialRun puts val (at every place, or at one per signal) in a
// batch of each signal and checks what the processor makes of it.
func adversarialRun(t *testing.T, secrets []redact.Secret, mode string, val func(pcommon.Value), everywhere bool) {
	cfg := secretsConfig(secrets)
	if mode == "rules" {
		cfg.IgnoredKeys = []string{"ignored"}
		cfg.BlockedValues = []string{"never-matches-[0-9]{40}"}
		cfg.Summary = SummaryDebug
	}
	put := func(m pcommon.Map) {
		val(m.PutEmpty("k"))
		val(m.PutEmpty("ignored"))
	}
	// more is put only when the value goes everywhere.
	more := func(m pcommon.Map) {
		if everywhere {
			put(m)
		}
	}

	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	more(rl.Resource().Attributes())
	sl := rl.ScopeLogs().AppendEmpty()
	more(sl.Scope().Attributes())
	lr := sl.LogRecords().AppendEmpty()
	put(lr.Attributes())
	if everywhere {
		val(lr.Body())
		put(sl.LogRecords().AppendEmpty().Body().SetEmptyMap())
	}
	leaktest.Check(t, secrets, logsBytes(t, runLogs(t, cfg, ld)), "logs")

	td := ptrace.NewTraces()
	span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	more(span.Attributes())
	more(span.Events().AppendEmpty().Attributes())
	put(span.Links().AppendEmpty().Attributes())
	leaktest.Check(t, secrets, tracesBytes(t, runTraces(t, cfg, td)), "traces")

	md := pmetric.NewMetrics()
	m := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("m")
	more(m.Metadata())
	dp := m.SetEmptyGauge().DataPoints().AppendEmpty()
	more(dp.Attributes())
	put(dp.Exemplars().AppendEmpty().FilteredAttributes())
	leaktest.Check(t, secrets, metricsBytes(t, runMetrics(t, cfg, md)), "metrics")

	b := newProfileBatch()
	x := pcommon.NewValueEmpty()
	val(x)
	b.sample.AttributeIndices().Append(b.attr("k", x), b.attr("ignored", x))
	more(b.rp.Resource().Attributes())
	leaktest.Check(t, secrets, profilesBytes(t, runProfiles(t, cfg, b.pd)), "profiles")

	// The same with its strings and keys by reference into the string
	// table, when it nests shallowly enough for OTLP protobuf (pdata's
	// unmarshaler refuses a value 100 deep in the attribute table, so none
	// arrives so).
	if valueDepth(x) > 60 {
		return
	}
	b = newProfileBatch()
	pd := withRefAttrs(t, b, []refAttr{{"k", x, true}, {"ignored", x, true}}, b.sample.AttributeIndices())
	leaktest.Check(t, secrets, profilesBytes(t, runProfiles(t, cfg, pd)), "profiles by reference")
}

// valueDepth is how deep maps and slices nest in v.
func valueDepth(v pcommon.Value) int {
	d := 0
	switch v.Type() {
	case pcommon.ValueTypeMap:
		for _, x := range v.Map().All() {
			d = max(d, valueDepth(x))
		}
	case pcommon.ValueTypeSlice:
		for _, x := range v.Slice().All() {
			d = max(d, valueDepth(x))
		}
	default:
		return 0
	}
	return d + 1
}
