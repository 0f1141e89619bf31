package cli

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"cmp"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"slices"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Container bytes.
//
// A container holds bytes that are not any entry's content: the headers of
// the second and later members of a gzip file, the payload of a zstd
// skippable frame, a tar header's bytes the reader ignores and the padding
// after a member, a zip file's local headers, extra fields, data
// descriptors, directory records and any bytes between them. The decoders
// skip them, so they would pass as checked. hush checks each of them for
// secrets: scan reports what they hold, and scrub never writes them back
// (the writers make new headers and frames; a secret found in them counts
// as redacted). Bytes hush cannot tell the meaning of — in a zip, bytes
// that belong to no record (what a self-extracting stub, a signing block or
// a hidden entry leaves) — are checked as text, and unless they are all
// zeros the file is reported as not fully checked: scan cannot call it
// clean, and scrub does not write it.

// containerMeta collects the bytes of one container (an input, or an
// archive member's compression) that are not content, as its reader meets
// them. The reader attaches it to the chunk it belongs to: the first chunk
// of an archive or member (zip and tar records, known before the content),
// or the last chunk of a compressed stream (gzip member headers and zstd
// skippable frames, known once it is read to its end).
type containerMeta struct {
	parts []metaPart
	// unchecked says why some bytes could not be checked.
	unchecked []string
	// size counts the bytes held in parts, bounded by metaMax.
	size int64
}

// metaPart is one run of a container's bytes that is not content.
type metaPart struct {
	where string // Finding.In: "gzip header", "zstd skippable frame", ...
	data  []byte
}

// metaMax bounds the bytes a container's meta holds; a container with more
// bytes outside its entries is reported as not fully checked.
const metaMax = 16 << 20

func (m *containerMeta) add(where string, b []byte) {
	if len(b) == 0 {
		return
	}
	if m.size+int64(len(b)) > metaMax {
		m.refuse(fmt.Sprintf("%s of %s: too large for hush to check", where, humanBytes(int64(len(b)))))
		return
	}
	m.size += int64(len(b))
	m.parts = append(m.parts, metaPart{where: where, data: b})
}

func (m *containerMeta) refuse(why string) {
	m.unchecked = append(m.unchecked, why)
}

func (m *containerMeta) empty() bool {
	return m == nil || len(m.parts) == 0 && len(m.unchecked) == 0
}

// latin1 returns a gzip header string as the bytes it was stored as: the
// reader decodes them as ISO 8859-1, so a secret written there in UTF-8
// comes out as other characters.
func latin1(s string) []byte {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			return []byte(s)
		}
		b = append(b, byte(r))
	}
	return b
}

// addGzipHeader records what a gzip member's header holds besides numbers.
func (m *containerMeta) addGzipHeader(h *gzip.Header) {
	for _, s := range []string{h.Name, h.Comment} {
		b := latin1(s)
		m.add("gzip header", b)
		if string(b) != s {
			m.add("gzip header", []byte(s))
		}
	}
	m.add("gzip header", h.Extra)
}

// gzipMembers reads a gzip file of one or more members (as logrotate and
// `cat a.gz b.gz` make) as one stream, recording the header of each member
// after the first (the first one's is the chunk's hdr). The decoder's own
// multistream reading drops those headers unseen.
type gzipMembers struct {
	br   *bufio.Reader
	z    *gzip.Reader
	meta *containerMeta
}

func newGzipMembers(r io.Reader, meta *containerMeta) (*gzipMembers, error) {
	br := bufio.NewReader(r)
	z, err := gzip.NewReader(br)
	if err != nil {
		return nil, err
	}
	z.Multistream(false)
	return &gzipMembers{br: br, z: z, meta: meta}, nil
}

func (g *gzipMembers) Read(p []byte) (int, error) {
	for {
		n, err := g.z.Read(p)
		if err != io.EOF {
			return n, err
		}
		// The end of a member: another one, or the end of the file.
		if err := g.z.Reset(g.br); err != nil {
			return n, err // io.EOF at the end; ErrHeader for trailing bytes
		}
		g.z.Multistream(false)
		g.meta.addGzipHeader(&g.z.Header)
		if n > 0 {
			return n, nil
		}
	}
}

func (g *gzipMembers) Close() error { return g.z.Close() }

// zstdFrames passes a zstd stream through unchanged while following its
// frames, so that the payload of each skippable frame (which the decoder
// skips unseen: any bytes at all, 4 GB of them) is recorded. It only
// follows sizes; the decoder checks everything else.
type zstdFrames struct {
	r    io.Reader
	meta *containerMeta

	state   int    // what the next bytes are: see the zs* constants
	need    int64  // bytes left in the current field
	hdr     []byte // the field being gathered (magic, frame header, block header)
	flags   byte   // the frame header descriptor
	last    bool   // the block being read is the frame's last
	skip    []byte // the skippable payload being gathered
	skipBig bool   // the payload is too large to keep
}

const (
	zsMagic    = iota // 4 bytes of magic number
	zsSkipSize        // 4 bytes: a skippable frame's payload size
	zsSkip            // the skippable payload
	zsFHD             // 1 byte: frame header descriptor
	zsFrameHdr        // the rest of the frame header
	zsBlockHdr        // 3 bytes: a block header
	zsBlock           // a block's body
	zsChecksum        // 4 bytes: content checksum
	zsUnknown         // not zstd: the decoder fails on it
)

func newZstdFrames(r io.Reader, meta *containerMeta) *zstdFrames {
	return &zstdFrames{r: r, meta: meta, state: zsMagic, need: 4}
}

func (z *zstdFrames) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	z.follow(p[:n])
	if err == io.EOF && z.state == zsSkip {
		z.endSkip() // cut short: the decoder reports it
	}
	return n, err
}

func (z *zstdFrames) follow(b []byte) {
	for len(b) > 0 && z.state != zsUnknown {
		k := int(min(z.need, int64(len(b))))
		switch z.state {
		case zsSkip:
			if !z.skipBig {
				if int64(len(z.skip)+k) > metaMax {
					z.skipBig = true
					z.skip = nil
				} else {
					z.skip = append(z.skip, b[:k]...)
				}
			}
		case zsBlock:
		default:
			z.hdr = append(z.hdr, b[:k]...)
		}
		b = b[k:]
		z.need -= int64(k)
		if z.need == 0 {
			z.next()
		}
	}
}

// next moves on once the current field is complete.
func (z *zstdFrames) next() {
	h := z.hdr
	z.hdr = z.hdr[:0]
	switch z.state {
	case zsMagic:
		switch m := binary.LittleEndian.Uint32(h); {
		case m&0xFFFFFFF0 == 0x184D2A50:
			z.state, z.need = zsSkipSize, 4
		case m == 0xFD2FB528:
			z.state, z.need = zsFHD, 1
		default:
			z.state = zsUnknown
		}
	case zsSkipSize:
		z.state, z.need = zsSkip, int64(binary.LittleEndian.Uint32(h))
		z.skip, z.skipBig = nil, false
		if z.need == 0 {
			z.endSkip()
		}
	case zsSkip:
		z.endSkip()
	case zsFHD:
		z.flags = h[0]
		single := z.flags&0x20 != 0
		n := int64([]int{0, 1, 2, 4}[z.flags&3])
		switch z.flags >> 6 {
		case 0:
			if single {
				n++
			}
		case 1:
			n += 2
		case 2:
			n += 4
		case 3:
			n += 8
		}
		if !single {
			n++ // window descriptor
		}
		z.state, z.need = zsFrameHdr, n
		if n == 0 {
			z.state, z.need = zsBlockHdr, 3
		}
	case zsFrameHdr:
		z.state, z.need = zsBlockHdr, 3
	case zsBlockHdr:
		bh := uint32(h[0]) | uint32(h[1])<<8 | uint32(h[2])<<16
		size := int64(bh >> 3)
		switch (bh >> 1) & 3 {
		case 1: // RLE: one byte repeated
			size = 1
		case 3:
			z.state = zsUnknown
			return
		}
		last := bh&1 != 0
		switch {
		case size > 0:
			z.state, z.need, z.last = zsBlock, size, last
		case last:
			z.endFrame()
		default:
			z.state, z.need = zsBlockHdr, 3
		}
	case zsBlock:
		if z.last {
			z.endFrame()
		} else {
			z.state, z.need = zsBlockHdr, 3
		}
	case zsChecksum:
		z.state, z.need = zsMagic, 4
	}
}

func (z *zstdFrames) endFrame() {
	if z.flags&0x04 != 0 {
		z.state, z.need = zsChecksum, 4
		return
	}
	z.state, z.need = zsMagic, 4
}

func (z *zstdFrames) endSkip() {
	if z.skipBig {
		z.meta.refuse("a zstd skippable frame too large for hush to check")
	} else {
		z.meta.add("zstd skippable frame", z.skip)
	}
	z.skip, z.skipBig = nil, false
	z.state, z.need = zsMagic, 4
}

// newZstdReader returns the decoder of a zstd stream whose skippable
// frames are recorded in meta.
func newZstdReader(r io.Reader, meta *containerMeta) (*zstd.Decoder, error) {
	// One goroutine: the scrubbing workers want the cores.
	return zstd.NewReader(newZstdFrames(r, meta), zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
}

// merge returns the parts and reasons of m and o together; either may be
// nil or empty.
func (m *containerMeta) merge(o *containerMeta) *containerMeta {
	switch {
	case o.empty():
		return m
	case m.empty():
		return o
	}
	return &containerMeta{
		parts:     append(append([]metaPart(nil), m.parts...), o.parts...),
		unchecked: append(append([]string(nil), m.unchecked...), o.unchecked...),
		size:      m.size + o.size,
	}
}

// tarRecords returns what a tar reader read between one member's content
// and the next one's (rec, from offset start of the archive): the padding
// that completes the previous content to a block, which must be zeros, and
// the header blocks (with any PAX records and GNU long names) of the next
// member, whose bytes the reader does not all use (the rest of a name field
// after its NUL, a PAX record given twice, the header's unused fields).
func tarRecords(start int64, rec []byte, big bool) *containerMeta {
	meta := &containerMeta{}
	if big {
		meta.refuse(fmt.Sprintf("the tar headers at offset %d are too large for hush to check", start))
		return meta
	}
	rec = bytes.Clone(rec) // the recording's buffer is reused
	pad := int((512 - start%512) % 512)
	pad = min(pad, len(rec))
	if i := firstNonZero(rec[:pad]); i >= 0 {
		meta.add("tar padding", rec[:pad])
		meta.refuse(fmt.Sprintf("the padding after a member's content (at offset %d) is not zeros: hush cannot tell what it holds", start+int64(i)))
	}
	if firstNonZero(rec[pad:]) >= 0 {
		meta.add("tar header", rec[pad:])
	}
	return meta
}

// tarHeaderOnly reports whether a tar entry type never has content
// (archive/tar reads none for it, whatever its size says).
func tarHeaderOnly(flag byte) bool {
	switch flag {
	case tar.TypeLink, tar.TypeSymlink, tar.TypeChar, tar.TypeBlock, tar.TypeDir, tar.TypeFifo:
		return true
	}
	return false
}

// zipRecords reads the records of a zip file that zip.Reader read (files,
// in the order of its central directory) and returns what they hold besides
// the entries' contents: for each entry, its local header (and the name
// there, when it is not the directory's), its data descriptor, its directory
// record's fixed fields and extra field (the name and comment are checked as
// names); for the archive, the end records, and every byte that belongs to
// no record (before the first entry, between entries, after the end).
func zipRecords(ra io.ReaderAt, size int64, files []*zip.File) (arch *containerMeta, per []*containerMeta, err error) {
	arch = &containerMeta{}
	per = make([]*containerMeta, len(files))
	read := func(off, n int64) ([]byte, error) {
		if off < 0 || n < 0 || off > size || n > size-off {
			return nil, zip.ErrFormat
		}
		b := make([]byte, n)
		if _, err := ra.ReadAt(b, off); err != nil && !(err == io.EOF && off+n == size) {
			return nil, err
		}
		return b, nil
	}
	type span struct{ from, to int64 }
	var used []span
	cover := func(from, to int64) { used = append(used, span{from, to}) }

	// The end record, found as zip.Reader finds it: the last signature in
	// the last 65 KB whose comment fits in the file.
	tailN := min(size, 65*1024)
	tail, err := read(size-tailN, tailN)
	if err != nil {
		return nil, nil, err
	}
	p := -1
	for i := len(tail) - 22; i >= 0; i-- {
		if string(tail[i:i+4]) == "PK\x05\x06" {
			if n := int(binary.LittleEndian.Uint16(tail[i+20:])); i+22+n <= len(tail) {
				p = i
				break
			}
		}
	}
	if p < 0 {
		return nil, nil, zip.ErrFormat
	}
	eocd := size - tailN + int64(p)
	e := tail[p:]
	commentLen := int64(binary.LittleEndian.Uint16(e[20:]))
	cover(eocd, eocd+22+commentLen)
	arch.add("zip header", bytes.Clone(e[:22]))
	records := uint64(binary.LittleEndian.Uint16(e[10:]))
	dirSize := uint64(binary.LittleEndian.Uint32(e[12:]))
	dirOff := uint64(binary.LittleEndian.Uint32(e[16:]))
	dirEnd := eocd
	if records == 0xffff || dirSize == 0xffff || dirOff == 0xffffffff {
		// zip64: a locator before the end record points to a larger one.
		if loc, err := read(eocd-20, 20); err == nil && string(loc[:4]) == "PK\x06\x07" &&
			binary.LittleEndian.Uint32(loc[4:]) == 0 && binary.LittleEndian.Uint32(loc[16:]) == 1 {
			at := int64(binary.LittleEndian.Uint64(loc[8:]))
			r64, err := read(at, 56)
			if err != nil || string(r64[:4]) != "PK\x06\x06" {
				return nil, nil, zip.ErrFormat
			}
			cover(eocd-20, eocd)
			// The record's "extensible data" after its 56 bytes is left
			// uncovered: it is free bytes, checked as bytes outside the
			// records.
			cover(at, at+56)
			arch.add("zip header", loc)
			arch.add("zip header", r64)
			dirSize = binary.LittleEndian.Uint64(r64[40:])
			dirOff = binary.LittleEndian.Uint64(r64[48:])
			dirEnd = at
		}
	}
	if dirSize > 1<<62 || dirOff > 1<<62 {
		return nil, nil, zip.ErrFormat
	}
	base := dirEnd - int64(dirSize) - int64(dirOff)
	if base > 0 {
		if h, err := read(int64(dirOff), 4); err == nil && string(h) == "PK\x01\x02" {
			base = 0
		}
	}

	// The central directory, record by record.
	at := base + int64(dirOff)
	dirStart := at
	for i, f := range files {
		m := &containerMeta{}
		per[i] = m
		c, err := read(at, 46)
		if err != nil || string(c[:4]) != "PK\x01\x02" {
			return nil, nil, zip.ErrFormat
		}
		n, x, k := int64(binary.LittleEndian.Uint16(c[28:])), int64(binary.LittleEndian.Uint16(c[30:])), int64(binary.LittleEndian.Uint16(c[32:]))
		extra, err := read(at+46+n, x)
		if err != nil {
			return nil, nil, err
		}
		// The entry's records are checked as one text (one search instead
		// of six), their pieces kept apart by NUL bytes.
		var recs []byte
		piece := func(b []byte) {
			if len(b) > 0 {
				recs = append(append(recs, b...), zipSep...)
			}
		}
		piece(c)
		piece(extra)
		at += 46 + n + x + k

		local := int64(binary.LittleEndian.Uint32(c[42:]))
		if local == 0xffffffff {
			local = zip64Offset(c, extra)
		}
		local += base
		lh, err := read(local, 30)
		if err != nil || string(lh[:4]) != "PK\x03\x04" {
			return nil, nil, zip.ErrFormat
		}
		ln, lx := int64(binary.LittleEndian.Uint16(lh[26:])), int64(binary.LittleEndian.Uint16(lh[28:]))
		rest, err := read(local+30, ln+lx)
		if err != nil {
			return nil, nil, err
		}
		piece(lh)
		if string(rest[:ln]) != f.Name {
			piece(rest[:ln])
		}
		piece(rest[ln:])
		data := local + 30 + ln + lx
		end := data + int64(f.CompressedSize64)
		if !f.FileInfo().IsDir() || emptyDirData(ra, f, data) {
			cover(local, end)
		} else {
			cover(local, data)
		}
		// Else a directory's data, which is no content: left uncovered,
		// checked as bytes outside the records.
		if f.Flags&0x8 != 0 {
			// A zip64 entry (by its sizes, or a zip64 extra field in its
			// local header, as streaming writers make) has 8-byte sizes.
			n := int64(12)
			if f.CompressedSize64 >= 0xffffffff || f.UncompressedSize64 >= 0xffffffff || hasZipExtra(rest[ln:], 0x0001) {
				n = 20
			}
			if sig, err := read(end, 4); err == nil && string(sig) == "PK\x07\x08" {
				n += 4
			}
			if d, err := read(end, min(n, size-end)); err == nil {
				cover(end, end+int64(len(d)))
				piece(d)
			}
		}
		m.add("zip header", recs)
	}
	cover(dirStart, at)

	// Every byte outside the records.
	slices.SortFunc(used, func(a, b span) int { return cmp.Compare(a.from, b.from) })
	gap := func(from, to int64) error {
		if to <= from {
			return nil
		}
		if to-from > metaMax {
			// Too large to keep: fine if zeros, else not checked.
			for at := from; at < to; at += 1 << 20 {
				b, err := read(at, min(1<<20, to-at))
				if err != nil {
					return err
				}
				if i := firstNonZero(b); i >= 0 {
					arch.refuse(fmt.Sprintf("%s at offset %d belong to no zip record (a self-extracting stub, a signing block, a hidden entry?): hush cannot tell what they hold", humanBytes(to-from), at+int64(i)))
					return nil
				}
			}
			return nil
		}
		b, err := read(from, to-from)
		if err != nil {
			return err
		}
		if i := firstNonZero(b); i >= 0 {
			arch.add("zip data outside its records", b)
			arch.refuse(fmt.Sprintf("%s at offset %d belong to no zip record (a self-extracting stub, a signing block, a hidden entry?): hush cannot tell what they hold", humanBytes(to-from), from+int64(i)))
		}
		return nil
	}
	pos := int64(0)
	for _, s := range used {
		if err := gap(pos, s.from); err != nil {
			return nil, nil, err
		}
		pos = max(pos, s.to)
	}
	if err := gap(pos, size); err != nil {
		return nil, nil, err
	}
	return arch, per, nil
}

// zipSep keeps the pieces of an entry's records apart when they are
// checked as one text.
var zipSep = make([]byte, 8)

// zip64Offset returns the local header offset a directory record's zip64
// extra field gives (its sizes come first when the record's own are full).
func zip64Offset(c, extra []byte) int64 {
	for b := extra; len(b) >= 4; {
		id, n := binary.LittleEndian.Uint16(b), int(binary.LittleEndian.Uint16(b[2:]))
		if len(b) < 4+n {
			break
		}
		if id == 0x0001 {
			f := b[4 : 4+n]
			if binary.LittleEndian.Uint32(c[24:]) == 0xffffffff {
				f = f[min(8, len(f)):]
			}
			if binary.LittleEndian.Uint32(c[20:]) == 0xffffffff {
				f = f[min(8, len(f)):]
			}
			if len(f) >= 8 {
				return int64(binary.LittleEndian.Uint64(f))
			}
		}
		b = b[4+n:]
	}
	return 0xffffffff
}

// zipWithPrefix reports whether a file that does not begin as a zip file is
// one after other bytes, as a self-extracting archive is: read byte for
// byte, its entries' compressed contents would pass unseen.
func zipWithPrefix(ra io.ReaderAt, size int64) bool {
	zr, err := zip.NewReader(ra, size)
	return err == nil && len(zr.File) > 0
}

// hasZipExtra reports whether a zip extra field has a record of the id.
func hasZipExtra(extra []byte, id uint16) bool {
	for b := extra; len(b) >= 4; {
		n := int(binary.LittleEndian.Uint16(b[2:]))
		if binary.LittleEndian.Uint16(b) == id {
			return true
		}
		if len(b) < 4+n {
			break
		}
		b = b[4+n:]
	}
	return false
}

// emptyDirData reports whether a directory entry's data (at off) is
// nothing, or a compressed stream of nothing (jar deflates its
// directories: two bytes).
func emptyDirData(ra io.ReaderAt, f *zip.File, off int64) bool {
	switch {
	case f.CompressedSize64 == 0:
		return true
	case f.UncompressedSize64 != 0 || f.CompressedSize64 > 64 || f.Method != zip.Deflate:
		return false
	}
	b := make([]byte, f.CompressedSize64)
	if _, err := ra.ReadAt(b, off); err != nil {
		return false
	}
	r := bytes.NewReader(b)
	n, err := io.Copy(io.Discard, flate.NewReader(r))
	return err == nil && n == 0 && r.Len() == 0
}
