package hushslog

import (
	"bytes"
	"io"
	"sync"

	"github.com/hushlog/hush/internal/templates"
	"github.com/hushlog/hush/redact"
)

// recordWriter scrubs each Write on its own. slog's built-in handlers write
// one whole record per Write (under their own lock), so no secret spans two
// writes.
//
// JSON records are in an escaping syntax: every backslash in them starts an
// escape, so a match that begins right after one takes it along
// (ScrubEscaped) and the record stays valid JSON. Text records mix both: see
// scrubText.
//
// A clean record is judged against a clean record of its shape
// (internal/templates, Redactor.ContainsLike: the index is searched only
// around the bytes that differ from it), which answers as Contains does.
type recordWriter struct {
	w    io.Writer
	r    *redact.Redactor
	json bool
	tmpl templates.Set
}

func newRecordWriter(w io.Writer, r *redact.Redactor, json bool) *recordWriter {
	return &recordWriter{w: w, r: r, json: json}
}

var _bytesPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 1024)
	return &b
}}

func (w *recordWriter) Write(p []byte) (int, error) {
	if !w.tmpl.Contains(w.r, templates.Slot(p), p) {
		return w.w.Write(p)
	}
	bp := _bytesPool.Get().(*[]byte)
	var out []byte
	if w.json {
		out = w.r.ScrubEscaped((*bp)[:0], p)
	} else {
		out = scrubText(w.r, (*bp)[:0], p)
	}
	_, err := w.w.Write(out)
	if cap(out) <= maxPooledBytes {
		*bp = out[:0]
		_bytesPool.Put(bp)
	}
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// scrubText scrubs one record of slog's text handler. The handler writes a
// key or value that needs no quoting as it is, backslashes included
// (msg=C:\keys\<secret>.pfx): there a backslash before a secret is the
// application's own byte, and Scrub keeps it. Anything else it writes as a
// Go-quoted string, so every '"' outside such a string opens one, and
// inside it every backslash starts an escape: a match right after one takes
// it along (ScrubEscaped), so the string stays well-formed. Should a secret
// span the edge of a quoted string, the record is scrubbed whole with Scrub
// instead: never is a secret let through for the sake of form.
func scrubText(r *redact.Redactor, dst, rec []byte) []byte {
	start := len(dst)
	for i := 0; i < len(rec); {
		q := bytes.IndexByte(rec[i:], '"')
		if q < 0 {
			dst = r.Scrub(dst, rec[i:])
			break
		}
		q += i
		dst = r.Scrub(dst, rec[i:q])
		end := quotedEnd(rec, q)
		dst = r.ScrubEscaped(dst, rec[q:end])
		i = end
	}
	if r.Contains(dst[start:]) {
		dst = r.Scrub(dst[:start], rec)
	}
	return dst
}

// quotedEnd returns the index just past the Go-quoted string that opens at
// rec[q], or len(rec) if it does not close.
func quotedEnd(rec []byte, q int) int {
	for i := q + 1; i < len(rec); i++ {
		switch rec[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(rec)
}
