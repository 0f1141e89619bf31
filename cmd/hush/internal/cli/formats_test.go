package cli

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// noSecretDecoded fails if a secret value is in s once decoded: s itself,
// and, when s is a JSON document, every string in it, recursively (JSON
// carried inside JSON strings).
func noSecretDecoded(t *testing.T, what, s string) {
	t.Helper()
	assertNoValue(t, what, []byte(s))
	var v any
	if json.Unmarshal([]byte(s), &v) == nil {
		walkJSON(v, func(str string) { noSecretDecoded(t, what, str) })
	}
}

func walkJSON(v any, f func(string)) {
	switch x := v.(type) {
	case string:
		f(x)
	case []any:
		for _, e := range x {
			walkJSON(e, f)
		}
	case map[string]any:
		for _, e := range x {
			walkJSON(e, f)
		}
	}
}

// TestScrubbedJSONLinesStayValid: every scrubbed line is still a JSON
// document with the same fields, and no string in it, decoded, holds a
// secret.
func TestScrubbedJSONLinesStayValid(t *testing.T) {
	code, out, errs := runMain(t, nil, "scrub", "-q", "--config", "testdata/hush.yaml", "testdata/logs/app.jsonl")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	n := 0
	for sc.Scan() {
		n++
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d is no longer JSON: %v", n, err)
		}
		if m["level"] == nil || m["msg"] == nil {
			t.Errorf("line %d lost its fields", n)
		}
		noSecretDecoded(t, "line", sc.Text())
	}
	if n != 7 {
		t.Errorf("%d lines, want 7", n)
	}
}

// TestScrubbedOTLPStaysValid: the scrubbed OTLP-JSON export still
// unmarshals with the Collector's own pdata, with the same records, and the
// secrets are gone from bodies (strings, maps, JSON in strings) and
// attributes.
func TestScrubbedOTLPStaysValid(t *testing.T) {
	code, out, errs := runMain(t, nil, "scrub", "-q", "--config", "testdata/hush.yaml", "testdata/logs/otlp.json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	logs, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs([]byte(out))
	if err != nil {
		t.Fatalf("scrubbed OTLP-JSON does not unmarshal: %v", err)
	}
	if n := logs.LogRecordCount(); n != 4 {
		t.Fatalf("%d log records, want 4", n)
	}
	recs := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	var check func(v pcommon.Value)
	check = func(v pcommon.Value) {
		switch v.Type() {
		case pcommon.ValueTypeStr:
			noSecretDecoded(t, "OTLP value", v.Str())
		case pcommon.ValueTypeMap:
			v.Map().Range(func(_ string, e pcommon.Value) bool { check(e); return true })
		}
	}
	for i := range recs.Len() {
		r := recs.At(i)
		check(r.Body())
		r.Attributes().Range(func(_ string, v pcommon.Value) bool { check(v); return true })
	}
	if v, _ := recs.At(1).Attributes().Get("db.password"); v.Str() != "[REDACTED:prod/db/password]" {
		t.Errorf("db.password attribute is %q", v.Str())
	}
}
