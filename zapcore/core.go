package hushzap

import (
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/redact"
)

// NewCore returns a Core that encodes entries with enc and writes them to
// ws when enab allows, like zapcore.NewCore, except that each encoded entry
// is scrubbed of r's secrets (and of key-ruled values) before it reaches ws.
// See NewEncoder for what is covered: in short, every byte enc produces,
// checked against the secret set current at write time.
//
// The core has zapcore.NewCore's Check, With and Sync semantics, so it
// composes with zapcore.NewSamplerWithOptions, zapcore.NewTee and
// zapcore.NewIncreaseLevelCore. It allocates nothing of its own on an entry
// that holds no secret (but for the copies of clean entries NewEncoder
// keeps, once per shape of log call and secret set).
//
// zap panics with an entry's message after writing it (Panic, and DPanic
// in development): the panic value reaches standard error, or a recover
// that logs it. The core scrubs the message of such an entry in Check, so
// the logger panics with the scrubbed message.
func NewCore(enc zapcore.Encoder, ws zapcore.WriteSyncer, enab zapcore.LevelEnabler, r *redact.Redactor, opts ...Option) zapcore.Core {
	return &core{Core: zapcore.NewCore(NewEncoder(enc, r, opts...), ws, enab), r: r}
}

// core is zapcore.NewCore's core with the message of an entry the logger
// panics with scrubbed in Check.
type core struct {
	zapcore.Core
	r *redact.Redactor
}

var _ zapcore.Core = (*core)(nil)

// Level reports the wrapped core's minimum level, so zap.Logger.Level and
// zapcore.LevelOf see through the wrapper.
func (c *core) Level() zapcore.Level { return zapcore.LevelOf(c.Core) }

func (c *core) With(fields []zapcore.Field) zapcore.Core {
	return &core{Core: c.Core.With(fields), r: c.r}
}

func (c *core) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	ce = c.Core.Check(ent, ce)
	if ent.Level >= zapcore.DPanicLevel {
		ce = terminalMessage(ce, ent, c.r.ScrubValueString)
	}
	return ce
}

// terminalMessage scrubs the message of an entry the logger may panic with
// (Panic; DPanic in development), which zap takes from the CheckedEntry
// after writing: the panic value is not what the encoder wrote, and no
// scrub of the written bytes reaches it. When no core writes the entry
// (ce is nil), the logger would make a CheckedEntry of its own with the
// message as it is; one is made here, with no core, with the message
// scrubbed.
func terminalMessage(ce *zapcore.CheckedEntry, ent zapcore.Entry, scrub func(string) string) *zapcore.CheckedEntry {
	if ce == nil {
		ent.Message = scrub(ent.Message)
		return ce.After(ent, zapcore.WriteThenNoop)
	}
	ce.Message = scrub(ce.Message)
	return ce
}
