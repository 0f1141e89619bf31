package hushzap_test

import (
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushzap "github.com/hushlog/hush/zapcore"
)

// zapFields maps the suite's attributes to zap fields, each value by the
// field constructor an application would use for it.
func zapFields(attrs []leaktest.Attr) []zap.Field {
	fs := make([]zap.Field, 0, len(attrs))
	for _, a := range attrs {
		fs = append(fs, zapField(a))
	}
	return fs
}

func zapField(a leaktest.Attr) zap.Field {
	switch v := a.Value.(type) {
	case string:
		return zap.String(a.Key, v)
	case []byte:
		return zap.ByteString(a.Key, v)
	case leaktest.Group:
		return zap.Dict(a.Key, zapFields(v)...)
	case leaktest.Object:
		return zap.Any(a.Key, map[string]string(v))
	case leaktest.Error:
		return zap.NamedError(a.Key, v)
	case leaktest.PanicError:
		return zap.NamedError(a.Key, v)
	case leaktest.Stringer:
		return zap.Stringer(a.Key, v)
	case leaktest.PanicStringer:
		return zap.Stringer(a.Key, v)
	case *leaktest.Fickle:
		return zap.Stringer(a.Key, v)
	case *leaktest.FickleStringer:
		return zap.Stringer(a.Key, v)
	case leaktest.PanicObject:
		return zap.Object(a.Key, zapcore.ObjectMarshalerFunc(func(zapcore.ObjectEncoder) error {
			panic(v.Msg)
		}))
	}
	panic("conformance: no zap field for an attribute")
}

// zapFrontEnd logs entries through a zap logger writing to buf.
type zapFrontEnd struct {
	l   *zap.Logger
	buf *syncBuffer
	// bytesOnly marks NewWriteSyncer, which sees the bytes an unprotected
	// core writes and nothing else: a panicking ObjectMarshaler (which zap
	// does not recover) unwinds through zapcore.NewCore to the caller
	// without passing it, so no hush code runs.
	bytesOnly bool
}

func (z *zapFrontEnd) Log(e leaktest.Entry) error {
	if z.bytesOnly {
		for _, a := range e.Attrs {
			if _, ok := a.Value.(leaktest.PanicObject); ok {
				return leaktest.ErrUnsupported
			}
		}
	}
	l := z.l
	var ns []zap.Field
	for _, g := range e.Groups {
		ns = append(ns, zap.Namespace(g))
	}
	if len(ns) > 0 || len(e.With) > 0 {
		l = l.With(append(ns, zapFields(e.With)...)...)
	}
	l.Info(e.Message, zapFields(e.Attrs)...)
	return nil
}

func (z *zapFrontEnd) Output() []byte { return []byte(z.buf.String()) }

// encoders are the two encoders zap ships, as applications configure them.
var encoders = map[string]func() zapcore.Encoder{"json": jsonEncoder, "console": consoleEncoder}

// zapWays are the ways into the zap front end, each building a logger over
// ws with the encoder newEnc makes.
func zapWays(newEnc func() zapcore.Encoder) map[string]func(ws zapcore.WriteSyncer, r *redact.Redactor) *zap.Logger {
	return map[string]func(ws zapcore.WriteSyncer, r *redact.Redactor) *zap.Logger{
		"NewCore": func(ws zapcore.WriteSyncer, r *redact.Redactor) *zap.Logger {
			return zap.New(hushzap.NewCore(newEnc(), ws, zap.DebugLevel, r))
		},
		"Wrap": func(ws zapcore.WriteSyncer, r *redact.Redactor) *zap.Logger {
			return zap.New(zapcore.NewCore(newEnc(), ws, zap.DebugLevel), hushzap.Wrap(r))
		},
		"NewEncoder": func(ws zapcore.WriteSyncer, r *redact.Redactor) *zap.Logger {
			return zap.New(zapcore.NewCore(hushzap.NewEncoder(newEnc(), r), ws, zap.DebugLevel))
		},
		"NewWriteSyncer": func(ws zapcore.WriteSyncer, r *redact.Redactor) *zap.Logger {
			return zap.New(zapcore.NewCore(newEnc(), hushzap.NewWriteSyncer(ws, r), zap.DebugLevel))
		},
	}
}

// eachWay runs suite through every way into the zap front end, with both
// of zap's encoders.
func eachWay(t *testing.T, suite func(*testing.T, func(*testing.T, *redact.Redactor) leaktest.FrontEnd)) {
	for encName, newEnc := range encoders {
		for way, newLogger := range zapWays(newEnc) {
			t.Run(way+"/"+encName, func(t *testing.T) {
				suite(t, func(t *testing.T, r *redact.Redactor) leaktest.FrontEnd {
					buf := &syncBuffer{}
					return &zapFrontEnd{l: newLogger(buf, r), buf: buf, bytesOnly: way == "NewWriteSyncer"}
				})
			})
		}
	}
}

// TestConformance runs the leak suite through every way into the zap front
// end, with both of zap's encoders.
func TestConformance(t *testing.T) { eachWay(t, leaktest.Run) }

// TestDetectors runs the detector suite (a generated token of every
// detector family, which the Redactor was never given, in every place of
// an entry; redacted by default, written as is with detection off) through
// every way into the zap front end.
func TestDetectors(t *testing.T) { eachWay(t, leaktest.RunDetectors) }
