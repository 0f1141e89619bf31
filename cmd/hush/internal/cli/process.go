package cli

import (
	"bytes"
	"unicode/utf8"

	"github.com/hushlog/hush/redact"
)

// scrubChunk is the scrub worker: it finds the chunk's matches and, if
// there are any, writes the scrubbed bytes to a pooled buffer. A clean
// chunk is passed on as it is, without a copy.
func scrubChunk(r *redact.Redactor, p *pipeline, check bool) func(*chunk) {
	return func(c *chunk) {
		c.matches = r.Find(c.data)
		if len(c.matches) == 0 {
			c.out = c.data
		} else {
			b := p.getOut(len(c.data) + 48*len(c.matches))
			c.out = replace(b, c.data, c.matches, r)
			c.outBuf = c.out
		}
		if check {
			checkBytes(c)
		}
	}
}

// replace appends src to dst with every match replaced, as Scrub does.
func replace(dst, src []byte, ms []redact.Match, r *redact.Redactor) []byte {
	prev := 0
	for _, m := range ms {
		dst = append(dst, src[prev:m.Start]...)
		dst = append(dst, r.Replacement(m.Name)...)
		prev = m.End
	}
	return append(dst, src[prev:]...)
}

// scanChunk is the scan worker: matches with their line and column, and
// what the consumer needs to carry the line count across chunks.
func scanChunk(r *redact.Redactor, check bool) func(*chunk) {
	return func(c *chunk) {
		c.matches = r.Find(c.data)
		c.lines = bytes.Count(c.data, newline)
		if nl := bytes.LastIndexByte(c.data, '\n'); nl >= 0 {
			c.tail = utf8.RuneCount(c.data[nl+1:])
		} else {
			c.tail = utf8.RuneCount(c.data)
		}
		if len(c.matches) > 0 {
			c.pos = positions(c.data, c.matches)
		}
		if check {
			checkBytes(c)
		}
	}
}

var newline = []byte{'\n'}

// positions returns the line and column of each match's start and end
// relative to data, walking data once.
func positions(data []byte, ms []redact.Match) []position {
	out := make([]position, len(ms))
	line, lineStart, at := 0, 0, 0
	advance := func(to int) (int, int) {
		for {
			i := bytes.IndexByte(data[at:to], '\n')
			if i < 0 {
				break
			}
			line++
			at += i + 1
			lineStart = at
		}
		at = to
		return line, utf8.RuneCount(data[lineStart:to])
	}
	for i, m := range ms {
		out[i].line, out[i].col = advance(m.Start)
		out[i].endLine, out[i].endCol = advance(m.End)
	}
	return out
}

// checkBytes records the first NUL byte and the first invalid UTF-8
// sequence of the chunk, unless an earlier one was found in the input
// already. A rune cut in two by a cut inside a line is not invalid.
func checkBytes(c *chunk) {
	if b := c.in.badAt.Load(); b >= 0 && b < c.offset {
		return
	}
	found := false
	if i := strayNUL(c.data, c.offset == 0, c.midStart, c.midEnd && !c.last); i >= 0 {
		c.nulAt, found = i, true
	}
	if i := invalidUTF8(c.data, c.midStart, c.midEnd && !c.last); i >= 0 {
		c.badAt, found = i, true
	}
	if found {
		at := c.offset + int64(min(uint(c.nulAt), uint(c.badAt)))
		for {
			old := c.in.badAt.Load()
			if old >= 0 && old <= at || c.in.badAt.CompareAndSwap(old, at) {
				break
			}
		}
	}
}

// invalidUTF8 returns the offset of the first byte of b that is not part
// of valid UTF-8, or -1. With head, continuation bytes at the start belong
// to a rune begun in the chunk before; with tail, an incomplete rune at the
// end is completed by the chunk after.
func invalidUTF8(b []byte, head, tail bool) int {
	if utf8.Valid(b) {
		return -1
	}
	i := 0
	if head {
		for i < len(b) && i < utf8.UTFMax-1 && b[i]&0xC0 == 0x80 {
			i++
		}
	}
	for i < len(b) {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			if tail && !utf8.FullRune(b[i:]) {
				return -1
			}
			return i
		}
		i += size
	}
	return -1
}
