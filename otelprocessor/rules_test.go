package hushprocessor

import (
	"context"
	"crypto/hmac"
	"crypto/md5"  //nolint:gosec // testing the md5 option
	"crypto/sha1" //nolint:gosec // testing the sha1 option
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"sort"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// ruleConfig is a configuration with the test secrets and the given rules.
func ruleConfig(mut func(*Config)) *Config {
	cfg := staticConfig()
	mut(cfg)
	return cfg
}

// attrPoints puts attrs at every attribute point of every signal, runs them
// through a processor for cfg, and returns the output maps, named. The log
// body (a map) is included when withBody is set; its summary goes to the
// record's attributes under other names, so summary tests leave it out.
func attrPoints(t *testing.T, cfg *Config, attrs map[string]any, withBody bool) map[string]pcommon.Map {
	t.Helper()
	fill := func(m pcommon.Map) {
		if err := m.FromRaw(attrs); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]pcommon.Map{}

	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	fill(rs.Resource().Attributes())
	ss := rs.ScopeSpans().AppendEmpty()
	fill(ss.Scope().Attributes())
	span := ss.Spans().AppendEmpty()
	span.SetName("span")
	fill(span.Attributes())
	fill(span.Events().AppendEmpty().Attributes())
	fill(span.Links().AppendEmpty().Attributes())
	otd := runTraces(t, cfg, td)
	ors := otd.ResourceSpans().At(0)
	osp := ors.ScopeSpans().At(0).Spans().At(0)
	out["span resource"] = ors.Resource().Attributes()
	out["span scope"] = ors.ScopeSpans().At(0).Scope().Attributes()
	out["span"] = osp.Attributes()
	out["span event"] = osp.Events().At(0).Attributes()
	out["span link"] = osp.Links().At(0).Attributes()

	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	fill(rl.Resource().Attributes())
	sl := rl.ScopeLogs().AppendEmpty()
	fill(sl.Scope().Attributes())
	lr := sl.LogRecords().AppendEmpty()
	fill(lr.Attributes())
	if withBody {
		fill(lr.Body().SetEmptyMap())
	}
	old := runLogs(t, cfg, ld)
	orl := old.ResourceLogs().At(0)
	olr := orl.ScopeLogs().At(0).LogRecords().At(0)
	out["log resource"] = orl.Resource().Attributes()
	out["log scope"] = orl.ScopeLogs().At(0).Scope().Attributes()
	out["log record"] = olr.Attributes()
	if withBody {
		out["log body"] = olr.Body().Map()
	}

	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	fill(rm.Resource().Attributes())
	sm := rm.ScopeMetrics().AppendEmpty()
	fill(sm.Scope().Attributes())
	ms := sm.Metrics()
	fill(ms.AppendEmpty().SetEmptyGauge().DataPoints().AppendEmpty().Attributes())
	fill(ms.AppendEmpty().SetEmptySum().DataPoints().AppendEmpty().Attributes())
	fill(ms.AppendEmpty().SetEmptyHistogram().DataPoints().AppendEmpty().Attributes())
	fill(ms.AppendEmpty().SetEmptyExponentialHistogram().DataPoints().AppendEmpty().Attributes())
	fill(ms.AppendEmpty().SetEmptySummary().DataPoints().AppendEmpty().Attributes())
	omd := runMetrics(t, cfg, md)
	orm := omd.ResourceMetrics().At(0)
	oms := orm.ScopeMetrics().At(0).Metrics()
	out["metric resource"] = orm.Resource().Attributes()
	out["metric scope"] = orm.ScopeMetrics().At(0).Scope().Attributes()
	out["gauge"] = oms.At(0).Gauge().DataPoints().At(0).Attributes()
	out["sum"] = oms.At(1).Sum().DataPoints().At(0).Attributes()
	out["histogram"] = oms.At(2).Histogram().DataPoints().At(0).Attributes()
	out["exponential histogram"] = oms.At(3).ExponentialHistogram().DataPoints().At(0).Attributes()
	out["summary"] = oms.At(4).Summary().DataPoints().At(0).Attributes()
	return out
}

func expectAttrs(t *testing.T, maps map[string]pcommon.Map, want map[string]any, gone ...string) {
	t.Helper()
	for where, m := range maps {
		for k, w := range want {
			v, ok := m.Get(k)
			if !ok {
				t.Errorf("%s: %s missing", where, k)
				continue
			}
			if got := v.AsRaw(); got != w {
				t.Errorf("%s: %s = %v, want %v", where, k, got, w)
			}
		}
		for _, k := range gone {
			if _, ok := m.Get(k); ok {
				t.Errorf("%s: %s not removed", where, k)
			}
		}
	}
}

// Parity: redactionprocessor's TestRedactUnknownAttributes.
func TestAllowedKeysRemoveUnknown(t *testing.T) {
	cfg := ruleConfig(func(c *Config) {
		c.AllowedKeys = []string{"group", "id", "name"}
		c.IgnoredKeys = []string{"safe_attribute"}
	})
	maps := attrPoints(t, cfg, map[string]any{
		"group": "temporary", "id": int64(5), "name": "placeholder",
		"safe_attribute": "4111111111111112", "credit_card": "4111111111111111",
	}, true)
	expectAttrs(t, maps, map[string]any{"group": "temporary", "id": int64(5), "name": "placeholder",
		"safe_attribute": "4111111111111112"}, "credit_card")
}

// Parity: TestAllowAllKeys.
func TestAllowAllKeys(t *testing.T) {
	cfg := ruleConfig(func(c *Config) {
		c.AllowedKeys = []string{"group", "id"}
		c.AllowAllKeys = true
	})
	maps := attrPoints(t, cfg, map[string]any{"group": "temporary", "id": int64(5), "name": "placeholder"}, true)
	expectAttrs(t, maps, map[string]any{"group": "temporary", "id": int64(5), "name": "placeholder"})
}

// Unlike redactionprocessor, an empty allow list allows every key.
func TestEmptyAllowedKeysAllowsEveryKey(t *testing.T) {
	cfg := ruleConfig(func(c *Config) { c.BlockedValues = []string{"nomatch-xyz"} })
	maps := attrPoints(t, cfg, map[string]any{"anything": "kept", "n": int64(3)}, true)
	expectAttrs(t, maps, map[string]any{"anything": "kept", "n": int64(3)})
}

// Parity: TestAllowAllKeysMaskValues.
func TestBlockedAndAllowedValues(t *testing.T) {
	cfg := ruleConfig(func(c *Config) {
		c.AllowedKeys = []string{"group", "id", "name"}
		c.AllowAllKeys = true
		c.BlockedValues = []string{"4[0-9]{12}(?:[0-9]{3})?"}
		c.AllowedValues = []string{".+@mycompany.com"}
	})
	maps := attrPoints(t, cfg, map[string]any{
		"group": "temporary", "id": int64(5), "name": "placeholder",
		"credit_card": "placeholder 4111111111111111", "email": "user@mycompany.com",
	}, true)
	expectAttrs(t, maps, map[string]any{"group": "temporary", "id": int64(5), "name": "placeholder",
		"credit_card": "placeholder ****", "email": "user@mycompany.com"})
}

// Parity: TestMultipleBlockValues and TestBlockedValuesAppliedInConfigOrder.
func TestBlockedValuesInOrder(t *testing.T) {
	cfg := ruleConfig(func(c *Config) {
		c.BlockedValues = []string{"4[0-9]{12}(?:[0-9]{3})?", "(5[1-5][0-9]{14})", `\*\*\*\*`}
		c.MaskingString = "[X]"
	})
	maps := attrPoints(t, cfg, map[string]any{"cards": "visa 4111111111111111 mc 5500000000000004 literal ****"}, true)
	expectAttrs(t, maps, map[string]any{"cards": "visa [X] mc [X] literal [X]"})
}

// Parity: TestBlockedKeyPatternMasksMultilineValueWhole, and masking of
// blocked keys with a custom masking string.
func TestBlockedKeyPatterns(t *testing.T) {
	cfg := ruleConfig(func(c *Config) {
		c.BlockedKeyPatterns = []string{".*(token|api_key).*"}
		c.MaskingString = "[REDACTED]"
	})
	maps := attrPoints(t, cfg, map[string]any{
		"token_some": "tokenize", "api_key_some": "line one\nline two\n", "other": "tokenize",
	}, true)
	expectAttrs(t, maps, map[string]any{"token_some": "[REDACTED]", "api_key_some": "[REDACTED]", "other": "tokenize"})
}

// Parity: TestRedactAllTypesFalse / True.
func TestRedactAllTypes(t *testing.T) {
	for _, all := range []bool{false, true} {
		cfg := ruleConfig(func(c *Config) {
			c.BlockedValues = []string{"4[0-9]{12}(?:[0-9]{3})?"}
			c.RedactAllTypes = all
		})
		maps := attrPoints(t, cfg, map[string]any{"card": int64(4111111111111111), "s": "4111111111111111"}, false)
		want := map[string]any{"card": int64(4111111111111111), "s": "****"}
		if all {
			want["card"] = "****"
		}
		expectAttrs(t, maps, want)
	}
}

func digest(h hash.Hash, s string) string {
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil))
}

// Parity: TestRedactSummaryDebugHash* and TestHMACConsistency.
func TestHashFunctions(t *testing.T) {
	key32 := strings.Repeat("k", 32)
	key64 := strings.Repeat("K", 64)
	card := "4111111111111111"
	tests := []struct {
		fn   HashFunction
		key  string
		want string
	}{
		{HashMD5, "", digest(md5.New(), card)},   //nolint:gosec // test
		{HashSHA1, "", digest(sha1.New(), card)}, //nolint:gosec // test
		{HashSHA3, "", digest(sha3.New256(), card)},
		{HashSHA256, "", digest(sha256.New(), card)},
		{HashSHA512, "", digest(sha512.New(), card)},
		{HashHMACSHA256, key32, digest(hmac.New(sha256.New, []byte(key32)), card)},
		{HashHMACSHA512, key64, digest(hmac.New(sha512.New, []byte(key64)), card)},
	}
	for _, tt := range tests {
		t.Run(string(tt.fn), func(t *testing.T) {
			cfg := ruleConfig(func(c *Config) {
				c.BlockedValues = []string{"4[0-9]{12}(?:[0-9]{3})?"}
				c.BlockedKeyPatterns = []string{"^token$"}
				c.HashFunction = tt.fn
				c.HMACKey = configopaque.String(tt.key)
			})
			maps := attrPoints(t, cfg, map[string]any{"card": "card " + card, "token": card, "db": dbSecret}, true)
			// A known secret is never hashed: it gets the replacement
			// template, whatever hash_function says.
			expectAttrs(t, maps, map[string]any{"card": "card " + tt.want, "token": tt.want, "db": dbRepl})
		})
	}
}

// Known secrets are removed whatever the rules exempt: ignored keys, allowed
// values and allowed keys.
func TestKnownSecretsIgnoreExemptions(t *testing.T) {
	cfg := ruleConfig(func(c *Config) {
		c.AllowedKeys = []string{"allowed", "value_allowed", "masked", "ignored"}
		c.IgnoredKeys = []string{"ignored"}
		c.AllowedValues = []string{"^ok "}
		c.BlockedKeyPatterns = []string{"^masked$"}
	})
	maps := attrPoints(t, cfg, map[string]any{
		"allowed":       "x " + dbSecret,
		"ignored":       "y " + apiSecret,
		"value_allowed": "ok " + dbSecret,
		"masked":        apiSecret,
		"dropped":       dbSecret,
	}, true)
	expectAttrs(t, maps, map[string]any{
		"allowed": "x " + dbRepl, "ignored": "y " + apiRepl, "value_allowed": "ok " + dbRepl, "masked": "****",
	}, "dropped")
}

func summaryCase() map[string]any {
	return map[string]any{
		"id": int64(5), "group.id": "some.valid.id", "member (id)": "some other valid id",
		"name":                    "placeholder 4111111111111111",
		"safe_attribute":          "harmless 4111111111111112",
		"safeRE_attribute_id":     "safe id",
		"safeRE_attribute_source": "safe source",
		"credit_card":             "4111111111111111",
		"token_some":              "tokenize",
		"api_key_some":            "apinize",
		"email":                   "user@mycompany.com",
		"conn":                    "pw=" + dbSecret,
	}
}

func summaryConfig(level SummaryLevel) *Config {
	return ruleConfig(func(c *Config) {
		c.AllowedKeys = []string{"id", "group", "name", "group.id", "member (id)", "token_some", "api_key_some", "email", "conn"}
		c.BlockedValues = []string{"4[0-9]{12}(?:[0-9]{3})?"}
		c.IgnoredKeys = []string{"safe_attribute"}
		c.IgnoredKeyPatterns = []string{"safeRE_attribute.*"}
		c.BlockedKeyPatterns = []string{".*(token|api_key).*"}
		c.AllowedValues = []string{".+@mycompany.com"}
		c.Summary = level
	})
}

// Parity: TestRedactSummaryDebug, with a known secret counted as a masked
// value.
func TestSummaryDebug(t *testing.T) {
	maps := attrPoints(t, summaryConfig(SummaryDebug), summaryCase(), false)
	expectAttrs(t, maps, map[string]any{
		attrRedactedKeys: "credit_card", attrRedactedCount: int64(1),
		attrMaskedKeys: "api_key_some,conn,name,token_some", attrMaskedCount: int64(4),
		attrAllowedKeys: "email", attrAllowedCount: int64(1),
		attrIgnoredCount: int64(3),
		"name":           "placeholder ****", "token_some": "****", "api_key_some": "****",
		"email": "user@mycompany.com", "conn": "pw=" + dbRepl,
	}, "credit_card")
}

// Parity: TestRedactSummaryInfo.
func TestSummaryInfo(t *testing.T) {
	maps := attrPoints(t, summaryConfig(SummaryInfo), summaryCase(), false)
	expectAttrs(t, maps, map[string]any{
		attrRedactedCount: int64(1), attrMaskedCount: int64(4), attrAllowedCount: int64(1), attrIgnoredCount: int64(3),
	}, attrRedactedKeys, attrMaskedKeys, attrAllowedKeys, "credit_card")
}

// Parity: TestRedactSummarySilent and TestRedactSummaryDefault.
func TestSummarySilent(t *testing.T) {
	for _, level := range []SummaryLevel{SummarySilent, ""} {
		maps := attrPoints(t, summaryConfig(level), summaryCase(), false)
		var all []string
		for k := range summaryAttrs {
			all = append(all, k)
		}
		expectAttrs(t, maps, map[string]any{"name": "placeholder ****"}, append(all, "credit_card")...)
	}
}

// A summary never lists a key by a name that holds a secret.
func TestSummaryKeyNamesAreScrubbed(t *testing.T) {
	cfg := ruleConfig(func(c *Config) { c.Summary = SummaryDebug })
	maps := attrPoints(t, cfg, map[string]any{"user_" + apiSecret: "v " + dbSecret}, false)
	expectAttrs(t, maps, map[string]any{"user_" + apiRepl: "v " + dbRepl, attrMaskedKeys: "user_" + apiRepl, attrMaskedCount: int64(1)})
}

// chainLogs builds processors for cfgs, each feeding the next, through the
// factory, and returns the first and the final sink.
func chainLogs(t *testing.T, cfgs ...*Config) (func(plog.Logs), *consumertest.LogsSink) {
	t.Helper()
	sink := new(consumertest.LogsSink)
	var next consumer.Logs = sink
	for i := len(cfgs) - 1; i >= 0; i-- {
		p, err := NewFactory().CreateLogs(context.Background(), settings(), cfgs[i], next)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
		waitReady(t, cfgs[i])
		next = p
	}
	return func(ld plog.Logs) {
		if err := next.ConsumeLogs(context.Background(), ld); err != nil {
			t.Fatal(err)
		}
	}, sink
}

func oneRecord(attrs map[string]any) plog.Logs {
	ld := plog.NewLogs()
	_ = ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Attributes().FromRaw(attrs)
	return ld
}

func recordAttrs(sink *consumertest.LogsSink) pcommon.Map {
	all := sink.AllLogs()
	return all[len(all)-1].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()
}

// Parity: TestSummaryAcrossChainedProcessors and TestProcessAttrsAppliedTwice.
func TestSummaryAcrossTwoPasses(t *testing.T) {
	t.Run("re-derived outcomes do not double", func(t *testing.T) {
		for _, level := range []SummaryLevel{SummaryDebug, SummaryInfo} {
			mk := func() *Config {
				return ruleConfig(func(c *Config) {
					c.AllowedKeys = []string{"email", "id"}
					c.IgnoredKeys = []string{"trace_id"}
					c.AllowedValues = []string{`.+@mycompany\.com`}
					c.Summary = level
				})
			}
			send, sink := chainLogs(t, mk(), mk(), mk())
			send(oneRecord(map[string]any{"email": "someone@mycompany.com", "id": "5", "trace_id": "abc", "unknown": "dropped"}))
			a := recordAttrs(sink)
			want := map[string]any{attrAllowedCount: int64(1), attrIgnoredCount: int64(1), attrRedactedCount: int64(1)}
			if level == SummaryDebug {
				want[attrAllowedKeys] = "email"
				want[attrRedactedKeys] = "unknown"
			}
			expectAttrs(t, map[string]pcommon.Map{string(level): a}, want)
		}
	})
	t.Run("completed work accumulates", func(t *testing.T) {
		send, sink := chainLogs(t,
			ruleConfig(func(c *Config) { c.AllowedKeys = []string{"keep", "first", "conn"}; c.Summary = SummaryDebug }),
			ruleConfig(func(c *Config) { c.AllowedKeys = []string{"keep", "conn"}; c.Summary = SummaryDebug }))
		send(oneRecord(map[string]any{"keep": "1", "first": "2", "second": "3", "conn": "pw=" + dbSecret}))
		expectAttrs(t, map[string]pcommon.Map{"chain": recordAttrs(sink)}, map[string]any{
			attrRedactedKeys: "first,second", attrRedactedCount: int64(2),
			// The secret was masked by the first pass only: the second
			// sees the replacement, not the value.
			attrMaskedKeys: "conn", attrMaskedCount: int64(1),
		})
	})
	t.Run("upstream summary merged", func(t *testing.T) {
		send, sink := chainLogs(t, ruleConfig(func(c *Config) {
			c.AllowedKeys = []string{"id", "credit_card", "mystery"}
			c.BlockedValues = []string{"4[0-9]{12}(?:[0-9]{3})?"}
			c.Summary = SummaryDebug
		}))
		send(oneRecord(map[string]any{
			"id": int64(5), "redundant": 1.2, "mystery": "mystery ****", "credit_card": "4111111111111111",
			attrRedactedKeys: "dropped_attr1,dropped_attr2", attrRedactedCount: int64(2),
			attrMaskedKeys: "mystery", attrMaskedCount: int64(1),
		}))
		a := recordAttrs(sink)
		if a.Len() != 7 {
			t.Errorf("%d attributes, want 7: %v", a.Len(), a.AsRaw())
		}
		expectAttrs(t, map[string]pcommon.Map{"record": a}, map[string]any{
			attrRedactedKeys: "dropped_attr1,dropped_attr2,redundant", attrRedactedCount: int64(3),
			attrMaskedKeys: "credit_card,mystery", attrMaskedCount: int64(2),
		})
	})
	t.Run("a pass that allows nothing clears the upstream value", func(t *testing.T) {
		send, sink := chainLogs(t,
			ruleConfig(func(c *Config) {
				c.AllowedKeys = []string{"email"}
				c.AllowedValues = []string{`.+@mycompany\.com`}
				c.Summary = SummaryDebug
			}),
			ruleConfig(func(c *Config) { c.AllowedKeys = []string{"email"}; c.Summary = SummaryDebug }))
		send(oneRecord(map[string]any{"email": "someone@mycompany.com"}))
		expectAttrs(t, map[string]pcommon.Map{"record": recordAttrs(sink)}, nil, attrAllowedKeys, attrAllowedCount)
	})
	t.Run("a silent egress strips the trail unless allowed", func(t *testing.T) {
		send, sink := chainLogs(t,
			ruleConfig(func(c *Config) {
				c.AllowedKeys = []string{"id", "card"}
				c.BlockedValues = []string{"4[0-9]{12}(?:[0-9]{3})?"}
				c.Summary = SummaryDebug
			}),
			ruleConfig(func(c *Config) { c.AllowedKeys = []string{"id", attrRedactedCount} }))
		send(oneRecord(map[string]any{"id": "5", "card": "4111111111111111", "unknown": "x"}))
		a := recordAttrs(sink)
		var left []string
		for k := range a.All() {
			left = append(left, k)
		}
		sort.Strings(left)
		if strings.Join(left, ",") != "id,"+attrRedactedCount {
			t.Errorf("attributes after a silent egress: %v", left)
		}
	})
}

// Log bodies: key rules at any depth, paths as redactionprocessor reports
// them, summary under redaction.body.* on the record.
func TestLogBodyRules(t *testing.T) {
	cfg := ruleConfig(func(c *Config) {
		c.AllowedKeys = []string{"msg", "nested", "list", "token", "ok", "card", "safe"}
		c.IgnoredKeys = []string{"safe"}
		c.BlockedKeyPatterns = []string{"^token$"}
		c.BlockedValues = []string{"4[0-9]{12}(?:[0-9]{3})?"}
		c.AllowedValues = []string{"^fine$"}
		c.Summary = SummaryDebug
	})
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	if err := lr.Body().SetEmptyMap().FromRaw(map[string]any{
		"msg": "login with " + dbSecret,
		"nested": map[string]any{
			"token":   "abc",
			"unknown": "x",
			"list":    []any{"fine", "card 4111111111111111", map[string]any{"ok": "yes", "drop": 1}},
			"safe":    "4111111111111111",
		},
	}); err != nil {
		t.Fatal(err)
	}
	out := runLogs(t, cfg, ld)
	olr := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	body := olr.Body().Map().AsRaw()
	nested := body["nested"].(map[string]any)
	list := nested["list"].([]any)
	if body["msg"] != "login with "+dbRepl || nested["token"] != "****" || list[0] != "fine" ||
		list[1] != "card ****" || nested["safe"] != "4111111111111111" {
		t.Errorf("body = %v", body)
	}
	if _, ok := nested["unknown"]; ok {
		t.Error("unknown nested key kept")
	}
	if _, ok := list[2].(map[string]any)["drop"]; ok {
		t.Error("unknown key in a list element kept")
	}
	expectAttrs(t, map[string]pcommon.Map{"record": olr.Attributes()}, map[string]any{
		attrBodyRedactedKeys: "nested.list.[2].drop,nested.unknown", attrBodyRedactedCount: int64(2),
		attrBodyMaskedKeys: "msg,nested.list.[1],nested.token", attrBodyMaskedCount: int64(3),
		attrBodyAllowedKeys: "nested.list.[0]", attrBodyAllowedCount: int64(1),
		attrBodyIgnoredCount: int64(1),
	})
}

// Parity: TestSummaryAttrNamesInLogBodyAreUserData.
func TestSummaryAttrNamesInLogBodyAreUserData(t *testing.T) {
	cfg := ruleConfig(func(c *Config) { c.AllowedKeys = []string{"id"}; c.Summary = SummaryDebug })
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	b := lr.Body().SetEmptyMap()
	for k := range summaryAttrs {
		b.PutStr(k, "user data")
	}
	b.PutStr("id", "5")
	out := runLogs(t, cfg, ld)
	olr := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	if olr.Body().Map().Len() != 1 {
		t.Errorf("body keys named like summary attributes survived: %v", olr.Body().Map().AsRaw())
	}
	expectAttrs(t, map[string]pcommon.Map{"record": olr.Attributes()},
		map[string]any{attrBodyRedactedCount: int64(len(summaryAttrs))})
}

// An upstream summary is bookkeeping, but a secret in it is still removed.
func TestUpstreamSummaryIsScrubbed(t *testing.T) {
	cfg := ruleConfig(func(c *Config) { c.Summary = SummaryDebug })
	maps := attrPoints(t, cfg, map[string]any{attrMaskedKeys: "a,token_" + apiSecret, attrMaskedCount: int64(2)}, false)
	expectAttrs(t, maps, map[string]any{attrMaskedKeys: "a,token_" + apiRepl, attrMaskedCount: int64(2)})
}
