package redact

import (
	"bytes"
	"errors"
	"io"

	"github.com/hushlog/hush/fingerprint"
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

	// open is a redaction that began before buf and may still grow: a run
	// of overlapping or back-to-back matches whose end reached the part of
	// the stream that was still held back. Its replacement is written once
	// a later match can no longer join it. Its bytes before buf are gone:
	// every match that starts there was found already, so nothing needs
	// them, and holding them back instead would make every Write rescan
	// the whole run (quadratic in its length). open.start is 0; open.end
	// is relative to buf.
	open     span
	hasOpen  bool
	openSnap *snapshot // the index open.sec refers to

	// Scratch kept across writes, so that text dense with matches does
	// not allocate on every write.
	spans   []span
	matches []fingerprint.Match
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
	if err := w.closeStale(s); err != nil {
		return 0, err
	}
	var spans []span
	spans, w.matches = s.findSpansBuf(w.spans[:0], w.matches, w.buf, false)
	w.spans = spans[:0]
	spans = w.join(spans)

	// Anything that starts before cut is complete: a later byte can't
	// extend a match that far back, and no match crosses a line break.
	cut := len(w.buf) - s.maxLen + 1
	if nl := bytes.LastIndexByte(w.buf, '\n'); nl+1 > cut {
		cut = nl + 1
		if s.decoders&Base64 != 0 {
			cut = heldWrapped(w.buf, cut, s.maxLen)
		}
	}
	cut = min(cut, len(w.buf))
	if s.decoders&Base64 != 0 {
		cut = heldNested(w.buf, cut, spans) // a run of base64 decoded as one-shot (nested.go)
	}
	if s.det != nil {
		cut = s.det.held(w.buf, cut) // a token, a private key's lines go out whole
	}
	// A match across the lines of wrapped base64 is written as one span
	// per line, with its line breaks between them: one that began before
	// cut and goes on after it is held back from the start of its first
	// line, so that the next scan finds it whole (a long value's pieces
	// follow each other through a long blob).
	for moved := true; moved; {
		moved = false
		for _, sp := range spans {
			if sp.start >= cut && sp.start-sp.cross < cut {
				cut = bytes.LastIndexByte(w.buf[:sp.start-sp.cross], '\n') + 1
				moved = true
			}
		}
	}
	if cut > 0 && w.buf[cut-1] == '\\' {
		// A span that ends before the backslash may join one that
		// begins after it (span.bs): hold the backslash back with it.
		cut--
	}
	if cut <= 0 {
		return len(p), nil
	}
	// A span reaching cut could still grow or merge with a later match.
	// The first such span that began before cut stays open; every span
	// after it begins after cut and is found again by the next scan.
	// Everything before it is written now.
	n := 0
	for n < len(spans) && spans[n].end < cut {
		n++
	}
	var open span
	hasOpen := n < len(spans) && spans[n].start < cut
	text := w.buf[:cut]
	if hasOpen {
		open = spans[n]
		text = w.buf[:open.start]
	}
	if err := w.emit(s, text, spans[:n]); err != nil {
		return 0, err
	}
	if hasOpen {
		open.start = 0
		open.end -= cut
	}
	w.open, w.hasOpen, w.openSnap = open, hasOpen, s
	w.buf = w.buf[:copy(w.buf, w.buf[cut:])]
	return len(p), nil
}

// join returns the spans of buf with the open span first, merged with
// every span that overlaps or touches it, as Scrub of the whole stream
// would merge them (matches in order of start, the longest naming the
// span).
func (w *Writer) join(spans []span) []span {
	if !w.hasOpen {
		return spans
	}
	o := w.open
	k := 0
	for k < len(spans) && spans[k].joins(o.end) {
		o.end = max(o.end, spans[k].end)
		if spans[k].length > o.length {
			o.sec, o.enc, o.length = spans[k].sec, spans[k].enc, spans[k].length
		}
		k++
	}
	if k > 0 {
		spans[k-1] = o
		return spans[k-1:]
	}
	spans = append(spans, span{})
	copy(spans[1:], spans)
	spans[0] = o
	return spans
}

// closeStale ends the open span when the index changed since it was
// opened (its secret is numbered in the old index): its replacement is
// written as the old index names it, and the rest of the stream is scanned
// with the new one.
func (w *Writer) closeStale(s *snapshot) error {
	if !w.hasOpen || w.openSnap == s {
		return nil
	}
	w.hasOpen = false
	end := min(w.open.end, len(w.buf))
	if err := w.emit(w.openSnap, w.buf[:end], []span{{start: 0, end: end, sec: w.open.sec, enc: w.open.enc}}); err != nil {
		return err
	}
	w.buf = w.buf[:copy(w.buf, w.buf[end:])]
	return nil
}

// emit writes text with spans replaced. A span may start at 0 with its
// beginning already gone (the open span): its replacement is all it
// writes, so the bytes that were before text do not matter.
func (w *Writer) emit(s *snapshot, text []byte, spans []span) error {
	if len(spans) == 0 {
		if len(text) == 0 {
			return nil
		}
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
	if err := w.closeStale(s); err != nil {
		return err
	}
	var sb [8]span
	err := w.emit(s, w.buf, w.join(s.spans(sb[:0], w.buf)))
	w.buf = nil
	w.hasOpen = false
	if err == nil {
		w.err = errClosed
	}
	return err
}
