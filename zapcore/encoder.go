package hushzap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/hushlog/hush/internal/keyrule"
	"github.com/hushlog/hush/internal/templates"

	"go.uber.org/zap/buffer"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/redact"
)

// NewEncoder wraps enc so that every entry it encodes is scrubbed of r's
// secrets before EncodeEntry returns it. Because it scrubs the encoded bytes,
// it covers everything enc prints: the message, fields, the context added
// with With, errors (including their verbose form and causes), reflected
// values, stack traces, caller, function and logger name, in whatever
// escaping enc applies. Secrets are looked up in the set current when the
// entry is encoded, so a secret added after With still stays out of an entry
// whose context holds it. A message with a line feed is also scrubbed as a
// value (redact's ScrubValue) before enc writes it, so a multi-line
// secret's short line (a PEM key's last line) is redacted even where enc
// prints the message as it is (the console encoder).
//
// Fields and context whose keys match the key rules (see WithKeyPatterns)
// are replaced whole before enc sees them. The rules apply to the keys of
// the fields passed to a log call or to With (including those inside a
// namespace and those added by zap.Inline); keys inside an ObjectMarshaler,
// an ArrayMarshaler or a reflected value are not inspected, though any
// known secret among their values is still scrubbed.
//
// On an entry without secrets or key-rule matches, the wrapper allocates
// nothing: it returns enc's buffer as it is. (It keeps a copy of a clean
// JSON entry per shape of log call, up to 16, taken once per secret set:
// the entries that resemble it are searched only where they differ from
// it; see internal/templates.) A dirty entry is scrubbed into
// a fresh pooled buffer and enc's buffer is freed, so the caller frees the
// result exactly once, as with any Encoder.
//
// An encoder takes no part in a core's Check, where zap's Panic (and
// DPanic in development) take the message they panic with after writing
// the entry: that panic value is not scrubbed. NewCore, or Wrap as well,
// scrubs it.
//
// NewEncoder fits zap.RegisterEncoder:
//
//	zap.RegisterEncoder("hush-json", func(cfg zapcore.EncoderConfig) (zapcore.Encoder, error) {
//		return hushzap.NewEncoder(zapcore.NewJSONEncoder(cfg), r), nil
//	})
func NewEncoder(enc zapcore.Encoder, r *redact.Redactor, opts ...Option) zapcore.Encoder {
	s := newScrubber(r, opts)
	return &encoder{Encoder: enc, r: r, keys: s.keys, cache: s.kc, s: s, tmpl: new(templates.Set)}
}

// encoder embeds the wrapped Encoder: the ObjectEncoder methods it does not
// override go straight through. It overrides every keyed method so that
// key rules apply to With context.
type encoder struct {
	zapcore.Encoder
	r     *redact.Redactor
	keys  *keyrule.Matcher
	cache *keyCache      // the verdicts on keys of log-call fields; nil when keys is
	s     *scrubber      // for the key-rule view of inline marshalers
	tmpl  *templates.Set // clean entries to check similar ones against; shared with clones
}

var _ zapcore.Encoder = (*encoder)(nil)

// _pool holds the buffers of scrubbed entries. Each buffer remembers its
// pool, so whoever frees it returns it here.
var _pool = buffer.NewPool()

// entryScratch is the scratch space of one EncodeEntry call whose fields
// key rules rewrite. It never outlives the call.
type entryScratch struct {
	fields  []zapcore.Field
	inlines []*inlineKeys
}

var _scratchPool = sync.Pool{New: func() any {
	return &entryScratch{fields: make([]zapcore.Field, 0, 16)}
}}

// inlineKeys runs a zap.Inline marshaler against a key-rule view of the
// encoder, so the fields it adds obey the key rules like any other field.
// Their values, and anything nested deeper, are left to the byte scrub.
type inlineKeys struct {
	m    zapcore.ObjectMarshaler
	view scrubObjectEncoder
}

func (w *inlineKeys) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	w.view.enc = enc
	err := w.m.MarshalLogObject(&w.view)
	w.view.enc = nil
	return err
}

func (e *encoder) Clone() zapcore.Encoder {
	return &encoder{Encoder: e.Encoder.Clone(), r: e.r, keys: e.keys, cache: e.cache, s: e.s, tmpl: e.tmpl}
}

func (e *encoder) EncodeEntry(ent zapcore.Entry, fields []zapcore.Field) (*buffer.Buffer, error) {
	ent.Message = scrubMessage(e.r, ent.Message)
	if i := dirtyBinary(e.r, fields); i >= 0 {
		fields = scrubBinaries(e.r, fields, i)
	}
	if e.cache != nil {
		if i := e.cache.firstRuled(fields); i >= 0 {
			return e.encodeRuled(ent, fields, i)
		}
	}
	return e.encode(ent, fields)
}

// dirtyBinary returns the index of the first Binary field whose bytes hold
// a secret their base64 does not show (escapedInBinary), or -1. zap's
// encoders write such a field as base64: a secret escaped in it (a form's
// password=p%40ss, a JSON document's "p\"ss") is in none of the forms the
// engine finds in a short run of base64, so the bytes are scrubbed before
// they are encoded.
func dirtyBinary(r *redact.Redactor, fields []zapcore.Field) int {
	for i := range fields {
		if fields[i].Type == zapcore.BinaryType {
			if b, ok := fields[i].Interface.([]byte); ok && escapedInBinary(r, b) {
				return i
			}
		}
	}
	return -1
}

// scrubBinaries returns a copy of fields with the bytes of the Binary
// fields from first on scrubbed (the caller's slice is never modified).
func scrubBinaries(r *redact.Redactor, fields []zapcore.Field, first int) []zapcore.Field {
	fs := slices.Clone(fields)
	for i := first; i < len(fs); i++ {
		if fs[i].Type == zapcore.BinaryType {
			if b, ok := fs[i].Interface.([]byte); ok && escapedInBinary(r, b) {
				fs[i].Interface = r.ScrubValue(nil, b)
			}
		}
	}
	return fs
}

// encodeRuled encodes fields with key-ruled values replaced, in a scratch
// slice: the caller's slice may be reused by the caller and is never
// modified.
func (e *encoder) encodeRuled(ent zapcore.Entry, fields []zapcore.Field, first int) (*buffer.Buffer, error) {
	sc := _scratchPool.Get().(*entryScratch)
	fs := append(sc.fields[:0], fields...)
	inlines := 0
	for i := first; i < len(fs); i++ {
		switch {
		case e.cache.ruled(&fs[i]):
			fs[i] = redactedField(e.r, fs[i].Key)
		case fs[i].Type == zapcore.InlineMarshalerType:
			m, ok := fs[i].Interface.(zapcore.ObjectMarshaler)
			if !ok {
				continue
			}
			if inlines == len(sc.inlines) {
				sc.inlines = append(sc.inlines, &inlineKeys{})
			}
			w := sc.inlines[inlines]
			inlines++
			w.m, w.view.s, w.view.keysOnly = m, e.s, true
			fs[i].Interface = w
		}
	}
	buf, err := e.encode(ent, fs)
	clear(fs)
	sc.fields = fs[:0]
	for _, w := range sc.inlines[:inlines] {
		w.m = nil
	}
	_scratchPool.Put(sc)
	return buf, err
}

func (e *encoder) encode(ent zapcore.Entry, fields []zapcore.Field) (*buffer.Buffer, error) {
	buf, p, err := e.tryEncode(ent, fields)
	if p != nil {
		buf, err = e.encodeGuarded(ent, fields, p)
	}
	if err != nil || buf == nil {
		return buf, err
	}
	if jsonObject(buf.Bytes()) {
		// The message, the one part zap's encoders print with its line
		// breaks, was scrubbed as a value when it had one (scrubMessage),
		// so an object is searched as text here, without looking for a
		// line feed inside it first (jsonEntry); when it is dirty,
		// scrubEntry judges it in full.
		//
		// entryContains, with the index searched only where buf differs
		// from a clean entry of the same shape (internal/templates).
		if !e.tmpl.Contains(e.r, templateSlot(fields), buf.Bytes()) {
			return buf, nil
		}
		return rewriteBuffer(e.r, buf), nil
	}
	return scrubBuffer(e.r, buf), nil
}

// tryEncode runs the wrapped encoder, returning what it panicked with, if it
// did.
func (e *encoder) tryEncode(ent zapcore.Entry, fields []zapcore.Field) (buf *buffer.Buffer, panicked any, err error) {
	defer func() {
		if p := recover(); p != nil {
			buf, panicked, err = nil, p, nil
		}
	}()
	buf, err = e.Encoder.EncodeEntry(ent, fields)
	return buf, nil, err
}

// encodeGuarded encodes an entry again after a marshaler panicked (zap
// recovers the panics of String and Error, not those of ObjectMarshaler,
// ArrayMarshaler or a reflected value's MarshalJSON). Each such field is
// guarded so that its panic becomes zap's key+"Error": "PANIC=<message>"
// note, which is scrubbed with the rest of the entry. Should the encoder
// panic again, the panic goes on to the caller with its message scrubbed.
func (e *encoder) encodeGuarded(ent zapcore.Entry, fields []zapcore.Field, first any) (*buffer.Buffer, error) {
	guarded := make([]zapcore.Field, len(fields))
	for i, f := range fields {
		guarded[i] = guardField(f)
	}
	buf, p, err := e.tryEncode(ent, guarded)
	if p != nil {
		panic(e.r.ScrubValueString(fmt.Sprint(first)))
	}
	return buf, err
}

// guardField wraps a field's marshaler, if it has one, in a guard that turns
// a panic into an error.
func guardField(f zapcore.Field) zapcore.Field {
	switch f.Type {
	case zapcore.ObjectMarshalerType, zapcore.InlineMarshalerType:
		if m, ok := f.Interface.(zapcore.ObjectMarshaler); ok {
			f.Interface = guardedObject{m}
		}
	case zapcore.ArrayMarshalerType:
		if m, ok := f.Interface.(zapcore.ArrayMarshaler); ok {
			f.Interface = guardedArray{m}
		}
	case zapcore.ReflectType:
		f.Interface = guardedReflected{f.Interface}
	}
	return f
}

type guardedObject struct{ m zapcore.ObjectMarshaler }

func (g guardedObject) MarshalLogObject(enc zapcore.ObjectEncoder) (err error) {
	defer panicToError(&err)
	return g.m.MarshalLogObject(enc)
}

type guardedArray struct{ m zapcore.ArrayMarshaler }

func (g guardedArray) MarshalLogArray(enc zapcore.ArrayEncoder) (err error) {
	defer panicToError(&err)
	return g.m.MarshalLogArray(enc)
}

// guardedReflected renders a reflected value as zap's default reflected
// encoder does, with a panic turned into an error.
type guardedReflected struct{ v any }

func (g guardedReflected) MarshalJSON() (b []byte, err error) {
	var buf bytes.Buffer
	if err := renderJSON(&buf, g.v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// panicToError turns a panic into *err, as zap does for String and Error.
// The message is scrubbed with the encoded entry.
func panicToError(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("PANIC=%v", p)
	}
}

// scrubMessage scrubs an entry's message as a value (redact's ScrubValue)
// before the wrapped encoder writes it, when it holds a line feed, so the
// message is protected whatever the encoder does with it: an encoder that
// prints it as it is, real line breaks included, inside an entry scrubbed
// in an escaping syntax (one that opens with "{", read by ScrubEscaped,
// where no match spans a real line break) would otherwise leave a
// multi-line secret's short line (a PEM key's last line) next to its
// redacted neighbour. (zap's console entry is scrubbed as a value as a
// whole, scrubEntry.) A message without a line feed needs nothing more
// than the scrub of the encoded entry: read as a value it finds what Scrub
// finds in it, plus only what its escaped form holds, which the JSON
// encoder writes and ScrubEscaped reads. The test of a line feed is one
// IndexByte over the message; a clean message with one is returned as it
// is, without allocating.
func scrubMessage(r *redact.Redactor, msg string) string {
	if strings.IndexByte(msg, '\n') < 0 {
		return msg
	}
	return r.ScrubValueString(msg)
}

// scrubBuffer returns buf itself when it holds no secret. Otherwise it
// returns a new pooled buffer with the scrubbed bytes and frees buf.
func scrubBuffer(r *redact.Redactor, buf *buffer.Buffer) *buffer.Buffer {
	if !entryContains(r, buf.Bytes()) {
		return buf
	}
	return rewriteBuffer(r, buf)
}

// rewriteBuffer returns a new pooled buffer with buf's bytes scrubbed, and
// frees buf.
func rewriteBuffer(r *redact.Redactor, buf *buffer.Buffer) *buffer.Buffer {
	out := _pool.Get()
	// Scrub appends into out's own backing array while it fits; Write then
	// copies the result onto itself (a no-op move) or from the grown array.
	out.Write(scrubEntry(r, out.Bytes()[:0], buf.Bytes()))
	buf.Free()
	return out
}

// scrubEntry scrubs one encoded entry. A JSON entry (one that opens with
// "{") is in an escaping syntax: every backslash in it starts an escape, so
// a match that begins right after one takes it along (ScrubEscaped) and the
// entry stays valid JSON. Anything else, such as the console encoder's
// line, prints the message, logger name, caller and stack as they are: a
// backslash before a secret there is the application's own byte
// (C:\keys\<secret>.pfx), and Scrub keeps it.
//
// An entry that is not JSON and holds a line feed before its last byte (the
// console encoder's message, logger name or stack, printed with real line
// breaks) is one record written by one Write: it is scrubbed as a value
// (ScrubValue), so a multi-line secret's short line goes with the line it
// is joined to across the real line break, where Scrub, reading text as
// written, matches no span across one.
//
// Whether an entry is JSON is judged by its bytes (jsonEntry: objects, one
// a line), and, since only a dirty entry is scrubbed, confirmed by
// json.Valid: an entry of a console encoder whose first field is a message
// opening with "{" is text.
func scrubEntry(r *redact.Redactor, dst, entry []byte) []byte {
	if jsonEntry(entry) && (bytes.IndexByte(entry, '\\') < 0 || validJSONLines(entry)) {
		// Without a backslash, the two readings are one: no need to
		// validate.
		return r.ScrubEscaped(dst, entry)
	}
	if innerLineFeed(entry) {
		return r.ScrubValue(dst, entry)
	}
	return r.Scrub(dst, entry)
}

// entryContains reports whether scrubEntry would change entry.
func entryContains(r *redact.Redactor, entry []byte) bool {
	if innerLineFeed(entry) && !jsonEntry(entry) {
		return r.ContainsValue(entry)
	}
	return r.Contains(entry)
}

// jsonEntry reports whether entry looks like JSON entries: one object
// ("{" to "}", blanks and the line ending aside), or several, one a line
// (a buffer such as zap's BufferedWriteSyncer joins whole entries; a JSON
// encoder escapes every line feed inside an entry). A console entry that
// prints a message opening with "{" first, not ending in "}" or with a
// line break inside, is not one.
func jsonEntry(entry []byte) bool {
	for len(entry) > 0 {
		line := entry
		if i := bytes.IndexByte(entry, '\n'); i >= 0 {
			line, entry = entry[:i], entry[i+1:]
		} else {
			entry = nil
		}
		if !jsonObject(line) && len(bytes.TrimSpace(line)) > 0 {
			return false
		}
	}
	return true
}

// validJSONLines reports whether each line of entry is valid JSON (or
// blank).
func validJSONLines(entry []byte) bool {
	for len(entry) > 0 {
		line := entry
		if i := bytes.IndexByte(entry, '\n'); i >= 0 {
			line, entry = entry[:i], entry[i+1:]
		} else {
			entry = nil
		}
		if len(bytes.TrimSpace(line)) > 0 && !json.Valid(line) {
			return false
		}
	}
	return true
}

// jsonObject reports whether entry opens with "{" and ends with "}",
// blanks and the line ending aside.
func jsonObject(entry []byte) bool { return objectEnd(entry) > 0 }

// objectEnd returns the index past the closing "}" of an entry that opens
// with "{" and ends with "}" (blanks and the line ending aside), or 0.
func objectEnd(entry []byte) int {
	if !isJSONObject(entry) {
		return 0
	}
	end := len(entry)
	for end > 0 {
		switch entry[end-1] {
		case ' ', '\t', '\r', '\n':
			end--
			continue
		}
		break
	}
	if entry[end-1] != '}' {
		return 0
	}
	return end
}

// innerLineFeed reports whether b holds a line feed before its last byte
// (the entry's own line ending).
func innerLineFeed(b []byte) bool {
	return len(b) > 1 && bytes.IndexByte(b[:len(b)-1], '\n') >= 0
}

func isJSONObject(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c == '{'
	}
	return false
}

// keyRuled reports whether the key rules redact f's value: whether its key
// names a credential, and the value is of a kind redacted under it.
func keyRuled(m *keyrule.Matcher, f *zapcore.Field) bool {
	switch f.Type {
	case zapcore.NamespaceType, zapcore.SkipType:
		return false
	}
	return m.Redacts(f.Key, fieldKind(f.Type))
}

// fieldKind is the kind of a field's value for the key rules' type policy.
func fieldKind(t zapcore.FieldType) keyrule.Kind {
	switch t {
	case zapcore.BoolType:
		return keyrule.KindBool
	case zapcore.Int64Type, zapcore.Int32Type, zapcore.Int16Type, zapcore.Int8Type,
		zapcore.Uint64Type, zapcore.Uint32Type, zapcore.Uint16Type, zapcore.Uint8Type, zapcore.UintptrType,
		zapcore.Float64Type, zapcore.Float32Type, zapcore.Complex128Type, zapcore.Complex64Type,
		zapcore.DurationType, zapcore.TimeType, zapcore.TimeFullType:
		return keyrule.KindNumber
	}
	return keyrule.KindText
}

// redactedField is the field written for a key-ruled one: the replacement
// for its key. A key may itself hold a secret ("password_<token>"), so the
// key is scrubbed first and the replacement never echoes a secret.
func redactedField(r *redact.Redactor, key string) zapcore.Field {
	key = r.ScrubValueString(key)
	return zapcore.Field{Key: key, Type: zapcore.StringType, String: r.Replacement(key)}
}

// The keyed ObjectEncoder methods below carry With context (and fields of
// zap.Inline marshalers) to the wrapped encoder; each applies the key rules.

// ruled writes the replacement of a key-ruled value and reports true, or
// reports false. The replacement is rendered from the key scrubbed
// (redactedField): rendered from a key holding a secret, a template with
// {hash} would write a hash of the secret's text.
func (e *encoder) ruled(key string, k keyrule.Kind) bool {
	if e.keys.Redacts(key, k) {
		f := redactedField(e.r, key)
		e.Encoder.AddString(f.Key, f.String)
		return true
	}
	return false
}

func (e *encoder) AddArray(key string, v zapcore.ArrayMarshaler) error {
	if e.ruled(key, keyrule.KindText) {
		return nil
	}
	return e.Encoder.AddArray(key, v)
}

func (e *encoder) AddObject(key string, v zapcore.ObjectMarshaler) error {
	if e.ruled(key, keyrule.KindText) {
		return nil
	}
	return e.Encoder.AddObject(key, v)
}

func (e *encoder) AddReflected(key string, v any) error {
	if e.ruled(key, keyrule.KindText) {
		return nil
	}
	return e.Encoder.AddReflected(key, v)
}

func (e *encoder) AddBinary(key string, v []byte) {
	if !e.ruled(key, keyrule.KindText) {
		if escapedInBinary(e.r, v) {
			v = e.r.ScrubValue(nil, v) // see dirtyBinary
		}
		e.Encoder.AddBinary(key, v)
	}
}

func (e *encoder) AddByteString(key string, v []byte) {
	if !e.ruled(key, keyrule.KindText) {
		e.Encoder.AddByteString(key, v)
	}
}

func (e *encoder) AddBool(key string, v bool) {
	if !e.ruled(key, keyrule.KindBool) {
		e.Encoder.AddBool(key, v)
	}
}

func (e *encoder) AddComplex128(key string, v complex128) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddComplex128(key, v)
	}
}

func (e *encoder) AddComplex64(key string, v complex64) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddComplex64(key, v)
	}
}

func (e *encoder) AddDuration(key string, v time.Duration) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddDuration(key, v)
	}
}

func (e *encoder) AddFloat64(key string, v float64) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddFloat64(key, v)
	}
}

func (e *encoder) AddFloat32(key string, v float32) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddFloat32(key, v)
	}
}

func (e *encoder) AddInt(key string, v int) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddInt(key, v)
	}
}

func (e *encoder) AddInt64(key string, v int64) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddInt64(key, v)
	}
}

func (e *encoder) AddInt32(key string, v int32) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddInt32(key, v)
	}
}

func (e *encoder) AddInt16(key string, v int16) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddInt16(key, v)
	}
}

func (e *encoder) AddInt8(key string, v int8) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddInt8(key, v)
	}
}

func (e *encoder) AddString(key, v string) {
	if !e.ruled(key, keyrule.KindText) {
		e.Encoder.AddString(key, v)
	}
}

func (e *encoder) AddTime(key string, v time.Time) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddTime(key, v)
	}
}

func (e *encoder) AddUint(key string, v uint) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddUint(key, v)
	}
}

func (e *encoder) AddUint64(key string, v uint64) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddUint64(key, v)
	}
}

func (e *encoder) AddUint32(key string, v uint32) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddUint32(key, v)
	}
}

func (e *encoder) AddUint16(key string, v uint16) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddUint16(key, v)
	}
}

func (e *encoder) AddUint8(key string, v uint8) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddUint8(key, v)
	}
}

func (e *encoder) AddUintptr(key string, v uintptr) {
	if !e.ruled(key, keyrule.KindNumber) {
		e.Encoder.AddUintptr(key, v)
	}
}

// templateSlot picks the template slot of an entry with fields
// (internal/templates): a guess at the log call's shape, the number of
// fields and the address of the first key.
func templateSlot(fields []zapcore.Field) int {
	h := uint64(len(fields))
	if len(fields) > 0 {
		h ^= uint64(uintptr(unsafe.Pointer(unsafe.StringData(fields[0].Key))))
	}
	return int((h * 0x9E3779B97F4A7C15) >> (64 - 4))
}
