package redact

import (
	"bytes"
	"encoding/binary"
	"unsafe"

	"github.com/hushlog/hush/fingerprint"
)

// Values. Scrub, ScrubString and Contains read text as written: in it no
// match spans a line break, so a line of a multi-line secret too short to
// index alone (a PEM key's 4-byte last line), whose joins with its
// neighbour hold the line break, is not redacted there (DESIGN.md, "Known
// gaps in the contract"). Front ends that scrub the escaped bytes a logger
// wrote (a JSON entry, a quoted string) catch it: the escape "\n" is
// decoded, and the join is found in the decoded text.
//
// A front end that scrubs a value before its logger escapes it (zap's
// Wrap, slog's NewHandler: a message, a key, a field, an error text, a
// rendered Stringer) must protect the value as well as if it had been
// written through the escaping front ends, whatever the logger does with
// it next: escape it, quote it, or print it as it is. ScrubValue does so:
// it reads the value as written (what Scrub finds) and as an escaping
// logger writes it, with each line break as an escape (what ScrubEscaped
// finds in the logged string), and replaces the union. A span found in the
// escaped reading covers the whole bytes of the value its escapes came
// from, so a short line and the neighbour it is joined to go together.
//
// The escaped reading costs little: the escaped text decodes back to the
// value itself, so what it adds at the first level of decoding is the
// matches that hold a line break, which the search of the value as written
// keeps for a value with a line feed. The escaped text itself is built
// and scanned only when the index has a pattern with a backslash (a secret
// kept escaped, holding a literal "\n" or "\"", which the value's line
// break or quote matches once escaped) and the value has a byte JSON
// escapes, or when the value has escapes of its own and a line feed and
// the index a pattern with a line break (the second level of decoding then
// runs across the value's line breaks). All of it needs the JSON family
// (what decodes "\n"); other values cost what Scrub costs.

// ContainsValue reports whether ScrubValue would change v: whether v holds
// a protected form as written or as an escaping logger would write it.
func (r *Redactor) ContainsValue(v []byte) bool {
	s := r.cur.Load()
	rd := asWritten
	if s.mayEscape() {
		rd = s.valueReading(v)
	}
	if rd != asWritten {
		var sb [8]span
		return len(s.valueSpans(sb[:0], v)) > 0
	}
	return s.contains(v)
}

// ScrubValue appends v, one value a logger is about to write (a message, a
// key, a field value, an error's text), to dst with every protected span
// replaced, reading v both as written and as an escaping logger would
// write it (see the comment above). Use Scrub for text already written:
// the escaped reading of a line break is only right for a value whose line
// breaks the logger will escape or keep in one record. dst and v must not
// overlap.
func (r *Redactor) ScrubValue(dst, v []byte) []byte {
	s := r.cur.Load()
	var sb [8]span
	return s.replace(dst, v, s.valueSpans(sb[:0], v))
}

// FindValue returns the spans ScrubValue would replace in v, in order, as
// Find does for Scrub. It never returns a value, only positions and names.
func (r *Redactor) FindValue(v []byte) []Match {
	s := r.cur.Load()
	var sb [8]span
	return s.matches(s.valueSpans(sb[:0], v))
}

// ScrubValueString is ScrubValue for a string. When s holds no secret it
// returns s itself without allocating.
func (r *Redactor) ScrubValueString(v string) string {
	s := r.cur.Load()
	src := unsafe.Slice(unsafe.StringData(v), len(v))
	var sb [8]span
	spans := s.valueSpans(sb[:0], src)
	if len(spans) == 0 {
		return v
	}
	out := s.replace(make([]byte, 0, len(v)+32*len(spans)), src, spans)
	return unsafe.String(unsafe.SliceData(out), len(out))
}

// reading is how much of the escaped reading a value needs.
type reading uint8

const (
	// asWritten: the escaped reading finds nothing more.
	asWritten reading = iota
	// joins: the matches across a line break count (the first level of
	// decoding of the escaped text is the value itself).
	joins
	// escapedIndex: the escaped text is searched by the index too (a
	// pattern with a backslash).
	escapedIndex
	// escapedFull: the escaped text is scanned as Scrub scans text,
	// decoding included (the value's own escapes, across its line
	// breaks).
	escapedFull
)

// mayEscape reports whether the escaped reading of some value can find
// more than the reading as written: the scan decodes "\n", and the index
// has a pattern with a line break or an escape.
func (s *snapshot) mayEscape() bool {
	return s.decoders&JSON != 0 && (s.decodedOnly || s.backslash)
}

// valueReading says what the escaped reading of v needs.
func (s *snapshot) valueReading(v []byte) reading {
	if !s.mayEscape() {
		return asWritten
	}
	lf := s.decodedOnly && bytes.IndexByte(v, '\n') >= 0
	switch {
	case lf && (bytes.IndexByte(v, '\\') >= 0 || bytes.IndexByte(v, '%') >= 0):
		return escapedFull
	case s.backslash && jsonEscapes(v):
		return escapedIndex
	case lf:
		return joins
	}
	return asWritten
}

// valueSpans returns the merged spans of v read as written and as an
// escaping logger writes it.
func (s *snapshot) valueSpans(dst []span, v []byte) []span {
	if !s.mayEscape() {
		return s.spans(dst, v)
	}
	rd := s.valueReading(v)
	if rd == asWritten {
		return s.spans(dst, v)
	}
	// The first level of decoding of the escaped text gives v back: what
	// the reading as written leaves out there is the matches across a line
	// break, which count here.
	var mb [8]fingerprint.Match
	dst, _ = s.findSpansJoins(dst, mb[:0], v, false, s.decodedOnly)
	if rd == joins {
		return dst
	}
	esc := getEscapeBuf()
	defer putEscapeBuf(esc)
	*esc = escapeJSON((*esc)[:0], v)
	var eb [8]span
	var es []span
	if rd == escapedFull {
		es = s.spans(eb[:0], *esc)
	} else {
		es = s.rawSpans(eb[:0], *esc)
	}
	if len(es) == 0 {
		return dst
	}
	// es is sorted and its spans do not overlap: one pass maps them back.
	// p is where v[i] starts in the escaped text.
	i, p := 0, 0
	for _, sp := range es {
		for p+escapedWidth(v[i]) <= sp.start {
			p += escapedWidth(v[i])
			i++
		}
		a := i
		for p < sp.end {
			p += escapedWidth(v[i])
			i++
		}
		dst = append(dst, span{start: a, end: i, sec: sp.sec, enc: sp.enc, length: sp.length})
	}
	return mergeSpans(dst, 0)
}

// rawSpans is spans without the decoding scan: the index's matches in text
// as written, merged.
func (s *snapshot) rawSpans(dst []span, text []byte) []span {
	var mb [8]fingerprint.Match
	for _, m := range s.idx.Find(mb[:0], text) {
		p := s.pats[m.ID]
		if p.decodedOnly {
			continue
		}
		a, b := m.Start, m.End
		if p.extLeft && a > 0 && isBase64Char(text[a-1], p.url) {
			a--
		}
		if p.extRight && b < len(text) && isBase64Char(text[b], p.url) {
			b++
		}
		dst = append(dst, span{start: a, end: b, sec: p.sec, enc: p.enc, length: m.End - m.Start})
	}
	return mergeSpans(dst, 0)
}

// escapeJSON appends v to dst as a JSON encoder escapes it: a line feed
// as "\n", a carriage return as "\r", a tab as "\t", another control byte
// as "\u00XX", a quote as "\"" and a backslash doubled. Everything else is
// left as it is (HTML characters, invalid UTF-8): the scan finds a secret
// among such bytes alike whether or not they are escaped.
func escapeJSON(dst, v []byte) []byte {
	const hex = "0123456789abcdef"
	for _, c := range v {
		switch {
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '"', c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// escapedWidth is how many bytes escapeJSON writes for c.
func escapedWidth(c byte) int {
	switch {
	case c == '\n', c == '\r', c == '\t', c == '"', c == '\\':
		return 2
	case c < 0x20:
		return 6
	}
	return 1
}

// jsonEscapes reports whether escapeJSON changes v: whether v holds a
// quote, a backslash or a control byte (eight bytes at a time).
func jsonEscapes(v []byte) bool {
	if bytes.IndexByte(v, '"') >= 0 || bytes.IndexByte(v, '\\') >= 0 {
		return true
	}
	const ones, high = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(v); i += 8 {
		x := binary.LittleEndian.Uint64(v[i:])
		if (x-0x20*ones)&^x&high != 0 {
			return true
		}
	}
	for ; i < len(v); i++ {
		if v[i] < 0x20 {
			return true
		}
	}
	return false
}

// holdsEscape reports whether a pattern holds an escape escapeJSON writes
// (\n \r \t \" \\ \u00XX): only such a pattern can match where a value's
// escaped bytes are. A Windows path's backslash (C:\Users) does not count.
func holdsEscape(p []byte) bool {
	for i := 0; i+1 < len(p); i++ {
		if p[i] != '\\' {
			continue
		}
		switch p[i+1] {
		case 'n', 'r', 't', '"', '\\', 'u':
			return true
		}
	}
	return false
}

// escapeFree holds the buffers of the escaped reading: a bounded free list
// as decodeFree is, cleared before reuse (the text may hold a secret).
var escapeFree = make(chan *[]byte, 16)

func getEscapeBuf() *[]byte {
	select {
	case b := <-escapeFree:
		return b
	default:
		return new([]byte)
	}
}

// maxEscapeBuf keeps one huge value from pinning its buffer.
const maxEscapeBuf = 64 << 10

func putEscapeBuf(b *[]byte) {
	clear(*b)
	if cap(*b) > maxEscapeBuf {
		return
	}
	select {
	case escapeFree <- b:
	default:
	}
}
