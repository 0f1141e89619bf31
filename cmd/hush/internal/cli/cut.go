package cli

import (
	"bytes"
	"unicode/utf8"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/redact"
)

// cutter chooses where to cut a stream into chunks that are scrubbed apart,
// so that scrubbing the chunks one by one gives the same bytes as scrubbing
// the whole stream.
//
// No match crosses a line break, except in wrapped base64, so a cut just
// after a newline is safe once redact.LineCut has moved it before any
// trailing full-width base64 lines. A line longer than a chunk must be cut inside: there the
// cutter looks at the bytes around the cut with Find and moves the cut past
// any match that crosses it (a secret straddling the cut, or one of the
// base64 forms that absorb a neighbouring character). look bounds the
// length of a match, so a window of look bytes on each side sees every
// match that could cross.
type cutter struct {
	r    *redact.Redactor
	size int // target chunk size
	look int // longest match that can cross a cut
}

// maxMoves bounds how often a cut inside a line is moved past a match. Only
// a chain of overlapping matches longer than the read-ahead (a secret that
// overlaps itself, repeated without a break for megabytes) exhausts it.
const maxMoves = 4

// cut returns where to cut b, a buffer that is full (len(b) == size+2*look)
// and not the end of the stream: the end of the chunk to emit now, the rest
// being carried over into the next chunk.
func (c *cutter) cut(b []byte) int {
	// A line break anywhere from half a chunk on is a safe cut, unless it
	// ends a line of wrapped base64 (redact.LineCut moves it back then).
	if i := bytes.LastIndexByte(b[c.size/2:], '\n'); i >= 0 {
		q := c.size/2 + i + 1
		p := lineCut(b, q, c.look)
		if p < q && p <= c.size/4 {
			// A run of wrapped base64 reaching back over most of the
			// chunk: cut after its end instead.
			p = c.pastWrapped(b, q)
		}
		if p > 0 {
			return p
		}
	}
	return c.inside(b, c.size)
}

// lineCut is redact.LineCut for a cut at q just after a line break, but
// moving back over a run of wrapped base64 however long it is, not at most
// look bytes: a long value's base64 form is indexed in pieces of a few KiB
// that the run's lines hold one after the other, with no line end where a
// piece ends, so a cut between two lines of the run splits a piece, which
// neither side then matches. Runs longer than look are rare: the whole
// walk is taken only when redact.LineCut stopped at its limit.
func lineCut(b []byte, q, look int) int {
	p := redact.LineCut(b, q, look)
	if p < q && q-p+256 >= look {
		p = redact.LineCut(b, q, q)
	}
	return p
}

// pastWrapped returns the first cut after q, at the end of a line, that no
// run of wrapped base64 crosses, or 0 when the run goes on to the end of
// b (only a blob longer than the buffer does: see chunkSize).
func (c *cutter) pastWrapped(b []byte, q int) int {
	for e := q; e < len(b); {
		i := bytes.IndexByte(b[e:], '\n')
		if i < 0 {
			break
		}
		e += i + 1
		if redact.LineCut(b, e, c.look) == e {
			return e
		}
	}
	return 0
}

// cutIdle returns where to cut b when the input has paused (a pipe with
// nothing more to read yet): after the last complete line (before trailing
// lines of wrapped base64, see lineCut), or 0 to wait for more.
func cutIdle(b []byte, look int) int {
	return lineCut(b, bytes.LastIndexByte(b, '\n')+1, look)
}

// wrappedLen returns the longest run of wrapped base64 a value of n bytes
// can be written as (at 64 columns, the narrowest hush follows, CRLF).
func wrappedLen(n int) int {
	b64 := (n + 2) / 3 * 4
	return b64 + (b64/64+1)*2
}

// chunkSize returns the size of the chunks cut: the size asked for, at
// least 4 look-aheads, and at least twice the longest wrapped base64 form
// of a value, so that a cut can always be moved past such a run.
func chunkSize(asked, look, longest int) int {
	return max(asked, 4*look, 2*wrappedLen(longest))
}

// inside moves a cut at p inside a line until no match crosses it, and
// never into the middle of a UTF-8 sequence (scan counts columns in runes).
func (c *cutter) inside(b []byte, p int) int {
	for range maxMoves {
		p = runeStart(b, p)
		lo, hi := max(0, p-c.look), min(len(b), p+c.look)
		moved := false
		for _, m := range c.r.Find(b[lo:hi]) {
			if s, e := lo+m.Start, lo+m.End; s < p && e > p {
				p, moved = e, true
			}
		}
		if !moved || p >= len(b) {
			break
		}
	}
	return runeStart(b, min(p, len(b)))
}

// runeStart moves p forward past at most three UTF-8 continuation bytes,
// to where a rune starts (or to the end of b).
func runeStart(b []byte, p int) int {
	for i := 0; i < utf8.UTFMax-1 && p < len(b) && b[p]&0xC0 == 0x80; i++ {
		p++
	}
	return p
}

// lookahead returns the longest match that can cross a cut for a set of
// secret values: the longest encoded form (double JSON escaping turns one
// control byte into seven) plus the base64 extension, and never more than
// the index accepts.
func lookahead(maxValueLen int) int {
	const maxPattern = 1<<16 + 2
	n := 8*maxValueLen + 16
	return max(64, min(n, maxPattern))
}

// detectLookahead returns the longest match of a detected token that can
// cross a cut (see lookahead): set.MaxLen bounds the raw token (a PEM
// private-key block is the longest), and the encodings it may be found in
// grow it as they grow a secret's value. 0 without detectors.
func detectLookahead(set *detect.Set) int {
	if set.Len() == 0 {
		return 0
	}
	return lookahead(set.MaxLen())
}
