// Package templates keeps clean log entries to check similar ones against,
// for the front ends that scrub a logger's encoded bytes (zap's NewCore and
// NewEncoder, slog's NewJSONHandler and NewTextHandler).
package templates

import (
	"bytes"
	"encoding/binary"
	"sync/atomic"

	"github.com/hushlog/hush/redact"
)

// Set holds, per shape of log call, the last clean entry worth
// remembering (redact.CleanText): the entries of one call site share most
// of their bytes (keys, punctuation, constant values) and differ in a
// timestamp, a counter, a value or two, so the index is searched only
// around the bytes that differ from the template (Redactor.ContainsLike);
// the detectors' candidate scan, and the decoders' scan, read only around
// them too when they saw nothing in the template (most log lines; a URL's
// "//" or a word that begins like a token prefix makes the detectors read
// the whole entry). Any template
// gives the right answer, a similar one only a faster one, so a call picks
// a slot by a cheap guess at its shape (the front end's: zap's the number
// of fields and the address of the first key) and the slots are shared by
// an encoder and its clones (With): a per-request logger does not copy an
// entry of its own.
//
// A slot is filled when it is empty or of another secret set, and
// replaced when it served poorly (most of the entry differed) for
// replaceAfter clean entries in a row (each replacement copies an entry, so
// two shapes that share a slot do not copy on every call).
type Set struct {
	slots  [Slots]atomic.Pointer[redact.CleanText]
	misses [Slots]atomic.Uint32
}

const (
	// Slots is the number of templates a Set holds; a slot is an int in
	// [0, Slots).
	Slots        = 16
	replaceAfter = 32
	maxTemplate  = 16 << 10 // bytes: a stack trace's entry is checked whole
)

// Contains reports r.Contains(entry), with the template of slot i, and
// remembers entry as that slot's template when it is clean and the slot
// served poorly (the template and entry shared less than half of entry).
// Entries over maxTemplate bytes are not remembered.
func (t *Set) Contains(r *redact.Redactor, i int, entry []byte) bool {
	found, shared := r.ContainsLike(t.slots[i].Load(), entry)
	if found {
		return true
	}
	if shared >= len(entry)/2 {
		if t.misses[i].Load() != 0 { // no write to a shared line on the common path
			t.misses[i].Store(0)
		}
		return false
	}
	if len(entry) <= maxTemplate && (shared < 0 || t.misses[i].Add(1) >= replaceAfter) {
		if c := r.NewCleanText(entry); c != nil {
			t.slots[i].Store(c)
			t.misses[i].Store(0)
		}
	}
	return false
}

var (
	_msgJSON = []byte(`"msg":"`)
	_msgText = []byte(` msg=`)
)

// Slot picks the template slot of an encoded entry by a guess at its log
// call's shape from its bytes alone, for a front end that sees only bytes
// (slog's built-in handlers' writer, zap's NewWriteSyncer): the first 16
// bytes of its message (what follows "msg":" or msg= in the entry's first
// 96 bytes; a call site's message is usually a constant), or else its
// length in steps of 64 bytes. A poor guess only costs time: any template
// gives Contains's answer.
func Slot(p []byte) int {
	head := p[:min(len(p), 96)]
	var h uint64
	i, n := bytes.Index(head, _msgJSON), len(_msgJSON)
	if i < 0 {
		i, n = bytes.Index(head, _msgText), len(_msgText)
	}
	if i >= 0 {
		m := p[i+n:]
		m = m[:min(len(m), 16)]
		if len(m) == 16 {
			h = binary.LittleEndian.Uint64(m) ^ binary.LittleEndian.Uint64(m[8:])*31
		} else {
			for _, c := range m {
				h = h*31 + uint64(c)
			}
		}
	} else {
		h = uint64(len(p) >> 6)
	}
	return int((h * 0x9E3779B97F4A7C15) >> (64 - 4))
}
