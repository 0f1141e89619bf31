package hushprocessor

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/pprofile"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/xpdata/entity"
)

// coveredFields are the accessors of pdata (v1.71.0 / pprofile v0.165.0)
// that give a string, or a value, map or list that can hold one, or an
// index into a profiles string or attribute table, with the row of the
// README's coverage table (and of TestEveryStringOfEverySignal, the
// adversarial and parity tests) that covers each.
var coveredFields = map[string]string{
	"pcommon.Resource.Attributes":                      "resource attributes",
	"entity.EntityRef.Type":                            "resource entity references",
	"entity.EntityRef.SchemaUrl":                       "resource entity references",
	"entity.EntityRef.IdKeys":                          "resource entity references",
	"entity.EntityRef.DescriptionKeys":                 "resource entity references",
	"pcommon.InstrumentationScope.Name":                "scope name",
	"pcommon.InstrumentationScope.Version":             "scope version",
	"pcommon.InstrumentationScope.Attributes":          "scope attributes",
	"plog.ResourceLogs.SchemaUrl":                      "resource schema URL",
	"plog.ScopeLogs.SchemaUrl":                         "scope schema URL",
	"plog.LogRecord.Body":                              "log record body",
	"plog.LogRecord.Attributes":                        "log record attributes",
	"plog.LogRecord.SeverityText":                      "severity text",
	"plog.LogRecord.EventName":                         "event name",
	"ptrace.ResourceSpans.SchemaUrl":                   "resource schema URL",
	"ptrace.ScopeSpans.SchemaUrl":                      "scope schema URL",
	"ptrace.Span.Name":                                 "span name",
	"ptrace.Span.Attributes":                           "span attributes",
	"ptrace.Span.TraceState":                           "span trace state",
	"ptrace.Status.Message":                            "status message",
	"ptrace.SpanEvent.Name":                            "span events: name",
	"ptrace.SpanEvent.Attributes":                      "span events: attributes",
	"ptrace.SpanLink.Attributes":                       "span links: attributes",
	"ptrace.SpanLink.TraceState":                       "span links: trace state",
	"pmetric.ResourceMetrics.SchemaUrl":                "resource schema URL",
	"pmetric.ScopeMetrics.SchemaUrl":                   "scope schema URL",
	"pmetric.Metric.Name":                              "metric name",
	"pmetric.Metric.Description":                       "metric description",
	"pmetric.Metric.Unit":                              "metric unit",
	"pmetric.Metric.Metadata":                          "metric metadata",
	"pmetric.NumberDataPoint.Attributes":               "data point attributes",
	"pmetric.HistogramDataPoint.Attributes":            "data point attributes",
	"pmetric.ExponentialHistogramDataPoint.Attributes": "data point attributes",
	"pmetric.SummaryDataPoint.Attributes":              "data point attributes",
	"pmetric.Exemplar.FilteredAttributes":              "exemplars' filtered attributes",
	"pprofile.ResourceProfiles.SchemaUrl":              "resource schema URL",
	"pprofile.ScopeProfiles.SchemaUrl":                 "scope schema URL",
	"pprofile.ProfilesDictionary.StringTable":          "dictionary string table",
	"pprofile.Function.NameStrindex":                   "dictionary string table",
	"pprofile.Function.SystemNameStrindex":             "dictionary string table",
	"pprofile.Function.FilenameStrindex":               "dictionary string table",
	"pprofile.Mapping.FilenameStrindex":                "dictionary string table",
	"pprofile.ValueType.TypeStrindex":                  "dictionary string table",
	"pprofile.ValueType.UnitStrindex":                  "dictionary string table",
	"pprofile.KeyValueAndUnit.KeyStrindex":             "dictionary string table",
	"pprofile.KeyValueAndUnit.UnitStrindex":            "dictionary string table",
	"pprofile.KeyValueAndUnit.Value":                   "dictionary attribute table",
	"pprofile.Profile.AttributeIndices":                "dictionary attribute table",
	"pprofile.Sample.AttributeIndices":                 "dictionary attribute table",
	"pprofile.Location.AttributeIndices":               "dictionary attribute table",
	"pprofile.Mapping.AttributeIndices":                "dictionary attribute table",
	"pprofile.Profile.OriginalPayloadFormat":           "profile original payload format",
	"pprofile.Profile.OriginalPayload":                 "profile original payload",
}

// TestEveryStringFieldIsCovered walks pdata's types from each signal's
// root by reflection and lists every accessor that gives a string, a
// value, map or list that can hold one, or a string or attribute table
// index: each must be in coveredFields, so a field a pdata upgrade adds
// (as event names and entity references were) fails here until the
// processor, the tests and the README cover it; and each entry of
// coveredFields must still exist.
func TestEveryStringFieldIsCovered(t *testing.T) {
	strType := reflect.TypeOf("")
	leafTypes := map[reflect.Type]bool{
		strType:                               true,
		reflect.TypeOf(pcommon.Map{}):         true,
		reflect.TypeOf(pcommon.Value{}):       true,
		reflect.TypeOf(pcommon.Slice{}):       true,
		reflect.TypeOf(pcommon.StringSlice{}): true,
		reflect.TypeOf(pcommon.ByteSlice{}):   true,
		reflect.TypeOf(pcommon.TraceState{}):  true,
	}
	pdataPkg := func(t reflect.Type) bool {
		return strings.HasPrefix(t.PkgPath(), "go.opentelemetry.io/collector/pdata/")
	}
	name := func(t reflect.Type) string { return t.String() }
	found := map[string]bool{}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		for i := 0; i < typ.NumMethod(); i++ {
			m := typ.Method(i)
			if m.Type.NumIn() != 1 || m.Type.NumOut() != 1 {
				continue
			}
			out := m.Type.Out(0)
			field := name(typ) + "." + m.Name
			switch {
			case leafTypes[out]:
				if out == strType && slices.Contains([]string{"String"}, m.Name) {
					continue
				}
				found[field] = true
			case out.Kind() == reflect.Int32 && strings.HasSuffix(m.Name, "Strindex"):
				found[field] = true
			case out == reflect.TypeOf(pcommon.Int32Slice{}) && m.Name == "AttributeIndices":
				found[field] = true
			case out.Kind() == reflect.Struct && pdataPkg(out):
				if at, ok := out.MethodByName("At"); ok && at.Type.NumOut() == 1 {
					walk(at.Type.Out(0)) // a slice type: its elements
					continue
				}
				walk(out)
			}
		}
	}
	for _, root := range []any{plog.NewLogs(), ptrace.NewTraces(), pmetric.NewMetrics(), pprofile.NewProfiles(),
		entity.NewEntityRef()} {
		walk(reflect.TypeOf(root))
	}
	for f := range found {
		if _, ok := coveredFields[f]; !ok {
			t.Errorf("pdata field %s can hold a string and is not covered: scrub it in the processor, add it to the "+
				"coverage tests and to the README's coverage table, then to coveredFields", f)
		}
	}
	for f := range coveredFields {
		if !found[f] {
			t.Errorf("coveredFields lists %s, which pdata no longer has (or the walk no longer reaches)", f)
		}
	}
	t.Logf("%d fields found", len(found))
	if len(found) < 40 {
		t.Errorf("the walk found only %d fields: it no longer reaches pdata's types", len(found))
	}
}
