package hushprocessor

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pprofile"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/xprocessor"
	"go.opentelemetry.io/otel/attribute"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/internal/smfake"
	"github.com/hushlog/hush/otelprocessor/internal/metadata"
	"github.com/hushlog/hush/redact"
)

// profileBatch is a batch of one profile with one sample, whose stack has
// one location (in a mapping, with one line of one function), built as an
// SDK builds one: index 0 of every dictionary table is its zero value.
type profileBatch struct {
	pd      pprofile.Profiles
	dict    pprofile.ProfilesDictionary
	rp      pprofile.ResourceProfiles
	sp      pprofile.ScopeProfiles
	prof    pprofile.Profile
	sample  pprofile.Sample
	loc     pprofile.Location
	mapping pprofile.Mapping
	fn      pprofile.Function
}

func newProfileBatch() profileBatch {
	pd := pprofile.NewProfiles()
	d := pd.Dictionary()
	d.StringTable().Append("")
	d.MappingTable().AppendEmpty()
	d.LocationTable().AppendEmpty()
	d.FunctionTable().AppendEmpty()
	d.LinkTable().AppendEmpty()
	d.AttributeTable().AppendEmpty()
	d.StackTable().AppendEmpty()
	b := profileBatch{pd: pd, dict: d}
	b.fn = d.FunctionTable().AppendEmpty()
	b.fn.SetNameStrindex(b.str("main.handleOrder"))
	b.fn.SetSystemNameStrindex(b.str("main.handleOrder"))
	b.fn.SetFilenameStrindex(b.str("/src/app/main.go"))
	b.mapping = d.MappingTable().AppendEmpty()
	b.mapping.SetFilenameStrindex(b.str("/usr/local/bin/app"))
	b.loc = d.LocationTable().AppendEmpty()
	b.loc.SetMappingIndex(1)
	b.loc.SetAddress(0x4010)
	line := b.loc.Lines().AppendEmpty()
	line.SetFunctionIndex(1)
	line.SetLine(42)
	d.StackTable().AppendEmpty().LocationIndices().Append(1)
	link := d.LinkTable().AppendEmpty()
	link.SetTraceID(pcommon.TraceID{1, 2, 3})
	link.SetSpanID(pcommon.SpanID{4, 5})
	b.rp = pd.ResourceProfiles().AppendEmpty()
	b.rp.Resource().Attributes().PutStr("service.name", "checkout")
	b.sp = b.rp.ScopeProfiles().AppendEmpty()
	b.sp.Scope().SetName("profiler")
	b.prof = b.sp.Profiles().AppendEmpty()
	b.prof.SampleType().SetTypeStrindex(b.str("cpu"))
	b.prof.SampleType().SetUnitStrindex(b.str("nanoseconds"))
	b.prof.PeriodType().SetTypeStrindex(b.str("cpu"))
	b.prof.PeriodType().SetUnitStrindex(b.str("nanoseconds"))
	b.prof.SetPeriod(10_000_000)
	b.prof.SetProfileID(pprofile.ProfileID{9, 9, 9})
	b.sample = b.prof.Samples().AppendEmpty()
	b.sample.SetStackIndex(1)
	b.sample.SetLinkIndex(1)
	b.sample.Values().Append(7)
	return b
}

// str adds s to the string table (once) and returns its index.
func (b profileBatch) str(s string) int32 {
	i, err := pprofile.SetString(b.dict.StringTable(), s)
	if err != nil {
		panic(err)
	}
	return i
}

// attr appends an attribute entry and returns its index.
func (b profileBatch) attr(k string, v pcommon.Value) int32 {
	kv := b.dict.AttributeTable().AppendEmpty()
	kv.SetKeyStrindex(b.str(k))
	v.CopyTo(kv.Value())
	return int32(b.dict.AttributeTable().Len() - 1)
}

// strAttr appends a string attribute entry and returns its index.
func (b profileBatch) strAttr(k, v string) int32 {
	return b.attr(k, pcommon.NewValueStr(v))
}

// attrsOf reads the attributes a record points to.
func attrsOf(t *testing.T, pd pprofile.Profiles, record interface{ AttributeIndices() pcommon.Int32Slice }) pcommon.Map {
	t.Helper()
	m, err := pprofile.FromAttributeIndices(pd.Dictionary().AttributeTable(), record, pd.Dictionary())
	require.NoError(t, err)
	return m
}

// profilesBytes is a batch as OTLP protobuf and JSON, marshalled from a
// copy (the marshalers move resource and scope attributes into the string
// table of what they marshal).
func profilesBytes(t *testing.T, pd pprofile.Profiles) []byte {
	t.Helper()
	c := pprofile.NewProfiles()
	pd.CopyTo(c)
	p, err := (&pprofile.ProtoMarshaler{}).MarshalProfiles(c)
	require.NoError(t, err)
	c = pprofile.NewProfiles()
	pd.CopyTo(c)
	j, err := (&pprofile.JSONMarshaler{}).MarshalProfiles(c)
	require.NoError(t, err)
	return append(p, j...)
}

func startProfiles(t *testing.T, cfg *Config, set processor.Settings) (xprocessor.Profiles, *consumertest.ProfilesSink) {
	t.Helper()
	sink := new(consumertest.ProfilesSink)
	p, err := NewFactory().CreateProfiles(context.Background(), set, cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() {
		if err := p.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	waitReady(t, cfg)
	return p, sink
}

// runProfiles sends pd through a fresh processor for cfg and returns the
// output.
func runProfiles(t *testing.T, cfg *Config, pd pprofile.Profiles) pprofile.Profiles {
	t.Helper()
	p, sink := startProfiles(t, cfg, settings())
	require.NoError(t, p.ConsumeProfiles(context.Background(), pd))
	require.Len(t, sink.AllProfiles(), 1)
	return sink.AllProfiles()[0]
}

// profileRows puts v in each string of a profiles batch, one place per
// row: everyString runs them with the other signals' rows.
func profileRows(v string) map[string]func(profileBatch) {
	return map[string]func(profileBatch){
		"resource attribute": func(b profileBatch) { b.rp.Resource().Attributes().PutStr("k", v) },
		"resource attribute key": func(b profileBatch) {
			b.rp.Resource().Attributes().PutStr("k_"+v, "x")
		},
		"resource schema URL": func(b profileBatch) { b.rp.SetSchemaUrl("https://example.com/" + v) },
		"scope schema URL":    func(b profileBatch) { b.sp.SetSchemaUrl("https://example.com/" + v) },
		"scope name":          func(b profileBatch) { b.sp.Scope().SetName("lib-" + v) },
		"scope version":       func(b profileBatch) { b.sp.Scope().SetVersion("1.0-" + v) },
		"scope attribute":     func(b profileBatch) { b.sp.Scope().Attributes().PutStr("k", v) },
		"function name":       func(b profileBatch) { b.fn.SetNameStrindex(b.str("main.f_" + v)) },
		"function system name": func(b profileBatch) {
			b.fn.SetSystemNameStrindex(b.str("_ZN4main" + v))
		},
		"function file name":                   func(b profileBatch) { b.fn.SetFilenameStrindex(b.str("/src/" + v + ".go")) },
		"mapping file name":                    func(b profileBatch) { b.mapping.SetFilenameStrindex(b.str("/opt/" + v + ".so")) },
		"sample type":                          func(b profileBatch) { b.prof.SampleType().SetTypeStrindex(b.str("t " + v)) },
		"sample unit":                          func(b profileBatch) { b.prof.SampleType().SetUnitStrindex(b.str("u " + v)) },
		"period type":                          func(b profileBatch) { b.prof.PeriodType().SetTypeStrindex(b.str("p " + v)) },
		"period unit":                          func(b profileBatch) { b.prof.PeriodType().SetUnitStrindex(b.str("pu " + v)) },
		"string table entry nothing points to": func(b profileBatch) { b.str("orphan " + v) },
		"sample attribute": func(b profileBatch) {
			b.sample.AttributeIndices().Append(b.strAttr("k", v))
		},
		"sample attribute key": func(b profileBatch) {
			b.sample.AttributeIndices().Append(b.strAttr("k_"+v, "x"))
		},
		"attribute unit": func(b profileBatch) {
			i := b.strAttr("k", "x")
			b.dict.AttributeTable().At(int(i)).SetUnitStrindex(b.str("{" + v + "}"))
			b.sample.AttributeIndices().Append(i)
		},
		"profile attribute": func(b profileBatch) {
			b.prof.AttributeIndices().Append(b.strAttr("k", v))
		},
		"location attribute": func(b profileBatch) {
			b.loc.AttributeIndices().Append(b.strAttr("k", v))
		},
		"mapping attribute": func(b profileBatch) {
			b.mapping.AttributeIndices().Append(b.strAttr("k", v))
		},
		"attribute table entry nothing points to": func(b profileBatch) { b.strAttr("k", v) },
		"attribute map value key": func(b profileBatch) {
			m := pcommon.NewValueMap()
			m.Map().PutEmptyMap("inner").PutStr("k_"+v, "x")
			b.sample.AttributeIndices().Append(b.attr("k", m))
		},
		"attribute slice value": func(b profileBatch) {
			s := pcommon.NewValueSlice()
			s.Slice().AppendEmpty().SetStr("x")
			s.Slice().AppendEmpty().SetEmptyBytes().FromRaw([]byte("b " + v))
			b.sample.AttributeIndices().Append(b.attr("k", s))
		},
		"original payload format": func(b profileBatch) { b.prof.SetOriginalPayloadFormat("pprof+" + v) },
		"original payload": func(b profileBatch) {
			b.prof.OriginalPayload().FromRaw([]byte("main;handler;" + v + " 10\n"))
		},
	}
}

// TestProfilesFactory: the factory makes a profiles processor at the
// profiles stability, sharing the component's index with the other
// signals.
func TestProfilesFactory(t *testing.T) {
	f := NewFactory()
	assert.Equal(t, component.StabilityLevelAlpha, f.ProfilesStability())
	cfg := staticConfig()
	ctx := context.Background()
	lp, err := f.CreateLogs(ctx, settings(), cfg, consumertest.NewNop())
	require.NoError(t, err)
	pp, err := f.CreateProfiles(ctx, settings(), cfg, consumertest.NewNop())
	require.NoError(t, err)
	assert.Equal(t, 2, indexOf(t, cfg).refs, "references to the shared index")
	assert.True(t, pp.Capabilities().MutatesData)
	require.NoError(t, lp.Shutdown(ctx))
	require.NoError(t, pp.Shutdown(ctx))
}

// TestProfilesStringTableStaysValid: scrubbing never removes, moves or
// merges an entry of the string table or the attribute table, even when
// two entries become equal (two secrets of one name, or a secret and its
// replacement text), so every index stays valid; the batch survives a
// protobuf and a JSON round trip and reads back as it was, secrets
// replaced.
func TestProfilesStringTableStaysValid(t *testing.T) {
	b := newProfileBatch()
	// Two entries that become equal once scrubbed, an entry equal to the
	// replacement already, and clean neighbours.
	b.fn.SetNameStrindex(b.str("f " + dbSecret))
	b.fn.SetFilenameStrindex(b.str(dbRepl))
	b.mapping.SetFilenameStrindex(b.str("f " + jsonEscape(dbSecret)))
	b.sample.AttributeIndices().Append(b.strAttr("a", apiSecret), b.strAttr("b", apiRepl), b.strAttr("c", "clean"))
	b.prof.AttributeIndices().Append(b.strAttr("tok_"+pinSecret, "x"))
	before := b.dict.StringTable().Len()
	beforeAttrs := b.dict.AttributeTable().Len()

	out := runProfiles(t, staticConfig(), b.pd)
	all := profilesBytes(t, out)
	assertNoLeak(t, "profiles", all)
	d := out.Dictionary()
	st := d.StringTable()
	require.Equal(t, before, st.Len(), "string table length")
	require.Equal(t, beforeAttrs, d.AttributeTable().Len(), "attribute table length")
	assert.Empty(t, st.At(0), "string_table[0]")
	fn := d.FunctionTable().At(1)
	assert.Equal(t, "f "+dbRepl, st.At(int(fn.NameStrindex())))
	assert.Equal(t, dbRepl, st.At(int(fn.FilenameStrindex())))
	assert.Equal(t, "f "+dbRepl, st.At(int(d.MappingTable().At(1).FilenameStrindex())))
	assert.Equal(t, "main.handleOrder", st.At(int(fn.SystemNameStrindex())))
	prof := out.ResourceProfiles().At(0).ScopeProfiles().At(0).Profiles().At(0)
	sa := attrsOf(t, out, prof.Samples().At(0))
	assert.Equal(t, map[string]any{"a": apiRepl, "b": apiRepl, "c": "clean"}, sa.AsRaw())
	pa := attrsOf(t, out, prof)
	assert.Equal(t, map[string]any{"tok_" + pinRepl: "x"}, pa.AsRaw())

	// Every index of every table is in range.
	assertProfileIndexes(t, out)
	for name, round := range map[string]func([]byte) (pprofile.Profiles, error){
		"protobuf": (&pprofile.ProtoUnmarshaler{}).UnmarshalProfiles,
		"json":     (&pprofile.JSONUnmarshaler{}).UnmarshalProfiles,
	} {
		c := pprofile.NewProfiles()
		out.CopyTo(c)
		var data []byte
		var err error
		if name == "protobuf" {
			data, err = (&pprofile.ProtoMarshaler{}).MarshalProfiles(c)
		} else {
			data, err = (&pprofile.JSONMarshaler{}).MarshalProfiles(c)
		}
		require.NoError(t, err, name)
		back, err := round(data)
		require.NoError(t, err, name)
		assertProfileIndexes(t, back)
		bp := back.ResourceProfiles().At(0).ScopeProfiles().At(0).Profiles().At(0)
		assert.Equal(t, sa.AsRaw(), attrsOf(t, back, bp.Samples().At(0)).AsRaw(), name)
		assert.Equal(t, "checkout", getStr(t, back.ResourceProfiles().At(0).Resource().Attributes(), "service.name"), name)
	}
}

// assertProfileIndexes checks that every index of a batch points into its
// table.
func assertProfileIndexes(t *testing.T, pd pprofile.Profiles) {
	t.Helper()
	d := pd.Dictionary()
	strs, attrs := d.StringTable().Len(), d.AttributeTable().Len()
	inRange := func(what string, i int32, n int) {
		t.Helper()
		assert.True(t, i >= 0 && int(i) < n, "%s: index %d out of [0, %d)", what, i, n)
	}
	attrIdx := func(what string, s pcommon.Int32Slice) {
		t.Helper()
		for _, i := range s.All() {
			inRange(what+" attribute", i, attrs)
		}
	}
	for _, kv := range d.AttributeTable().All() {
		inRange("attribute key", kv.KeyStrindex(), strs)
		inRange("attribute unit", kv.UnitStrindex(), strs)
	}
	for _, f := range d.FunctionTable().All() {
		inRange("function name", f.NameStrindex(), strs)
		inRange("function system name", f.SystemNameStrindex(), strs)
		inRange("function file name", f.FilenameStrindex(), strs)
	}
	for _, m := range d.MappingTable().All() {
		inRange("mapping file name", m.FilenameStrindex(), strs)
		attrIdx("mapping", m.AttributeIndices())
	}
	for _, l := range d.LocationTable().All() {
		inRange("location mapping", l.MappingIndex(), d.MappingTable().Len())
		attrIdx("location", l.AttributeIndices())
		for _, ln := range l.Lines().All() {
			inRange("line function", ln.FunctionIndex(), d.FunctionTable().Len())
		}
	}
	for _, s := range d.StackTable().All() {
		for _, i := range s.LocationIndices().All() {
			inRange("stack location", i, d.LocationTable().Len())
		}
	}
	for _, rp := range pd.ResourceProfiles().All() {
		for _, sp := range rp.ScopeProfiles().All() {
			for _, p := range sp.Profiles().All() {
				inRange("sample type", p.SampleType().TypeStrindex(), strs)
				inRange("sample unit", p.SampleType().UnitStrindex(), strs)
				inRange("period type", p.PeriodType().TypeStrindex(), strs)
				attrIdx("profile", p.AttributeIndices())
				for _, s := range p.Samples().All() {
					inRange("sample stack", s.StackIndex(), d.StackTable().Len())
					inRange("sample link", s.LinkIndex(), d.LinkTable().Len())
					attrIdx("sample", s.AttributeIndices())
				}
			}
		}
	}
}

// TestProfilesRules: the key and value rules apply to the attribute table
// as to any attribute map of the other signals, with known secrets removed
// first; an attribute the allow list removes disappears from every record
// that points to it, and its entry (which keeps its index) holds nothing.
func TestProfilesRules(t *testing.T) {
	cfg := ruleConfig(func(c *Config) {
		c.AllowedKeys = []string{"id", "token", "note", "safe", "num"}
		c.IgnoredKeys = []string{"safe"}
		c.BlockedKeyPatterns = []string{"^token$"}
		c.BlockedValues = []string{`4[0-9]{15}`}
		c.HashFunction = HashSHA256
		c.RedactAllTypes = true
	})
	b := newProfileBatch()
	idx := []int32{
		b.strAttr("id", "7"),
		b.strAttr("token", dbSecret),
		b.strAttr("note", "card "+cardNumber),
		b.strAttr("safe", cardNumber+" "+apiSecret),
		b.strAttr("dropped", "something "+apiSecret),
		b.attr("num", pcommon.NewValueInt(4111111111111111)),
	}
	for _, rec := range []pcommon.Int32Slice{b.sample.AttributeIndices(), b.prof.AttributeIndices(), b.loc.AttributeIndices(), b.mapping.AttributeIndices()} {
		rec.Append(idx...)
	}
	out := runProfiles(t, cfg, b.pd)
	assertNoLeak(t, "profiles with rules", profilesBytes(t, out))
	if bytes.Contains(profilesBytes(t, out), []byte(digest(sha256.New(), dbSecret))) {
		t.Errorf("the SHA-256 of secret %s is in the output", dbName)
	}
	d := out.Dictionary()
	prof := out.ResourceProfiles().At(0).ScopeProfiles().At(0).Profiles().At(0)
	mask := digest(sha256.New(), cardNumber)
	want := map[string]any{
		"id":    "7",
		"token": digest(sha256.New(), dbRepl),
		"note":  "card " + mask,
		"safe":  cardNumber + " " + apiRepl,
		"num":   mask,
	}
	for name, rec := range map[string]interface{ AttributeIndices() pcommon.Int32Slice }{
		"sample": prof.Samples().At(0), "profile": prof, "location": d.LocationTable().At(1), "mapping": d.MappingTable().At(1),
	} {
		assert.Equal(t, want, attrsOf(t, out, rec).AsRaw(), name)
	}
	assert.Equal(t, pcommon.ValueTypeEmpty, d.AttributeTable().At(int(idx[4])).Value().Type(), "the removed entry's value")
	assertProfileIndexes(t, out)
}

// TestProfilesOriginalPayload: the original payload is scrubbed as bytes,
// inside gzip too (compressed again, still valid), and removed when it
// cannot be kept without a secret or cannot be checked.
func TestProfilesOriginalPayload(t *testing.T) {
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(b)
		require.NoError(t, zw.Close())
		return buf.Bytes()
	}
	ungz := func(b []byte) ([]byte, error) {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(zr)
	}
	binSecrets := leaktest.BinarySecrets()
	bin, err := base64.StdEncoding.DecodeString(binSecrets[0].Value)
	if err != nil {
		bin, err = base64.RawStdEncoding.DecodeString(binSecrets[0].Value)
	}
	require.NoError(t, err)
	// pprof-like content: a string table with a secret among names.
	content := []byte("\x0a\x00\x0a\x0fmain.handleOrder\x0a\x20dsn=postgres://app:" + dbSecret + "@db/app\x0a\x05/app")
	clean := gz([]byte("\x0a\x00\x0a\x0fmain.handleOrder"))
	big := gz(bytes.Repeat([]byte{'a'}, maxPayloadContent+1))
	for _, c := range []struct {
		name    string
		payload []byte
		secrets []redact.Secret
		check   func(t *testing.T, out []byte)
	}{
		{"raw", content, nil, func(t *testing.T, out []byte) {
			assert.True(t, bytes.Contains(out, []byte(dbRepl)), "replacement")
			assert.True(t, bytes.HasPrefix(out, []byte("\x0a\x00\x0a\x0fmain.handleOrder")), "clean part kept")
		}},
		{"gzip", gz(content), nil, func(t *testing.T, out []byte) {
			got, err := ungz(out)
			require.NoError(t, err, "not valid gzip any more")
			assertNoLeak(t, "decompressed payload", got)
			assert.True(t, bytes.Contains(got, []byte(dbRepl)), "replacement")
		}},
		{"gzip, secret in the gzip header", gzipNamed(t, "dump-"+dbSecret, []byte("clean")), nil, func(t *testing.T, out []byte) {
			assert.NotEmpty(t, out)
		}},
		{"clean gzip kept as it is", clean, nil, func(t *testing.T, out []byte) {
			assert.Equal(t, clean, out)
		}},
		{"corrupt gzip removed", append(gz(content)[:20:20], 0, 1, 2), nil, func(t *testing.T, out []byte) {
			assert.Empty(t, out)
		}},
		{"gzip too large to check removed", big, nil, func(t *testing.T, out []byte) {
			assert.Empty(t, out)
		}},
		{"bytes whose base64 is a secret scrubbed", bin, binSecrets, func(t *testing.T, out []byte) {
			// The key's bytes are indexed (a binary key kept as base64
			// text), so they are replaced where they stand, as a secret
			// in a raw payload is; neither the bytes nor their base64
			// hold the key any more.
			leaktest.Check(t, binSecrets, out, "payload")
			leaktest.Check(t, binSecrets, []byte(base64.StdEncoding.EncodeToString(out)), "payload's base64")
			assert.True(t, bytes.Contains(out, []byte("[REDACTED:"+binSecrets[0].Name+"]")), "replacement")
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			secrets := c.secrets
			cfg := staticConfig()
			if secrets != nil {
				cfg = secretsConfig(secrets)
			}
			b := newProfileBatch()
			b.prof.SetOriginalPayloadFormat("pprof")
			b.prof.OriginalPayload().FromRaw(c.payload)
			out := runProfiles(t, cfg, b.pd)
			all := profilesBytes(t, out)
			if secrets != nil {
				leaktest.Check(t, secrets, all, c.name)
			} else {
				assertNoLeak(t, c.name, all)
			}
			c.check(t, out.ResourceProfiles().At(0).ScopeProfiles().At(0).Profiles().At(0).OriginalPayload().AsRaw())
		})
	}
}

// gzipNamed compresses b with name in the gzip header.
func gzipNamed(t *testing.T, name string, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Name = name
	_, _ = zw.Write(b)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// TestProfilesBytesAsBase64: a bytes attribute value whose base64 is a
// secret becomes its scrubbed base64, as in the other signals.
func TestProfilesBytesAsBase64(t *testing.T) {
	secrets := leaktest.BinarySecrets()
	for _, sec := range secrets {
		raw, err := base64.StdEncoding.DecodeString(sec.Value)
		if err != nil {
			raw, err = base64.RawStdEncoding.DecodeString(sec.Value)
		}
		require.NoError(t, err)
		t.Run(strings.ReplaceAll(sec.Name, "/", "_"), func(t *testing.T) {
			b := newProfileBatch()
			v := pcommon.NewValueBytes()
			v.Bytes().FromRaw(raw)
			b.sample.AttributeIndices().Append(b.attr("k", v))
			b.rp.Resource().Attributes().PutEmptyBytes("r").FromRaw(raw)
			out := runProfiles(t, secretsConfig(secrets), b.pd)
			leaktest.Check(t, secrets, profilesBytes(t, out), "bytes values")
		})
	}
}

// TestProfilesTelemetryAndReadiness: redactions in profiles are counted
// under otel.signal "profiles", and before the first index a profiles
// batch is refused (retryable), its samples counted as not-ready items.
func TestProfilesTelemetryAndReadiness(t *testing.T) {
	t.Run("redactions", func(t *testing.T) {
		tel := componenttest.NewTelemetry()
		t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
		set := settings()
		set.TelemetrySettings = tel.NewTelemetrySettings()
		p, _ := startProfiles(t, staticConfig(), set)
		b := newProfileBatch()
		b.fn.SetNameStrindex(b.str("f " + dbSecret))
		b.sample.AttributeIndices().Append(b.strAttr("k", dbSecret+" "+dbSecret))
		require.NoError(t, p.ConsumeProfiles(context.Background(), b.pd))
		assertCounter(t, tel, metadata.MetricRedactions, 3, attribute.String("processor", "hush"),
			attribute.String("otel.signal", "profiles"), attribute.String("secret", dbName))
	})
	t.Run("not ready", func(t *testing.T) {
		sm := newStandIn(t)
		sm.Fail("", smfake.Denied, 0)
		tel := componenttest.NewTelemetry()
		t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
		set := settings()
		set.TelemetrySettings = tel.NewTelemetrySettings()
		sink := new(consumertest.ProfilesSink)
		p, err := NewFactory().CreateProfiles(context.Background(), set, awsConfig(nil), sink)
		require.NoError(t, err)
		require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
		t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
		b := newProfileBatch()
		b.prof.Samples().AppendEmpty().SetStackIndex(1)
		err = p.ConsumeProfiles(context.Background(), b.pd)
		require.Error(t, err)
		assert.False(t, consumererror.IsPermanent(err), "not-ready is retryable")
		assert.Zero(t, sink.SampleCount(), "data forwarded before the first index")
		assertCounter(t, tel, metadata.MetricNotReadyItems, 2, attribute.String("processor", "hush"),
			attribute.String("otel.signal", "profiles"), attribute.String("action", "refuse"))
	})
}
