package hushprocessor

import (
	"bytes"
	"crypto/sha256"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pprofile"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/hushlog/hush/internal/leaktest"
)

// refAttr is an attribute of a parity case: inline as pcommon builds it,
// or, with ref set, as OTLP lets a profiles dictionary carry it: its
// string value (and the keys and string values of a map value) references
// into the string table.
type refAttr struct {
	key string
	val any // string, int64, or map[string]string (with ref: keys and values by reference)
	ref bool
}

// withRefAttrs returns b's batch with attrs appended to its attribute
// table, each record of recs pointing to all of them. pcommon cannot
// write a reference, so the batch is marshalled and a second dictionary
// field is appended to the protobuf, which the unmarshaler merges into
// the first (its repeated fields appended).
func withRefAttrs(t *testing.T, b profileBatch, attrs []refAttr, recs ...pcommon.Int32Slice) pprofile.Profiles {
	t.Helper()
	base := int32(b.dict.AttributeTable().Len())
	var table []byte
	for i, a := range attrs {
		for _, r := range recs {
			r.Append(base + int32(i))
		}
		var kvu []byte
		kvu = protowire.AppendTag(kvu, 1, protowire.VarintType)
		kvu = protowire.AppendVarint(kvu, uint64(b.str(a.key)))
		kvu = protowire.AppendTag(kvu, 2, protowire.BytesType)
		kvu = protowire.AppendBytes(kvu, b.anyValue(a.val, a.ref))
		table = protowire.AppendTag(table, 6, protowire.BytesType)
		table = protowire.AppendBytes(table, kvu)
	}
	buf, err := (&pprofile.ProtoMarshaler{}).MarshalProfiles(b.pd)
	require.NoError(t, err)
	buf = protowire.AppendTag(buf, 2, protowire.BytesType)
	buf = protowire.AppendBytes(buf, table)
	pd, err := (&pprofile.ProtoUnmarshaler{}).UnmarshalProfiles(buf)
	require.NoError(t, err)
	require.Equal(t, int(base)+len(attrs), pd.Dictionary().AttributeTable().Len(), "the appended entries")
	return pd
}

// anyValue encodes v as an OTLP AnyValue, its strings by reference when
// ref is set.
func (b profileBatch) anyValue(v any, ref bool) []byte {
	var out []byte
	switch v := v.(type) {
	case string:
		if ref {
			out = protowire.AppendTag(out, 8, protowire.VarintType)
			out = protowire.AppendVarint(out, uint64(b.str(v)))
		} else {
			out = protowire.AppendTag(out, 1, protowire.BytesType)
			out = protowire.AppendString(out, v)
		}
	case int64:
		out = protowire.AppendTag(out, 3, protowire.VarintType)
		out = protowire.AppendVarint(out, uint64(v))
	case map[string]string:
		var list []byte
		for _, k := range slices.Sorted(maps.Keys(v)) {
			var kv []byte
			if ref {
				kv = protowire.AppendTag(kv, 3, protowire.VarintType)
				kv = protowire.AppendVarint(kv, uint64(b.str(k)))
			} else {
				kv = protowire.AppendTag(kv, 1, protowire.BytesType)
				kv = protowire.AppendString(kv, k)
			}
			kv = protowire.AppendTag(kv, 2, protowire.BytesType)
			kv = protowire.AppendBytes(kv, b.anyValue(v[k], ref))
			list = protowire.AppendTag(list, 1, protowire.BytesType)
			list = protowire.AppendBytes(list, kv)
		}
		out = protowire.AppendTag(out, 6, protowire.BytesType)
		out = protowire.AppendBytes(out, list)
	case pcommon.Value:
		out = b.anyValueOf(v)
	default:
		panic("anyValue: unsupported type")
	}
	return out
}

// anyValueOf encodes v as an OTLP AnyValue with every string and map key
// by reference into the string table.
func (b profileBatch) anyValueOf(v pcommon.Value) []byte {
	var out []byte
	switch v.Type() {
	case pcommon.ValueTypeStr:
		out = protowire.AppendTag(out, 8, protowire.VarintType)
		out = protowire.AppendVarint(out, uint64(b.str(v.Str())))
	case pcommon.ValueTypeBool:
		out = protowire.AppendTag(out, 2, protowire.VarintType)
		out = protowire.AppendVarint(out, protowire.EncodeBool(v.Bool()))
	case pcommon.ValueTypeInt:
		out = protowire.AppendTag(out, 3, protowire.VarintType)
		out = protowire.AppendVarint(out, uint64(v.Int()))
	case pcommon.ValueTypeDouble:
		out = protowire.AppendTag(out, 4, protowire.Fixed64Type)
		out = protowire.AppendFixed64(out, math.Float64bits(v.Double()))
	case pcommon.ValueTypeBytes:
		out = protowire.AppendTag(out, 7, protowire.BytesType)
		out = protowire.AppendBytes(out, v.Bytes().AsRaw())
	case pcommon.ValueTypeSlice:
		var list []byte
		for _, x := range v.Slice().All() {
			list = protowire.AppendTag(list, 1, protowire.BytesType)
			list = protowire.AppendBytes(list, b.anyValueOf(x))
		}
		out = protowire.AppendTag(out, 5, protowire.BytesType)
		out = protowire.AppendBytes(out, list)
	case pcommon.ValueTypeMap:
		var list []byte
		for k, x := range v.Map().All() {
			var kv []byte
			kv = protowire.AppendTag(kv, 3, protowire.VarintType)
			kv = protowire.AppendVarint(kv, uint64(b.str(k)))
			kv = protowire.AppendTag(kv, 2, protowire.BytesType)
			kv = protowire.AppendBytes(kv, b.anyValueOf(x))
			list = protowire.AppendTag(list, 1, protowire.BytesType)
			list = protowire.AppendBytes(list, kv)
		}
		out = protowire.AppendTag(out, 6, protowire.BytesType)
		out = protowire.AppendBytes(out, list)
	}
	return out
}

// putInline puts a as an inline attribute into m.
func putInline(m pcommon.Map, a refAttr) {
	switch v := a.val.(type) {
	case string:
		m.PutStr(a.key, v)
	case int64:
		m.PutInt(a.key, v)
	case map[string]string:
		mm := m.PutEmptyMap(a.key)
		for k, x := range v {
			mm.PutStr(k, x)
		}
	}
}

// resolvedAttrs reads the attributes a record points to, references
// resolved against the string table.
func resolvedAttrs(t *testing.T, pd pprofile.Profiles, rec interface{ AttributeIndices() pcommon.Int32Slice }) map[string]any {
	t.Helper()
	d := pd.Dictionary()
	res := resolveAttributeRefs(d)
	out := map[string]any{}
	for _, i := range rec.AttributeIndices().All() {
		require.True(t, i >= 0 && int(i) < d.AttributeTable().Len(), "attribute index %d out of range", i)
		kv := d.AttributeTable().At(int(i))
		v := kv.Value()
		if rv, ok := res[int(i)]; ok {
			v = rv
		}
		out[d.StringTable().At(int(kv.KeyStrindex()))] = v.AsRaw()
	}
	return out
}

// parityAttrs are the attributes of the parity cases: every rule has
// something to do, by value inline and by reference.
func parityAttrs(ref bool) []refAttr {
	return []refAttr{
		{"id", int64(5), false},
		{"group.id", "some.valid.id", ref},
		{"name", "placeholder " + cardNumber, ref},
		{"safe_attribute", "harmless " + cardNumber + " " + apiSecret, ref},
		{"safeRE_attribute_id", "safe id", ref},
		{"credit_card", cardNumber, ref},
		{"token_some", "tokenize " + dbSecret, ref},
		{"api_key_some", "apinize", ref},
		{"email", "user@mycompany.com", ref},
		{"conn", "pw=" + dbSecret, ref},
		{"note", map[string]string{"card": cardNumber, "k_" + pinSecret: "v"}, ref},
	}
}

// TestProfilesRulesParity: every rule (allowed and ignored keys and
// patterns, blocked key patterns with masking or hashing, blocked and
// allowed values, redact_all_types, the summary at each level, an upstream
// summary merged) does to the attributes a profile, a sample, a location
// and a mapping point to exactly what it does to a span's attributes,
// whether the dictionary holds the values inline or as string table
// references.
func TestProfilesRulesParity(t *testing.T) {
	configs := map[string]func(*Config){
		"summary debug": func(c *Config) { *c = *summaryConfig(SummaryDebug) },
		"summary info":  func(c *Config) { *c = *summaryConfig(SummaryInfo) },
		"summary silent": func(c *Config) {
			*c = *summaryConfig(SummarySilent)
		},
		"blocked values only": func(c *Config) { c.BlockedValues = []string{`4[0-9]{15}`, `tokenize`} },
		"all types hashed": func(c *Config) {
			c.BlockedValues = []string{`4[0-9]{15}`, `safe`}
			c.BlockedKeyPatterns = []string{`^token`, `^note$`}
			c.HashFunction = HashSHA256
			c.RedactAllTypes = true
			c.Summary = SummaryDebug
		},
		"allowed values": func(c *Config) {
			c.BlockedValues = []string{`.`}
			c.AllowedValues = []string{`^some`, `mycompany`}
			c.Summary = SummaryInfo
		},
	}
	for name, mut := range configs {
		for _, ref := range []bool{false, true} {
			for _, upstream := range []bool{false, true} {
				label := name
				if ref {
					label += "/by reference"
				}
				if upstream {
					label += "/upstream summary"
				}
				t.Run(label, func(t *testing.T) {
					attrs := parityAttrs(ref)
					if upstream {
						attrs = append(attrs, refAttr{attrMaskedCount, int64(2), false},
							refAttr{attrMaskedKeys, "upstream_key", ref}, refAttr{attrAllowedCount, int64(9), false})
					}
					cfg := staticConfig()
					mut(cfg)
					cfg.Static = staticConfig().Static
					// The oracle: the attributes inline on a span.
					td := ptrace.NewTraces()
					span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
					span.SetName("op")
					for _, a := range attrs {
						putInline(span.Attributes(), a)
					}
					want := runTraces(t, cfg, td).ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().AsRaw()

					b := newProfileBatch()
					cfg2 := staticConfig()
					mut(cfg2)
					cfg2.Static = staticConfig().Static
					pd := withRefAttrs(t, b, attrs, b.sample.AttributeIndices(), b.prof.AttributeIndices(),
						b.loc.AttributeIndices(), b.mapping.AttributeIndices())
					out := runProfiles(t, cfg2, pd)
					all := profilesBytes(t, out)
					assertNoLeak(t, "profiles", all)
					if bytes.Contains(all, []byte(digest(sha256.New(), dbSecret))) {
						t.Errorf("the SHA-256 of secret %s is in the output", dbName)
					}
					d := out.Dictionary()
					prof := out.ResourceProfiles().At(0).ScopeProfiles().At(0).Profiles().At(0)
					for rname, rec := range map[string]interface{ AttributeIndices() pcommon.Int32Slice }{
						"sample": prof.Samples().At(0), "profile": prof,
						"location": d.LocationTable().At(1), "mapping": d.MappingTable().At(1),
					} {
						assert.Equal(t, want, resolvedAttrs(t, out, rec), rname)
					}
					assertProfileIndexes(t, out)
				})
			}
		}
	}
}

// TestProfilesRefsKeptWhenRulesChangeNothing: an entry held by reference
// that no rule changes keeps its reference (the string table entry is
// scrubbed of known secrets where it is), and the resolver reads exactly
// what an inline value holds.
func TestProfilesRefsKeptWhenRulesChangeNothing(t *testing.T) {
	cfg := ruleConfig(func(c *Config) { c.BlockedValues = []string{`4[0-9]{15}`} })
	b := newProfileBatch()
	attrs := []refAttr{{"k", "clean value", true}, {"s", "pw=" + dbSecret, true}, {"m", map[string]string{"a": "b"}, true}}
	pd := withRefAttrs(t, b, attrs, b.sample.AttributeIndices())
	out := runProfiles(t, cfg, pd)
	at := out.Dictionary().AttributeTable()
	n := at.Len()
	for i := n - len(attrs); i < n-1; i++ {
		assert.Equal(t, pcommon.ValueTypeEmpty, at.At(i).Value().Type(), "entry %d is still a reference", i)
	}
	_, ok := at.At(n - 1).Value().Map().Get("")
	assert.True(t, ok, "the map's key is still a reference")
	prof := out.ResourceProfiles().At(0).ScopeProfiles().At(0).Profiles().At(0)
	assert.Equal(t, map[string]any{"k": "clean value", "s": "pw=" + dbRepl, "m": map[string]any{"a": "b"}},
		resolvedAttrs(t, out, prof.Samples().At(0)))
	assertNoLeak(t, "profiles", profilesBytes(t, out))
}

// TestProfilesReferencesEveryForm: a secret of every shape the leak
// oracle knows, held by reference in the attribute table (a value, a map
// value, a map key), never leaves, with the plain walk and with the rules
// and the summary on (which resolve the references), and under a blocked
// key (whose rule masks the resolved text) and a blocked value.
func TestProfilesReferencesEveryForm(t *testing.T) {
	secrets := leaktest.Secrets()
	for _, sec := range secrets {
		v := sec.Value
		for _, mode := range []string{"plain", "rules"} {
			t.Run(strings.ReplaceAll(sec.Name, "/", "_")+"/"+mode, func(t *testing.T) {
				cfg := secretsConfig(secrets)
				if mode == "rules" {
					cfg.IgnoredKeys = []string{"ignored"}
					cfg.BlockedKeyPatterns = []string{"^masked$"}
					cfg.HashFunction = HashSHA256
					cfg.BlockedValues = []string{"never-matches-[0-9]{40}"}
					cfg.Summary = SummaryDebug
				}
				b := newProfileBatch()
				attrs := []refAttr{
					{"k", "x " + v, true},
					{"ignored", v, true},
					{"masked", v, true},
					{"m", map[string]string{"inner": v, "k_" + v: "y"}, true},
				}
				pd := withRefAttrs(t, b, attrs, b.sample.AttributeIndices(), b.loc.AttributeIndices())
				out := runProfiles(t, cfg, pd)
				all := profilesBytes(t, out)
				leaktest.Check(t, secrets, all, "profiles by reference")
				if mode == "rules" && bytes.Contains(all, []byte(digest(sha256.New(), v))) {
					t.Errorf("the SHA-256 of secret %s is in the output", sec.Name)
				}
				assert.True(t, bytes.Contains(all, []byte("[REDACTED:"+sec.Name+"]")), "no replacement") // never print all
				assertProfileIndexes(t, out)
			})
		}
	}
}
