package hushslog_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushslog "github.com/hushlog/hush/slog"
)

// slogAttrs maps the suite's attributes to slog attributes, each value as an
// application would pass it.
func slogAttrs(attrs []leaktest.Attr) []any {
	out := make([]any, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, slogAttr(a))
	}
	return out
}

func slogAttr(a leaktest.Attr) slog.Attr {
	switch v := a.Value.(type) {
	case string:
		return slog.String(a.Key, v)
	case leaktest.Group:
		return slog.Group(a.Key, slogAttrs(v)...)
	case leaktest.Object:
		return slog.Any(a.Key, map[string]string(v))
	case leaktest.Binary:
		return slog.Any(a.Key, []byte(v))
	case leaktest.Words:
		return slog.Any(a.Key, []string(v))
	case leaktest.Plain:
		return slog.Any(a.Key, v.V)
	}
	// []byte, errors, Stringers, panicking values, LogValuers.
	return slog.Any(a.Key, a.Value)
}

// slogFrontEnd logs entries through a slog.Logger writing to buf.
type slogFrontEnd struct {
	l   *slog.Logger
	buf *syncBuffer
}

func (s *slogFrontEnd) Log(e leaktest.Entry) error {
	l := s.l
	for _, g := range e.Groups {
		l = l.WithGroup(g)
	}
	if len(e.With) > 0 {
		l = l.With(slogAttrs(e.With)...)
	}
	l.Info(e.Message, slogAttrs(e.Attrs)...)
	return nil
}

func (s *slogFrontEnd) Output() []byte { return []byte(s.buf.String()) }

// handlers are the ways into the slog front end: the middleware (over
// slog's JSON and text handlers), NewJSONHandler and NewTextHandler.
var handlers = map[string]func(w io.Writer, r *redact.Redactor) slog.Handler{
	"NewHandler/json": func(w io.Writer, r *redact.Redactor) slog.Handler {
		return hushslog.NewHandler(slog.NewJSONHandler(w, nil), r)
	},
	"NewHandler/text": func(w io.Writer, r *redact.Redactor) slog.Handler {
		return hushslog.NewHandler(slog.NewTextHandler(w, nil), r)
	},
	"NewJSONHandler": func(w io.Writer, r *redact.Redactor) slog.Handler {
		return hushslog.NewJSONHandler(w, r, nil)
	},
	"NewTextHandler": func(w io.Writer, r *redact.Redactor) slog.Handler {
		return hushslog.NewTextHandler(w, r, nil)
	},
}

// eachHandler runs suite through every way into the slog front end.
func eachHandler(t *testing.T, suite func(*testing.T, func(*testing.T, *redact.Redactor) leaktest.FrontEnd)) {
	for name, newHandler := range handlers {
		t.Run(name, func(t *testing.T) {
			suite(t, func(t *testing.T, r *redact.Redactor) leaktest.FrontEnd {
				buf := &syncBuffer{}
				return &slogFrontEnd{l: slog.New(newHandler(buf, r)), buf: buf}
			})
		})
	}
}

// TestConformanceBinary runs the leak suite with secrets that are base64
// text (leaktest.BinarySecrets) through every way into the slog front end:
// slog's JSON handler writes a []byte as base64, so bytes that hold no
// form of such a secret are written as the secret itself
// ("bytes-base64"); the middleware, which sees the bytes before the
// handler, must read them as the handler writes them.
func TestConformanceBinary(t *testing.T) {
	eachHandler(t, func(t *testing.T, fe func(*testing.T, *redact.Redactor) leaktest.FrontEnd) {
		leaktest.RunSecrets(t, leaktest.BinarySecrets(), fe)
	})
}

// TestConformanceMultiline runs the leak suite with multi-line secrets (PEM
// keys whose last line is too short to index alone, LF and CRLF, and an
// AWS credentials file) through the same handlers and, for the middleware,
// over a handler of one's own that prints values as they are. NewHandler
// scrubs a value before next sees it, so it must protect it as well as the
// built-in handlers, which scrub the escaped bytes, whatever next does with
// its line breaks.
func TestConformanceMultiline(t *testing.T) {
	handlers := map[string]func(w io.Writer, r *redact.Redactor) slog.Handler{
		"NewHandler/json": func(w io.Writer, r *redact.Redactor) slog.Handler {
			return hushslog.NewHandler(slog.NewJSONHandler(w, nil), r)
		},
		"NewHandler/text": func(w io.Writer, r *redact.Redactor) slog.Handler {
			return hushslog.NewHandler(slog.NewTextHandler(w, nil), r)
		},
		"NewHandler/raw": func(w io.Writer, r *redact.Redactor) slog.Handler {
			return hushslog.NewHandler(&rawHandler{w: w}, r)
		},
		"NewJSONHandler": func(w io.Writer, r *redact.Redactor) slog.Handler {
			return hushslog.NewJSONHandler(w, r, nil)
		},
		"NewTextHandler": func(w io.Writer, r *redact.Redactor) slog.Handler {
			return hushslog.NewTextHandler(w, r, nil)
		},
	}
	for name, newHandler := range handlers {
		t.Run(name, func(t *testing.T) {
			leaktest.RunSecrets(t, leaktest.MultilineSecrets(), func(t *testing.T, r *redact.Redactor) leaktest.FrontEnd {
				buf := &syncBuffer{}
				return &slogFrontEnd{l: slog.New(newHandler(buf, r)), buf: buf}
			})
		})
	}
}

// rawHandler is a handler of one's own: it prints the message and each
// attribute as "group.key=value" with fmt's %+v, values as they are, real
// line breaks included.
type rawHandler struct {
	w      io.Writer
	prefix string // the open groups, "a.b."
	attrs  string // WithAttrs context, printed
}

func (h *rawHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *rawHandler) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	b.WriteString(rec.Message)
	b.WriteString(h.attrs)
	rec.Attrs(func(a slog.Attr) bool {
		printRaw(&b, h.prefix, a)
		return true
	})
	b.WriteByte('\n')
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h *rawHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	var b strings.Builder
	for _, a := range attrs {
		printRaw(&b, h.prefix, a)
	}
	return &rawHandler{w: h.w, prefix: h.prefix, attrs: h.attrs + b.String()}
}

func (h *rawHandler) WithGroup(name string) slog.Handler {
	return &rawHandler{w: h.w, prefix: h.prefix + name + ".", attrs: h.attrs}
}

func printRaw(b *strings.Builder, prefix string, a slog.Attr) {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		for _, ga := range v.Group() {
			printRaw(b, prefix+a.Key+".", ga)
		}
		return
	}
	if bs, ok := v.Any().([]byte); ok {
		fmt.Fprintf(b, " %s%s=%s", prefix, a.Key, bs)
		return
	}
	fmt.Fprintf(b, " %s%s=%+v", prefix, a.Key, v.Any())
}

// TestConformance runs the leak suite through every slog handler.
func TestConformance(t *testing.T) { eachHandler(t, leaktest.Run) }

// TestDetectors runs the detector suite (a generated token of every
// detector family, which the Redactor was never given, in every place of
// a record; redacted by default, written as is with detection off) through
// every slog handler.
func TestDetectors(t *testing.T) { eachHandler(t, leaktest.RunDetectors) }

// TestConformanceEdge runs the leak suite with secrets holding the bytes
// loggers escape, quote or print differently (leaktest.EdgeSecrets)
// through every slog handler.
func TestConformanceEdge(t *testing.T) {
	eachHandler(t, func(t *testing.T, fe func(*testing.T, *redact.Redactor) leaktest.FrontEnd) {
		leaktest.RunSecrets(t, leaktest.EdgeSecrets(), fe)
	})
}

// TestConformanceTiny runs the leak suite with secrets of 4 to 7 bytes
// through every slog handler, with a Redactor that indexes them
// (redact.WithMinLength(4)).
func TestConformanceTiny(t *testing.T) {
	eachHandler(t, func(t *testing.T, fe func(*testing.T, *redact.Redactor) leaktest.FrontEnd) {
		leaktest.RunSecretsWith(t, leaktest.TinySecrets(), []redact.Option{redact.WithMinLength(4)}, fe)
	})
}

// dropTime is a ReplaceAttr that leaves the record's time out, so that the
// outputs of a handler with hush and without it compare byte for byte.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// TestConformanceExact checks, through every slog handler, that a record is
// written as slog writes it without hush but for the secrets' spans
// (leaktest.RunExact).
func TestConformanceExact(t *testing.T) {
	opts := &slog.HandlerOptions{ReplaceAttr: dropTime}
	pairs := map[string]func(r *redact.Redactor) (hushed, plain func(io.Writer) slog.Handler){
		"NewHandler/json": func(r *redact.Redactor) (func(io.Writer) slog.Handler, func(io.Writer) slog.Handler) {
			return func(w io.Writer) slog.Handler { return hushslog.NewHandler(slog.NewJSONHandler(w, opts), r) },
				func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, opts) }
		},
		"NewHandler/text": func(r *redact.Redactor) (func(io.Writer) slog.Handler, func(io.Writer) slog.Handler) {
			return func(w io.Writer) slog.Handler { return hushslog.NewHandler(slog.NewTextHandler(w, opts), r) },
				func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, opts) }
		},
		"NewJSONHandler": func(r *redact.Redactor) (func(io.Writer) slog.Handler, func(io.Writer) slog.Handler) {
			return func(w io.Writer) slog.Handler { return hushslog.NewJSONHandler(w, r, opts) },
				func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, opts) }
		},
		"NewTextHandler": func(r *redact.Redactor) (func(io.Writer) slog.Handler, func(io.Writer) slog.Handler) {
			return func(w io.Writer) slog.Handler { return hushslog.NewTextHandler(w, r, opts) },
				func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, opts) }
		},
	}
	for name, pair := range pairs {
		for sname, secrets := range map[string][]redact.Secret{"secrets": leaktest.Secrets(), "edge": leaktest.EdgeSecrets()} {
			run := leaktest.RunExact
			if name == "NewHandler/text" {
				// The text handler quotes a value by its content: one
				// quoted for its secret's sake is written unquoted once
				// the middleware scrubbed it.
				run = leaktest.RunExactUnquoted
			}
			t.Run(name+"/"+sname, func(t *testing.T) {
				run(t, secrets, func(t *testing.T, r *redact.Redactor) (leaktest.FrontEnd, leaktest.FrontEnd) {
					hbuf, pbuf := &syncBuffer{}, &syncBuffer{}
					h, p := pair(r)
					return &slogFrontEnd{l: slog.New(h(hbuf)), buf: hbuf}, &slogFrontEnd{l: slog.New(p(pbuf)), buf: pbuf}
				})
			})
		}
	}
}
