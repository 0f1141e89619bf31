package hushslog

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"unsafe"

	"github.com/hushlog/hush/internal/cleancache"
	"github.com/hushlog/hush/internal/keyrule"
	"github.com/hushlog/hush/redact"
)

// scrubber rewrites records for the middleware. With keysOnly it applies the
// key rules and nothing else: the built-in handlers' bytes are scrubbed
// afterwards by a writer.
type scrubber struct {
	r        *redact.Redactor
	keys     *keyrule.Matcher
	kc       *keyrule.Cache // keys' verdicts by address; nil when keys is
	keysOnly bool
	// clean answers for the short strings logged again and again (keys,
	// constants, a struct's fields) without ContainsValue's setup.
	clean *cleancache.Cache
}

func newScrubber(r *redact.Redactor, opts []Option, keysOnly bool) *scrubber {
	c := newConfig(opts)
	keys := keyrule.New(c.keyPatterns)
	return &scrubber{r: r, keys: keys, kc: keyrule.NewCache(keys), keysOnly: keysOnly, clean: cleancache.New(r)}
}

// containsString reports whether v, a value next will write, holds a secret
// as written or as next may escape it (Redactor.ContainsValue). The short
// strings checked before are answered from the cache of clean strings (by
// address, a hit only on equal bytes, for the current secret set).
func (s *scrubber) containsString(v string) bool {
	return s.clean.Contains(v)
}

// containsBytes is containsString for bytes: []byte values, and text
// joined in pooled scratch (a slice's strings as fmt prints them, a key
// joined to its group path), which comes back at the same address with the
// same bytes record after record. The cache compares the bytes, so bytes
// changed under the same address are checked afresh.
func (s *scrubber) containsBytes(v []byte) bool {
	return s.clean.Contains(unsafe.String(unsafe.SliceData(v), len(v)))
}

// scrub returns v with known secrets replaced, or v itself. A value is
// scrubbed before next escapes, quotes or prints it, so it is read as
// written and as escaped (Redactor.ScrubValueString): a short line of a
// multi-line secret is caught whatever next does with its line breaks.
// ContainsValue is a few times cheaper than scrubbing on the short clean
// strings (keys, object fields) that are the common case, so it goes first.
func (s *scrubber) scrub(v string) string {
	if !s.containsString(v) {
		return v
	}
	return s.r.ScrubValueString(v)
}

// scrubBytes is scrub for a []byte value; it returns v itself when clean.
func (s *scrubber) scrubBytes(v []byte) []byte {
	if !s.containsBytes(v) {
		return v
	}
	return s.r.ScrubValue(nil, v)
}

// recordDirty reports whether rec needs rewriting, and which of its first
// 64 attributes do (bit i of mask; the rest are rewritten whenever the
// record is): record passes the others on as they are, without judging
// them again. groups reports whether a group is among the attributes (or
// some were not looked at): only then, or under a group path, can a key
// joined to its path hold a secret (pathsDirty). It allocates nothing.
func (s *scrubber) recordDirty(rec *slog.Record) (dirty bool, mask uint64, groups bool) {
	if s.keysOnly {
		if s.keys == nil {
			return false, 0, false
		}
	} else if s.containsString(rec.Message) {
		dirty = true
	}
	i := 0
	rec.Attrs(func(a slog.Attr) bool {
		if i >= 64 {
			dirty, groups = true, true // judged when rewritten
			return false
		}
		if a.Value.Kind() == slog.KindGroup {
			groups = true
		}
		if s.attrDirty(a) {
			dirty = true
			mask |= 1 << i
		}
		i++
		return true
	})
	return dirty, mask, groups
}

// attrDirty reports whether a must be rewritten: its key is key-ruled or
// holds a secret, or (unless keysOnly) its value does, or its value is one
// that renders itself (a LogValuer, an error, a value with a String,
// MarshalJSON or MarshalText method): such a value is rendered once by the
// rewrite and what was checked is what next writes, so a value that answers
// differently the second time, or panics, cannot slip a secret through.
func (s *scrubber) attrDirty(a slog.Attr) bool {
	// A LogValuer's kind is unknown until it is resolved; it is rewritten
	// (resolved once) below whatever its key.
	if s.keyRuled(a.Key, a.Value) {
		return true
	}
	if s.keysOnly {
		switch a.Value.Kind() {
		case slog.KindLogValuer:
			// Resolved once by the rewrite, which passes the resolution
			// on: resolving it here to judge it, and letting next resolve
			// it again, would judge one answer and write another.
			return true
		case slog.KindGroup:
			for _, ga := range a.Value.Group() {
				if s.attrDirty(ga) {
					return true
				}
			}
		case slog.KindAny:
			if b, ok := a.Value.Any().([]byte); ok {
				return s.escapedInBytes(b)
			}
		}
		return false
	}
	if s.containsString(a.Key) {
		return true
	}
	switch a.Value.Kind() {
	case slog.KindLogValuer:
		return true
	case slog.KindGroup:
		for _, ga := range a.Value.Group() {
			if s.attrDirty(ga) {
				return true
			}
		}
		return false
	case slog.KindString:
		return s.containsString(a.Value.String())
	case slog.KindAny:
		switch x := a.Value.Any().(type) {
		case nil:
			return false
		case []byte:
			return s.bytesDirty(x)
		case error:
			if msg, ok := fixedText(x); ok {
				return s.containsString(msg)
			}
			return true
		default:
			return s.valueDirty(x)
		}
	}
	return false
}

// record returns a copy of rec with its message and attributes scrubbed;
// path is the group path the record is written under (see pathKey). An
// attribute among the first 64 whose bit in mask is clear was judged clean
// (recordDirty) and is passed on as it is.
func (s *scrubber) record(rec *slog.Record, path string, mask uint64) slog.Record {
	msg := rec.Message
	if !s.keysOnly {
		msg = s.scrub(msg)
	}
	out := slog.NewRecord(rec.Time, rec.Level, msg, rec.PC)
	i := 0
	rec.Attrs(func(a slog.Attr) bool {
		if i < 64 && mask&(1<<i) == 0 {
			out.AddAttrs(a)
		} else {
			out.AddAttrs(s.attr(a, path))
		}
		i++
		return true
	})
	return out
}

// attrs scrubs attributes given to WithAttrs under the group path path;
// it returns attrs itself when none needs it.
func (s *scrubber) attrs(attrs []slog.Attr, path string) []slog.Attr {
	for i, a := range attrs {
		if s.attrDirty(a) || s.pathsDirty(path, a) {
			out := make([]slog.Attr, len(attrs))
			copy(out, attrs[:i])
			for j := i; j < len(attrs); j++ {
				out[j] = s.attr(attrs[j], path)
			}
			return out
		}
	}
	return attrs
}

// A text handler writes a key inside groups as the group path and the key
// joined by dots ("a.b.key="), so a secret with dots in it, split into
// group names and a key that are each clean, is written whole (a JWT's
// three parts). The middleware knows the groups opened by WithGroup (the
// handler's path, "a.b.") and those of the record's own groups, and checks
// each key joined to its path.

// pathsDirty reports whether a key of a, written under path, holds a
// secret joined to its group path. It builds the paths in pooled scratch
// and allocates nothing; a record outside any group costs nothing.
func (s *scrubber) pathsDirty(path string, a slog.Attr) bool {
	if s.keysOnly || path == "" && a.Value.Kind() != slog.KindGroup {
		return false
	}
	buf := getBuffer()
	defer putBuffer(buf)
	buf.WriteString(path)
	return s.pathDirty(buf, a)
}

// pathDirty is pathsDirty with the path in buf, which it leaves as it
// found it.
func (s *scrubber) pathDirty(buf *bytes.Buffer, a slog.Attr) bool {
	n := buf.Len()
	defer buf.Truncate(n)
	if n > 0 && a.Key != "" {
		buf.WriteString(a.Key)
		if s.containsBytes(buf.Bytes()) {
			return true
		}
		buf.Truncate(n)
	}
	if a.Value.Kind() != slog.KindGroup {
		return false
	}
	if a.Key != "" {
		buf.WriteString(a.Key)
		buf.WriteByte('.')
	}
	for _, ga := range a.Value.Group() {
		if s.pathDirty(buf, ga) {
			return true
		}
	}
	return false
}

// pathKey returns key, to be written under the group path path ("a.b.",
// or ""), with a secret that spans path and key replaced: from the start
// of the first such match, key becomes the secret's replacement, followed
// by the rest of key scrubbed. The part of the secret in path stays (it
// was written by next already), a part too short to be a secret.
func (s *scrubber) pathKey(path, key string) string {
	if s.keysOnly || path == "" || key == "" {
		return key
	}
	joined := path + key
	if !s.containsString(joined) {
		return key
	}
	for _, m := range s.r.FindValue([]byte(joined)) {
		if m.End > len(path) {
			rest := ""
			if m.End < len(joined) {
				rest = s.scrub(joined[m.End:])
			}
			return s.r.Replacement(m.Name) + rest
		}
	}
	return key
}

func (s *scrubber) attr(a slog.Attr, path string) slog.Attr {
	v := a.Value.Resolve()
	if s.keyRuled(a.Key, v) {
		// The key may hold a secret itself: the replacement must not
		// echo it.
		key := s.pathKey(path, s.scrub(a.Key))
		return slog.String(key, s.r.Replacement(key))
	}
	key := a.Key
	if !s.keysOnly {
		key = s.pathKey(path, s.scrub(key))
	}
	switch v.Kind() {
	case slog.KindGroup:
		g := v.Group()
		out := make([]slog.Attr, len(g))
		inner := path
		if key != "" && !s.keysOnly {
			inner = path + key + "."
		}
		for i, ga := range g {
			out[i] = s.attr(ga, inner)
		}
		return slog.Attr{Key: key, Value: slog.GroupValue(out...)}
	case slog.KindString:
		if !s.keysOnly {
			return slog.String(key, s.scrub(v.String()))
		}
	case slog.KindAny:
		if !s.keysOnly {
			return slog.Attr{Key: key, Value: s.anyValue(v.Any())}
		}
		if b, ok := v.Any().([]byte); ok && s.escapedInBytes(b) {
			return slog.Attr{Key: key, Value: slog.AnyValue(s.r.ScrubValue(nil, b))}
		}
	}
	return slog.Attr{Key: key, Value: v}
}

// keyRuled reports whether the key rules redact the value v under key:
// whether the key names a credential, and v is of a kind redacted under it
// (a group or an Any value is redacted whole). The verdicts on keys are
// cached by address (keyrule.Cache).
func (s *scrubber) keyRuled(key string, v slog.Value) bool {
	return s.kc.Redacts(key, valueKind(v))
}

// valueKind is the kind of a value for the key rules' type policy.
func valueKind(v slog.Value) keyrule.Kind {
	switch v.Kind() {
	case slog.KindBool:
		return keyrule.KindBool
	case slog.KindInt64, slog.KindUint64, slog.KindFloat64, slog.KindDuration, slog.KindTime:
		return keyrule.KindNumber
	}
	return keyrule.KindText
}

// anyValue returns the value to write for an Any value: itself when it
// holds no text that can be a secret, otherwise a stand-in holding its
// renderings, made once and scrubbed.
func (s *scrubber) anyValue(x any) slog.Value {
	switch x := x.(type) {
	case nil:
		return slog.AnyValue(nil)
	case []byte:
		return s.bytesValue(x)
	case error:
		return slog.AnyValue(s.scrubError(x))
	}
	if !s.valueDirty(x) {
		return slog.AnyValue(x)
	}
	buf := getBuffer()
	defer putBuffer(buf)
	var v scrubbedValue
	buf.Reset()
	printText(buf, x)
	// The text rendering is written by next as it chooses (quoted by the
	// text handler, as it is by a handler of one's own): a value.
	v.text = string(s.r.ScrubValue(nil, buf.Bytes()))
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

// scrubError returns a stand-in for err holding its scrubbed renderings:
// Error(), and the "%+v" form of a fmt.Formatter. A rendering that panics
// is written as slog's handlers write one ("!PANIC: <message>"), scrubbed.
func (s *scrubber) scrubError(err error) error {
	msg, p := callError(err)
	if p != nil {
		msg = panicText(err, p)
	}
	msg = s.scrub(msg)
	if _, fancy := err.(fmt.Formatter); fancy && p == nil {
		var buf bytes.Buffer
		printVerbose(&buf, err)
		return &scrubbedFancyError{msg: msg, verbose: s.scrub(buf.String())}
	}
	return &scrubbedError{msg: msg}
}

// errorStringType is the type of the errors errors.New makes, and
// fmt.Errorf without %w.
var errorStringType = reflect.TypeOf(errors.New(""))

// fixedText returns the text of an error whose text cannot change: one made
// by errors.New (or fmt.Errorf without %w), whose only content is the
// unexported string its Error returns, set when it was made. It has no
// Format, Unwrap or other method a handler could render it through, and
// reflection or fmt's "%+v" and "%v" find that string alone (json.Marshal,
// "{}"), so the error checked clean is passed on as it is rather than
// replaced by a stand-in (which would allocate for every record that
// carries an error). Any other error, or a nil one of that type, is
// rendered once and replaced (scrubError).
func fixedText(err error) (string, bool) {
	if reflect.TypeOf(err) != errorStringType || reflect.ValueOf(err).IsNil() {
		return "", false
	}
	return err.Error(), true
}

// callError calls Error(), returning what it panicked with, if it did.
func callError(err error) (msg string, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			msg, panicked = "", p
		}
	}()
	return err.Error(), nil
}

// panicText is what slog's built-in handlers print for a value whose
// rendering panicked with p: "<nil>" for a nil pointer, otherwise
// "!PANIC: <message>".
func panicText(v, p any) string {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return "<nil>"
	}
	return fmt.Sprintf("!PANIC: %v", p)
}

// printVerbose writes the "%+v" form of x, or the panic note.
func printVerbose(buf *bytes.Buffer, x any) {
	defer func() {
		if p := recover(); p != nil {
			buf.Reset()
			buf.WriteString(panicText(x, p))
		}
	}()
	fmt.Fprintf(buf, "%+v", x)
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

// printText writes x as slog's text handler does: MarshalText when x has
// it, the bytes of a byte slice, "%+v" otherwise; a rendering that panics is written as the handler
// writes it ("!PANIC: <message>").
func printText(buf *bytes.Buffer, x any) {
	if tm, ok := x.(encoding.TextMarshaler); ok {
		var b []byte
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					b, err = []byte(panicText(x, p)), nil
				}
			}()
			b, err = tm.MarshalText()
		}()
		if err == nil {
			buf.Write(b)
			return
		}
	}
	if rv := reflect.ValueOf(x); rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
		// slog's text handler prints a byte slice of any type (a
		// json.RawMessage) as its bytes, quoted, not as fmt's numbers.
		buf.Write(rv.Bytes())
		return
	}
	if fmtLoops(reflect.ValueOf(x), 0, nil) {
		// fmt would recurse into it until the stack overflows.
		buf.WriteString(cyclicNote)
		return
	}
	printVerbose(buf, x)
}
