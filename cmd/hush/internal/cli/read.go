package cli

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
)

// binarySniffLen is how much of an input's start is looked at for a NUL
// byte to tell a binary file, as git and grep do (after any leading run of
// NULs: see strayNUL).
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
//
// An input is read in layers: the file, its compression (gzip, zstd), its
// container (tar, zip: see archive.go), and each text's encoding (UTF-8 or
// anything, kept as bytes; UTF-16 with a BOM, decoded).
func (rd *reader) read(ctx context.Context, in *input, emit func(*chunk) bool) bool {
	fail := func(err error) bool {
		return emit(&chunk{in: in, first: true, last: true, err: err})
	}
	f, err := openInput(ctx, in, rd.stdin)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	// Closing the input is what interrupts a read blocked on a pipe.
	stop := context.AfterFunc(ctx, func() { f.Close() })
	defer stop()

	// What the compression holds besides content is known once it is read
	// to its end: it goes with the input's last chunk.
	meta := &containerMeta{}
	emit = emitMetaAtEnd(in, meta, emit)

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
	// A zip file needs random access: a regular file is read where it is.
	var ra io.ReaderAt
	var size int64
	if comp == plain {
		idle = pipeIdle(f)
		if file, ok := f.(*os.File); ok && in.size() >= 0 {
			ra, size = &countingReaderAt{r: file, n: rd.done}, in.size()
		}
	} else {
		dec, hdr, err := openDecompressor(comp, src, meta)
		if err != nil {
			return fail(err)
		}
		defer dec.Close()
		src, first.hdr = dec, hdr
	}
	ok, _ := rd.content(ctx, in, src, idle, ra, size, first, emit)
	return ok
}

// emitMetaAtEnd returns emit, attaching meta to the last chunk of in.
func emitMetaAtEnd(in *input, meta *containerMeta, emit func(*chunk) bool) func(*chunk) bool {
	return func(c *chunk) bool {
		if c.last && c.in == in {
			c.meta = c.meta.merge(meta)
		}
		return emit(c)
	}
}

// openInput opens an input. A file that is not a regular one (a named pipe,
// a device) is opened in a goroutine that ctx does not wait for: the open of
// a pipe no one writes to blocks until a writer comes, and must give way to
// an interruption (the first SIGTERM of a stop, Ctrl-C), which closes
// anything opened later.
func openInput(ctx context.Context, in *input, stdin io.Reader) (io.ReadCloser, error) {
	if in.path == "-" || in.info == nil || in.info.Mode().IsRegular() {
		return in.open(stdin)
	}
	type opened struct {
		f   io.ReadCloser
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := in.open(stdin)
		done <- opened{f, err}
	}()
	select {
	case o := <-done:
		return o.f, o.err
	case <-ctx.Done():
		go func() {
			if o := <-done; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, errInterrupted
	}
}

// fill reads into buf[n:] until it is full, the stream ends or fails, or
// (with idle) a pipe has nothing more to give right now.
func fill(src io.Reader, buf []byte, n int, idle func() bool) (int, bool, error) {
	for n < len(buf) {
		m, err := src.Read(buf[n:])
		n += m
		if err != nil {
			return n, false, err
		}
		if m > 0 && idle != nil && idle() {
			return n, true, nil
		}
	}
	return n, false, nil
}

// content emits the chunks of one stream of content: a whole input or an
// archive member (in.parent set), already decompressed. It returns false
// when the run was cancelled, and the error the stream's last chunk
// carried, if any.
func (rd *reader) content(ctx context.Context, in *input, src io.Reader, idle func() bool, ra io.ReaderAt, size int64, first *chunk, emit func(*chunk) bool) (bool, error) {
	member := in.parent != nil
	buf, ok := rd.p.getBuf(ctx)
	if !ok {
		return false, nil
	}
	n, paused, rerr := fill(src, buf, 0, idle)
	head := buf[:n]
	kind := sniffArchive(head)
	if kind == noArchive && !member && ra != nil && first.comp == plain && (rd.binary || sniffBinary(head, rerr != nil) >= 0) && zipWithPrefix(ra, size) {
		// A zip file after other bytes (a self-extracting archive's
		// stub): read as a zip, the stub as bytes outside its records.
		kind = zipArchive
	}
	if kind != noArchive && !member {
		full := io.MultiReader(bytes.NewReader(bytes.Clone(head)), src)
		rd.p.putBuf(buf)
		if rerr != nil && rerr != io.EOF {
			full = io.MultiReader(bytes.NewReader(bytes.Clone(head)), errReader{rerr})
		}
		if kind == zipArchive && first.comp != plain {
			ra = nil // the decompressed stream, not the file
		}
		return rd.archive(ctx, in, kind, full, ra, size, first, emit)
	}
	// What hush cannot look into is not checked, even with --binary:
	// another archive inside an archive, a format it cannot read.
	unchecked := ""
	if err := sniffUnsupported(head); err != nil {
		if !member {
			rd.p.putBuf(buf)
			first.last, first.err = true, err
			return emit(first), err
		}
		unchecked = err.Error()
	} else if member && sniffArchive(head) != noArchive {
		unchecked = fmt.Sprintf("a %s archive inside the archive: hush does not open nested archives, so it was not checked", sniffArchive(head))
	}
	if enc := sniffBOM(head); enc != utf8Text && unchecked == "" {
		first.enc = enc
		src = newUTF16Decoder(io.MultiReader(bytes.NewReader(bytes.Clone(head[2:])), stickyErr(src, rerr)), enc)
		idle, paused = nil, false
		n, _, rerr = fill(src, buf, 0, nil)
	}
	if !rd.binary && unchecked == "" {
		if i := sniffBinary(buf[:n], rerr != nil); i >= 0 {
			msg := fmt.Sprintf("binary file (NUL byte at offset %d)", i)
			if !member {
				rd.p.putBuf(buf)
				first.last, first.skip = true, msg
				return emit(first), nil
			}
			unchecked = msg
		}
	}
	first.unchecked = unchecked
	pass := unchecked != ""

	var off int64
	c := first
	midStart := false
	for {
		c.buf, c.offset, c.midStart, c.pass = buf, off, midStart, pass
		if rerr != nil {
			c.data, c.last = buf[:n], true
			if rerr != io.EOF {
				c.err = readError(ctx, rerr)
				if c.err != errInterrupted {
					c.err = describeReadError(first, rerr)
				}
			}
			return emit(c), c.err
		}
		k := 0
		if paused {
			if k = cutIdle(buf[:n], rd.cut.look); k == 0 {
				// No complete line yet: keep reading.
				n, paused, rerr = fill(src, buf, n, idle)
				continue
			}
		} else {
			k = rd.cut.cut(buf[:n])
		}
		next, ok := rd.p.getBuf(ctx)
		if !ok {
			rd.p.putBuf(buf)
			return false, nil
		}
		n = copy(next, buf[k:n])
		c.data = buf[:k]
		c.midEnd = k > 0 && buf[k-1] != '\n'
		midStart = c.midEnd
		if !emit(c) {
			rd.p.putBuf(next)
			return false, nil
		}
		off += int64(k)
		buf = next
		c = &chunk{in: in}
		n, paused, rerr = fill(src, buf, n, idle)
	}
}

// describeReadError says why a stream of content stopped early.
func describeReadError(first *chunk, err error) error {
	switch {
	case errors.Is(err, errOddUTF16):
		return err
	case first.comp != plain:
		return fmt.Errorf("%s: %w", first.comp, describeDecompressError(err))
	case first.in.parent != nil:
		return archiveError(first.in.parent, err)
	}
	return err
}

// archiveError says what is wrong with an archive that could not be read
// to its end: its compression when that is what failed.
func archiveError(in *input, err error) error {
	if in.comp != plain && !errors.Is(err, tar.ErrHeader) && !errors.Is(err, zip.ErrFormat) {
		return fmt.Errorf("%s: %w", in.comp, describeDecompressError(err))
	}
	return describeArchiveError(in.arch, err)
}

// archive emits an archive: a control chunk that opens it (carrying the
// input's compression), each member's chunks (see member), and a control
// chunk that closes it, with the error that stopped the reading if any.
func (rd *reader) archive(ctx context.Context, in *input, kind archiveKind, src io.Reader, ra io.ReaderAt, size int64, first *chunk, emit func(*chunk) bool) (bool, error) {
	in.arch, in.comp = kind, first.comp
	first.control, first.arch = true, kind
	var endMeta *containerMeta
	end := func(err error) (bool, error) {
		if err != nil && ctx.Err() != nil {
			err = errInterrupted
		}
		return emit(&chunk{in: in, last: true, control: true, arch: kind, err: err, meta: endMeta}), err
	}
	switch kind {
	case tarArchive:
		if !emit(first) {
			return false, nil
		}
		tb := &tarBlocks{r: src}
		tr := tar.NewReader(tb)
		for {
			dataEnd := tb.n
			tb.record()
			h, err := tr.Next()
			recb, big := tb.stop()
			rec := tarRecords(dataEnd, recb, big)
			if err == io.EOF {
				endMeta = rec
				bad, rerr := tb.finish(dataEnd)
				if rerr != nil {
					bad = archiveError(in, rerr)
				}
				return end(bad)
			}
			if err != nil {
				return end(archiveError(in, err))
			}
			if tarSparse(h) {
				// Its holes would be read as zeros, and written back in
				// full: gigabytes for a file of a few blocks.
				return end(fmt.Errorf("%s: a sparse file (%s, mostly holes): hush does not open sparse archive members, so the archive was not checked", h.Name, humanBytes(h.Size)))
			}
			m := newMember(in, h.Name, &member{tar: h})
			if !tarHasContent(h) {
				if !emit(&chunk{in: m, first: true, last: true, control: true, member: m.member, meta: rec}) {
					return false, nil
				}
				continue
			}
			ok, err := rd.member(ctx, m, tr, rec, emit)
			if !ok {
				return false, nil
			}
			if err != nil {
				return end(nil) // reported with the member
			}
		}
	case zipArchive:
		if ra == nil {
			// Standard input or a compressed zip: spool it to an unlinked
			// temporary file.
			f, n, err := spoolFile(src)
			if err != nil {
				first.control, first.last, first.err = false, true, describeArchiveError(kind, err)
				if errors.Is(err, errInterrupted) || ctx.Err() != nil {
					first.err = errInterrupted
				}
				return emit(first), first.err
			}
			defer f.Close()
			ra, size = f, n
		}
		zr, err := zip.NewReader(ra, size)
		if err != nil {
			first.control, first.last, first.err = false, true, describeArchiveError(kind, err)
			return emit(first), first.err
		}
		first.zipComment = zr.Comment
		arch, per, err := zipRecords(ra, size, zr.File)
		if err != nil {
			arch, per = &containerMeta{}, make([]*containerMeta, len(zr.File))
			arch.refuse("hush could not follow the zip's records to check the bytes around its entries")
		}
		first.meta = arch
		if !emit(first) {
			return false, nil
		}
		for i, f := range zr.File {
			m := newMember(in, f.Name, &member{zip: &f.FileHeader})
			if f.FileInfo().IsDir() {
				if !emit(&chunk{in: m, first: true, last: true, control: true, member: m.member, meta: per[i]}) {
					return false, nil
				}
				continue
			}
			var r io.ReadCloser
			var unchecked string
			if f.Flags&0x1 != 0 {
				unchecked = "encrypted: hush cannot read it, so it was not checked"
			} else if rc, err := f.Open(); err == nil {
				r = rc
			} else if errors.Is(err, zip.ErrAlgorithm) {
				unchecked = fmt.Sprintf("compressed with method %d, which hush cannot read, so it was not checked", f.Method)
			} else {
				return end(describeArchiveError(kind, err))
			}
			if unchecked != "" {
				// Copied as stored, compressed bytes and all.
				m.member.raw = true
				raw, err := f.OpenRaw()
				if err != nil {
					return end(describeArchiveError(kind, err))
				}
				ok, err := rd.passThrough(ctx, m, raw, unchecked, per[i], emit)
				if !ok {
					return false, nil
				}
				if err != nil {
					return end(nil)
				}
				continue
			}
			ok, err := rd.member(ctx, m, r, per[i], emit)
			r.Close()
			if !ok {
				return false, nil
			}
			if err != nil {
				return end(nil)
			}
		}
		return end(nil)
	}
	return end(fmt.Errorf("archive format %s not supported", kind))
}

// member emits one archive member's content: decompressed if it is a gzip
// or zstd file of its own, then read like any text.
func (rd *reader) member(ctx context.Context, m *input, r io.Reader, rec *containerMeta, emit func(*chunk) bool) (bool, error) {
	meta := &containerMeta{}
	emit = emitMetaAtEnd(m, meta, emit)
	var head [4]byte
	hn, err := io.ReadFull(r, head[:])
	first := &chunk{in: m, first: true, member: m.member, meta: rec}
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		first.last, first.err = true, archiveError(m.parent, err)
		return emit(first), first.err
	}
	first.comp = sniffCompression(head[:hn])
	var src io.Reader = io.MultiReader(bytes.NewReader(head[:hn]), r)
	if first.comp != plain {
		dec, hdr, err := openDecompressor(first.comp, src, meta)
		if err != nil {
			first.last, first.err = true, err
			return emit(first), err
		}
		defer dec.Close()
		src, first.hdr = dec, hdr
	}
	return rd.content(ctx, m, src, nil, nil, 0, first, emit)
}

// passThrough emits a member's bytes to be copied unchanged.
func (rd *reader) passThrough(ctx context.Context, m *input, r io.Reader, why string, rec *containerMeta, emit func(*chunk) bool) (bool, error) {
	c := &chunk{in: m, first: true, member: m.member, unchecked: why, meta: rec}
	var off int64
	for {
		buf, ok := rd.p.getBuf(ctx)
		if !ok {
			return false, nil
		}
		n, _, err := fill(r, buf, 0, nil)
		c.buf, c.data, c.offset, c.pass = buf, buf[:n], off, true
		if err != nil {
			c.last = true
			if err != io.EOF {
				c.err = archiveError(m.parent, readError(ctx, err))
			}
			return emit(c), c.err
		}
		if !emit(c) {
			return false, nil
		}
		off += int64(n)
		c = &chunk{in: m}
	}
}

// spoolFile copies r to an unlinked temporary file.
func spoolFile(r io.Reader) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "hush-archive-*")
	if err != nil {
		return nil, 0, fmt.Errorf("temporary file: %w", unwrapPath(err))
	}
	os.Remove(f.Name())
	n, err := io.Copy(f, r)
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, n, nil
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

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r io.ReaderAt
	n *atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	if c.n != nil {
		c.n.Add(int64(n))
	}
	return n, err
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// stickyErr returns r, or, when the first fill already ended with a
// failure, a reader that reports it.
func stickyErr(r io.Reader, err error) io.Reader {
	if err != nil && err != io.EOF {
		return errReader{err}
	}
	if err == io.EOF {
		return bytes.NewReader(nil)
	}
	return r
}
