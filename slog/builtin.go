package hushslog

import (
	"io"
	"log/slog"

	"github.com/hushlog/hush/redact"
)

// NewJSONHandler returns slog.NewJSONHandler(w, opts) made leak-proof: each
// record is encoded by slog, then scrubbed of r's secrets as bytes on its way
// to w. It covers everything the handler prints (message, attributes,
// groups, WithAttrs context, errors, any value, source), in JSON's escaped
// forms, against the secret set current at write time, so a secret added
// after WithAttrs is still caught. Key rules (see WithKeyPatterns) apply to
// attribute keys before encoding.
//
// A record without secrets costs one scan of its bytes and no allocation
// beyond slog's own, unless it holds a LogValuer: the key rules judge what
// it resolves to, so it is resolved once and the record is passed on with
// that resolution (a copy), never resolved again by slog.
func NewJSONHandler(w io.Writer, r *redact.Redactor, opts *slog.HandlerOptions, hopts ...Option) slog.Handler {
	return newBuiltin(slog.NewJSONHandler(newRecordWriter(w, r, true), opts), r, hopts)
}

// NewTextHandler is NewJSONHandler for slog.NewTextHandler.
func NewTextHandler(w io.Writer, r *redact.Redactor, opts *slog.HandlerOptions, hopts ...Option) slog.Handler {
	return newBuiltin(slog.NewTextHandler(newRecordWriter(w, r, false), opts), r, hopts)
}

func newBuiltin(next slog.Handler, r *redact.Redactor, opts []Option) slog.Handler {
	s := newScrubber(r, opts, true)
	if s.keys == nil {
		return next // the writer does all the work
	}
	return &handler{next: next, s: s}
}
