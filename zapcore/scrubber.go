package hushzap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/hushlog/hush/internal/keyrule"
	"sync"
	"unsafe"

	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/redact"
)

// scrubber rewrites entries and fields before an encoder sees them. It is
// the engine of WrapCore; NewCore and NewEncoder scrub bytes instead.
type scrubber struct {
	r    *redact.Redactor
	keys *keyrule.Matcher
	hook zapcore.CheckPreWriteHook // s.preWrite, bound once
}

func newScrubber(r *redact.Redactor, opts []Option) *scrubber {
	c := newConfig(opts)
	s := &scrubber{r: r, keys: keyrule.New(c.keyPatterns)}
	s.hook = s.preWrite
	return s
}

func (s *scrubber) preWrite(ent zapcore.Entry, fields []zapcore.Field) (zapcore.Entry, []zapcore.Field) {
	return s.entry(ent), s.fields(fields)
}

func (s *scrubber) entry(ent zapcore.Entry) zapcore.Entry {
	ent.Message = s.r.ScrubString(ent.Message)
	ent.LoggerName = s.r.ScrubString(ent.LoggerName)
	ent.Stack = s.r.ScrubString(ent.Stack)
	ent.Caller.File = s.r.ScrubString(ent.Caller.File)
	ent.Caller.Function = s.r.ScrubString(ent.Caller.Function)
	return ent
}

// fields returns fields itself when nothing needs scrubbing, and a new slice
// otherwise: the caller's slice is never modified.
func (s *scrubber) fields(fields []zapcore.Field) []zapcore.Field {
	var out []zapcore.Field
	for i := range fields {
		f, changed := s.field(fields[i])
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

func (s *scrubber) field(f zapcore.Field) (zapcore.Field, bool) {
	if s.keys != nil && keyRuled(s.keys, &f) {
		return redactedField(s.r, f.Key), true
	}
	switch f.Type {
	case zapcore.StringType:
		if v := s.r.ScrubString(f.String); !sameString(v, f.String) {
			f.String = v
			return f, true
		}
	case zapcore.ByteStringType, zapcore.BinaryType:
		if b, ok := f.Interface.([]byte); ok && s.r.Contains(b) {
			f.Interface = s.r.Scrub(nil, b)
			return f, true
		}
	case zapcore.ErrorType:
		if err, ok := f.Interface.(error); ok {
			if clean, dirty := s.error(err); dirty {
				f.Interface = clean
				return f, true
			}
		}
	case zapcore.StringerType:
		if v, ok := callString(f.Interface); ok && s.containsString(v) {
			return zapcore.Field{Key: f.Key, Type: zapcore.StringType, String: s.r.ScrubString(v)}, true
		}
	case zapcore.ReflectType:
		if nf, dirty := s.reflected(f.Key, f.Interface); dirty {
			return nf, true
		}
	case zapcore.ObjectMarshalerType, zapcore.InlineMarshalerType:
		if m, ok := f.Interface.(zapcore.ObjectMarshaler); ok && s.objectDirty(m) {
			f.Interface = &scrubObject{m: m, s: s}
			return f, true
		}
	case zapcore.ArrayMarshalerType:
		if m, ok := f.Interface.(zapcore.ArrayMarshaler); ok && s.arrayDirty(m) {
			f.Interface = &scrubArray{m: m, s: s}
			return f, true
		}
	}
	return f, false
}

func (s *scrubber) containsString(v string) bool {
	return s.r.Contains(unsafe.Slice(unsafe.StringData(v), len(v)))
}

func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// callString calls String(), reporting false when it panics; the field is
// then left to zap, which logs "<nil>" or a PANIC= note.
func callString(v any) (str string, ok bool) {
	st, isStringer := v.(fmt.Stringer)
	if !isStringer {
		return "", false
	}
	defer func() {
		if recover() != nil {
			str, ok = "", false
		}
	}()
	return st.String(), true
}

// callError calls Error(), reporting false when it panics.
func callError(err error) (str string, ok bool) {
	defer func() {
		if recover() != nil {
			str, ok = "", false
		}
	}()
	return err.Error(), true
}

// errorGroup is zap's interface for errors with causes (multierr).
type errorGroup interface{ Errors() []error }

// error checks an error the way zap will print it: Error(), the "%+v" form
// of a fmt.Formatter, and the causes of a group. When any holds a secret it
// returns a stand-in error of the same shape with scrubbed text.
func (s *scrubber) error(err error) (error, bool) {
	basic, ok := callError(err)
	if !ok {
		return err, false
	}
	dirty := s.containsString(basic)
	switch e := err.(type) {
	case errorGroup:
		causes := e.Errors()
		var scrubbed []error
		for i, c := range causes {
			if c == nil {
				continue
			}
			sc, d := s.error(c)
			if d && scrubbed == nil {
				scrubbed = make([]error, len(causes))
				copy(scrubbed, causes[:i])
			}
			if scrubbed != nil {
				scrubbed[i] = sc
			}
		}
		if !dirty && scrubbed == nil {
			return err, false
		}
		if scrubbed == nil {
			scrubbed = causes
		}
		return &scrubbedErrorGroup{msg: s.r.ScrubString(basic), causes: scrubbed}, true
	case fmt.Formatter:
		verbose := fmt.Sprintf("%+v", e)
		if !dirty && !s.containsString(verbose) {
			return err, false
		}
		return &scrubbedFancyError{msg: s.r.ScrubString(basic), verbose: s.r.ScrubString(verbose)}, true
	}
	if !dirty {
		return err, false
	}
	return &scrubbedError{msg: s.r.ScrubString(basic)}, true
}

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
// without HTML escaping) and checks it. A dirty value becomes its scrubbed
// JSON, or a string when the scrubbed text is not valid JSON.
func (s *scrubber) reflected(key string, v any) (zapcore.Field, bool) {
	buf := _jsonPool.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBytes {
			buf.Reset()
			_jsonPool.Put(buf)
		}
	}()
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// zap logs the error text under key+"Error"; check that instead.
		msg := err.Error()
		if !s.containsString(msg) {
			return zapcore.Field{}, false
		}
		return zapcore.Field{Key: key, Type: zapcore.StringType, String: s.r.ScrubString(msg)}, true
	}
	rendered := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if !s.r.Contains(rendered) {
		return zapcore.Field{}, false
	}
	scrubbed := s.r.Scrub(nil, rendered)
	if json.Valid(scrubbed) {
		return zapcore.Field{Key: key, Type: zapcore.ReflectType, Interface: json.RawMessage(scrubbed)}, true
	}
	return zapcore.Field{Key: key, Type: zapcore.StringType, String: string(scrubbed)}, true
}

func (s *scrubber) reflectedDirty(v any) bool {
	_, dirty := s.reflected("", v)
	return dirty
}
