package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// compression is the container format of an input, detected from its first
// bytes (never from its name), and written back the same way.
type compression int

const (
	plain compression = iota
	gzipped
	zstded
)

func (c compression) String() string {
	switch c {
	case gzipped:
		return "gzip"
	case zstded:
		return "zstd"
	}
	return "none"
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// sniffCompression reports the format whose magic number starts head.
func sniffCompression(head []byte) compression {
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		return gzipped
	case bytes.HasPrefix(head, zstdMagic),
		// A skippable frame may come first (pzstd starts with one).
		len(head) >= 4 && head[0]&0xF0 == 0x50 && bytes.Equal(head[1:4], []byte{0x2A, 0x4D, 0x18}):
		return zstded
	}
	return plain
}

// parseCompression reads the --compress flag.
func parseCompression(s string) (c compression, auto bool, err error) {
	switch s {
	case "", "auto":
		return plain, true, nil
	case "none":
		return plain, false, nil
	case "gzip":
		return gzipped, false, nil
	case "zstd":
		return zstded, false, nil
	}
	return plain, false, fmt.Errorf("--compress %q: want auto, none, gzip or zstd", s)
}

// decompressor is an io.Reader over the decompressed stream that must be
// closed to release its resources.
type decompressor interface {
	io.Reader
	Close() error
}

// openDecompressor returns a reader of the decompressed content of r, whose
// first bytes were already sniffed as c. Concatenated gzip members (as
// logrotate and `cat a.gz b.gz` produce) and zstd frames are read as one
// stream; what the stream holds besides content (the headers of gzip
// members after the first, zstd skippable frames) is recorded in meta as
// it is read (see containerMeta).
func openDecompressor(c compression, r io.Reader, meta *containerMeta) (decompressor, *gzip.Header, error) {
	switch c {
	case gzipped:
		z, err := newGzipMembers(r, meta)
		if err != nil {
			return nil, nil, fmt.Errorf("gzip header: %w", describeDecompressError(err))
		}
		h := z.z.Header
		return z, &h, nil
	case zstded:
		z, err := newZstdReader(r, meta)
		if err != nil {
			return nil, nil, fmt.Errorf("zstd header: %w", err)
		}
		return zstdReader{z}, nil, nil
	}
	return io.NopCloser(r), nil, nil
}

type zstdReader struct{ *zstd.Decoder }

func (z zstdReader) Close() error { z.Decoder.Close(); return nil }

// describeDecompressError turns the decoders' terse errors into ones that
// say what is wrong with the file.
func describeDecompressError(err error) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errors.New("truncated: the compressed stream ends early (was the file still being written, or cut by a transfer?)")
	case errors.Is(err, gzip.ErrChecksum):
		return errors.New("corrupt: checksum mismatch")
	case errors.Is(err, gzip.ErrHeader):
		return errors.New("corrupt: invalid gzip header")
	}
	return err
}

// compressor wraps w so that what is written to it is compressed as c. Its
// Close flushes the compressed stream but does not close w.
func compressor(c compression, w io.Writer, hdr *gzip.Header) (io.WriteCloser, error) {
	switch c {
	case gzipped:
		z := gzip.NewWriter(w)
		if hdr != nil {
			z.Name, z.ModTime, z.OS = hdr.Name, hdr.ModTime, hdr.OS
		}
		return z, nil
	case zstded:
		return zstd.NewWriter(w, zstd.WithEncoderConcurrency(1))
	}
	return nopWriteCloser{w}, nil
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
