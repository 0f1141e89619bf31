package redact

import (
	"bytes"
	"errors"
	"io"
)

// Writer scrubs a byte stream on its way to an underlying writer. A secret
// split across Write calls is still caught: Writer holds back only the bytes
// that could still be the start of a secret (the tail of the current line,
// at most as long as the longest indexed form) and passes everything before
// them on, scrubbed, at once. Whatever it holds back it writes on Close.
//
// For any way of splitting a stream into writes, the bytes that reach the
// underlying writer equal Scrub of the whole stream.
//
// A Writer is not safe for concurrent use. Close does not close the
// underlying writer.
type Writer struct {
	r   *Redactor
	w   io.Writer
	buf []byte // pending bytes, not yet scrubbed
	out []byte // scratch for scrubbed output
	err error
}

// NewWriter returns a Writer that scrubs into w with r's current secrets.
func (r *Redactor) NewWriter(w io.Writer) *Writer {
	return &Writer{r: r, w: w}
}

var errClosed = errors.New("redact: write to closed Writer")

// Write scrubs and forwards what it can of p. It reports len(p) unless the
// underlying writer fails.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	w.buf = append(w.buf, p...)
	s := w.r.cur.Load()
	var sb [8]span
	spans := s.spans(sb[:0], w.buf)

	// Anything that starts before cut is complete: a later byte can't
	// extend a match that far back, and no match crosses a line break.
	cut := len(w.buf) - s.maxLen + 1
	if nl := bytes.LastIndexByte(w.buf, '\n'); nl+1 > cut {
		cut = nl + 1
	}
	if cut <= 0 {
		return len(p), nil
	}
	// A span reaching cut could still grow or merge with a later match:
	// hold it back whole.
	n := len(spans)
	for n > 0 && spans[n-1].end >= cut {
		if spans[n-1].start < cut {
			cut = spans[n-1].start
		}
		n--
	}
	if cut <= 0 {
		return len(p), nil
	}
	if err := w.emit(s, w.buf[:cut], spans[:n]); err != nil {
		return 0, err
	}
	w.buf = w.buf[:copy(w.buf, w.buf[cut:])]
	return len(p), nil
}

func (w *Writer) emit(s *snapshot, text []byte, spans []span) error {
	if len(spans) == 0 {
		if _, err := w.w.Write(text); err != nil {
			w.err = err
			return err
		}
		return nil
	}
	w.out = s.replace(w.out[:0], text, spans)
	if _, err := w.w.Write(w.out); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Close scrubs and writes whatever is held back. Further writes fail.
func (w *Writer) Close() error {
	if w.err != nil {
		if w.err == errClosed {
			return nil
		}
		return w.err
	}
	s := w.r.cur.Load()
	var sb [8]span
	err := w.emit(s, w.buf, s.spans(sb[:0], w.buf))
	w.buf = nil
	if err == nil {
		w.err = errClosed
	}
	return err
}
