package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync/atomic"
)

// binarySniffLen is how much of an input's start is looked at for a NUL
// byte to tell a binary file, as git and grep do.
const binarySniffLen = 8000

// reader turns inputs into chunks.
type reader struct {
	p      *pipeline
	cut    cutter
	binary bool          // process binary files instead of skipping them
	done   *atomic.Int64 // raw bytes read, for the progress bar
	stdin  io.Reader
}

// read emits the chunks of one input, in order. Whatever happens it emits
// a last chunk, carrying the error if the input could not be read to the
// end. It returns false when the run was cancelled.
func (rd *reader) read(ctx context.Context, in *input, emit func(*chunk) bool) bool {
	fail := func(err error) bool {
		return emit(&chunk{in: in, first: true, last: true, err: err})
	}
	f, err := in.open(rd.stdin)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	// Closing the input is what interrupts a read blocked on a pipe.
	stop := context.AfterFunc(ctx, func() { f.Close() })
	defer stop()

	raw := &countingReader{r: f, n: rd.done}
	var head [4]byte
	hn, err := io.ReadFull(raw, head[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return fail(readError(ctx, err))
	}
	comp := sniffCompression(head[:hn])
	var src io.Reader = io.MultiReader(bytes.NewReader(head[:hn]), raw)
	var idle func() bool
	first := &chunk{in: in, first: true, comp: comp}
	if comp == plain {
		idle = pipeIdle(f)
	} else {
		dec, hdr, err := openDecompressor(comp, src)
		if err != nil {
			return fail(err)
		}
		defer dec.Close()
		src, first.hdr = dec, hdr
	}

	buf, ok := rd.p.getBuf(ctx)
	if !ok {
		return false
	}
	n := 0
	var off int64
	c := first
	midStart := false
	for {
		var rerr error
		paused := false
		for n < len(buf) {
			m, err := src.Read(buf[n:])
			n += m
			if err != nil {
				rerr = err
				break
			}
			if m > 0 && idle != nil && idle() {
				paused = true
				break
			}
		}
		if c.first && !rd.binary {
			if i := bytes.IndexByte(buf[:min(n, binarySniffLen)], 0); i >= 0 {
				rd.p.putBuf(buf)
				c.last, c.skip = true, fmt.Sprintf("binary file (NUL byte at offset %d)", i)
				return emit(c)
			}
		}
		c.buf, c.offset, c.midStart = buf, off, midStart
		if rerr != nil {
			c.data, c.last = buf[:n], true
			if rerr != io.EOF {
				c.err = readError(ctx, rerr)
				if comp != plain && c.err != errInterrupted {
					c.err = fmt.Errorf("%s: %w", comp, describeDecompressError(rerr))
				}
			}
			return emit(c)
		}
		k := 0
		if paused {
			if k = cutIdle(buf[:n], rd.cut.look); k == 0 {
				continue // no complete line yet: keep reading
			}
		} else {
			k = rd.cut.cut(buf[:n])
		}
		next, ok := rd.p.getBuf(ctx)
		if !ok {
			rd.p.putBuf(buf)
			return false
		}
		n = copy(next, buf[k:n])
		c.data = buf[:k]
		c.midEnd = k > 0 && buf[k-1] != '\n'
		midStart = c.midEnd
		if !emit(c) {
			rd.p.putBuf(next)
			return false
		}
		off += int64(k)
		buf = next
		c = &chunk{in: in}
	}
}

// readError says why reading stopped; a read cut short by cancellation
// (the input closed under it) is reported as the interruption.
func readError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return errInterrupted
	}
	return err
}

// errInterrupted reads "interrupted" and is a context.Canceled.
var errInterrupted error = interrupted{}

type interrupted struct{}

func (interrupted) Error() string        { return "interrupted" }
func (interrupted) Is(target error) bool { return target == context.Canceled }

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.n != nil {
		c.n.Add(int64(n))
	}
	return n, err
}
