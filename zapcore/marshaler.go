package hushzap

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hushlog/hush/internal/keyrule"

	"go.uber.org/zap/zapcore"
)

// WrapCore cannot see inside an ObjectMarshaler or ArrayMarshaler without
// running it, and a marshaler may answer differently each time it runs. So
// it runs it once, through a scrubbing view of the real encoder that applies
// the key rules, scrubs every key and value, and forwards them.

// scrubObject and scrubArray stand in for a marshaler: they run it against
// a scrubbing view of the real encoder. A marshaler that panics (zap does
// not recover those) returns an error instead, with the panic's message
// scrubbed, which zap prints under key+"Error".
type scrubObject struct {
	m zapcore.ObjectMarshaler
	s *scrubber
}

func (o *scrubObject) MarshalLogObject(enc zapcore.ObjectEncoder) (err error) {
	defer o.s.recoverTo(&err)
	v := _objectViews.Get().(*scrubObjectEncoder)
	v.enc, v.s = enc, o.s
	err = o.m.MarshalLogObject(v)
	*v = scrubObjectEncoder{}
	_objectViews.Put(v)
	return o.s.scrubErr(err)
}

type scrubArray struct {
	m zapcore.ArrayMarshaler
	s *scrubber
}

func (a *scrubArray) MarshalLogArray(enc zapcore.ArrayEncoder) (err error) {
	defer a.s.recoverTo(&err)
	v := _arrayViews.Get().(*scrubArrayEncoder)
	v.enc, v.s = enc, a.s
	err = a.m.MarshalLogArray(v)
	*v = scrubArrayEncoder{}
	_arrayViews.Put(v)
	return a.s.scrubErr(err)
}

// The scrubbing views, and the stand-ins for nested marshalers, live only
// for the duration of one MarshalLogObject or MarshalLogArray call (zap's
// encoders marshal a nested value within AddObject, AppendObject and the
// like), so they are pooled. A view whose marshaler panicked is left to the
// garbage collector.
var (
	_objectViews = sync.Pool{New: func() any { return &scrubObjectEncoder{} }}
	_arrayViews  = sync.Pool{New: func() any { return &scrubArrayEncoder{} }}
	_objects     = sync.Pool{New: func() any { return &scrubObject{} }}
	_arrays      = sync.Pool{New: func() any { return &scrubArray{} }}
)

// nestedObject returns a pooled stand-in for m; give it back with
// releaseObject once the encoder call that takes it has returned.
func nestedObject(m zapcore.ObjectMarshaler, s *scrubber) *scrubObject {
	o := _objects.Get().(*scrubObject)
	o.m, o.s = m, s
	return o
}

func releaseObject(o *scrubObject) {
	*o = scrubObject{}
	_objects.Put(o)
}

func nestedArray(m zapcore.ArrayMarshaler, s *scrubber) *scrubArray {
	a := _arrays.Get().(*scrubArray)
	a.m, a.s = m, s
	return a
}

func releaseArray(a *scrubArray) {
	*a = scrubArray{}
	_arrays.Put(a)
}

// recoverTo turns a panic into *err, as "PANIC=<message>" with the message
// scrubbed. Use it deferred.
func (s *scrubber) recoverTo(err *error) {
	if p := recover(); p != nil {
		*err = errors.New(s.scrub(fmt.Sprintf("PANIC=%v", p)))
	}
}

// scrubErr scrubs a marshaler's error, whose text zap prints.
func (s *scrubber) scrubErr(err error) error {
	if err == nil {
		return nil
	}
	return s.error(err)
}

// scrubObjectEncoder forwards to enc with key rules applied and text
// scrubbed. With keysOnly it applies the key rules and nothing else (for
// NewEncoder, which scrubs the bytes afterwards).
type scrubObjectEncoder struct {
	enc      zapcore.ObjectEncoder
	s        *scrubber
	keysOnly bool
}

var _ zapcore.ObjectEncoder = (*scrubObjectEncoder)(nil)

// key applies the key rules to k: when they redact its value it writes the
// replacement and reports false. Otherwise it returns k, scrubbed (unless
// keysOnly: the bytes are scrubbed later).
func (e *scrubObjectEncoder) key(k string, kind keyrule.Kind) (string, bool) {
	if e.s.kc != nil && e.s.kc.judge(k).Redacts(kind) {
		f := redactedField(e.s.r, k)
		e.enc.AddString(f.Key, f.String)
		return "", false
	}
	if !e.keysOnly {
		k = e.s.scrub(k)
	}
	return k, true
}

func (e *scrubObjectEncoder) AddArray(k string, m zapcore.ArrayMarshaler) error {
	k, ok := e.key(k, keyrule.KindText)
	if !ok {
		return nil
	}
	if e.keysOnly {
		return e.enc.AddArray(k, m)
	}
	a := nestedArray(m, e.s)
	err := e.enc.AddArray(k, a)
	releaseArray(a)
	return err
}

func (e *scrubObjectEncoder) AddObject(k string, m zapcore.ObjectMarshaler) error {
	k, ok := e.key(k, keyrule.KindText)
	if !ok {
		return nil
	}
	if e.keysOnly {
		return e.enc.AddObject(k, m)
	}
	o := nestedObject(m, e.s)
	err := e.enc.AddObject(k, o)
	releaseObject(o)
	return err
}

func (e *scrubObjectEncoder) AddReflected(k string, v any) error {
	k, ok := e.key(k, keyrule.KindText)
	if !ok {
		return nil
	}
	if e.keysOnly {
		return e.enc.AddReflected(k, v)
	}
	e.s.reflected(k, v).AddTo(e.enc)
	return nil
}

func (e *scrubObjectEncoder) AddBinary(k string, v []byte) {
	k, ok := e.key(k, keyrule.KindText)
	if !ok {
		return
	}
	if e.keysOnly {
		e.enc.AddBinary(k, v)
		return
	}
	if out, text, asText := e.s.scrubBinary(v); asText {
		e.enc.AddString(k, text)
	} else {
		e.enc.AddBinary(k, out)
	}
}

func (e *scrubObjectEncoder) AddByteString(k string, v []byte) {
	if k, ok := e.key(k, keyrule.KindText); ok {
		e.enc.AddByteString(k, e.scrubBytes(v))
	}
}

func (e *scrubObjectEncoder) AddString(k, v string) {
	if k, ok := e.key(k, keyrule.KindText); ok {
		if !e.keysOnly {
			v = e.s.scrub(v)
		}
		e.enc.AddString(k, v)
	}
}

func (e *scrubObjectEncoder) scrubBytes(v []byte) []byte {
	if e.keysOnly {
		return v
	}
	return e.s.scrubBytes(v)
}

func (e *scrubObjectEncoder) AddBool(k string, v bool) {
	if k, ok := e.key(k, keyrule.KindBool); ok {
		e.enc.AddBool(k, v)
	}
}

func (e *scrubObjectEncoder) AddComplex128(k string, v complex128) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddComplex128(k, v)
	}
}

func (e *scrubObjectEncoder) AddComplex64(k string, v complex64) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddComplex64(k, v)
	}
}

func (e *scrubObjectEncoder) AddDuration(k string, v time.Duration) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddDuration(k, v)
	}
}

func (e *scrubObjectEncoder) AddFloat64(k string, v float64) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddFloat64(k, v)
	}
}

func (e *scrubObjectEncoder) AddFloat32(k string, v float32) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddFloat32(k, v)
	}
}

func (e *scrubObjectEncoder) AddInt(k string, v int) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddInt(k, v)
	}
}

func (e *scrubObjectEncoder) AddInt64(k string, v int64) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddInt64(k, v)
	}
}

func (e *scrubObjectEncoder) AddInt32(k string, v int32) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddInt32(k, v)
	}
}

func (e *scrubObjectEncoder) AddInt16(k string, v int16) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddInt16(k, v)
	}
}

func (e *scrubObjectEncoder) AddInt8(k string, v int8) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddInt8(k, v)
	}
}

func (e *scrubObjectEncoder) AddTime(k string, v time.Time) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddTime(k, v)
	}
}

func (e *scrubObjectEncoder) AddUint(k string, v uint) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddUint(k, v)
	}
}

func (e *scrubObjectEncoder) AddUint64(k string, v uint64) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddUint64(k, v)
	}
}

func (e *scrubObjectEncoder) AddUint32(k string, v uint32) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddUint32(k, v)
	}
}

func (e *scrubObjectEncoder) AddUint16(k string, v uint16) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddUint16(k, v)
	}
}

func (e *scrubObjectEncoder) AddUint8(k string, v uint8) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddUint8(k, v)
	}
}

func (e *scrubObjectEncoder) AddUintptr(k string, v uintptr) {
	if k, ok := e.key(k, keyrule.KindNumber); ok {
		e.enc.AddUintptr(k, v)
	}
}

func (e *scrubObjectEncoder) OpenNamespace(k string) {
	if !e.keysOnly {
		k = e.s.scrub(k)
	}
	e.enc.OpenNamespace(k)
}

// scrubArrayEncoder forwards to enc with text scrubbed.
type scrubArrayEncoder struct {
	enc zapcore.ArrayEncoder
	s   *scrubber
}

var _ zapcore.ArrayEncoder = (*scrubArrayEncoder)(nil)

func (e *scrubArrayEncoder) AppendBool(v bool)             { e.enc.AppendBool(v) }
func (e *scrubArrayEncoder) AppendByteString(v []byte)     { e.enc.AppendByteString(e.s.scrubBytes(v)) }
func (e *scrubArrayEncoder) AppendComplex128(v complex128) { e.enc.AppendComplex128(v) }
func (e *scrubArrayEncoder) AppendComplex64(v complex64)   { e.enc.AppendComplex64(v) }
func (e *scrubArrayEncoder) AppendFloat64(v float64)       { e.enc.AppendFloat64(v) }
func (e *scrubArrayEncoder) AppendFloat32(v float32)       { e.enc.AppendFloat32(v) }
func (e *scrubArrayEncoder) AppendInt(v int)               { e.enc.AppendInt(v) }
func (e *scrubArrayEncoder) AppendInt64(v int64)           { e.enc.AppendInt64(v) }
func (e *scrubArrayEncoder) AppendInt32(v int32)           { e.enc.AppendInt32(v) }
func (e *scrubArrayEncoder) AppendInt16(v int16)           { e.enc.AppendInt16(v) }
func (e *scrubArrayEncoder) AppendInt8(v int8)             { e.enc.AppendInt8(v) }
func (e *scrubArrayEncoder) AppendString(v string)         { e.enc.AppendString(e.s.scrub(v)) }
func (e *scrubArrayEncoder) AppendUint(v uint)             { e.enc.AppendUint(v) }
func (e *scrubArrayEncoder) AppendUint64(v uint64)         { e.enc.AppendUint64(v) }
func (e *scrubArrayEncoder) AppendUint32(v uint32)         { e.enc.AppendUint32(v) }
func (e *scrubArrayEncoder) AppendUint16(v uint16)         { e.enc.AppendUint16(v) }
func (e *scrubArrayEncoder) AppendUint8(v uint8)           { e.enc.AppendUint8(v) }
func (e *scrubArrayEncoder) AppendUintptr(v uintptr)       { e.enc.AppendUintptr(v) }
func (e *scrubArrayEncoder) AppendDuration(v time.Duration) {
	e.enc.AppendDuration(v)
}
func (e *scrubArrayEncoder) AppendTime(v time.Time) { e.enc.AppendTime(v) }

func (e *scrubArrayEncoder) AppendArray(m zapcore.ArrayMarshaler) error {
	a := nestedArray(m, e.s)
	err := e.enc.AppendArray(a)
	releaseArray(a)
	return err
}

func (e *scrubArrayEncoder) AppendObject(m zapcore.ObjectMarshaler) error {
	o := nestedObject(m, e.s)
	err := e.enc.AppendObject(o)
	releaseObject(o)
	return err
}

func (e *scrubArrayEncoder) AppendReflected(v any) error {
	switch f := e.s.reflected("", v); f.Type {
	case zapcore.StringType:
		e.enc.AppendString(f.String)
		return nil
	default:
		return e.enc.AppendReflected(f.Interface)
	}
}

func (s *scrubber) scrubBytes(v []byte) []byte {
	if !s.r.ContainsValue(v) {
		return v
	}
	return s.r.ScrubValue(nil, v)
}
