package hushslog

import (
	"context"
	"log/slog"

	"github.com/hushlog/hush/redact"
)

// NewHandler returns middleware that scrubs each record of r's secrets (and
// of key-ruled values) before passing it to next. It works with any
// handler; for slog's built-in JSON and Text handlers, NewJSONHandler and
// NewTextHandler cover more for less.
//
// What it covers, against the secret set current when the record is
// handled (each text read as written and as next may escape it, with
// redact.Redactor.ScrubValue, so a short line of a multi-line secret, such
// as a PEM key's last line, is caught whatever next does with its line
// breaks):
//
//   - the message;
//   - attribute keys and group names at any depth (a key may hold a
//     secret), also joined to their group path as a text handler writes
//     them ("a.b.key": a JWT split at its dots into group names and a key);
//     a key that completes a secret begun in its path is written as the
//     secret's replacement;
//   - string attributes, and attributes in groups at any depth;
//   - LogValuer attributes, resolved once: the resolved value is the one
//     checked and passed on;
//   - error values: Error(), and the "%+v" form of an error that
//     implements fmt.Formatter, rendered once; the error is replaced by one
//     holding the scrubbed renderings. An error made by errors.New (or
//     fmt.Errorf without %w), whose text is fixed when it is made, is
//     checked in place and, when clean, passed on as it is;
//   - []byte values (also inside plain data), as bytes and as the base64
//     a JSON handler writes them in (bytes decoded from a secret kept as
//     base64 text are written as the secret itself); bytes whose base64
//     holds a secret are written as that base64, scrubbed;
//   - any other value: plain data (structs, maps, slices and pointers of
//     strings and numbers, read through reflection, unexported fields and
//     map keys included) is checked string by string without allocating; a
//     value with its own rendering (fmt.Stringer, json.Marshaler,
//     encoding.TextMarshaler, or holding one) is rendered once as JSON and
//     with "%+v" and replaced by a stand-in holding both renderings,
//     scrubbed, so a value that answers differently the second time cannot
//     slip through;
//   - a rendering that panics (String, Error, MarshalText, MarshalJSON) is
//     written as slog writes one, "!PANIC: <message>", scrubbed;
//   - the record's source location (function and file, what next prints
//     with AddSource): a record whose location holds a secret is passed on
//     with a zero PC, so next prints no location (slog's handlers an empty
//     source). Locations found clean are remembered per PC and secret set.
//
// What it cannot cover:
//
//   - attributes given to WithAttrs, and group names given to WithGroup,
//     are scrubbed when WithAttrs or WithGroup is called, against the set
//     current then, because next formats them once; a secret added to r
//     later is not caught in them;
//   - numbers, booleans, times and durations are not checked;
//   - whatever next adds itself (its own rendering of a value beyond JSON
//     and "%+v").
//
// NewJSONHandler and NewTextHandler have none of these gaps.
//
// Key rules apply to attribute keys at every group depth, including group
// keys (a group named "credentials" is redacted whole), but not to keys
// inside an Any value.
//
// The handler follows the slog handler guide: Enabled is next's, it is safe
// for concurrent use, WithGroup("") returns the receiver and empty groups
// are left to next to drop.
func NewHandler(next slog.Handler, r *redact.Redactor, opts ...Option) slog.Handler {
	return &handler{next: next, s: newScrubber(r, opts, false), src: newSourceCache(r)}
}

type handler struct {
	next slog.Handler
	s    *scrubber
	// src judges the records' source locations (the middleware only; the
	// built-in handlers' bytes are scrubbed whole).
	src *sourceCache
	// path is the group path WithGroup opened, as a text handler writes
	// it before a key ("a.b."); see pathKey.
	path string
}

// pathsDirty reports whether a key of rec holds a secret joined to its
// group path.
func (h *handler) pathsDirty(rec *slog.Record) bool {
	dirty := false
	rec.Attrs(func(a slog.Attr) bool {
		dirty = h.s.pathsDirty(h.path, a)
		return !dirty
	})
	return dirty
}

var _ slog.Handler = (*handler)(nil)

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *handler) Handle(ctx context.Context, rec slog.Record) error {
	if h.src != nil && rec.PC != 0 && h.src.dirty(rec.PC) {
		// next computes the source it prints from the PC: a location
		// that holds a secret is not passed on.
		rec.PC = 0
	}
	dirty, mask, groups := h.s.recordDirty(&rec)
	if (groups || h.path != "") && h.pathsDirty(&rec) {
		dirty, mask = true, ^uint64(0)
	}
	if !dirty {
		return h.next.Handle(ctx, rec)
	}
	return h.next.Handle(ctx, h.s.record(&rec, h.path, mask))
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	return &handler{next: h.next.WithAttrs(h.s.attrs(attrs, h.path)), s: h.s, src: h.src, path: h.path}
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	if !h.s.keysOnly {
		// A group name may hold a secret; it is scrubbed against the set
		// current now, as WithAttrs context is.
		name = h.s.pathKey(h.path, h.s.scrub(name))
	}
	return &handler{next: h.next.WithGroup(name), s: h.s, src: h.src, path: h.path + name + "."}
}
