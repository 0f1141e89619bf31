package hushzap

import (
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/redact"
)

// Wrap returns a zap.Option that makes an existing logger leak-proof:
//
//	logger, _ := zap.NewProduction(hushzap.Wrap(r))
//
// It wraps the logger's core with WrapCore; see WrapCore for exactly what
// is covered. When you build the core yourself, prefer NewCore (or
// NewEncoder with zap.Config), which scrubs the encoded bytes and so covers
// everything.
func Wrap(r *redact.Redactor, opts ...Option) zap.Option {
	s := newScrubber(r, opts)
	return zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return &wrapCore{Core: c, s: s}
	})
}

// WrapCore returns a Core that scrubs entries and fields of r's secrets (and
// of key-ruled values) before core sees them. It is for cores whose encoder
// hush cannot reach, such as the ones zap.Config.Build and zap.NewProduction
// make; it works with any Core, encoder-based or not.
//
// What it covers, against the secret set current when the entry is written
// (each text read as written and as the encoder will escape it, with
// redact.Redactor.ScrubValue, so a short line of a multi-line secret, such
// as a PEM key's last line, is caught whatever the encoder does with its
// line breaks):
//
//   - the entry's message, logger name, stack trace, caller file and
//     function;
//   - the keys of fields, namespaces and objects at any depth (a key may
//     hold a secret: a map keyed by a token);
//   - string, []byte (ByteString and Binary) fields; a Binary field, which
//     the encoder writes as base64, also as that base64 (bytes decoded from
//     a secret kept as base64 text are written as the secret itself): such
//     a field is written as its scrubbed base64, a string;
//   - error fields: Error(), the "%+v" form zap logs as errorVerbose (for
//     errors that implement fmt.Formatter) and each cause of an error group;
//     each error is replaced by one of the same shape holding the scrubbed
//     text that was checked, so an Error that answers differently the
//     second time cannot slip through;
//   - fmt.Stringer fields: String() runs once and its scrubbed result is
//     written as a string field;
//   - reflected fields (zap.Any of a struct, map or slice): the value is
//     rendered once as JSON and written as its scrubbed JSON
//     (json.RawMessage), or as a string when that is not valid JSON;
//   - ObjectMarshaler, ArrayMarshaler and zap.Inline fields, at any depth:
//     each runs once, through a view of the real encoder that scrubs every
//     key and value on its way. Key rules apply to their keys too;
//   - a String, Error, MarshalLogObject, MarshalLogArray or MarshalJSON that
//     panics: the panic is written as zap writes a panicking Stringer's
//     (key+"Error": "PANIC=<message>"), with the message scrubbed.
//
// What it cannot cover:
//
//   - context the core had before Wrap was applied is never seen:
//     zap.Config.Build adds Config.InitialFields to its core before the
//     options passed to Build, and a zap.Fields option listed before Wrap
//     acts first too (use Build, which moves InitialFields after Wrap, or
//     NewEncoder with zap.RegisterEncoder, or list Wrap first);
//   - context given to With is scrubbed when With is called, against the
//     set current then: the wrapped core encodes it once and keeps the
//     bytes, so a secret added to r later is not caught in that context;
//   - numbers, booleans, times and durations are not checked (a secret that
//     is all digits and logged with zap.Int stays);
//   - whatever the wrapped core adds itself (a hook that prints fields
//     differently, an encoder that renders values its own way).
//
// NewCore and NewEncoder have none of these gaps. Key rules apply to the
// keys of fields, With context and marshaled objects.
//
// The returned core keeps the wrapped core's Check semantics (level,
// sampling, tee): in Check it lets core decide, and only when an entry will
// be written registers a pre-write hook (zapcore.CheckedEntry.Before) that
// scrubs it. Clean strings and byte fields cost a scan and no allocation;
// a string of up to 64 bytes logged again at the same address (a key, a
// constant value, a struct's field) and found clean under the current
// secret set is answered from a cache instead (its bytes compared with a
// private copy; the cache starts afresh whenever Set or Add changes the
// set); an entry with an error, Stringer, reflected or marshaler field costs a
// copy of its field slice and a stand-in per such field, besides what
// rendering them costs.
func WrapCore(core zapcore.Core, r *redact.Redactor, opts ...Option) zapcore.Core {
	return &wrapCore{Core: core, s: newScrubber(r, opts)}
}

type wrapCore struct {
	zapcore.Core
	s *scrubber
}

var _ zapcore.Core = (*wrapCore)(nil)

// Level reports the wrapped core's minimum level, so zap.Logger.Level and
// zapcore.LevelOf see through the wrapper.
func (c *wrapCore) Level() zapcore.Level { return zapcore.LevelOf(c.Core) }

func (c *wrapCore) With(fields []zapcore.Field) zapcore.Core {
	return &wrapCore{Core: c.Core.With(c.s.fields(fields)), s: c.s}
}

func (c *wrapCore) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	ce = c.Core.Check(ent, ce)
	if ent.Level >= zapcore.DPanicLevel {
		// The logger may panic with the message: scrubbed in the
		// CheckedEntry itself, not only in what the hook passes on.
		ce = terminalMessage(ce, ent, c.s.scrub)
	}
	if ce == nil {
		return nil
	}
	// The hook sees the entry as it is at write time, with the caller and
	// stack the logger adds after Check. It applies to every core of ce;
	// those added by other cores of a tee are scrubbed too, which is only
	// safer.
	return ce.Before(ent, c.s.hook)
}

// Write is only reached when a caller writes to the core directly, without
// a CheckedEntry; scrub here too.
func (c *wrapCore) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	return c.Core.Write(c.s.entry(ent), c.s.fields(fields))
}
