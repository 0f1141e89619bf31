package hushslog

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"github.com/hushlog/hush/internal/keyrule"
	"log/slog"
	"sync"
	"unsafe"

	"github.com/hushlog/hush/redact"
)

// scrubber rewrites records for the middleware. With keysOnly it applies the
// key rules and nothing else: the built-in handlers' bytes are scrubbed
// afterwards by a writer.
type scrubber struct {
	r        *redact.Redactor
	keys     *keyrule.Matcher
	keysOnly bool
}

func newScrubber(r *redact.Redactor, opts []Option, keysOnly bool) *scrubber {
	c := newConfig(opts)
	return &scrubber{r: r, keys: keyrule.New(c.keyPatterns), keysOnly: keysOnly}
}

func (s *scrubber) containsString(v string) bool {
	return s.r.Contains(unsafe.Slice(unsafe.StringData(v), len(v)))
}

// recordDirty reports whether rec needs rewriting. It allocates nothing.
func (s *scrubber) recordDirty(rec *slog.Record) bool {
	if s.keysOnly {
		if s.keys == nil {
			return false
		}
	} else if s.containsString(rec.Message) {
		return true
	}
	dirty := false
	rec.Attrs(func(a slog.Attr) bool {
		dirty = s.attrDirty(a)
		return !dirty
	})
	return dirty
}

func (s *scrubber) attrDirty(a slog.Attr) bool {
	v := a.Value.Resolve()
	if keyRuled(s.keys, a.Key, v) {
		return true
	}
	switch v.Kind() {
	case slog.KindGroup:
		for _, ga := range v.Group() {
			if s.attrDirty(ga) {
				return true
			}
		}
		return false
	}
	if s.keysOnly {
		return false
	}
	switch v.Kind() {
	case slog.KindString:
		return s.containsString(v.String())
	case slog.KindAny:
		return s.anyDirty(v.Any())
	}
	return false
}

// record returns a copy of rec with its message and attributes scrubbed.
func (s *scrubber) record(rec *slog.Record) slog.Record {
	msg := rec.Message
	if !s.keysOnly {
		msg = s.r.ScrubString(msg)
	}
	out := slog.NewRecord(rec.Time, rec.Level, msg, rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(s.attr(a))
		return true
	})
	return out
}

// attrs scrubs attributes given to WithAttrs; it returns attrs itself when
// none needs it.
func (s *scrubber) attrs(attrs []slog.Attr) []slog.Attr {
	for i, a := range attrs {
		if s.attrDirty(a) {
			out := make([]slog.Attr, len(attrs))
			copy(out, attrs[:i])
			for j := i; j < len(attrs); j++ {
				out[j] = s.attr(attrs[j])
			}
			return out
		}
	}
	return attrs
}

func (s *scrubber) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	if keyRuled(s.keys, a.Key, v) {
		return slog.String(a.Key, s.r.Replacement(a.Key))
	}
	switch v.Kind() {
	case slog.KindGroup:
		g := v.Group()
		out := make([]slog.Attr, len(g))
		for i, ga := range g {
			out[i] = s.attr(ga)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindString:
		if !s.keysOnly {
			return slog.String(a.Key, s.r.ScrubString(v.String()))
		}
	case slog.KindAny:
		if !s.keysOnly && s.anyDirty(v.Any()) {
			return slog.Attr{Key: a.Key, Value: s.anyValue(v.Any())}
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// keyRuled reports whether the key rules redact the resolved value v under
// key: whether the key names a credential, and v is of a kind redacted under
// it (a group or an Any value is redacted whole).
func keyRuled(m *keyrule.Matcher, key string, v slog.Value) bool {
	return m.Redacts(key, valueKind(v))
}

// valueKind is the kind of a resolved value for the key rules' type policy.
func valueKind(v slog.Value) keyrule.Kind {
	switch v.Kind() {
	case slog.KindBool:
		return keyrule.KindBool
	case slog.KindInt64, slog.KindUint64, slog.KindFloat64, slog.KindDuration, slog.KindTime:
		return keyrule.KindNumber
	}
	return keyrule.KindText
}

// anyDirty checks an Any value the way handlers print it.
func (s *scrubber) anyDirty(x any) bool {
	switch x := x.(type) {
	case nil:
		return false
	case []byte:
		return s.r.Contains(x)
	case error:
		return s.errorDirty(x)
	}
	return s.valueDirty(x)
}

// anyValue returns the scrubbed stand-in for a dirty Any value.
func (s *scrubber) anyValue(x any) slog.Value {
	switch x := x.(type) {
	case []byte:
		return slog.AnyValue(s.r.Scrub(nil, x))
	case error:
		return slog.AnyValue(s.scrubError(x))
	}
	buf := getBuffer()
	defer putBuffer(buf)
	var v scrubbedValue
	buf.Reset()
	printText(buf, x)
	v.text = string(s.r.Scrub(nil, buf.Bytes()))
	buf.Reset()
	if renderJSON(buf, x) == nil {
		if scrubbed := s.r.Scrub(nil, buf.Bytes()); json.Valid(scrubbed) {
			v.json = scrubbed
		}
	}
	if v.json == nil {
		v.json, _ = json.Marshal(v.text)
	}
	return slog.AnyValue(v)
}

// scrubbedValue stands in for a dirty Any value. It keeps both of the
// value's renderings, scrubbed: JSON for handlers that marshal values (slog's
// JSON handler), text for those that print them (slog's text handler uses
// MarshalText, fmt uses String).
type scrubbedValue struct {
	json []byte
	text string
}

func (v scrubbedValue) MarshalJSON() ([]byte, error) { return v.json, nil }
func (v scrubbedValue) MarshalText() ([]byte, error) { return []byte(v.text), nil }
func (v scrubbedValue) String() string               { return v.text }

// errorDirty checks Error(), which the JSON handler prints, the "%+v"
// form, which the text handler prints, and MarshalJSON when the error has
// one (the JSON handler prefers it).
func (s *scrubber) errorDirty(err error) bool {
	msg, ok := callError(err)
	if ok && s.containsString(msg) {
		return true
	}
	_, fancy := err.(fmt.Formatter)
	_, marshaler := err.(json.Marshaler)
	if !fancy && !marshaler {
		return false
	}
	return s.renderDirty(err)
}

func (s *scrubber) scrubError(err error) error {
	msg, _ := callError(err)
	msg = s.r.ScrubString(msg)
	if _, fancy := err.(fmt.Formatter); fancy {
		return &scrubbedFancyError{msg: msg, verbose: s.r.ScrubString(fmt.Sprintf("%+v", err))}
	}
	return &scrubbedError{msg: msg}
}

// callError calls Error(), reporting false when it panics (a nil pointer
// receiver, typically).
func callError(err error) (msg string, ok bool) {
	defer func() {
		if recover() != nil {
			msg, ok = "", false
		}
	}()
	return err.Error(), true
}

// scrubbedError stands in for an error whose text held a secret.
type scrubbedError struct{ msg string }

func (e *scrubbedError) Error() string { return e.msg }

// scrubbedFancyError keeps a scrubbed "%+v" form.
type scrubbedFancyError struct{ msg, verbose string }

func (e *scrubbedFancyError) Error() string { return e.msg }

func (e *scrubbedFancyError) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('+') {
		_, _ = f.Write([]byte(e.verbose))
		return
	}
	_, _ = f.Write([]byte(e.msg))
}

// maxPooledBytes keeps one huge record from pinning its scratch space.
const maxPooledBytes = 64 << 10

var _bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer {
	b := _bufferPool.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBytes {
		_bufferPool.Put(b)
	}
}

// renderJSON writes x as slog's JSON handler does (encoding/json without
// HTML escaping), without the trailing newline.
func renderJSON(buf *bytes.Buffer, x any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("hushslog: rendering panicked")
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1)
	return nil
}

// renderDirty renders x as JSON (or the JSON error text) and as "%+v" and
// checks both.
func (s *scrubber) renderDirty(x any) bool {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := renderJSON(buf, x); err != nil {
		buf.Reset()
		buf.WriteString(err.Error())
	}
	if s.r.Contains(buf.Bytes()) {
		return true
	}
	buf.Reset()
	printText(buf, x)
	return s.r.Contains(buf.Bytes())
}

// printText writes x as slog's text handler does: MarshalText when x has
// it, "%+v" otherwise.
func printText(buf *bytes.Buffer, x any) {
	defer func() { _ = recover() }()
	if tm, ok := x.(encoding.TextMarshaler); ok {
		if b, err := tm.MarshalText(); err == nil {
			buf.Write(b)
			return
		}
	}
	fmt.Fprintf(buf, "%+v", x)
}
