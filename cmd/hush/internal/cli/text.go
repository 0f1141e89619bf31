package cli

import (
	"bytes"
	"errors"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// NUL bytes in text.
//
// A NUL byte is the classic sign of a binary file (git and grep look for
// one in the first 8000 bytes), but log files hold runs of them for
// ordinary reasons: logrotate's copytruncate truncates a file under a
// writer that goes on writing at its old offset, which leaves the file
// starting with a hole of NULs; a crash can leave a block of zeros where
// the last writes were lost. Such runs do not make the file binary. A NUL
// run at the very start of the input, of any length, or one of at least
// nulRunMin bytes anywhere is padding; a shorter run elsewhere is a sign of
// binary content.

// nulRunMin is the shortest run of NUL bytes inside a text file taken for
// padding rather than binary content.
const nulRunMin = 16

// strayNUL returns the offset in b of the first NUL byte that is not part
// of padding, or -1. atStart says b begins the input; midStart and midEnd
// say b was cut out of a longer run of bytes without a line break, so a run
// touching that edge may go on beyond it and is given the benefit of the
// doubt.
func strayNUL(b []byte, atStart, midStart, midEnd bool) int {
	i := 0
	for {
		j := bytes.IndexByte(b[i:], 0)
		if j < 0 {
			return -1
		}
		start := i + j
		end := start
		for end < len(b) && b[end] == 0 {
			end++
		}
		padding := end-start >= nulRunMin ||
			start == 0 && (atStart || midStart) ||
			end == len(b) && midEnd
		if !padding {
			return start
		}
		i = end
	}
}

// leadingNULs counts the NUL bytes b starts with.
func leadingNULs(b []byte) int {
	n := 0
	for n < len(b) && b[n] == 0 {
		n++
	}
	return n
}

// sniffBinary returns the offset of the first stray NUL byte in the start
// of an input (head), or -1 when it looks like text. The usual window of
// binarySniffLen bytes starts after any leading run of NULs.
func sniffBinary(head []byte, whole bool) int {
	lead := leadingNULs(head)
	end := min(len(head), lead+binarySniffLen)
	return strayNUL(head[:end], true, false, end < len(head) || !whole)
}

// textEncoding is the encoding of a text input as read from disk; the
// pipeline always works on UTF-8 (or bytes that are not UTF-8 at all,
// kept as they are).
type textEncoding int

const (
	utf8Text textEncoding = iota
	utf16LE
	utf16BE
)

func (e textEncoding) String() string {
	switch e {
	case utf16LE:
		return "UTF-16LE"
	case utf16BE:
		return "UTF-16BE"
	}
	return "UTF-8"
}

// sniffBOM reports a UTF-16 byte order mark at the start of head. Without
// a BOM, UTF-16 is not guessed: such a file is full of NULs and is reported
// as binary, not checked.
func sniffBOM(head []byte) textEncoding {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) && !bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}):
		return utf16LE
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return utf16BE
	}
	return utf8Text
}

// errOddUTF16 is returned for UTF-16 text that ends in half a code unit.
var errOddUTF16 = errors.New("UTF-16 text ends in the middle of a character (odd length): cut short?")

// utf16Decoder reads UTF-16 (after its BOM) and returns UTF-8. It is
// lossless: an unpaired surrogate, which UTF-16 text may hold but UTF-8
// cannot, is passed on in the generalised form WTF-8 uses (the three-byte
// sequence UTF-8 would give the code point), which utf16Encoder turns back
// into the same code unit. Such a sequence is not valid UTF-8 and is
// reported as such.
type utf16Decoder struct {
	r       io.Reader
	be      bool
	in      []byte // undecoded input: in[at:]
	at      int
	out     []byte // decoded, not yet returned: out[oat:]
	oat     int
	err     error
	scratch []byte
}

func newUTF16Decoder(r io.Reader, enc textEncoding) *utf16Decoder {
	return &utf16Decoder{r: r, be: enc == utf16BE, scratch: make([]byte, 32<<10)}
}

func (d *utf16Decoder) unit(b []byte) uint16 {
	if d.be {
		return uint16(b[0])<<8 | uint16(b[1])
	}
	return uint16(b[1])<<8 | uint16(b[0])
}

func (d *utf16Decoder) Read(p []byte) (int, error) {
	for d.oat == len(d.out) {
		if d.err != nil {
			return 0, d.err
		}
		d.out, d.oat = d.out[:0], 0
		n, err := d.r.Read(d.scratch)
		d.in = append(d.in[:copy(d.in, d.in[d.at:])], d.scratch[:n]...)
		d.at = 0
		eof := err != nil
		d.decode(eof)
		if err != nil {
			d.err = err
			if err == io.EOF && len(d.in)-d.at > 0 {
				d.err = errOddUTF16
			}
		}
	}
	n := copy(p, d.out[d.oat:])
	d.oat += n
	return n, nil
}

// decode turns the complete code units of d.in into UTF-8, keeping a high
// surrogate at the end for the next read unless eof.
func (d *utf16Decoder) decode(eof bool) {
	b := d.in
	i := d.at
	for i+2 <= len(b) {
		u := d.unit(b[i:])
		switch {
		case utf16.IsSurrogate(rune(u)) && u < 0xDC00: // high surrogate
			if i+4 > len(b) && !eof {
				d.at = i
				return
			}
			if i+4 <= len(b) {
				if l := d.unit(b[i+2:]); l >= 0xDC00 && l <= 0xDFFF {
					d.out = utf8.AppendRune(d.out, utf16.DecodeRune(rune(u), rune(l)))
					i += 4
					continue
				}
			}
			d.out = appendSurrogate(d.out, u)
		case utf16.IsSurrogate(rune(u)): // unpaired low surrogate
			d.out = appendSurrogate(d.out, u)
		default:
			d.out = utf8.AppendRune(d.out, rune(u))
		}
		i += 2
	}
	d.at = i
}

// appendSurrogate appends the WTF-8 form of a lone surrogate.
func appendSurrogate(b []byte, u uint16) []byte {
	return append(b, 0xE0|byte(u>>12), 0x80|byte(u>>6)&0x3F, 0x80|byte(u)&0x3F)
}

// utf16Encoder writes UTF-8 (and the WTF-8 surrogates of utf16Decoder) to
// w as UTF-16, starting with a BOM. A rune may be split across writes.
// Close writes what is pending; it does not close w.
type utf16Encoder struct {
	w       io.Writer
	be      bool
	pending []byte
	out     []byte
	bom     bool
}

func newUTF16Encoder(w io.Writer, enc textEncoding) *utf16Encoder {
	return &utf16Encoder{w: w, be: enc == utf16BE}
}

func (e *utf16Encoder) put(u uint16) {
	if e.be {
		e.out = append(e.out, byte(u>>8), byte(u))
	} else {
		e.out = append(e.out, byte(u), byte(u>>8))
	}
}

func (e *utf16Encoder) Write(p []byte) (int, error) {
	if err := e.encode(p, false); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (e *utf16Encoder) encode(p []byte, final bool) error {
	e.out = e.out[:0]
	if !e.bom {
		e.put(0xFEFF)
		e.bom = true
	}
	b := p
	if len(e.pending) > 0 {
		b = append(e.pending, p...)
		e.pending = nil
	}
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r != utf8.RuneError || size > 1:
			if r >= 0x10000 {
				r1, r2 := utf16.EncodeRune(r)
				e.put(uint16(r1))
				e.put(uint16(r2))
			} else {
				e.put(uint16(r))
			}
		case len(b) >= 3 && b[0] == 0xED && b[1] >= 0xA0 && b[1] <= 0xBF && b[2]&0xC0 == 0x80:
			e.put(uint16(b[0]&0x0F)<<12 | uint16(b[1]&0x3F)<<6 | uint16(b[2]&0x3F))
			size = 3
		case !final && (!utf8.FullRune(b) || len(b) < 3 && b[0] == 0xED && (len(b) == 1 || b[1] >= 0xA0 && b[1] <= 0xBF)):
			// The rest of a rune, or of a surrogate, comes with the next
			// write.
			e.pending = append([]byte(nil), b...)
			b = nil
			continue
		default:
			// Not UTF-8 at all (only a replacement template could bring
			// such bytes): U+FFFD, as any decoder would.
			e.put(0xFFFD)
		}
		b = b[size:]
	}
	_, err := e.w.Write(e.out)
	return err
}

func (e *utf16Encoder) Close() error { return e.encode(nil, true) }
