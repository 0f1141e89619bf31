package hushprocessor

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/pprofile"
	"go.opentelemetry.io/collector/pdata/ptrace"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/hushlog/hush/config"
	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/otelprocessor/internal/metadata"
	"github.com/hushlog/hush/redact"
)

// detectorPlaces puts a token's text in the strings of each signal the
// processor scrubs: log body, attribute value and key, span name, span
// attribute, event name, metric name and data point attribute, a
// profile's function name and sample attribute. It returns how many places
// each signal got.
var detectorPlaces = struct {
	logs     func(plog.Logs, string) int
	traces   func(ptrace.Traces, string) int
	metrics  func(pmetric.Metrics, string) int
	profiles func(string) (pprofile.Profiles, int)
}{
	logs: func(ld plog.Logs, v string) int {
		lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.Body().SetStr("connecting with " + v)
		lr.Attributes().PutStr("note", v)
		lr.Attributes().PutStr("k "+v, "x")
		lr.Attributes().PutEmptyMap("req").PutStr("url", "see "+v)
		return 4
	},
	traces: func(td ptrace.Traces, v string) int {
		sp := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
		sp.SetName("GET /" + v)
		sp.Attributes().PutStr("note", v)
		sp.Events().AppendEmpty().SetName("ev " + v)
		return 3
	},
	metrics: func(md pmetric.Metrics, v string) int {
		m := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
		m.SetName("app." + v)
		dp := m.SetEmptySum().DataPoints()
		dp.AppendEmpty().Attributes().PutStr("note", v)
		return 2
	},
	profiles: func(v string) (pprofile.Profiles, int) {
		b := newProfileBatch()
		b.fn.SetNameStrindex(b.str("main.f " + v))
		b.sample.AttributeIndices().Append(b.strAttr("note", v))
		return b.pd, 2
	},
}

// TestDetectorsEverySignal runs a generated token of every shape of every
// detector family through the real processor (made by the factory, with no
// secret source: a detector-only configuration) in every signal: with the
// default configuration each token of the default set is gone, named by
// its rule, and counted by rule and confidence in the processor's
// telemetry; with detectors: {enabled: [none]} it passes unchanged.
func TestDetectorsEverySignal(t *testing.T) {
	toks := detecttest.New(4).All()
	for _, mode := range []struct {
		name string
		d    config.DetectorsConfig
		on   func(rule string) bool
	}{
		{"default", config.DetectorsConfig{}, func(rule string) bool { return detect.Default().Has(rule) }},
		{"none", config.DetectorsConfig{Enabled: []string{"none"}}, func(string) bool { return false }},
	} {
		t.Run(mode.name, func(t *testing.T) {
			cfg := NewFactory().CreateDefaultConfig().(*Config)
			cfg.Detectors = mode.d
			cfg.AllowNoSources = mode.name == "none"
			require.NoError(t, cfg.Validate())
			reader := sdkmetric.NewManualReader()
			set := settings()
			set.MeterProvider = sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
			lp, lsink := startLogs(t, cfg, set)
			tp, tsink := startTraces(t, cfg, set)
			mp, msink := startMetrics(t, cfg, set)
			pp, psink := startProfiles(t, cfg, set)
			want := map[string]int64{} // rule -> detections expected
			for i, tok := range toks {
				ld, td, md := plog.NewLogs(), ptrace.NewTraces(), pmetric.NewMetrics()
				pd, np := detectorPlaces.profiles(tok.Text)
				n := detectorPlaces.logs(ld, tok.Text) + detectorPlaces.traces(td, tok.Text) + detectorPlaces.metrics(md, tok.Text) + np
				require.NoError(t, lp.ConsumeLogs(context.Background(), ld))
				require.NoError(t, tp.ConsumeTraces(context.Background(), td))
				require.NoError(t, mp.ConsumeMetrics(context.Background(), md))
				require.NoError(t, pp.ConsumeProfiles(context.Background(), pd))
				out := append(logsBytes(t, lsink.AllLogs()[i]), tracesBytes(t, tsink.AllTraces()[i])...)
				out = append(out, metricsBytes(t, msink.AllMetrics()[i])...)
				out = append(out, profilesBytes(t, psink.AllProfiles()[i])...)
				what := tok.Rule + "/" + tok.Variant
				sec := []redact.Secret{{Name: what, Value: tok.Secret()}}
				if !mode.on(tok.Rule) {
					assert.NotEmpty(t, leaktest.Find(sec, out), "%s: detection is off, yet the token is not in the output", what)
					continue
				}
				leaktest.Check(t, sec, out, what)
				// Each place is in the output twice (protobuf and JSON).
				named := bytes.Count(out, []byte("[REDACTED:detected:"+tok.Rule+"]"))
				assert.GreaterOrEqual(t, named, 2*n, "%s: replacements naming the rule", what)
				want[tok.Rule] += int64(n)
			}
			assert.Equal(t, want, detectionsByRule(t, reader))
		})
	}
}

// detectionsByRule reads the processor's detections counter, summed over
// signals, by rule; it checks that each point's confidence is the rule's
// (or lower) and that the component ID is on every point.
func detectionsByRule(t *testing.T, reader *sdkmetric.ManualReader) map[string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != metadata.MetricDetections {
				continue
			}
			sum, ok := m.Data.(metricdata.Sum[int64])
			require.True(t, ok, "detections is not an int sum")
			assert.True(t, sum.IsMonotonic, "detections is not monotonic")
			for _, p := range sum.DataPoints {
				rule, _ := p.Attributes.Value(metadata.AttributeRule)
				conf, _ := p.Attributes.Value(metadata.AttributeConfidence)
				_, hasID := p.Attributes.Value(metadata.AttributeProcessor)
				assert.True(t, hasID, "a point without the component ID")
				r, ok := detect.Lookup(rule.AsString())
				if assert.True(t, ok, "unknown rule %q", rule.AsString()) {
					assert.Contains(t, confidences, conf.AsString())
					assert.LessOrEqual(t, int(confidences[conf.AsString()]), int(r.Confidence), "%s: confidence above the rule's best", r.ID)
				}
				got[rule.AsString()] += p.Value
			}
		}
	}
	return got
}

// confidences maps a confidence's name to its level.
var confidences = map[string]detect.Confidence{
	detect.Prefix.String(): detect.Prefix, detect.Structure.String(): detect.Structure, detect.Checksum.String(): detect.Checksum,
}
