package hushprocessor

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/binary"
	"io"

	"github.com/klauspost/compress/zstd"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pprofile"
)

// Profiles keep most of their strings in one dictionary per batch, shared
// by every profile of it: the string table holds function, system and file
// names, mapping file names, attribute keys and units, and the names and
// units of the sample and period types; the attribute table holds the
// attributes that profiles, samples, locations and mappings point to by
// index. Both are scrubbed in place, entry by entry: an entry is never
// removed, moved or merged with another that becomes equal to it once
// scrubbed, so every index into them stays valid. The rest is as in the
// other signals: resources, scopes, schema URLs, and each profile's
// original payload format and payload.

func (p *hushProcessor) processProfiles(ctx context.Context, pd pprofile.Profiles) (pprofile.Profiles, error) {
	r, err := p.redactor(ctx, pd.SampleCount())
	if err != nil {
		return pd, err
	}
	ps := getPass(p, r)
	defer ps.release()
	dict := pd.Dictionary()
	// The attribute table first: the rules see each entry's key as it
	// arrived, as they do an attribute's key in the other signals (the
	// string table is scrubbed below, which renames a key that holds a
	// secret).
	res := ps.attributeTable(dict)
	rps := pd.ResourceProfiles()
	for i := 0; i < rps.Len(); i++ {
		rp := rps.At(i)
		ps.resource(rp.Resource())
		if s, ok := ps.scrubField(rp.SchemaUrl()); ok {
			rp.SetSchemaUrl(s)
		}
		sps := rp.ScopeProfiles()
		for j := 0; j < sps.Len(); j++ {
			sp := sps.At(j)
			ps.scope(sp.Scope())
			if s, ok := ps.scrubField(sp.SchemaUrl()); ok {
				sp.SetSchemaUrl(s)
			}
			profs := sp.Profiles()
			for k := 0; k < profs.Len(); k++ {
				ps.profile(dict, profs.At(k), &res)
			}
		}
	}
	if res.removed != nil || res.summary {
		for _, l := range dict.LocationTable().All() {
			ps.record(dict, l.AttributeIndices(), &res)
		}
		for _, m := range dict.MappingTable().All() {
			ps.record(dict, m.AttributeIndices(), &res)
		}
	}
	ps.stringSlice(dict.StringTable())
	p.tel.redacted(ctx, p.signal, ps.hits)
	p.tel.payloadsRemoved(ctx, p.signal, ps.payloadsSecret, ps.payloadsUnchecked)
	p.tel.detected(ctx, p.signal, ps.detected)
	return pd, nil
}

// profile scrubs one profile's own strings, drops its and its samples'
// references to the attribute entries the allow list removed and gives
// them their summary attributes.
func (ps *pass) profile(dict pprofile.ProfilesDictionary, prof pprofile.Profile, res *tableResult) {
	if s, ok := ps.scrubField(prof.OriginalPayloadFormat()); ok {
		prof.SetOriginalPayloadFormat(s)
	}
	ps.payload(prof.OriginalPayload())
	if res.removed == nil && !res.summary {
		return
	}
	ps.record(dict, prof.AttributeIndices(), res)
	for _, s := range prof.Samples().All() {
		ps.record(dict, s.AttributeIndices(), res)
	}
}

// stringSlice scrubs every string of s in place, keeping each at its index.
func (ps *pass) stringSlice(s pcommon.StringSlice) {
	for i := 0; i < s.Len(); i++ {
		if v, ok := ps.scrubField(s.At(i)); ok {
			s.SetAt(i, v)
		}
	}
}

// attributeTable scrubs the values of the dictionary's attribute table and,
// when rules are configured, applies them to each entry as to one
// attribute of a map in the other signals, its key read from the string
// table, and its value too when the value is a reference into the string
// table (resolveAttributeRefs: the rules see the text, as they do an
// inline string; an entry the rules change then holds the changed text
// inline, one they leave alone keeps its reference). An entry the allow
// list removes keeps its place in the table (its index may be shared) with
// its value emptied. The result says, per entry, what the rules did, for
// the records that point to it (tableResult.record).
func (ps *pass) attributeTable(dict pprofile.ProfilesDictionary) tableResult {
	at := dict.AttributeTable()
	if !ps.p.full {
		for _, kv := range at.All() {
			ps.scrubValue(kv.Value())
		}
		return tableResult{}
	}
	st := dict.StringTable()
	summaryOn := ps.p.summary == SummaryInfo || ps.p.summary == SummaryDebug
	res := tableResult{resolved: resolveAttributeRefs(dict)}
	if summaryOn {
		res.summary = true
		res.rep = make([]int32, at.Len())
		res.isSummary = make([]bool, at.Len())
	}
	for i, kv := range at.All() {
		k := ""
		if ki := int(kv.KeyStrindex()); ki >= 0 && ki < st.Len() {
			k = st.At(ki)
		}
		rep := report{level: ps.p.summary, r: ps.r}
		v := kv.Value()
		remove := false
		if rv, ok := res.resolved[i]; ok {
			remove = ps.ruleResolved(k, v, rv, &rep, summaryOn)
		} else {
			// A key holding a secret is renamed in the string table.
			remove, _ = ps.ruleAttr(k, v, &rep, summaryOn)
		}
		if remove {
			if res.removed == nil {
				res.removed = make([]bool, at.Len())
			}
			res.removed[i] = true
			pcommon.NewValueEmpty().CopyTo(v)
		}
		if !summaryOn {
			continue
		}
		res.isSummary[i] = isSummaryAttr(k)
		res.rep[i] = -1
		if rep.redacted|rep.masked|rep.allowed|rep.ignored != 0 {
			res.rep[i] = int32(len(res.reps))
			res.reps = append(res.reps, rep)
		}
	}
	return res
}

// ruleResolved applies the rules to an entry whose value v holds a string
// table reference, through rv, its resolved form: when they change more
// than the known secrets in it, v becomes the changed rv. Otherwise v
// keeps its references, whose text is scrubbed where it is, in the string
// table, and is scrubbed in place for what it holds inline (bytes,
// numbers, strings beside the references in a map or a list). The
// redactions in rv are counted where the text is, not here.
func (ps *pass) ruleResolved(k string, v, rv pcommon.Value, rep *report, summaryOn bool) (remove bool) {
	ps.scrubValue(v)
	hits, detected := ps.hits, ps.detected
	ps.hits, ps.detected = map[string]int64{}, map[detection]int64{}
	defer func() { ps.hits, ps.detected = hits, detected }()
	base := pcommon.NewValueEmpty()
	rv.CopyTo(base)
	ps.scrubValue(base)
	remove, _ = ps.ruleAttr(k, rv, rep, summaryOn)
	if !remove && !rv.Equal(base) {
		rv.CopyTo(v)
	}
	return remove
}

// tableResult is what attributeTable did to each entry, for the records
// that point to them: the entries the allow list removed (nil when none),
// and, with the summary on, each entry's report.
type tableResult struct {
	removed   []bool
	resolved  map[int]pcommon.Value
	summary   bool
	rep       []int32  // per entry: its report in reps, -1 for none
	reps      []report // the reports that count something
	isSummary []bool   // per entry: its key is a summary attribute
	// summaryEntries are the entries added for summary attributes, by key
	// and value, so that records with equal summaries share one.
	summaryEntries map[string]int32
	keyIdx         map[string]int32
	// summaries are the summary entries of the records, by the entries
	// that decide them (recordSummary); key is scratch for their key.
	summaries map[string][]int32
	key       []byte
}

// record drops a record's references to removed entries and, with the
// summary on, gives the record the summary attributes of its attributes,
// as an attribute map gets them in the other signals: entries of the
// table, shared by every record whose summary is the same. An upstream
// summary the record points to is merged as in a map.
func (ps *pass) record(dict pprofile.ProfilesDictionary, idx pcommon.Int32Slice, res *tableResult) {
	if res.summary {
		ps.recordSummary(dict, idx, res)
	}
	if res.removed != nil {
		dropAttributes(idx, res.removed)
	}
}

func (ps *pass) recordSummary(dict pprofile.ProfilesDictionary, idx pcommon.Int32Slice, res *tableResult) {
	n := int32(len(res.rep))
	// The entries that decide the record's summary, as the key of the
	// summary of every record that points to the same ones.
	key := res.key[:0]
	for _, i := range idx.All() {
		if i >= 0 && i < n && (res.rep[i] >= 0 || res.isSummary[i]) {
			key = binary.LittleEndian.AppendUint32(key, uint32(i))
		}
	}
	res.key = key
	if len(key) == 0 {
		return
	}
	add, ok := res.summaries[string(key)]
	if !ok {
		add = ps.summaryOf(dict, idx, res)
		if res.summaries == nil {
			res.summaries = map[string][]int32{}
		}
		res.summaries[string(key)] = add
	}
	if add == nil {
		return // the record's summary stands as it is
	}
	idx.RemoveIf(func(i int32) bool { return i >= 0 && i < n && res.isSummary[i] })
	idx.Append(add...)
}

// summaryOf returns the summary entries a record pointing to idx is to
// point to instead of the summary entries among idx, or nil when those
// stand as they are.
func (ps *pass) summaryOf(dict pprofile.ProfilesDictionary, idx pcommon.Int32Slice, res *tableResult) []int32 {
	n := int32(len(res.rep))
	at, st := dict.AttributeTable(), dict.StringTable()
	rep := report{level: ps.p.summary, r: ps.r}
	upstream := pcommon.NewMap()
	for _, i := range idx.All() {
		if i < 0 || i >= n {
			continue
		}
		if r := res.rep[i]; r >= 0 {
			e := &res.reps[r]
			rep.redacted += e.redacted
			rep.masked += e.masked
			rep.allowed += e.allowed
			rep.ignored += e.ignored
			rep.redactedKeys = append(rep.redactedKeys, e.redactedKeys...)
			rep.maskedKeys = append(rep.maskedKeys, e.maskedKeys...)
			rep.allowKeys = append(rep.allowKeys, e.allowKeys...)
		}
		if res.isSummary[i] && (res.removed == nil || !res.removed[i]) {
			kv := at.At(int(i))
			v := kv.Value()
			if rv, ok := res.resolved[int(i)]; ok {
				v = rv
			}
			v.CopyTo(upstream.PutEmpty(strAt(st, uint64(kv.KeyStrindex()))))
		}
	}
	m := pcommon.NewMap()
	upstream.CopyTo(m)
	rep.write(m, attrSummaryNames)
	if m.Equal(upstream) {
		return nil
	}
	add := make([]int32, 0, m.Len())
	for k, v := range m.All() {
		add = append(add, ps.summaryEntry(dict, res, k, v))
	}
	return add
}

// summaryEntry returns the index of an attribute table entry k=v, added
// once per batch.
func (ps *pass) summaryEntry(dict pprofile.ProfilesDictionary, res *tableResult, k string, v pcommon.Value) int32 {
	id := k + "\x00" + v.Type().String() + "\x00" + v.AsString()
	if i, ok := res.summaryEntries[id]; ok {
		return i
	}
	if res.summaryEntries == nil {
		res.summaryEntries, res.keyIdx = map[string]int32{}, map[string]int32{}
	}
	ki, ok := res.keyIdx[k]
	if !ok {
		st := dict.StringTable()
		ki = -1
		for j := 1; j < st.Len(); j++ {
			if st.At(j) == k {
				ki = int32(j)
				break
			}
		}
		if ki < 0 {
			st.Append(k)
			ki = int32(st.Len() - 1)
		}
		res.keyIdx[k] = ki
	}
	at := dict.AttributeTable()
	kv := at.AppendEmpty()
	kv.SetKeyStrindex(ki)
	v.CopyTo(kv.Value())
	i := int32(at.Len() - 1)
	res.summaryEntries[id] = i
	return i
}

// dropAttributes removes from idx the indices of removed attribute entries.
func dropAttributes(idx pcommon.Int32Slice, removed []bool) {
	idx.RemoveIf(func(i int32) bool { return i >= 0 && int(i) < len(removed) && removed[i] })
}

// maxPayloadContent bounds the decompressed size of an original payload
// the processor checks. A larger one cannot be checked and is removed.
const maxPayloadContent = 64 << 20

// maxPayloadLayers bounds how many compressions inside one another the
// processor opens (gzip of zstd of ...); a payload compressed deeper is
// removed.
const maxPayloadLayers = 4

// payloadCodec is a compression an original payload can come in: pprof's
// default gzip, zlib, zstd, bzip2. The processor opens each, scrubs the
// content and, when that changed it, compresses it again; a codec without
// pack (bzip2: the standard library only reads it) cannot be written
// again, so a payload of it that holds a secret is removed.
//
// open returns the content and whether it is complete: all of it, valid,
// within limit bytes; when not, the part decoded before the error. zlib's
// two-byte header is weak (one text in 31 that starts with "x", "h", "H",
// "X", "8" or "(" has one), so a zlib payload that does not decompress is
// read as uncompressed unless what did decompress holds a secret; a
// payload of any other codec that does not decompress is removed.
type payloadCodec struct {
	name string
	is   func([]byte) bool
	open func(b []byte, limit int64) ([]byte, bool)
	pack func([]byte) []byte
	weak bool
}

var payloadCodecs = []payloadCodec{
	{"gzip", isGzip, gunzip, gzipBytes, false},
	{"zlib", isZlib, readAllLimit(func(b []byte) (io.Reader, error) { return zlib.NewReader(bytes.NewReader(b)) }), zlibBytes, true},
	{"zstd", isZstd, unzstd, zstdBytes, false},
	{"bzip2", func(b []byte) bool { return len(b) >= 4 && string(b[:3]) == "BZh" && b[3] >= '1' && b[3] <= '9' },
		readAllLimit(func(b []byte) (io.Reader, error) { return bzip2.NewReader(bytes.NewReader(b)), nil }), nil, false},
}

var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// isZstd reports a zstd frame, or a skippable frame (0x184D2A5?, which
// zstd and lz4 share) that may come before one: a payload starting with
// one that zstd cannot decode (lz4 after all) is removed as unchecked.
func isZstd(b []byte) bool {
	return bytes.HasPrefix(b, zstdMagic) || len(b) >= 8 && b[0]&0xf0 == 0x50 && b[1] == 0x2a && b[2] == 0x4d && b[3] == 0x18
}

// uncheckedMagics are the compressions and archives the processor
// recognises but does not open: a payload in one of them is removed (and
// counted), never passed on unchecked.
var uncheckedMagics = [][]byte{
	{0xfd, '7', 'z', 'X', 'Z', 0},                    // xz
	{0x5d, 0, 0},                                     // lzma (alone)
	{0x04, 0x22, 0x4d, 0x18},                         // lz4 frame
	{0x02, 0x21, 0x4c, 0x18},                         // lz4 legacy
	{0xff, 0x06, 0, 0, 's', 'N', 'a', 'P', 'p', 'Y'}, // snappy framed
	{'P', 'K', 0x03, 0x04},                           // zip (a JFR or pprof file in an archive)
	{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c},               // 7z
	{0x1f, 0x9d},                                     // compress (.Z)
	{0x1f, 0x8b},                                     // gzip with a method other than deflate
	{0x28, 0xb5, 0x2f},                               // truncated zstd frame header
}

// payload scrubs a profile's original payload: the file the profile was
// converted from (a pprof or JFR file), kept for fidelity, which holds the
// same names as the profile, and any secret among them. It is read as the
// bytes OTLP/protobuf carries and as the base64 OTLP/JSON writes, as bytes
// attribute values are; a compressed payload (payloadCodecs) is also read
// decompressed, layer by layer, scrubbed there and compressed again. A
// payload that cannot be kept without a secret (its base64 is one, as
// bytes decoded from a secret kept as base64 text are; or a secret inside
// a compression that cannot be written again) or cannot be checked (a
// compression that does not decompress, decompresses to more than
// maxPayloadContent, nests deeper than maxPayloadLayers, or is one of
// uncheckedMagics) is removed and counted: unlike an attribute value it
// cannot become a string.
func (ps *pass) payload(b pcommon.ByteSlice) {
	if b.Len() == 0 {
		return
	}
	raw, changed, reason := ps.scrubPayload(b.AsRaw(), 0)
	if reason != "" {
		ps.removePayload(b, reason)
		return
	}
	ps.b64 = base64.StdEncoding.AppendEncode(ps.b64[:0], raw)
	if ps.r.Contains(ps.b64) {
		ps.count(ps.b64)
		ps.removePayload(b, payloadSecret)
		return
	}
	if changed {
		b.FromRaw(raw)
	}
}

// The reasons a payload is removed, as the telemetry records them.
const (
	payloadUnchecked = "unchecked"
	payloadSecret    = "secret"
)

func (ps *pass) removePayload(b pcommon.ByteSlice, reason string) {
	b.FromRaw(nil)
	if reason == payloadSecret {
		ps.payloadsSecret++
	} else {
		ps.payloadsUnchecked++
	}
}

// scrubPayload returns raw scrubbed, whether that changed it, and why it
// must be removed instead ("" when it need not).
func (ps *pass) scrubPayload(raw []byte, layer int) ([]byte, bool, string) {
	changed, opened := false, false
	for _, c := range payloadCodecs {
		if !c.is(raw) {
			continue
		}
		if layer >= maxPayloadLayers {
			return nil, false, payloadUnchecked
		}
		content, complete := c.open(raw, maxPayloadContent)
		if !complete {
			if !c.weak || len(content) > maxPayloadContent {
				return nil, false, payloadUnchecked
			}
			if ps.r.ContainsValue(content) {
				// What a reader gets before the error holds a secret.
				ps.count(content)
				return nil, false, payloadSecret
			}
			break // not this codec after all: read as uncompressed
		}
		opened = true
		inner, innerChanged, reason := ps.scrubPayload(content, layer+1)
		if reason != "" {
			return nil, false, reason
		}
		if innerChanged {
			if c.pack == nil {
				return nil, false, payloadSecret
			}
			raw = c.pack(inner)
			changed = true
		}
		break
	}
	if !opened {
		for _, m := range uncheckedMagics {
			if bytes.HasPrefix(raw, m) {
				return nil, false, payloadUnchecked
			}
		}
	}
	// The bytes as they are: an uncompressed payload, and a compressed
	// one's header (a gzip file name) and anything stored uncompressed.
	if ps.r.ContainsValue(raw) {
		ps.count(raw)
		raw = ps.r.ScrubValue(nil, raw)
		changed = true
	}
	return raw, changed, ""
}

func isGzip(b []byte) bool { return len(b) >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8 }

// isZlib reports a zlib header (RFC 1950): deflate with a window of at
// most 32 KiB, no preset dictionary, and the header check.
func isZlib(b []byte) bool {
	return len(b) >= 2 && b[0]&0x0f == 8 && b[0]>>4 <= 7 && b[1]&0x20 == 0 && (uint(b[0])<<8|uint(b[1]))%31 == 0
}

// readAllLimit makes an open function of a reader constructor: it reads
// everything, and reports false on an error or more than limit bytes.
func readAllLimit(newReader func([]byte) (io.Reader, error)) func([]byte, int64) ([]byte, bool) {
	return func(b []byte, limit int64) ([]byte, bool) {
		r, err := newReader(b)
		if err != nil {
			return nil, false
		}
		out, err := io.ReadAll(io.LimitReader(r, limit+1))
		return out, err == nil && int64(len(out)) <= limit
	}
}

// gunzip decompresses b (every member of it), and reports false when it
// is not valid gzip or decompresses to more than limit bytes.
func gunzip(b []byte, limit int64) ([]byte, bool) {
	return readAllLimit(func(b []byte) (io.Reader, error) { return gzip.NewReader(bytes.NewReader(b)) })(b, limit)
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	// Writing to a bytes.Buffer cannot fail.
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

func zlibBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// unzstd decompresses every frame of b, with the decoder's memory bounded
// as the content is.
func unzstd(b []byte, limit int64) ([]byte, bool) {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(limit)+1),
		zstd.WithDecoderMaxWindow(uint64(limit)+1))
	if err != nil {
		return nil, false
	}
	defer d.Close()
	out, err := d.DecodeAll(b, nil)
	if err != nil || int64(len(out)) > limit {
		return nil, false
	}
	return out, true
}

func zstdBytes(b []byte) []byte {
	e, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		// Only invalid options make NewWriter fail.
		panic(err)
	}
	defer e.Close()
	return e.EncodeAll(b, nil)
}
