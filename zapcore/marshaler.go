package hushzap

import (
	"sync"
	"time"

	"github.com/hushlog/hush/internal/keyrule"

	"go.uber.org/zap/zapcore"
)

// WrapCore cannot see inside an ObjectMarshaler or ArrayMarshaler without
// running it. It runs it twice: once through a checker (an encoder that
// only looks at keys and text), and, when the checker found something, once
// more for real through a scrubbing encoder that forwards every value,
// scrubbed, to the real one.

// checker is an ObjectEncoder and ArrayEncoder that records whether any key
// is key-ruled or any text holds a secret. It forwards nothing.
type checker struct {
	s     *scrubber
	dirty bool
}

var _checkerPool = sync.Pool{New: func() any { return &checker{} }}

func (s *scrubber) objectDirty(m zapcore.ObjectMarshaler) bool {
	c := _checkerPool.Get().(*checker)
	c.s, c.dirty = s, false
	c.err(m.MarshalLogObject(c))
	dirty := c.dirty
	c.s = nil
	_checkerPool.Put(c)
	return dirty
}

func (s *scrubber) arrayDirty(m zapcore.ArrayMarshaler) bool {
	c := _checkerPool.Get().(*checker)
	c.s, c.dirty = s, false
	c.err(m.MarshalLogArray(c))
	dirty := c.dirty
	c.s = nil
	_checkerPool.Put(c)
	return dirty
}

// err checks a marshaler's error, whose text zap prints.
func (c *checker) err(err error) error {
	if err != nil && !c.dirty {
		if msg, ok := callError(err); ok && c.s.containsString(msg) {
			c.dirty = true
		}
	}
	return nil
}

func (c *checker) key(k string, kind keyrule.Kind) {
	if !c.dirty && c.s.keys.Redacts(k, kind) {
		c.dirty = true
	}
}

func (c *checker) text(v string) {
	if !c.dirty && c.s.containsString(v) {
		c.dirty = true
	}
}

func (c *checker) bytes(v []byte) {
	if !c.dirty && c.s.r.Contains(v) {
		c.dirty = true
	}
}

func (c *checker) AddArray(k string, m zapcore.ArrayMarshaler) error {
	c.key(k, keyrule.KindText)
	if c.dirty {
		return nil
	}
	return c.err(m.MarshalLogArray(c))
}

func (c *checker) AddObject(k string, m zapcore.ObjectMarshaler) error {
	c.key(k, keyrule.KindText)
	if c.dirty {
		return nil
	}
	return c.err(m.MarshalLogObject(c))
}

func (c *checker) AddReflected(k string, v any) error {
	c.key(k, keyrule.KindText)
	if !c.dirty && c.s.reflectedDirty(v) {
		c.dirty = true
	}
	return nil
}

func (c *checker) AddBinary(k string, v []byte)         { c.key(k, keyrule.KindText); c.bytes(v) }
func (c *checker) AddByteString(k string, v []byte)     { c.key(k, keyrule.KindText); c.bytes(v) }
func (c *checker) AddString(k, v string)                { c.key(k, keyrule.KindText); c.text(v) }
func (c *checker) AddBool(k string, _ bool)             { c.key(k, keyrule.KindBool) }
func (c *checker) AddComplex128(k string, _ complex128) { c.key(k, keyrule.KindNumber) }
func (c *checker) AddComplex64(k string, _ complex64)   { c.key(k, keyrule.KindNumber) }
func (c *checker) AddDuration(k string, _ time.Duration) {
	c.key(k, keyrule.KindNumber)
}
func (c *checker) AddFloat64(k string, _ float64) { c.key(k, keyrule.KindNumber) }
func (c *checker) AddFloat32(k string, _ float32) { c.key(k, keyrule.KindNumber) }
func (c *checker) AddInt(k string, _ int)         { c.key(k, keyrule.KindNumber) }
func (c *checker) AddInt64(k string, _ int64)     { c.key(k, keyrule.KindNumber) }
func (c *checker) AddInt32(k string, _ int32)     { c.key(k, keyrule.KindNumber) }
func (c *checker) AddInt16(k string, _ int16)     { c.key(k, keyrule.KindNumber) }
func (c *checker) AddInt8(k string, _ int8)       { c.key(k, keyrule.KindNumber) }
func (c *checker) AddTime(k string, _ time.Time)  { c.key(k, keyrule.KindNumber) }
func (c *checker) AddUint(k string, _ uint)       { c.key(k, keyrule.KindNumber) }
func (c *checker) AddUint64(k string, _ uint64)   { c.key(k, keyrule.KindNumber) }
func (c *checker) AddUint32(k string, _ uint32)   { c.key(k, keyrule.KindNumber) }
func (c *checker) AddUint16(k string, _ uint16)   { c.key(k, keyrule.KindNumber) }
func (c *checker) AddUint8(k string, _ uint8)     { c.key(k, keyrule.KindNumber) }
func (c *checker) AddUintptr(k string, _ uintptr) { c.key(k, keyrule.KindNumber) }
func (c *checker) OpenNamespace(string)           {}
func (c *checker) AppendBool(bool)                {}
func (c *checker) AppendByteString(v []byte)      { c.bytes(v) }
func (c *checker) AppendComplex128(complex128)    {}
func (c *checker) AppendComplex64(complex64)      {}
func (c *checker) AppendFloat64(float64)          {}
func (c *checker) AppendFloat32(float32)          {}
func (c *checker) AppendInt(int)                  {}
func (c *checker) AppendInt64(int64)              {}
func (c *checker) AppendInt32(int32)              {}
func (c *checker) AppendInt16(int16)              {}
func (c *checker) AppendInt8(int8)                {}
func (c *checker) AppendString(v string)          { c.text(v) }
func (c *checker) AppendUint(uint)                {}
func (c *checker) AppendUint64(uint64)            {}
func (c *checker) AppendUint32(uint32)            {}
func (c *checker) AppendUint16(uint16)            {}
func (c *checker) AppendUint8(uint8)              {}
func (c *checker) AppendUintptr(uintptr)          {}
func (c *checker) AppendDuration(time.Duration)   {}
func (c *checker) AppendTime(time.Time)           {}

func (c *checker) AppendArray(m zapcore.ArrayMarshaler) error {
	if c.dirty {
		return nil
	}
	return c.err(m.MarshalLogArray(c))
}

func (c *checker) AppendObject(m zapcore.ObjectMarshaler) error {
	if c.dirty {
		return nil
	}
	return c.err(m.MarshalLogObject(c))
}

func (c *checker) AppendReflected(v any) error {
	if !c.dirty && c.s.reflectedDirty(v) {
		c.dirty = true
	}
	return nil
}

var (
	_ zapcore.ObjectEncoder = (*checker)(nil)
	_ zapcore.ArrayEncoder  = (*checker)(nil)
)

// scrubObject and scrubArray stand in for a dirty marshaler: they run it
// against a scrubbing view of the real encoder.
type scrubObject struct {
	m zapcore.ObjectMarshaler
	s *scrubber
}

func (o *scrubObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	return o.s.scrubErr(o.m.MarshalLogObject(&scrubObjectEncoder{enc: enc, s: o.s}))
}

type scrubArray struct {
	m zapcore.ArrayMarshaler
	s *scrubber
}

func (a *scrubArray) MarshalLogArray(enc zapcore.ArrayEncoder) error {
	return a.s.scrubErr(a.m.MarshalLogArray(&scrubArrayEncoder{enc: enc, s: a.s}))
}

// scrubErr scrubs a marshaler's error, whose text zap prints.
func (s *scrubber) scrubErr(err error) error {
	if err == nil {
		return nil
	}
	if clean, dirty := s.error(err); dirty {
		return clean
	}
	return err
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

func (e *scrubObjectEncoder) ruled(k string, kind keyrule.Kind) bool {
	if e.s.keys.Redacts(k, kind) {
		e.enc.AddString(k, e.s.r.Replacement(k))
		return true
	}
	return false
}

func (e *scrubObjectEncoder) AddArray(k string, m zapcore.ArrayMarshaler) error {
	if e.ruled(k, keyrule.KindText) {
		return nil
	}
	if e.keysOnly {
		return e.enc.AddArray(k, m)
	}
	return e.enc.AddArray(k, &scrubArray{m: m, s: e.s})
}

func (e *scrubObjectEncoder) AddObject(k string, m zapcore.ObjectMarshaler) error {
	if e.ruled(k, keyrule.KindText) {
		return nil
	}
	if e.keysOnly {
		return e.enc.AddObject(k, m)
	}
	return e.enc.AddObject(k, &scrubObject{m: m, s: e.s})
}

func (e *scrubObjectEncoder) AddReflected(k string, v any) error {
	if e.ruled(k, keyrule.KindText) {
		return nil
	}
	if e.keysOnly {
		return e.enc.AddReflected(k, v)
	}
	if f, dirty := e.s.reflected(k, v); dirty {
		f.AddTo(e.enc)
		return nil
	}
	return e.enc.AddReflected(k, v)
}

func (e *scrubObjectEncoder) AddBinary(k string, v []byte) {
	if !e.ruled(k, keyrule.KindText) {
		e.enc.AddBinary(k, e.scrubBytes(v))
	}
}

func (e *scrubObjectEncoder) AddByteString(k string, v []byte) {
	if !e.ruled(k, keyrule.KindText) {
		e.enc.AddByteString(k, e.scrubBytes(v))
	}
}

func (e *scrubObjectEncoder) AddString(k, v string) {
	if !e.ruled(k, keyrule.KindText) {
		if !e.keysOnly {
			v = e.s.r.ScrubString(v)
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
	if !e.ruled(k, keyrule.KindBool) {
		e.enc.AddBool(k, v)
	}
}

func (e *scrubObjectEncoder) AddComplex128(k string, v complex128) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddComplex128(k, v)
	}
}

func (e *scrubObjectEncoder) AddComplex64(k string, v complex64) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddComplex64(k, v)
	}
}

func (e *scrubObjectEncoder) AddDuration(k string, v time.Duration) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddDuration(k, v)
	}
}

func (e *scrubObjectEncoder) AddFloat64(k string, v float64) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddFloat64(k, v)
	}
}

func (e *scrubObjectEncoder) AddFloat32(k string, v float32) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddFloat32(k, v)
	}
}

func (e *scrubObjectEncoder) AddInt(k string, v int) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddInt(k, v)
	}
}

func (e *scrubObjectEncoder) AddInt64(k string, v int64) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddInt64(k, v)
	}
}

func (e *scrubObjectEncoder) AddInt32(k string, v int32) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddInt32(k, v)
	}
}

func (e *scrubObjectEncoder) AddInt16(k string, v int16) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddInt16(k, v)
	}
}

func (e *scrubObjectEncoder) AddInt8(k string, v int8) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddInt8(k, v)
	}
}

func (e *scrubObjectEncoder) AddTime(k string, v time.Time) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddTime(k, v)
	}
}

func (e *scrubObjectEncoder) AddUint(k string, v uint) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddUint(k, v)
	}
}

func (e *scrubObjectEncoder) AddUint64(k string, v uint64) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddUint64(k, v)
	}
}

func (e *scrubObjectEncoder) AddUint32(k string, v uint32) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddUint32(k, v)
	}
}

func (e *scrubObjectEncoder) AddUint16(k string, v uint16) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddUint16(k, v)
	}
}

func (e *scrubObjectEncoder) AddUint8(k string, v uint8) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddUint8(k, v)
	}
}

func (e *scrubObjectEncoder) AddUintptr(k string, v uintptr) {
	if !e.ruled(k, keyrule.KindNumber) {
		e.enc.AddUintptr(k, v)
	}
}

func (e *scrubObjectEncoder) OpenNamespace(k string) { e.enc.OpenNamespace(k) }

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
func (e *scrubArrayEncoder) AppendString(v string)         { e.enc.AppendString(e.s.r.ScrubString(v)) }
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
	return e.enc.AppendArray(&scrubArray{m: m, s: e.s})
}

func (e *scrubArrayEncoder) AppendObject(m zapcore.ObjectMarshaler) error {
	return e.enc.AppendObject(&scrubObject{m: m, s: e.s})
}

func (e *scrubArrayEncoder) AppendReflected(v any) error {
	if f, dirty := e.s.reflected("", v); dirty {
		if f.Type == zapcore.StringType {
			e.enc.AppendString(f.String)
			return nil
		}
		return e.enc.AppendReflected(f.Interface)
	}
	return e.enc.AppendReflected(v)
}

func (s *scrubber) scrubBytes(v []byte) []byte {
	if !s.r.Contains(v) {
		return v
	}
	return s.r.Scrub(nil, v)
}
