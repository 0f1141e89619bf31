package hushprocessor

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/xpdata/entity"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/hushlog/hush/redact"
)

// errNotReady is returned before the first successful index build. It is not
// a permanent error, so receivers answer with a retryable status (gRPC
// Unavailable, HTTP 503) and senders retry.
var errNotReady = errors.New("hush processor: the secret index is not built yet; retry later")

// hushProcessor is the processor for one signal. Every processor of one
// component configuration shares one index.
type hushProcessor struct {
	signal  string
	idx     *sharedIndex
	rules   *rules
	summary SummaryLevel
	full    bool // rules or summary in force: the rule-aware walk
	// redactAllTypes lets the value rules see non-string values' string form.
	redactAllTypes bool
	notReady       NotReadyAction
	waitTimeout    time.Duration
	tel            *processorTelemetry
}

func newHushProcessor(signal string, cfg *Config, idx *sharedIndex, tel *processorTelemetry) (*hushProcessor, error) {
	rl, err := newRules(cfg)
	if err != nil {
		return nil, err
	}
	summary := cfg.Summary
	if summary == "" {
		summary = SummarySilent
	}
	notReady := cfg.WhenNotReady
	if notReady == "" {
		notReady = NotReadyRefuse
	}
	wait := cfg.WaitTimeout
	if wait == 0 {
		wait = DefaultWaitTimeout
	}
	return &hushProcessor{
		signal:         signal,
		idx:            idx,
		rules:          rl,
		summary:        summary,
		full:           rl != nil || summary == SummaryInfo || summary == SummaryDebug,
		redactAllTypes: cfg.RedactAllTypes,
		notReady:       notReady,
		waitTimeout:    wait,
		tel:            tel,
	}, nil
}

// redactor returns the redactor to scrub with, applying the not-ready
// action when no index was built yet. It never waits for a refresh once
// the first index exists: Scrub reads the current index with one atomic
// load, and refreshes swap a new one in behind it.
func (p *hushProcessor) redactor(ctx context.Context, items int) (*redact.Redactor, error) {
	if p.idx.isReady() {
		return p.idx.redactor, nil
	}
	action := p.notReady
	if action == NotReadyWait {
		t := time.NewTimer(p.waitTimeout)
		defer t.Stop()
		select {
		case <-p.idx.readyCh():
			return p.idx.redactor, nil
		case <-ctx.Done():
		case <-t.C:
		}
		action = NotReadyRefuse
	}
	p.tel.notReady(ctx, p.signal, action, items)
	switch action {
	case NotReadyPass:
		return p.idx.redactor, nil
	case NotReadyDrop:
		return nil, processorhelper.ErrSkipProcessingData
	default:
		return nil, errNotReady
	}
}

func (p *hushProcessor) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	r, err := p.redactor(ctx, ld.LogRecordCount())
	if err != nil {
		return ld, err
	}
	ps := getPass(p, r)
	defer ps.release()
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		ps.resource(rl.Resource())
		if s, ok := ps.scrubField(rl.SchemaUrl()); ok {
			rl.SetSchemaUrl(s)
		}
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sl := sls.At(j)
			ps.scope(sl.Scope())
			if s, ok := ps.scrubField(sl.SchemaUrl()); ok {
				sl.SetSchemaUrl(s)
			}
			lrs := sl.LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				lr := lrs.At(k)
				ps.attrs(lr.Attributes())
				ps.body(lr)
				if s, ok := ps.scrubField(lr.SeverityText()); ok {
					lr.SetSeverityText(s)
				}
				if s, ok := ps.scrubField(lr.EventName()); ok {
					lr.SetEventName(s)
				}
			}
		}
	}
	p.tel.redacted(ctx, p.signal, ps.hits)
	p.tel.detected(ctx, p.signal, ps.detected)
	return ld, nil
}

func (p *hushProcessor) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	r, err := p.redactor(ctx, td.SpanCount())
	if err != nil {
		return td, err
	}
	ps := getPass(p, r)
	defer ps.release()
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		ps.resource(rs.Resource())
		if s, ok := ps.scrubField(rs.SchemaUrl()); ok {
			rs.SetSchemaUrl(s)
		}
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			ps.scope(ss.Scope())
			if s, ok := ps.scrubField(ss.SchemaUrl()); ok {
				ss.SetSchemaUrl(s)
			}
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				ps.span(spans.At(k))
			}
		}
	}
	p.tel.redacted(ctx, p.signal, ps.hits)
	p.tel.detected(ctx, p.signal, ps.detected)
	return td, nil
}

func (ps *pass) span(span ptrace.Span) {
	ps.attrs(span.Attributes())
	if s, ok := ps.scrubField(span.Name()); ok {
		span.SetName(s)
	}
	ps.traceState(span.TraceState())
	if st := span.Status(); st.Message() != "" {
		if s, ok := ps.scrubString(st.Message()); ok {
			st.SetMessage(s)
		}
	}
	events := span.Events()
	for i := 0; i < events.Len(); i++ {
		ev := events.At(i)
		if s, ok := ps.scrubField(ev.Name()); ok {
			ev.SetName(s)
		}
		ps.attrs(ev.Attributes())
	}
	links := span.Links()
	for i := 0; i < links.Len(); i++ {
		ps.attrs(links.At(i).Attributes())
		ps.traceState(links.At(i).TraceState())
	}
}

// traceState scrubs a W3C trace state ("vendor=value,..."), which carries
// vendor data as free text.
func (ps *pass) traceState(ts pcommon.TraceState) {
	if s, ok := ps.scrubField(ts.AsRaw()); ok {
		ts.FromRaw(s)
	}
}

func (p *hushProcessor) processMetrics(ctx context.Context, md pmetric.Metrics) (pmetric.Metrics, error) {
	r, err := p.redactor(ctx, md.DataPointCount())
	if err != nil {
		return md, err
	}
	ps := getPass(p, r)
	defer ps.release()
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)
		ps.resource(rm.Resource())
		if s, ok := ps.scrubField(rm.SchemaUrl()); ok {
			rm.SetSchemaUrl(s)
		}
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			sm := sms.At(j)
			ps.scope(sm.Scope())
			if s, ok := ps.scrubField(sm.SchemaUrl()); ok {
				sm.SetSchemaUrl(s)
			}
			ms := sm.Metrics()
			for k := 0; k < ms.Len(); k++ {
				ps.metric(ms.At(k))
			}
		}
	}
	p.tel.redacted(ctx, p.signal, ps.hits)
	p.tel.detected(ctx, p.signal, ps.detected)
	return md, nil
}

func (ps *pass) metric(m pmetric.Metric) {
	if s, ok := ps.scrubField(m.Name()); ok {
		m.SetName(s)
	}
	if s, ok := ps.scrubField(m.Description()); ok {
		m.SetDescription(s)
	}
	if s, ok := ps.scrubField(m.Unit()); ok {
		m.SetUnit(s)
	}
	// Metadata is not data point attributes: known secrets only, no rules
	// and no summary.
	ps.scrubMap(m.Metadata())
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		dps := m.Gauge().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			ps.attrs(dps.At(i).Attributes())
			ps.exemplars(dps.At(i).Exemplars())
		}
	case pmetric.MetricTypeSum:
		dps := m.Sum().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			ps.attrs(dps.At(i).Attributes())
			ps.exemplars(dps.At(i).Exemplars())
		}
	case pmetric.MetricTypeHistogram:
		dps := m.Histogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			ps.attrs(dps.At(i).Attributes())
			ps.exemplars(dps.At(i).Exemplars())
		}
	case pmetric.MetricTypeExponentialHistogram:
		dps := m.ExponentialHistogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			ps.attrs(dps.At(i).Attributes())
			ps.exemplars(dps.At(i).Exemplars())
		}
	case pmetric.MetricTypeSummary:
		dps := m.Summary().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			ps.attrs(dps.At(i).Attributes())
		}
	}
}

func (ps *pass) exemplars(es pmetric.ExemplarSlice) {
	for i := 0; i < es.Len(); i++ {
		ps.attrs(es.At(i).FilteredAttributes())
	}
}

// resource scrubs a resource: its attributes, and its entity references,
// which pdata keeps beside them (package xpdata/entity, until they are
// stable) and OTLP carries: each one's type, schema URL, and the keys of
// the attributes it is identified and described by. A key is scrubbed as
// the attribute's key is, so a renamed attribute is still named by it.
func (ps *pass) resource(res pcommon.Resource) {
	ps.attrs(res.Attributes())
	refs := entity.ResourceEntityRefs(res)
	for i := 0; i < refs.Len(); i++ {
		ref := refs.At(i)
		if s, ok := ps.scrubField(ref.Type()); ok {
			ref.SetType(s)
		}
		if s, ok := ps.scrubField(ref.SchemaUrl()); ok {
			ref.SetSchemaUrl(s)
		}
		ps.stringSlice(ref.IdKeys())
		ps.stringSlice(ref.DescriptionKeys())
	}
}

// scope scrubs an instrumentation scope's attributes, name and version.
func (ps *pass) scope(s pcommon.InstrumentationScope) {
	ps.attrs(s.Attributes())
	if v, ok := ps.scrubField(s.Name()); ok {
		s.SetName(v)
	}
	if v, ok := ps.scrubField(s.Version()); ok {
		s.SetVersion(v)
	}
}
