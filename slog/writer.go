package hushslog

import (
	"io"
	"sync"

	"github.com/hushlog/hush/redact"
)

// recordWriter scrubs each Write on its own. slog's built-in handlers write
// one whole record per Write (under their own lock), so no secret spans two
// writes.
type recordWriter struct {
	w io.Writer
	r *redact.Redactor
}

var _bytesPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 1024)
	return &b
}}

func (w *recordWriter) Write(p []byte) (int, error) {
	if !w.r.Contains(p) {
		return w.w.Write(p)
	}
	bp := _bytesPool.Get().(*[]byte)
	out := w.r.ScrubEscaped((*bp)[:0], p)
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
