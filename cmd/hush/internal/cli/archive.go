package cli

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Archives.
//
// A support bundle is a tar (often gzipped) or zip file of logs. hush opens
// it: every member is read like a file of its own (decompressed, decoded,
// scrubbed or scanned, with findings named ARCHIVE!MEMBER), and scrub writes
// the archive back in the same format, member by member in the same order,
// with the sizes and checksums of the new contents. Entries without content
// (directories, links, devices) are copied as they are. A member hush cannot
// check (binary, an archive inside the archive, a zip entry encrypted or
// compressed with a method Go does not read) is copied unchanged and
// reported as not checked, which fails the run: hush never calls clean what
// it did not look at.

// archiveKind is the container format of an input, detected from its
// content after decompression.
type archiveKind int

const (
	noArchive archiveKind = iota
	tarArchive
	zipArchive
)

func (k archiveKind) String() string {
	switch k {
	case tarArchive:
		return "tar"
	case zipArchive:
		return "zip"
	}
	return "none"
}

// sniffArchive recognises a tar archive (POSIX ustar or GNU magic in the
// first header block, or a magic-less V7 header with its checksum right)
// or a zip file (a local file header, or the end record
// of an empty zip) from the first bytes of a stream.
func sniffArchive(head []byte) archiveKind {
	switch {
	case len(head) >= 263 && (bytes.Equal(head[257:263], []byte("ustar\x00")) || bytes.Equal(head[257:263], []byte("ustar "))):
		return tarArchive
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return zipArchive
	case len(head) >= 512 && tarV7Header(head[:512]):
		return tarArchive
	}
	return noArchive
}

// tarV7Header reports whether blk is a tar header without a format's magic
// (as the original Unix tar, and `tar --format=v7`, write it): a name, a
// known entry type, and the checksum of the block in its field.
func tarV7Header(blk []byte) bool {
	if blk[0] == 0 || !bytes.ContainsRune([]byte("\x0001234567"), rune(blk[156])) {
		return false
	}
	field := bytes.Trim(blk[148:156], " \x00")
	if len(field) == 0 {
		return false
	}
	want := 0
	for _, c := range field {
		if c < '0' || c > '7' {
			return false
		}
		want = want*8 + int(c-'0')
	}
	unsigned, signed := 0, 0
	for i, c := range blk {
		if i >= 148 && i < 156 {
			c = ' '
		}
		unsigned += int(c)
		signed += int(int8(c))
	}
	return want == unsigned || want == signed
}

// unsupportedFormats are compressed and archive formats hush recognises
// but cannot open. They are refused, even with --binary: scrubbing their
// bytes would corrupt them, and scanning them would find nothing.
var unsupportedFormats = []struct {
	magic []byte
	name  string
	hint  string
}{
	{[]byte{0xFD, '7', 'z', 'X', 'Z', 0x00}, "xz-compressed", "xz -d"},
	{[]byte("BZh"), "bzip2-compressed", "bunzip2"}, // checked further in sniffUnsupported
	{[]byte{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C}, "a 7-Zip archive", "7z x"},
	{[]byte("Rar!\x1A\x07"), "a RAR archive", "unrar x"},
	{[]byte{0x04, 0x22, 0x4D, 0x18}, "lz4-compressed", "lz4 -d"},
	{[]byte{0x5D, 0x00, 0x00}, "lzma-compressed", "unlzma"},
}

// sniffUnsupported returns an error saying what the data is and how to
// make it readable, for a format hush cannot open; nil otherwise.
func sniffUnsupported(head []byte) error {
	for _, f := range unsupportedFormats {
		if !bytes.HasPrefix(head, f.magic) {
			continue
		}
		// "BZh" could begin a text line: bzip2 has a block size digit and
		// a block magic after it.
		if f.name == "bzip2-compressed" && (len(head) < 10 || head[3] < '1' || head[3] > '9' ||
			!bytes.Equal(head[4:10], []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}) && !bytes.Equal(head[4:10], []byte{0x17, 0x72, 0x45, 0x38, 0x50, 0x90})) {
			continue
		}
		return fmt.Errorf("%s: hush cannot read it, so it was not checked (decompress it first: %s)", f.name, f.hint)
	}
	return nil
}

// member is one entry of an archive, as read.
type member struct {
	tar *tar.Header
	zip *zip.FileHeader
	// raw is set for a zip entry whose stored (compressed or encrypted)
	// bytes are copied as they are.
	raw bool
}

// describeArchiveError says what is wrong with an archive that could not
// be read to its end.
func describeArchiveError(kind archiveKind, err error) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s archive truncated: it ends in the middle of an entry (was it still being written, or cut by a transfer?)", kind)
	case errors.Is(err, tar.ErrHeader):
		return fmt.Errorf("%s archive corrupt: invalid entry header", kind)
	case errors.Is(err, zip.ErrFormat):
		return fmt.Errorf("%s archive corrupt or truncated: no valid central directory", kind)
	case errors.Is(err, zip.ErrChecksum):
		return fmt.Errorf("%s archive corrupt: checksum mismatch", kind)
	}
	return fmt.Errorf("%s archive: %w", kind, err)
}

// archiveWriter writes an archive back, member by member, in order.
type archiveWriter interface {
	// begin starts a member with content and returns where to write it.
	begin(m *member) (io.Writer, error)
	// end completes the member begun last.
	end(m *member) error
	// entry writes a member without content (a directory, a link).
	entry(m *member) error
	// close writes the archive's trailer; it does not close the
	// underlying writer.
	close() error
}

func newArchiveWriter(kind archiveKind, w io.Writer, zipComment string) (archiveWriter, error) {
	switch kind {
	case tarArchive:
		return &tarWriter{tw: tar.NewWriter(w)}, nil
	case zipArchive:
		zw := zip.NewWriter(w)
		if err := zw.SetComment(zipComment); err != nil {
			return nil, err
		}
		return &zipWriter{zw: zw}, nil
	}
	return nil, fmt.Errorf("no writer for archive format %s", kind)
}

// tarWriter writes a tar archive. A tar header holds the size of the
// content that follows it, and a scrubbed member's size is known only at
// its end, so each member is spooled (in memory, or in an unlinked
// temporary file when large) and written after its header.
type tarWriter struct {
	tw    *tar.Writer
	spool spool
}

func (t *tarWriter) begin(*member) (io.Writer, error) {
	t.spool.reset()
	return &t.spool, nil
}

func (t *tarWriter) end(m *member) error {
	if t.spool.err != nil {
		return t.spool.err
	}
	h := tarHeader(m.tar)
	h.Size = t.spool.n
	if err := t.tw.WriteHeader(h); err != nil {
		return fmt.Errorf("tar header of %s: %w", h.Name, err)
	}
	return t.spool.copyTo(t.tw)
}

func (t *tarWriter) entry(m *member) error {
	h := tarHeader(m.tar)
	if err := t.tw.WriteHeader(h); err != nil {
		return fmt.Errorf("tar header of %s: %w", h.Name, err)
	}
	return nil
}

func (t *tarWriter) close() error {
	t.spool.release()
	return t.tw.Close()
}

// tarHeader copies a header read for writing: a sparse file was expanded
// by the reader and is written as a regular file, and the size comes from
// the new content, not from the old PAX record.
func tarHeader(in *tar.Header) *tar.Header {
	h := *in
	//lint:ignore SA1019 archives written by old tools still carry TypeRegA ('\x00'); it is written back as TypeReg
	if h.Typeflag == tar.TypeGNUSparse || h.Typeflag == tar.TypeRegA {
		h.Typeflag = tar.TypeReg
	}
	if len(h.PAXRecords) > 0 {
		h.PAXRecords = make(map[string]string, len(in.PAXRecords))
		for k, v := range in.PAXRecords {
			if k != "size" && k != "GNU.sparse.size" && k != "GNU.sparse.realsize" {
				h.PAXRecords[k] = v
			}
		}
	}
	return &h
}

// tarSparse reports whether a tar entry is a sparse file, in the old GNU
// format or the PAX one.
func tarSparse(h *tar.Header) bool {
	if h.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// tarHasContent reports whether a tar entry carries file content: a
// regular file, or an entry of any other type that archive/tar reads data
// for (a type it does not know, with a size), which would otherwise be
// skipped unseen.
func tarHasContent(h *tar.Header) bool {
	switch h.Typeflag {
	//lint:ignore SA1019 archives written by old tools still carry TypeRegA ('\x00')
	case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse, tar.TypeCont:
		return true
	}
	return !tarHeaderOnly(h.Typeflag) && h.Size > 0
}

// zipWriter writes a zip archive: each member with its name, times,
// attributes and compression method, and the CRC-32 and sizes of its new
// content (in a data descriptor, so nothing is buffered).
type zipWriter struct {
	zw *zip.Writer
}

func (z *zipWriter) begin(m *member) (io.Writer, error) {
	if m.raw {
		fh := *m.zip
		return z.zw.CreateRaw(&fh)
	}
	return z.zw.CreateHeader(zipHeader(m.zip))
}

func (z *zipWriter) end(*member) error { return nil }

func (z *zipWriter) entry(m *member) error {
	_, err := z.zw.CreateHeader(zipHeader(m.zip))
	return err
}

func (z *zipWriter) close() error { return z.zw.Close() }

// zipHeader copies a header read for writing new content: the writer
// computes the checksum and sizes; the extra fields (which may hold the old
// sizes, zip64) are dropped.
func zipHeader(in *zip.FileHeader) *zip.FileHeader {
	h := *in
	//lint:ignore SA1019 the legacy 32-bit sizes are cleared too, so that no stale size is written
	h.CRC32, h.CompressedSize, h.CompressedSize64, h.UncompressedSize, h.UncompressedSize64 = 0, 0, 0, 0, 0
	h.Extra = nil
	h.Flags &^= 0x8 // data descriptor: the writer sets it
	if h.Method != zip.Store {
		h.Method = zip.Deflate
	}
	return &h
}

// spoolMem is how much of a member a spool keeps in memory before it moves
// to a temporary file.
const spoolMem = 8 << 20

// spool holds one member's content until its size is known.
type spool struct {
	mem bytes.Buffer
	f   *os.File
	n   int64
	err error
}

func (s *spool) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.f == nil && s.mem.Len()+len(p) > spoolMem {
		if s.err = s.spill(); s.err != nil {
			return 0, s.err
		}
	}
	s.n += int64(len(p))
	if s.f != nil {
		n, err := s.f.Write(p)
		if err != nil {
			s.err = fmt.Errorf("temporary file: %w", unwrapPath(err))
		}
		return n, s.err
	}
	return s.mem.Write(p)
}

// spill moves the spool to a temporary file, unlinked at once so that
// nothing is left behind whatever happens to the process.
func (s *spool) spill() error {
	f, err := os.CreateTemp("", "hush-member-*")
	if err != nil {
		return fmt.Errorf("temporary file for an archive member: %w", unwrapPath(err))
	}
	os.Remove(f.Name())
	if _, err := f.Write(s.mem.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("temporary file: %w", unwrapPath(err))
	}
	s.mem.Reset()
	s.f = f
	return nil
}

func (s *spool) reset() {
	s.mem.Reset()
	s.n, s.err = 0, nil
	if s.f != nil {
		if err := s.f.Truncate(0); err == nil {
			_, err = s.f.Seek(0, io.SeekStart)
			s.err = err
		} else {
			s.err = err
		}
	}
}

func (s *spool) copyTo(w io.Writer) error {
	if s.f == nil {
		_, err := w.Write(s.mem.Bytes())
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, s.f)
	return err
}

func (s *spool) release() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
	s.mem = bytes.Buffer{}
}

// tarBlocks reads a tar stream for archive/tar and checks what it does not:
// that the archive ends with its end-of-archive marker (two zero blocks),
// and that nothing but zeros follows it. archive/tar reports a stream that
// simply stops after a member, or after one zero block, as a clean end, and
// never reads past the marker; either way bytes hush did not check (a cut
// transfer, a second archive appended, a compressed stream's broken tail)
// would pass as a fully checked archive, and scrub would write the archive
// back without them.
//
// It also records, on demand, what is read between two members' contents
// (see tarRecords).
type tarBlocks struct {
	r    io.Reader
	n    int64         // bytes read
	tail [2 * 512]byte // the last bytes read, tail[:tn]
	tn   int

	recording bool
	rec       []byte
	recBig    bool // more than metaMax bytes: not kept
}

// record starts recording what is read.
func (t *tarBlocks) record() {
	t.recording, t.rec, t.recBig = true, t.rec[:0], false
}

// stop ends the recording and returns what was read since record, valid
// until the next record, and whether it was too large to keep.
func (t *tarBlocks) stop() ([]byte, bool) {
	t.recording = false
	return t.rec, t.recBig
}

func (t *tarBlocks) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if t.recording && !t.recBig {
		if len(t.rec)+n > metaMax {
			t.recBig, t.rec = true, nil
		} else {
			t.rec = append(t.rec, p[:n]...)
		}
	}
	t.n += int64(n)
	if n >= len(t.tail) {
		t.tn = copy(t.tail[:], p[n-len(t.tail):n])
	} else if n > 0 {
		keep := min(t.tn, len(t.tail)-n)
		copy(t.tail[:], t.tail[t.tn-keep:t.tn])
		t.tn = keep + copy(t.tail[keep:], p[:n])
	}
	return n, err
}

// finish checks the end of the archive once archive/tar has reported it,
// dataEnd being where the last member's content ended: the next header
// must have been the two zero blocks of the marker, and the rest of the
// stream (the padding to a record) zeros. It reads the rest of the stream,
// so a compressed stream's own end is checked too: a failure to read it is
// returned as rerr, what is wrong with the archive as bad.
func (t *tarBlocks) finish(dataEnd int64) (bad, rerr error) {
	marker := (dataEnd+511)/512*512 + 2*512
	if t.n < marker || t.tn < len(t.tail) || firstNonZero(t.tail[:]) >= 0 {
		return fmt.Errorf("tar archive truncated: it ends after %d bytes without its end-of-archive marker (was it still being written, or cut by a transfer?)", t.n), nil
	}
	at := t.n
	buf := make([]byte, 32<<10)
	for {
		n, err := t.r.Read(buf)
		if i := firstNonZero(buf[:n]); i >= 0 {
			return fmt.Errorf("data after the end of the tar archive (at offset %d) was not checked, and would not be written back: was another archive appended?", at+int64(i)), nil
		}
		at += int64(n)
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// firstNonZero returns the index of the first byte of b that is not 0, or
// -1.
func firstNonZero(b []byte) int {
	for i, c := range b {
		if c != 0 {
			return i
		}
	}
	return -1
}
