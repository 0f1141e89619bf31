package hushslog_test

import (
	"io"
	"log/slog"
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

// TestConformance runs the leak suite through every slog handler.
func TestConformance(t *testing.T) { eachHandler(t, leaktest.Run) }

// TestDetectors runs the detector suite (a generated token of every
// detector family, which the Redactor was never given, in every place of
// a record; redacted by default, written as is with detection off) through
// every slog handler.
func TestDetectors(t *testing.T) { eachHandler(t, leaktest.RunDetectors) }
