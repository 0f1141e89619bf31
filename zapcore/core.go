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
func NewCore(enc zapcore.Encoder, ws zapcore.WriteSyncer, enab zapcore.LevelEnabler, r *redact.Redactor, opts ...Option) zapcore.Core {
	return zapcore.NewCore(NewEncoder(enc, r, opts...), ws, enab)
}
