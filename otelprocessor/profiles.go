package hushprocessor

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"io"

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
	removed := ps.attributeTable(dict)
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
				ps.profile(profs.At(k), removed)
			}
		}
	}
	if removed != nil {
		for _, l := range dict.LocationTable().All() {
			dropAttributes(l.AttributeIndices(), removed)
		}
		for _, m := range dict.MappingTable().All() {
			dropAttributes(m.AttributeIndices(), removed)
		}
	}
	ps.stringSlice(dict.StringTable())
	p.tel.redacted(ctx, p.signal, ps.hits)
	p.tel.detected(ctx, p.signal, ps.detected)
	return pd, nil
}

// profile scrubs one profile's own strings and drops its and its samples'
// references to the attribute entries the allow list removed.
func (ps *pass) profile(prof pprofile.Profile, removed []bool) {
	if s, ok := ps.scrubField(prof.OriginalPayloadFormat()); ok {
		prof.SetOriginalPayloadFormat(s)
	}
	ps.payload(prof.OriginalPayload())
	if removed == nil {
		return
	}
	dropAttributes(prof.AttributeIndices(), removed)
	for _, s := range prof.Samples().All() {
		dropAttributes(s.AttributeIndices(), removed)
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
// table. An entry the allow list removes keeps its place in the table (its
// index may be shared) with its value emptied; the entries so removed are
// returned (nil when none), for the references to them to be dropped.
//
// The summary attributes are not written: an entry is shared by every
// record that points to it, so there is no one record whose counts they
// would be. The processor's telemetry counts the redactions as for the
// other signals.
func (ps *pass) attributeTable(dict pprofile.ProfilesDictionary) []bool {
	at := dict.AttributeTable()
	if !ps.p.full {
		for _, kv := range at.All() {
			ps.scrubValue(kv.Value())
		}
		return nil
	}
	st := dict.StringTable()
	var removed []bool
	rep := report{} // counts nothing anywhere (no level)
	for i, kv := range at.All() {
		k := ""
		if ki := int(kv.KeyStrindex()); ki >= 0 && ki < st.Len() {
			k = st.At(ki)
		}
		v := kv.Value()
		// A key holding a secret is renamed in the string table.
		if remove, _ := ps.ruleAttr(k, v, &rep, false); remove {
			if removed == nil {
				removed = make([]bool, at.Len())
			}
			removed[i] = true
			pcommon.NewValueEmpty().CopyTo(v)
		}
	}
	return removed
}

// dropAttributes removes from idx the indices of removed attribute entries.
func dropAttributes(idx pcommon.Int32Slice, removed []bool) {
	idx.RemoveIf(func(i int32) bool { return i >= 0 && int(i) < len(removed) && removed[i] })
}

// maxPayloadContent bounds the decompressed size of a gzip original
// payload the processor checks. A larger one (or one that does not
// decompress) cannot be checked and is removed.
const maxPayloadContent = 64 << 20

// payload scrubs a profile's original payload: the file the profile was
// converted from (a pprof or JFR file), kept for fidelity, which holds the
// same names as the profile, and any secret among them. It is read as the
// bytes OTLP/protobuf carries and as the base64 OTLP/JSON writes, as bytes
// attribute values are; a gzip payload (pprof's default) is also read
// decompressed, scrubbed there and compressed again. A payload that cannot
// be kept without a secret (its base64 is one, as bytes decoded from a
// secret kept as base64 text are) or cannot be checked (gzip that does not
// decompress, or decompresses to more than maxPayloadContent) is removed:
// unlike an attribute value it cannot become a string.
func (ps *pass) payload(b pcommon.ByteSlice) {
	if b.Len() == 0 {
		return
	}
	raw := b.AsRaw()
	changed := false
	if isGzip(raw) {
		content, ok := gunzip(raw, maxPayloadContent)
		if !ok {
			b.FromRaw(nil)
			return
		}
		if ps.r.ContainsValue(content) {
			ps.count(content)
			raw = gzipBytes(ps.r.ScrubValue(nil, content))
			changed = true
		}
	}
	if ps.r.ContainsValue(raw) {
		ps.count(raw)
		raw = ps.r.ScrubValue(nil, raw)
		changed = true
	}
	ps.b64 = base64.StdEncoding.AppendEncode(ps.b64[:0], raw)
	if ps.r.Contains(ps.b64) {
		ps.count(ps.b64)
		b.FromRaw(nil)
		return
	}
	if changed {
		b.FromRaw(raw)
	}
}

func isGzip(b []byte) bool { return len(b) >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8 }

// gunzip decompresses b (every member of it), and reports false when it
// is not valid gzip or decompresses to more than limit bytes.
func gunzip(b []byte, limit int64) ([]byte, bool) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, false
	}
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil || int64(len(out)) > limit {
		return nil, false
	}
	return out, true
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	// Writing to a bytes.Buffer cannot fail.
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}
