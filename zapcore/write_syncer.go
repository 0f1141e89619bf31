package hushzap

import (
	"sync"

	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/internal/templates"
	"github.com/hushlog/hush/redact"
)

// NewWriteSyncer returns a WriteSyncer that scrubs each Write of r's secrets
// before passing it to ws. It sees bytes only, so key rules do not apply;
// use NewCore or NewEncoder for those. Nor does it see the message zap's
// Panic panics with after writing the entry (NewCore and Wrap scrub it). It checks every Write on its own: zap cores write
// one whole entry per Write, so put it directly under a core, never under a
// buffer that splits or joins entries (use redact.Redactor.NewWriter for an
// arbitrary stream).
//
// A Write that is not JSON and holds a line feed before its end (the
// console encoder's multi-line message or stack) is scrubbed as one value
// (redact's ScrubValue), so a multi-line secret's short line goes with its
// neighbour across the real line break. A Write is JSON when each of its
// lines is an object, valid when it is dirty (zap's BufferedWriteSyncer
// joins whole entries into one Write): a console entry opening with a
// message that opens with "{" is text.
//
// A clean Write goes to ws unchanged with no allocation; Write reports
// len(p) on success even when the scrubbed bytes were shorter or longer. The
// result is as safe for concurrent use as ws is.
func NewWriteSyncer(ws zapcore.WriteSyncer, r *redact.Redactor) zapcore.WriteSyncer {
	return &writeSyncer{ws: ws, r: r}
}

type writeSyncer struct {
	ws zapcore.WriteSyncer
	r  *redact.Redactor
	// tmpl holds clean entries to judge similar ones against (the index
	// searched only where they differ), slotted by the entry's bytes.
	tmpl templates.Set
}

var _ zapcore.WriteSyncer = (*writeSyncer)(nil)

// maxPooledBytes keeps one huge entry from pinning its scratch space.
const maxPooledBytes = 64 << 10

// _bytesPool holds scratch space for scrubbed writes.
var _bytesPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 1024)
	return &b
}}

func (w *writeSyncer) Write(p []byte) (int, error) {
	if !w.contains(p) {
		return w.ws.Write(p)
	}
	bp := _bytesPool.Get().(*[]byte)
	out := scrubEntry(w.r, (*bp)[:0], p)
	_, err := w.ws.Write(out)
	if cap(out) <= maxPooledBytes {
		*bp = out[:0]
		_bytesPool.Put(bp)
	}
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

func (w *writeSyncer) Sync() error { return w.ws.Sync() }

// contains is entryContains, with an entry read as written (all but a
// console entry with an inner line feed, read as a value) judged against a
// clean entry of its shape (internal/templates: Redactor.ContainsLike,
// which answers as Contains does).
func (w *writeSyncer) contains(p []byte) bool {
	if innerLineFeed(p) && !jsonEntry(p) {
		return w.r.ContainsValue(p)
	}
	return w.tmpl.Contains(w.r, templates.Slot(p), p)
}
