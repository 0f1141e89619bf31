package hushprocessor

import (
	"math"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pprofile"
	"google.golang.org/protobuf/encoding/protowire"
)

// OTLP profiles let an attribute value be a reference into the string
// table (AnyValue.string_value_strindex) and a key of a map value one
// (KeyValue.key_strindex). pdata resolves them on receipt only in resource
// and scope attributes; in the dictionary's attribute table they stay
// references, and pcommon shows such a value as empty (ValueTypeEmpty) and
// such a key as "". Known secrets in them are removed where the text is,
// in the string table; the key and value rules need the text itself, so
// the entries that can hold a reference are read from their protobuf form
// and resolved against the string table.

// mayHoldRef reports whether v can be or hold a string table reference:
// an empty value, or a map with an empty key, at any depth.
func mayHoldRef(v pcommon.Value) bool {
	switch v.Type() {
	case pcommon.ValueTypeEmpty:
		return true
	case pcommon.ValueTypeMap:
		for k, x := range v.Map().All() {
			if k == "" || mayHoldRef(x) {
				return true
			}
		}
	case pcommon.ValueTypeSlice:
		for _, x := range v.Slice().All() {
			if mayHoldRef(x) {
				return true
			}
		}
	}
	return false
}

// resolveAttributeRefs returns, for each entry of the attribute table
// whose value holds a string table reference, the value with every
// reference replaced by the string it points to (nil when none does). The
// candidates are copied into a scratch batch and marshalled once: pcommon
// has no other way to read a reference.
func resolveAttributeRefs(dict pprofile.ProfilesDictionary) map[int]pcommon.Value {
	at := dict.AttributeTable()
	var cand []int
	for i, kv := range at.All() {
		if mayHoldRef(kv.Value()) {
			cand = append(cand, i)
		}
	}
	if len(cand) == 0 {
		return nil
	}
	tmp := pprofile.NewProfiles()
	tt := tmp.Dictionary().AttributeTable()
	tt.EnsureCapacity(len(cand))
	for _, i := range cand {
		at.At(i).CopyTo(tt.AppendEmpty())
	}
	buf, err := (&pprofile.ProtoMarshaler{}).MarshalProfiles(tmp)
	if err != nil {
		return nil
	}
	st := dict.StringTable()
	var out map[int]pcommon.Value
	n := 0
	// ExportProfilesServiceRequest.dictionary (2) ->
	// ProfilesDictionary.attribute_table (6) -> KeyValueAndUnit.value (2).
	eachField(fieldBytes(buf, 2), 6, func(entry []byte) {
		if n >= len(cand) {
			return
		}
		i := cand[n]
		n++
		val := fieldBytes(entry, 2)
		if val == nil || !anyValueHasRef(val, 0) {
			return
		}
		v := pcommon.NewValueEmpty()
		decodeAnyValue(val, v, st, 0)
		if out == nil {
			out = map[int]pcommon.Value{}
		}
		out[i] = v
	})
	return out
}

// maxRefDepth bounds the nesting decodeAnyValue follows (pdata's own
// unmarshaler refuses deeper values).
const maxRefDepth = 128

// fieldBytes returns the last length-delimited field num of msg (nil when
// absent).
func fieldBytes(msg []byte, num protowire.Number) []byte {
	var out []byte
	eachField(msg, num, func(b []byte) { out = b })
	return out
}

// eachField calls f with every length-delimited field num of msg, in order.
func eachField(msg []byte, num protowire.Number, f func([]byte)) {
	for len(msg) > 0 {
		n, typ, l := protowire.ConsumeTag(msg)
		if l < 0 {
			return
		}
		msg = msg[l:]
		if n == num && typ == protowire.BytesType {
			b, m := protowire.ConsumeBytes(msg)
			if m < 0 {
				return
			}
			f(b)
			msg = msg[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(n, typ, msg)
		if m < 0 {
			return
		}
		msg = msg[m:]
	}
}

// anyValueHasRef reports whether the AnyValue in b is or holds a string
// table reference.
func anyValueHasRef(b []byte, depth int) bool {
	if depth > maxRefDepth {
		return false
	}
	found := false
	for len(b) > 0 && !found {
		n, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return false
		}
		b = b[l:]
		switch {
		case n == 8 && typ == protowire.VarintType:
			return true
		case (n == 5 || n == 6) && typ == protowire.BytesType:
			inner, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return false
			}
			// ArrayValue.values (1) are AnyValues; KeyValueList.values (1)
			// are KeyValues: key_strindex (3), value (2).
			eachField(inner, 1, func(x []byte) {
				if found {
					return
				}
				if n == 5 {
					found = anyValueHasRef(x, depth+1)
					return
				}
				if hasVarint(x, 3) {
					found = true
					return
				}
				if vb := fieldBytes(x, 2); vb != nil {
					found = anyValueHasRef(vb, depth+1)
				}
			})
			b = b[m:]
		default:
			m := protowire.ConsumeFieldValue(n, typ, b)
			if m < 0 {
				return false
			}
			b = b[m:]
		}
	}
	return found
}

// hasVarint reports whether msg has a non-zero varint field num.
func hasVarint(msg []byte, num protowire.Number) bool {
	for len(msg) > 0 {
		n, typ, l := protowire.ConsumeTag(msg)
		if l < 0 {
			return false
		}
		msg = msg[l:]
		if n == num && typ == protowire.VarintType {
			v, m := protowire.ConsumeVarint(msg)
			if m < 0 {
				return false
			}
			if v != 0 {
				return true
			}
			msg = msg[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(n, typ, msg)
		if m < 0 {
			return false
		}
		msg = msg[m:]
	}
	return false
}

// strAt is st[i], or "" for an index out of range (which pdata's own
// resolution refuses).
func strAt(st pcommon.StringSlice, i uint64) string {
	if i >= uint64(st.Len()) {
		return ""
	}
	return st.At(int(i))
}

// decodeAnyValue sets v to the AnyValue in b, with every string table
// reference replaced by its string.
func decodeAnyValue(b []byte, v pcommon.Value, st pcommon.StringSlice, depth int) {
	if depth > maxRefDepth {
		return
	}
	for len(b) > 0 {
		n, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return
		}
		b = b[l:]
		m := protowire.ConsumeFieldValue(n, typ, b)
		if m < 0 {
			return
		}
		field := b[:m]
		b = b[m:]
		switch {
		case n == 1 && typ == protowire.BytesType:
			s, _ := protowire.ConsumeBytes(field)
			v.SetStr(string(s))
		case n == 2 && typ == protowire.VarintType:
			x, _ := protowire.ConsumeVarint(field)
			v.SetBool(x != 0)
		case n == 3 && typ == protowire.VarintType:
			x, _ := protowire.ConsumeVarint(field)
			v.SetInt(int64(x))
		case n == 4 && typ == protowire.Fixed64Type:
			x, _ := protowire.ConsumeFixed64(field)
			v.SetDouble(math.Float64frombits(x))
		case n == 5 && typ == protowire.BytesType:
			inner, _ := protowire.ConsumeBytes(field)
			s := v.SetEmptySlice()
			eachField(inner, 1, func(x []byte) { decodeAnyValue(x, s.AppendEmpty(), st, depth+1) })
		case n == 6 && typ == protowire.BytesType:
			inner, _ := protowire.ConsumeBytes(field)
			mp := v.SetEmptyMap()
			eachField(inner, 1, func(kv []byte) {
				key := string(fieldBytes(kv, 1))
				if key == "" {
					key = strAt(st, varintField(kv, 3))
				}
				x := pcommon.NewValueEmpty()
				if vb := fieldBytes(kv, 2); vb != nil {
					decodeAnyValue(vb, x, st, depth+1)
				}
				x.CopyTo(mp.PutEmpty(key))
			})
		case n == 7 && typ == protowire.BytesType:
			s, _ := protowire.ConsumeBytes(field)
			v.SetEmptyBytes().FromRaw(s)
		case n == 8 && typ == protowire.VarintType:
			x, _ := protowire.ConsumeVarint(field)
			v.SetStr(strAt(st, x))
		}
	}
}

// varintField returns the last varint field num of msg (0 when absent).
func varintField(msg []byte, num protowire.Number) uint64 {
	var out uint64
	for len(msg) > 0 {
		n, typ, l := protowire.ConsumeTag(msg)
		if l < 0 {
			return out
		}
		msg = msg[l:]
		if n == num && typ == protowire.VarintType {
			v, m := protowire.ConsumeVarint(msg)
			if m < 0 {
				return out
			}
			out = v
			msg = msg[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(n, typ, msg)
		if m < 0 {
			return out
		}
		msg = msg[m:]
	}
	return out
}
