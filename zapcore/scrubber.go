package hushzap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/internal/cleancache"
	"github.com/hushlog/hush/internal/keyrule"
	"github.com/hushlog/hush/redact"
)

// scrubber rewrites entries and fields before an encoder sees them. It is
// the engine of WrapCore; NewCore and NewEncoder scrub bytes instead.
type scrubber struct {
	r     *redact.Redactor
	keys  *keyrule.Matcher
	kc    *keyCache                 // keys' verdicts by address; nil when keys is
	clean *cleancache.Cache         // the short strings known to hold no secret
	hook  zapcore.CheckPreWriteHook // s.preWrite, bound once
}

func newScrubber(r *redact.Redactor, opts []Option) *scrubber {
	c := newConfig(opts)
	keys := keyrule.New(c.keyPatterns)
	s := &scrubber{r: r, keys: keys, kc: newKeyCache(keys), clean: cleancache.New(r)}
	s.hook = s.preWrite
	return s
}

func (s *scrubber) preWrite(ent zapcore.Entry, fields []zapcore.Field) (zapcore.Entry, []zapcore.Field) {
	return s.entry(ent), s.fields(fields)
}

func (s *scrubber) entry(ent zapcore.Entry) zapcore.Entry {
	ent.Message = s.scrub(ent.Message)
	ent.LoggerName = s.scrub(ent.LoggerName)
	ent.Stack = s.scrub(ent.Stack)
	ent.Caller.File = s.scrub(ent.Caller.File)
	ent.Caller.Function = s.scrub(ent.Caller.Function)
	return ent
}

// fields returns fields itself when nothing needs scrubbing, and a new slice
// otherwise: the caller's slice is never modified.
func (s *scrubber) fields(fields []zapcore.Field) []zapcore.Field {
	var out []zapcore.Field
	var slab standIns
	for i := range fields {
		f, changed := s.field(fields[i], &slab)
		if changed && out == nil {
			out = make([]zapcore.Field, len(fields))
			copy(out, fields[:i])
		}
		if out != nil {
			out[i] = f
		}
	}
	if out == nil {
		return fields
	}
	return out
}

// standIns hands out the stand-ins of one entry's marshaler fields from one
// allocation. They must outlive the pre-write hook (zap encodes the fields
// after it returns), so they cannot be pooled.
type standIns struct {
	objects []scrubObject
	arrays  []scrubArray
}

func (st *standIns) object(m zapcore.ObjectMarshaler, s *scrubber) *scrubObject {
	if len(st.objects) == cap(st.objects) {
		st.objects = make([]scrubObject, 0, 4)
	}
	st.objects = append(st.objects, scrubObject{m: m, s: s})
	return &st.objects[len(st.objects)-1]
}

func (st *standIns) array(m zapcore.ArrayMarshaler, s *scrubber) *scrubArray {
	if len(st.arrays) == cap(st.arrays) {
		st.arrays = make([]scrubArray, 0, 4)
	}
	st.arrays = append(st.arrays, scrubArray{m: m, s: s})
	return &st.arrays[len(st.arrays)-1]
}

func (s *scrubber) field(f zapcore.Field, st *standIns) (zapcore.Field, bool) {
	if s.kc != nil && s.kc.ruled(&f) {
		return redactedField(s.r, f.Key), true
	}
	changed := false
	if f.Type != zapcore.SkipType && s.containsString(f.Key) {
		// A key may hold a secret (a map keyed by a token flattened into
		// fields, a namespace named after a user's credential).
		f.Key, changed = s.scrub(f.Key), true
	}
	switch f.Type {
	case zapcore.StringType:
		if v := s.scrub(f.String); !sameString(v, f.String) {
			f.String = v
			return f, true
		}
	case zapcore.ByteStringType:
		if b, ok := f.Interface.([]byte); ok && s.r.ContainsValue(b) {
			f.Interface = s.r.ScrubValue(nil, b)
			return f, true
		}
	case zapcore.BinaryType:
		// Written as base64, which may hold a secret the bytes do not.
		if b, ok := f.Interface.([]byte); ok {
			out, text, asText := s.scrubBinary(b)
			if asText {
				return zapcore.Field{Key: f.Key, Type: zapcore.StringType, String: text}, true
			}
			if len(out) != len(b) || (len(b) > 0 && &out[0] != &b[0]) {
				f.Interface = out
				return f, true
			}
		}
	case zapcore.NamespaceType:
		// The key, scrubbed above, is all a namespace has.
	case zapcore.ErrorType:
		// The error is always replaced by a stand-in holding the text
		// checked here, so an Error that answers differently the second
		// time cannot slip a secret through.
		// Error runs once: its answer is what is checked and written.
		if err, ok := f.Interface.(error); ok {
			basic, p := callError(err)
			if p != nil {
				return s.panicField(f.Key, err, p), true
			}
			f.Interface = s.errorFrom(err, basic)
			return f, true
		}
	case zapcore.StringerType:
		// Likewise: String runs once, and what it returned is written.
		str, p := callString(f.Interface)
		if p != nil {
			return s.panicField(f.Key, f.Interface, p), true
		}
		return zapcore.Field{Key: f.Key, Type: zapcore.StringType, String: s.scrub(str)}, true
	case zapcore.ReflectType:
		return s.reflected(f.Key, f.Interface), true
	case zapcore.ObjectMarshalerType, zapcore.InlineMarshalerType:
		// A marshaler is run once, through a view of the real encoder that
		// scrubs every key and value on its way.
		if m, ok := f.Interface.(zapcore.ObjectMarshaler); ok {
			f.Interface = st.object(m, s)
			return f, true
		}
	case zapcore.ArrayMarshalerType:
		if m, ok := f.Interface.(zapcore.ArrayMarshaler); ok {
			f.Interface = st.array(m, s)
			return f, true
		}
	}
	return f, changed
}

// containsString reports whether v, a value the wrapped core will write,
// holds a secret as written or as the core's encoder will escape it
// (Redactor.ContainsValue). The keys and values logged again and again are
// answered from the cache of clean strings.
func (s *scrubber) containsString(v string) bool {
	return s.clean.Contains(v)
}

// scrub returns v with known secrets replaced, or v itself. A value is
// scrubbed before the wrapped core escapes it, so it is read as written and
// as escaped (Redactor.ScrubValueString): a short line of a multi-line
// secret is caught whatever the encoder does with its line breaks.
// ContainsValue is a few times cheaper than scrubbing on the short clean
// strings (keys, object fields) that are the common case, so it goes first.
func (s *scrubber) scrub(v string) string {
	if !s.containsString(v) {
		return v
	}
	return s.r.ScrubValueString(v)
}

func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// callString calls String(), returning what it panicked with, if it did.
func callString(v any) (str string, panicked any) {
	st, isStringer := v.(fmt.Stringer)
	if !isStringer {
		return fmt.Sprint(v), nil
	}
	defer func() {
		if p := recover(); p != nil {
			str, panicked = "", p
		}
	}()
	return st.String(), nil
}

// callError calls Error(), returning what it panicked with, if it did.
func callError(err error) (str string, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			str, panicked = "", p
		}
	}()
	return err.Error(), nil
}

// panicField is what zap writes for a Stringer or error whose method
// panicked with p, scrubbed: "<nil>" for a nil pointer, otherwise the panic
// message under key+"Error". The message may hold a secret.
func (s *scrubber) panicField(key string, v, p any) zapcore.Field {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return zapcore.Field{Key: key, Type: zapcore.StringType, String: "<nil>"}
	}
	return zapcore.Field{Key: key + "Error", Type: zapcore.StringType, String: s.scrub(fmt.Sprintf("PANIC=%v", p))}
}

// errorGroup is zap's interface for errors with causes (multierr).
type errorGroup interface{ Errors() []error }

// error renders an error the way zap will print it: Error(), the "%+v" form
// of a fmt.Formatter, and the causes of a group, and returns a stand-in of
// the same shape holding the scrubbed renderings, so what zap prints is what
// was checked.
func (s *scrubber) error(err error) error {
	basic, p := callError(err)
	if p != nil {
		return &scrubbedError{msg: s.scrub(fmt.Sprintf("PANIC=%v", p))}
	}
	return s.errorFrom(err, basic)
}

// errorFrom is error for err, whose Error returned basic.
func (s *scrubber) errorFrom(err error, basic string) error {
	msg := s.scrub(basic)
	switch e := err.(type) {
	case errorGroup:
		causes, p := callErrors(e)
		if p != nil {
			// zap recovers a panic of Errors and writes it as a note;
			// the stand-in panics as the group did, with the message
			// scrubbed.
			return &panickingErrorGroup{msg: msg, panicked: s.scrub(fmt.Sprint(p))}
		}
		scrubbed := make([]error, len(causes))
		for i, c := range causes {
			if c != nil {
				scrubbed[i] = s.error(c)
			}
		}
		return &scrubbedErrorGroup{msg: msg, causes: scrubbed}
	case fmt.Formatter:
		return &scrubbedFancyError{msg: msg, verbose: s.scrub(fmt.Sprintf("%+v", e))}
	}
	return &scrubbedError{msg: msg}
}

// callErrors calls Errors(), returning what it panicked with, if it did.
func callErrors(g errorGroup) (causes []error, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			causes, panicked = nil, p
		}
	}()
	return g.Errors(), nil
}

// panickingErrorGroup stands in for an error group whose Errors panicked:
// its Errors panics with the scrubbed message, which zap's error encoding
// recovers and writes as key+"Error": "PANIC=<message>", as it would have
// for the group itself.
type panickingErrorGroup struct{ msg, panicked string }

func (e *panickingErrorGroup) Error() string   { return e.msg }
func (e *panickingErrorGroup) Errors() []error { panic(e.panicked) }

// scrubbedError stands in for an error whose text held a secret.
type scrubbedError struct{ msg string }

func (e *scrubbedError) Error() string { return e.msg }

// scrubbedFancyError keeps a scrubbed "%+v" form, which zap logs as
// errorVerbose.
type scrubbedFancyError struct{ msg, verbose string }

func (e *scrubbedFancyError) Error() string { return e.msg }

func (e *scrubbedFancyError) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('+') {
		_, _ = f.Write([]byte(e.verbose))
		return
	}
	_, _ = f.Write([]byte(e.msg))
}

// scrubbedErrorGroup keeps scrubbed causes, which zap logs as errorCauses.
type scrubbedErrorGroup struct {
	msg    string
	causes []error
}

func (e *scrubbedErrorGroup) Error() string   { return e.msg }
func (e *scrubbedErrorGroup) Errors() []error { return e.causes }

// _jsonPool holds buffers for rendering reflected values.
var _jsonPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// reflected renders v as zap's default reflected encoder does (encoding/json
// without HTML escaping) and returns a field holding the scrubbed rendering
// (json.RawMessage), or a string when the scrubbed text is not valid JSON:
// v is rendered once, and what was checked is what is written. When
// rendering fails (or panics) the field carries the scrubbed error text,
// which zap would print under key+"Error".
func (s *scrubber) reflected(key string, v any) zapcore.Field {
	buf := _jsonPool.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBytes {
			buf.Reset()
			_jsonPool.Put(buf)
		}
	}()
	buf.Reset()
	if err := renderJSON(buf, v); err != nil {
		return zapcore.Field{Key: key + "Error", Type: zapcore.StringType, String: s.scrub(err.Error())}
	}
	rendered := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	scrubbed := s.r.Scrub(nil, rendered)
	if json.Valid(scrubbed) {
		return zapcore.Field{Key: key, Type: zapcore.ReflectType, Interface: json.RawMessage(scrubbed)}
	}
	return zapcore.Field{Key: key, Type: zapcore.StringType, String: string(scrubbed)}
}

// renderJSON encodes v into buf, turning a panic of a MarshalJSON into an
// error as zap's PANIC= note.
func renderJSON(buf *bytes.Buffer, v any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("PANIC=%v", p)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
