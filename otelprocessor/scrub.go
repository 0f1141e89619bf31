package hushprocessor

import (
	"encoding/base64"
	"math"
	"strconv"
	"sync"
	"unsafe"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/hushlog/hush/redact"
)

// pass is the state of one batch going through the processor: the index
// snapshot holder, the redaction counts by secret name (for telemetry), and
// scratch space. Passes are pooled; one is used by one goroutine at a time.
type pass struct {
	p    *hushProcessor
	r    *redact.Redactor
	hits map[string]int64
	// detected counts the tokens the detectors found, by rule.
	detected map[detection]int64
	num      [64]byte
	b64      []byte // scratch for the base64 of bytes values
	// payloadsSecret and payloadsUnchecked count the profiles' original
	// payloads removed, by reason.
	payloadsSecret, payloadsUnchecked int64
}

var passPool = sync.Pool{New: func() any { return &pass{hits: map[string]int64{}, detected: map[detection]int64{}} }}

func getPass(p *hushProcessor, r *redact.Redactor) *pass {
	ps := passPool.Get().(*pass)
	ps.p, ps.r = p, r
	return ps
}

func (ps *pass) release() {
	clear(ps.b64[:cap(ps.b64)]) // it may have held a secret's base64
	if cap(ps.b64) > 64<<10 {
		ps.b64 = nil
	}
	clear(ps.hits)
	clear(ps.detected)
	ps.payloadsSecret, ps.payloadsUnchecked = 0, 0
	ps.p, ps.r = nil, nil
	passPool.Put(ps)
}

func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// scrubString returns s with known secrets replaced, and whether anything
// was. A clean string costs one scan and no allocation.
//
// Every string the processor scrubs is a value an exporter will write
// later, escaped (OTLP JSON, a JSON log line), quoted, or as it is (a
// console or file exporter printing a body), so the processor scrubs it as
// a value (redact's ScrubValue): a multi-line secret's short line (a PEM
// key's last line) goes with the line it is joined to, which the reading
// as written (ScrubString) leaves in place.
func (ps *pass) scrubString(s string) (string, bool) {
	out := ps.r.ScrubValueString(s)
	if len(out) == len(s) && unsafe.StringData(out) == unsafe.StringData(s) {
		return s, false
	}
	ps.count(bytesOf(s))
	return out, true
}

// count attributes the redactions in b to secret names, and detected
// tokens to their rules. It runs only on text known to hold a secret, so
// the second scan is off the clean path.
func (ps *pass) count(b []byte) {
	for _, m := range ps.r.FindValue(b) {
		if m.Rule != "" {
			ps.detected[detection{m.Rule, m.Confidence}]++
			continue
		}
		ps.hits[m.Name]++
	}
}

// keyHasSecret reports whether a map key holds a known secret.
func (ps *pass) keyHasSecret(k string) bool {
	return ps.r.ContainsValue(bytesOf(k))
}

// scrubValue removes known secrets from v in place, whatever its type:
// strings; integers and doubles whose decimal form holds a secret (they
// become strings); bytes; and maps (keys too) and slices at any depth. It
// reports whether v changed.
func (ps *pass) scrubValue(v pcommon.Value) bool {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		if out, ok := ps.scrubString(v.Str()); ok {
			v.SetStr(out)
			return true
		}
	case pcommon.ValueTypeInt:
		return ps.scrubRendered(v, strconv.AppendInt(ps.num[:0], v.Int(), 10))
	case pcommon.ValueTypeDouble:
		return ps.scrubRendered(v, appendDouble(ps.num[:0], v.Double()))
	case pcommon.ValueTypeBytes:
		return ps.scrubBytes(v)
	case pcommon.ValueTypeMap:
		return ps.scrubMap(v.Map())
	case pcommon.ValueTypeSlice:
		changed := false
		s := v.Slice()
		for i := 0; i < s.Len(); i++ {
			if ps.scrubValue(s.At(i)) {
				changed = true
			}
		}
		return changed
	}
	return false
}

// scrubBytes scrubs a bytes value as bytes (what OTLP/protobuf carries)
// and as the standard base64 OTLP/JSON, and pcommon's AsString that the
// debug exporter prints, write it in: bytes decoded from a secret kept as
// base64 text (an HMAC key, a data key) hold no form of it, yet their
// base64 is the secret itself. Such a value becomes its scrubbed base64, a
// string, as a number whose decimal form holds a secret becomes a string.
func (ps *pass) scrubBytes(v pcommon.Value) bool {
	if v.Bytes().Len() == 0 {
		return false
	}
	raw := v.Bytes().AsRaw()
	changed := false
	if ps.r.ContainsValue(raw) {
		ps.count(raw)
		raw = ps.r.ScrubValue(nil, raw)
		v.Bytes().FromRaw(raw)
		changed = true
	}
	ps.b64 = base64.StdEncoding.AppendEncode(ps.b64[:0], raw)
	if !ps.r.Contains(ps.b64) {
		return changed
	}
	ps.count(ps.b64)
	v.SetStr(string(ps.r.Scrub(nil, ps.b64)))
	return true
}

// scrubRendered replaces a number by its scrubbed string form when that
// form holds a secret (a numeric PIN or account number).
func (ps *pass) scrubRendered(v pcommon.Value, rendered []byte) bool {
	if !ps.r.ContainsValue(rendered) {
		return false
	}
	ps.count(rendered)
	v.SetStr(string(ps.r.ScrubValue(nil, rendered)))
	return true
}

// appendDouble renders f as pcommon.Value.AsString does.
func appendDouble(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// scrubMap removes known secrets from every value and key of m, at any
// depth, and reports whether m changed.
func (ps *pass) scrubMap(m pcommon.Map) bool {
	changed := false
	var renames []string
	for k, v := range m.All() {
		if ps.scrubValue(v) {
			changed = true
		}
		if ps.keyHasSecret(k) {
			renames = append(renames, k)
		}
	}
	if len(renames) > 0 {
		ps.renameKeys(m, renames)
		changed = true
	}
	return changed
}

// fewKeys is the most keys of a map renamed or removed one at a time:
// pcommon.Map finds a key by scanning the map, so more are handled in one
// pass over it (a map whose every key holds a secret, or a token anyone
// can make, would otherwise cost the square of its size).
const fewKeys = 8

// renameKeys moves the values of keys holding a secret to the scrubbed key.
func (ps *pass) renameKeys(m pcommon.Map, keys []string) {
	if len(keys) > fewKeys {
		ps.renameMany(m, keys)
		return
	}
	for _, k := range keys {
		v, ok := m.Get(k)
		if !ok {
			continue
		}
		ps.count(bytesOf(k))
		tmp := pcommon.NewValueEmpty()
		v.CopyTo(tmp)
		m.Remove(k)
		tmp.CopyTo(m.PutEmpty(ps.r.ScrubValueString(k)))
	}
}

// renameMany is renameKeys for many keys, in time linear in the size of
// m: the map is rebuilt from its raw form, with the keys renamed (the
// order of its keys, which OTLP gives no meaning, is not kept; a key
// given twice, which it forbids, is kept once).
func (ps *pass) renameMany(m pcommon.Map, keys []string) {
	raw := m.AsRaw()
	for _, k := range keys {
		v, ok := raw[k]
		if !ok {
			continue // given twice
		}
		ps.count(bytesOf(k))
		delete(raw, k)
		raw[ps.r.ScrubValueString(k)] = v
	}
	// AsRaw gives only types FromRaw takes: it cannot fail.
	_ = m.FromRaw(raw)
}

// removeKeys removes keys from m: one at a time when they are few, in one
// pass over m otherwise.
func removeKeys(m pcommon.Map, keys []string) {
	if len(keys) <= fewKeys {
		for _, k := range keys {
			m.Remove(k)
		}
		return
	}
	set := make(map[string]struct{}, len(keys))
	for _, k := range keys {
		set[k] = struct{}{}
	}
	m.RemoveIf(func(k string, _ pcommon.Value) bool {
		_, ok := set[k]
		return ok
	})
}

// scrubField scrubs a plain string field through its getter's value and
// returns the replacement and whether it changed; callers set it.
func (ps *pass) scrubField(s string) (string, bool) {
	if s == "" {
		return s, false
	}
	return ps.scrubString(s)
}
