package hushzap_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/buffer"
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
	case leaktest.Binary:
		return zap.Binary(a.Key, v)
	case leaktest.Group:
		return zap.Dict(a.Key, zapFields(v)...)
	case leaktest.Object:
		return zap.Any(a.Key, map[string]string(v))
	case leaktest.Error:
		return zap.NamedError(a.Key, v)
	case leaktest.PanicError:
		return zap.NamedError(a.Key, v)
	case leaktest.PanicCauses:
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
	case leaktest.Words:
		return zap.Strings(a.Key, v)
	case leaktest.Plain:
		return zap.Reflect(a.Key, v.V)
	case error:
		return zap.NamedError(a.Key, v)
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
	// noCheck marks NewEncoder and NewWriteSyncer, which take no part in
	// a core's Check: zap panics (Panic, DPanic) with the message of the
	// CheckedEntry, which neither the encoder nor the sink sees.
	noCheck bool
	// noName marks a logger whose encoder prints no logger name.
	noName bool
}

func (z *zapFrontEnd) Log(e leaktest.Entry) error {
	if e.Panics && z.noCheck {
		return leaktest.ErrKnownGap
	}
	if z.bytesOnly {
		for _, a := range e.Attrs {
			if _, ok := a.Value.(leaktest.PanicObject); ok {
				return leaktest.ErrUnsupported
			}
		}
	}
	l := z.l
	if e.Name != "" {
		l = l.Named(e.Name)
	}
	var ns []zap.Field
	for _, g := range e.Groups {
		ns = append(ns, zap.Namespace(g))
	}
	if len(ns) > 0 || len(e.With) > 0 {
		l = l.With(append(ns, zapFields(e.With)...)...)
	}
	if e.Panics {
		l.Panic(e.Message, zapFields(e.Attrs)...)
	}
	l.Info(e.Message, zapFields(e.Attrs)...)
	return nil
}

func (z *zapFrontEnd) Output() []byte { return []byte(z.buf.String()) }

// Supports reports the logger name: zap's Named.
func (z *zapFrontEnd) Supports(f leaktest.Feature) bool {
	return f == leaktest.FeatureName && !z.noName
}

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
					return &zapFrontEnd{l: newLogger(buf, r), buf: buf, bytesOnly: way == "NewWriteSyncer", noCheck: way == "NewEncoder" || way == "NewWriteSyncer"}
				})
			})
		}
	}
}

// TestConformanceMultiline runs the leak suite with multi-line secrets (PEM
// keys whose last line is too short to index alone, LF and CRLF, and an
// AWS credentials file) through every way into the zap front end, over
// zap's two encoders and, for Wrap, over a core of one's own that prints
// values as they are. Wrap scrubs a value before the encoder sees it, so it
// must protect it as well as the ways that scrub the encoded bytes,
// whatever the encoder does with its line breaks.
func TestConformanceMultiline(t *testing.T) {
	for encName, newEnc := range encoders {
		for way, newLogger := range zapWays(newEnc) {
			t.Run(way+"/"+encName, func(t *testing.T) {
				leaktest.RunSecrets(t, leaktest.MultilineSecrets(), func(t *testing.T, r *redact.Redactor) leaktest.FrontEnd {
					buf := &syncBuffer{}
					return &zapFrontEnd{l: newLogger(buf, r), buf: buf, bytesOnly: way == "NewWriteSyncer", noCheck: way == "NewEncoder" || way == "NewWriteSyncer"}
				})
			})
		}
	}
	// An encoder of one's own whose entries open with "{" (so the entry is
	// scrubbed in its escaping syntax) but which prints the message as it
	// is: only the message's own scrub as a value, before the encoder
	// writes it, protects it.
	t.Run("NewEncoder/raw-message-brace", func(t *testing.T) {
		leaktest.RunSecrets(t, leaktest.MultilineSecrets(), func(t *testing.T, r *redact.Redactor) leaktest.FrontEnd {
			buf := &syncBuffer{}
			enc := hushzap.NewEncoder(rawMessageEncoder{jsonEncoder()}, r)
			return &zapFrontEnd{l: zap.New(zapcore.NewCore(enc, buf, zap.DebugLevel)), buf: buf, noCheck: true, noName: true}
		})
	})
	t.Run("Wrap/raw", func(t *testing.T) {
		leaktest.RunSecrets(t, leaktest.MultilineSecrets(), func(t *testing.T, r *redact.Redactor) leaktest.FrontEnd {
			buf := &syncBuffer{}
			return &zapFrontEnd{l: zap.New(&rawCore{LevelEnabler: zap.DebugLevel, w: buf}, hushzap.Wrap(r)), buf: buf, noName: true}
		})
	})
}

// rawCore is a core of one's own, with no encoder hush can reach: it
// prints the message and each field's value as it is, real line breaks
// included ("msg key=value ...", nested objects in braces).
type rawCore struct {
	zapcore.LevelEnabler
	w       *syncBuffer
	context []zapcore.Field
}

func (c *rawCore) With(fs []zapcore.Field) zapcore.Core {
	return &rawCore{LevelEnabler: c.LevelEnabler, w: c.w, context: append(slices.Clip(c.context), fs...)}
}

func (c *rawCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c *rawCore) Write(e zapcore.Entry, fs []zapcore.Field) error {
	enc := zapcore.NewMapObjectEncoder()
	for _, f := range append(slices.Clip(c.context), fs...) {
		f.AddTo(enc)
	}
	var b strings.Builder
	b.WriteString(e.Message)
	printRaw(&b, enc.Fields)
	b.WriteByte('\n')
	_, err := c.w.Write([]byte(b.String()))
	return err
}

func (c *rawCore) Sync() error { return nil }

func printRaw(b *strings.Builder, m map[string]any) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString(" " + k + "=")
		switch v := m[k].(type) {
		case string:
			b.WriteString(v)
		case []byte:
			b.Write(v)
		case json.RawMessage:
			b.Write(v)
		case map[string]any:
			b.WriteString("{")
			printRaw(b, v)
			b.WriteString(" }")
		default:
			fmt.Fprintf(b, "%+v", v)
		}
	}
}

// TestConformance runs the leak suite through every way into the zap front
// end, with both of zap's encoders.
func TestConformance(t *testing.T) { eachWay(t, leaktest.Run) }

// TestConformanceBinary runs the leak suite with secrets that are base64
// text (leaktest.BinarySecrets) through every way into the zap front end:
// zap.Binary writes bytes as base64, so bytes that hold no form of such a
// secret are written as the secret itself ("bytes-base64"); Wrap, which
// sees the bytes before the encoder, must read them as the encoder writes
// them.
func TestConformanceBinary(t *testing.T) {
	eachWay(t, func(t *testing.T, fe func(*testing.T, *redact.Redactor) leaktest.FrontEnd) {
		leaktest.RunSecrets(t, leaktest.BinarySecrets(), fe)
	})
}

// TestDetectors runs the detector suite (a generated token of every
// detector family, which the Redactor was never given, in every place of
// an entry; redacted by default, written as is with detection off) through
// every way into the zap front end.
func TestDetectors(t *testing.T) { eachWay(t, leaktest.RunDetectors) }

// rawMessageEncoder writes zap's JSON entry with the message moved out of
// it and printed first, as it is: {msg=<message>, "level":...}.
type rawMessageEncoder struct{ zapcore.Encoder }

func (e rawMessageEncoder) Clone() zapcore.Encoder { return rawMessageEncoder{e.Encoder.Clone()} }

func (e rawMessageEncoder) EncodeEntry(ent zapcore.Entry, fs []zapcore.Field) (*buffer.Buffer, error) {
	msg := ent.Message
	ent.Message = ""
	inner, err := e.Encoder.EncodeEntry(ent, fs)
	if err != nil {
		return nil, err
	}
	defer inner.Free()
	out := buffer.NewPool().Get()
	out.AppendString("{msg=" + msg + ", ")
	out.Write(bytes.TrimPrefix(inner.Bytes(), []byte("{")))
	return out, nil
}

// braceFrontEnd is zapFrontEnd with every message opening with "{": over
// a console encoder that prints only the message (and the fields), each
// entry then opens like a JSON object without being one.
type braceFrontEnd struct{ zapFrontEnd }

func (b *braceFrontEnd) Log(e leaktest.Entry) error {
	e.Message = "{" + e.Message
	return b.zapFrontEnd.Log(e)
}

// TestConformanceBraceConsole runs the leak suite, with the suite's and
// the multi-line secrets, through every way into zap over a console
// encoder whose entries open with "{" (it prints the message first, and
// every message opens with one) but are not JSON: the message is printed
// as it is, backslashes and line breaks included. Such an entry must be
// scrubbed as the text it is (a backslash before a secret kept, a short
// line of a multi-line secret caught across a real line break), not as an
// escaping syntax.
func TestConformanceBraceConsole(t *testing.T) {
	newEnc := func() zapcore.Encoder {
		return zapcore.NewConsoleEncoder(zapcore.EncoderConfig{MessageKey: "msg", ConsoleSeparator: " "})
	}
	for way, newLogger := range zapWays(newEnc) {
		for name, secrets := range map[string][]redact.Secret{"secrets": leaktest.Secrets(), "multiline": leaktest.MultilineSecrets()} {
			t.Run(way+"/"+name, func(t *testing.T) {
				leaktest.RunSecrets(t, secrets, func(t *testing.T, r *redact.Redactor) leaktest.FrontEnd {
					buf := &syncBuffer{}
					return &braceFrontEnd{zapFrontEnd{l: newLogger(buf, r), buf: buf, bytesOnly: way == "NewWriteSyncer", noCheck: way == "NewEncoder" || way == "NewWriteSyncer", noName: true}}
				})
			})
		}
	}
}

// TestConformanceEdge runs the leak suite with secrets holding the bytes
// loggers escape, quote or print differently (leaktest.EdgeSecrets:
// whitespace around and inside, NUL and other control bytes, invalid
// UTF-8, NBSP, U+2028, a trailing backslash, a literal percent escape, a
// user:password pair) through every way into the zap front end, with both
// encoders.
func TestConformanceEdge(t *testing.T) {
	eachWay(t, func(t *testing.T, fe func(*testing.T, *redact.Redactor) leaktest.FrontEnd) {
		leaktest.RunSecrets(t, leaktest.EdgeSecrets(), fe)
	})
}

// TestConformanceTiny runs the leak suite with secrets of 4 to 7 bytes
// through every way into the zap front end, with a Redactor that indexes
// them (redact.WithMinLength(4)): what the engine indexes, every way
// protects.
func TestConformanceTiny(t *testing.T) {
	eachWay(t, func(t *testing.T, fe func(*testing.T, *redact.Redactor) leaktest.FrontEnd) {
		leaktest.RunSecretsWith(t, leaktest.TinySecrets(), []redact.Option{redact.WithMinLength(4)}, fe)
	})
}

// TestConformanceExact checks, through every way into the zap front end
// and with both encoders, that an entry is written as zap writes it
// without hush but for the secrets' spans (leaktest.RunExact): the bytes
// around a secret (whitespace, control bytes, backslashes, invalid UTF-8,
// another secret) are never altered.
func TestConformanceExact(t *testing.T) {
	for encName, newEnc := range encoders {
		for way, newLogger := range zapWays(newEnc) {
			for name, secrets := range map[string][]redact.Secret{"secrets": leaktest.Secrets(), "edge": leaktest.EdgeSecrets()} {
				t.Run(way+"/"+encName+"/"+name, func(t *testing.T) {
					leaktest.RunExact(t, secrets, func(t *testing.T, r *redact.Redactor) (leaktest.FrontEnd, leaktest.FrontEnd) {
						hbuf, pbuf := &syncBuffer{}, &syncBuffer{}
						hushed := &zapFrontEnd{l: newLogger(hbuf, r).WithOptions(zap.WithClock(fixedClock{})), buf: hbuf, bytesOnly: way == "NewWriteSyncer", noCheck: way == "NewEncoder" || way == "NewWriteSyncer"}
						plain := &zapFrontEnd{l: zap.New(zapcore.NewCore(newEnc(), pbuf, zap.DebugLevel), zap.WithClock(fixedClock{})), buf: pbuf}
						return hushed, plain
					})
				})
			}
		}
	}
}
