package cli

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/hushlog/hush/redact"
)

// Containers with a secret in their bytes that are not any entry's
// content: every place of every format hush opens.

// cbClean is the content of every entry: no secret in it.
const cbClean = "nothing here\n"

// cbSecrets are the test secrets and one that is not ASCII (a gzip header
// stores names as Latin-1: its UTF-8 bytes are read as other characters).
var cbSecrets = append(append([]redact.Secret(nil), testSecrets...), redact.Secret{Name: "test/latin", Value: "pässwörd-Ünïcode-42"})

// cbCase is a place in a container. build makes the container with v (a
// secret, or filler bytes of the same length) in that place.
type cbCase struct {
	name string // format/place
	ext  string // the file's extension: how its output is checked
	// build makes the container with v in the place.
	build func(t *testing.T, v string) []byte
	// value is the secret placed (index in cbSecrets).
	value int
	// unchecked: the place holds bytes hush cannot tell the meaning of;
	// scan may exit 4 rather than find the secret, and the same place
	// filled with non-zero bytes is not clean either. Otherwise scan must
	// find the secret (exit 1), and the place filled with "x" is clean.
	unchecked bool
	// zeros: the place filled with zeros is a clean, fully checked file.
	zeros bool
}

func gzBytes(t *testing.T, members ...func(z *gzip.Writer)) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, m := range members {
		z := gzip.NewWriter(&b)
		m(z)
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func gzBody(body string) func(*gzip.Writer) {
	return func(z *gzip.Writer) { z.Write([]byte(body)) }
}

func zstdFrame(t *testing.T, body string) []byte {
	t.Helper()
	var b bytes.Buffer
	z, err := zstd.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	z.Write([]byte(body))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// skippable is a zstd skippable frame holding payload.
func skippable(payload string) []byte {
	b := binary.LittleEndian.AppendUint32(nil, 0x184D2A5A)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(payload)))
	return append(b, payload...)
}

func tarOf(t *testing.T, hdrs ...*tar.Header) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range hdrs {
		body := cbClean
		if h.Size == 0 && !tarHeaderOnly(h.Typeflag) {
			h.Size = int64(len(body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body)[:h.Size])
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tarChecksum writes a tar header block's checksum again after an edit.
func tarChecksum(blk []byte) {
	copy(blk[148:156], "        ")
	sum := 0
	for _, c := range blk[:512] {
		sum += int(c)
	}
	copy(blk[148:156], fmt.Sprintf("%06o\x00 ", sum))
}

// hzEntry is an entry of a zip built by hand, stored, for the fields
// archive/zip cannot write.
type hzEntry struct {
	name, data   string
	localName    string // if set, the local header's name
	localExtra   []byte
	centralExtra []byte
	comment      string
	descriptor   bool
	dir          bool   // a directory (its data, if any, is in no entry)
	before       []byte // bytes before its local header
	localFixed   []byte // if set, bytes 4.. of its local header
	hidden       bool   // in no directory record
	deflate      bool
}

type hzip struct {
	entries     []hzEntry
	beforeDir   []byte // between the last entry and the directory
	beforeEnd   []byte // between the directory and the end records
	zip64Extra  []byte // if set, a zip64 end record with this extensible data
	comment     string
	after       []byte // after the end record
	commentSize int    // if > 0, the end record's comment length (less than the comment)
}

func (h hzip) bytes() []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	type rec struct {
		e                 hzEntry
		off               int64
		crc, csize, usize uint32
	}
	var recs []rec
	for _, e := range h.entries {
		b.Write(e.before)
		data := []byte(e.data)
		method := uint16(0)
		if e.deflate {
			var d bytes.Buffer
			fw, _ := flate.NewWriter(&d, flate.BestCompression)
			fw.Write(data)
			fw.Close()
			data, method = d.Bytes(), 8
		}
		r := rec{e: e, off: int64(b.Len()), crc: crc32.ChecksumIEEE([]byte(e.data)), csize: uint32(len(data)), usize: uint32(len(e.data))}
		flags := uint16(0)
		if e.descriptor {
			flags = 8
		}
		name := e.name
		if e.localName != "" {
			name = e.localName
		}
		lh := le.AppendUint32(nil, 0x04034b50)
		lh = le.AppendUint16(lh, 20)
		lh = le.AppendUint16(lh, flags)
		lh = le.AppendUint16(lh, method)
		lh = le.AppendUint32(lh, 0) // time, date
		if e.descriptor {
			lh = append(lh, make([]byte, 12)...)
		} else {
			lh = le.AppendUint32(lh, r.crc)
			lh = le.AppendUint32(lh, r.csize)
			lh = le.AppendUint32(lh, r.usize)
		}
		if e.localFixed != nil {
			copy(lh[4:26], e.localFixed)
		}
		lh = le.AppendUint16(lh, uint16(len(name)))
		lh = le.AppendUint16(lh, uint16(len(e.localExtra)))
		b.Write(lh)
		b.WriteString(name)
		b.Write(e.localExtra)
		b.Write(data)
		if e.descriptor {
			d := le.AppendUint32(nil, 0x08074b50)
			d = le.AppendUint32(d, r.crc)
			d = le.AppendUint32(d, r.csize)
			d = le.AppendUint32(d, r.usize)
			b.Write(d)
		}
		if e.dir {
			r.csize, r.usize, r.crc = 0, 0, 0
		}
		if !e.hidden {
			recs = append(recs, r)
		}
	}
	b.Write(h.beforeDir)
	dirOff := int64(b.Len())
	for _, r := range recs {
		e := r.e
		flags, method, ext := uint16(0), uint16(0), uint32(0)
		if e.descriptor {
			flags = 8
		}
		if e.deflate {
			method = 8
		}
		if e.dir {
			ext = 0x10
		}
		c := le.AppendUint32(nil, 0x02014b50)
		c = le.AppendUint16(c, 20)
		c = le.AppendUint16(c, 20)
		c = le.AppendUint16(c, flags)
		c = le.AppendUint16(c, method)
		c = le.AppendUint32(c, 0)
		c = le.AppendUint32(c, r.crc)
		c = le.AppendUint32(c, r.csize)
		c = le.AppendUint32(c, r.usize)
		c = le.AppendUint16(c, uint16(len(e.name)))
		c = le.AppendUint16(c, uint16(len(e.centralExtra)))
		c = le.AppendUint16(c, uint16(len(e.comment)))
		c = le.AppendUint32(c, 0) // disk, internal attributes
		c = le.AppendUint32(c, ext)
		c = le.AppendUint32(c, uint32(r.off))
		b.Write(c)
		b.WriteString(e.name)
		b.Write(e.centralExtra)
		b.WriteString(e.comment)
	}
	dirSize := int64(b.Len()) - dirOff
	b.Write(h.beforeEnd)
	n := uint16(len(recs))
	if h.zip64Extra != nil {
		at := int64(b.Len())
		z := le.AppendUint32(nil, 0x06064b50)
		z = le.AppendUint64(z, uint64(44+len(h.zip64Extra)))
		z = le.AppendUint16(z, 45)
		z = le.AppendUint16(z, 45)
		z = le.AppendUint32(z, 0)
		z = le.AppendUint32(z, 0)
		z = le.AppendUint64(z, uint64(n))
		z = le.AppendUint64(z, uint64(n))
		z = le.AppendUint64(z, uint64(dirSize))
		z = le.AppendUint64(z, uint64(dirOff))
		b.Write(z)
		b.Write(h.zip64Extra)
		l := le.AppendUint32(nil, 0x07064b50)
		l = le.AppendUint32(l, 0)
		l = le.AppendUint64(l, uint64(at))
		l = le.AppendUint32(l, 1)
		b.Write(l)
		n = 0xffff
	}
	clen := len(h.comment)
	if h.commentSize > 0 {
		clen = h.commentSize
	}
	e := le.AppendUint32(nil, 0x06054b50)
	e = le.AppendUint32(e, 0)
	e = le.AppendUint16(e, n)
	e = le.AppendUint16(e, n)
	e = le.AppendUint32(e, uint32(dirSize))
	e = le.AppendUint32(e, uint32(dirOff))
	e = le.AppendUint16(e, uint16(clen))
	b.Write(e)
	b.WriteString(h.comment)
	b.Write(h.after)
	return b.Bytes()
}

func zipWith(t *testing.T, f func(zw *zip.Writer)) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	f(zw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func cbCases() []cbCase {
	ok := hzEntry{name: "a.log", data: cbClean}
	ok2 := hzEntry{name: "b.log", data: cbClean, descriptor: true}
	return []cbCase{
		// gzip: every member's header.
		{name: "gzip/member 1 name", ext: "gz", build: func(t *testing.T, v string) []byte {
			return gzBytes(t, func(z *gzip.Writer) { z.Name = "dump-" + v + ".log"; z.Write([]byte(cbClean)) })
		}},
		{name: "gzip/member 1 comment", ext: "gz", build: func(t *testing.T, v string) []byte {
			return gzBytes(t, func(z *gzip.Writer) { z.Comment = "by " + v; z.Write([]byte(cbClean)) })
		}},
		{name: "gzip/member 1 extra", ext: "gz", build: func(t *testing.T, v string) []byte {
			return gzBytes(t, func(z *gzip.Writer) {
				z.Extra = append([]byte("HU\x1f\x00"), ("k=" + v + "          ")[:31]...)
				z.Write([]byte(cbClean))
			})
		}},
		{name: "gzip/member 1 name, UTF-8 bytes", ext: "gz", value: 3, build: func(t *testing.T, v string) []byte {
			return gzBytes(t, func(z *gzip.Writer) { z.Name = "dump-" + asLatin1(v) + "-é.log"; z.Write([]byte(cbClean)) })
		}},
		{name: "gzip/member 2 name", ext: "gz", build: func(t *testing.T, v string) []byte {
			return gzBytes(t, gzBody(cbClean), func(z *gzip.Writer) { z.Name = "dump-" + v + ".log"; z.Write([]byte(cbClean)) })
		}},
		{name: "gzip/member 2 name, UTF-8 bytes", ext: "gz", value: 3, build: func(t *testing.T, v string) []byte {
			return gzBytes(t, gzBody(cbClean), func(z *gzip.Writer) { z.Name = asLatin1(v); z.Write([]byte(cbClean)) })
		}},
		{name: "gzip/member 2 comment", ext: "gz", build: func(t *testing.T, v string) []byte {
			return gzBytes(t, gzBody(cbClean), func(z *gzip.Writer) { z.Comment = v; z.Write([]byte(cbClean)) })
		}},
		{name: "gzip/member 2 extra", ext: "gz", build: func(t *testing.T, v string) []byte {
			return gzBytes(t, gzBody(cbClean), func(z *gzip.Writer) {
				z.Extra = append([]byte("HU\x1f\x00"), ("k=" + v + "          ")[:31]...)
				z.Write([]byte(cbClean))
			})
		}},
		{name: "gzip/member 3 comment after an empty member", ext: "gz", build: func(t *testing.T, v string) []byte {
			return gzBytes(t, gzBody(cbClean), gzBody(""), func(z *gzip.Writer) { z.Comment = v })
		}},
		{name: "gzip/bytes after the last member", ext: "gz", unchecked: true, build: func(t *testing.T, v string) []byte {
			return append(gzBytes(t, gzBody(cbClean)), v...)
		}},
		{name: "tgz/member 2 comment", ext: "tgz", build: func(t *testing.T, v string) []byte {
			tb := tarOf(t, &tar.Header{Name: "a.log", Mode: 0o644, Typeflag: tar.TypeReg})
			return gzBytes(t, gzBody(string(tb[:1024])), func(z *gzip.Writer) { z.Comment = v; z.Write(tb[1024:]) })
		}},
		{name: "tar/gz member's member 2 comment", ext: "tar", build: func(t *testing.T, v string) []byte {
			gz := gzBytes(t, gzBody(cbClean), func(z *gzip.Writer) { z.Comment = v; z.Write([]byte(cbClean)) })
			var b bytes.Buffer
			tw := tar.NewWriter(&b)
			tw.WriteHeader(&tar.Header{Name: "a.log.gz", Mode: 0o644, Size: int64(len(gz)), Typeflag: tar.TypeReg})
			tw.Write(gz)
			tw.Close()
			return b.Bytes()
		}},

		// zstd: skippable frames anywhere, several frames.
		{name: "zstd/skippable frame first", ext: "zst", build: func(t *testing.T, v string) []byte {
			return append(skippable("k="+v), zstdFrame(t, cbClean)...)
		}},
		{name: "zstd/skippable frame between frames", ext: "zst", build: func(t *testing.T, v string) []byte {
			return append(append(zstdFrame(t, cbClean), skippable(v)...), zstdFrame(t, cbClean)...)
		}},
		{name: "zstd/skippable frame last", ext: "zst", build: func(t *testing.T, v string) []byte {
			return append(zstdFrame(t, cbClean), skippable(v)...)
		}},
		{name: "zstd/second frame's content", ext: "zst", build: func(t *testing.T, v string) []byte {
			return append(zstdFrame(t, cbClean), zstdFrame(t, "pw="+v+"\n")...)
		}},
		{name: "zstd/bytes after the last frame", ext: "zst", unchecked: true, build: func(t *testing.T, v string) []byte {
			return append(zstdFrame(t, cbClean), v...)
		}},
		{name: "tar.zst/skippable frame after the archive", ext: "tzst", build: func(t *testing.T, v string) []byte {
			return append(zstdFrame(t, string(tarOf(t, &tar.Header{Name: "a.log", Mode: 0o644, Typeflag: tar.TypeReg}))), skippable(v)...)
		}},
		{name: "zip/zst member's skippable frame", ext: "zip", build: func(t *testing.T, v string) []byte {
			return zipWith(t, func(zw *zip.Writer) {
				w, _ := zw.Create("a.log.zst")
				w.Write(append(zstdFrame(t, cbClean), skippable(v)...))
			})
		}},

		// zip: every record, every field, every byte between them.
		{name: "zip/archive comment", ext: "zip", build: func(t *testing.T, v string) []byte {
			return hzip{entries: []hzEntry{ok}, comment: "by " + v}.bytes()
		}},
		{name: "zip/entry comment", ext: "zip", build: func(t *testing.T, v string) []byte {
			e := ok
			e.comment = v
			return hzip{entries: []hzEntry{e}}.bytes()
		}},
		{name: "zip/extra field in both headers", ext: "zip", build: func(t *testing.T, v string) []byte {
			return zipWith(t, func(zw *zip.Writer) {
				x := binary.LittleEndian.AppendUint16([]byte{0xfe, 0xca}, uint16(len(v)))
				w, _ := zw.CreateHeader(&zip.FileHeader{Name: "a.log", Method: zip.Deflate, Extra: append(x, v...)})
				w.Write([]byte(cbClean))
			})
		}},
		{name: "zip/local extra field", ext: "zip", build: func(t *testing.T, v string) []byte {
			e := ok
			e.localExtra = append(binary.LittleEndian.AppendUint16([]byte{0xfe, 0xca}, uint16(len(v))), v...)
			return hzip{entries: []hzEntry{e, ok2}}.bytes()
		}},
		{name: "zip/directory extra field", ext: "zip", build: func(t *testing.T, v string) []byte {
			e := ok2
			e.centralExtra = append(binary.LittleEndian.AppendUint16([]byte{0xfe, 0xca}, uint16(len(v))), v...)
			return hzip{entries: []hzEntry{ok, e}}.bytes()
		}},
		{name: "zip/local name unlike the directory's", ext: "zip", build: func(t *testing.T, v string) []byte {
			e := ok
			e.localName = "x" + v
			return hzip{entries: []hzEntry{e}}.bytes()
		}},
		{name: "zip/local header's unread fields", ext: "zip", build: func(t *testing.T, v string) []byte {
			e := ok2
			e.localFixed = []byte(v)
			return hzip{entries: []hzEntry{ok, e}}.bytes()
		}},
		{name: "zip/hidden entry before the first", ext: "zip", unchecked: true, build: func(t *testing.T, v string) []byte {
			return hzip{entries: []hzEntry{{name: "h.log", data: v, hidden: true}, ok}}.bytes()
		}},
		{name: "zip/self-extracting stub before the archive", ext: "zip", unchecked: true, build: func(t *testing.T, v string) []byte {
			stub := append([]byte("MZ\x90\x00\x03\x00\x00\x00stub "+v+"\n"), make([]byte, 64)...)
			return append(stub, hzip{entries: []hzEntry{ok, {name: "b.log", data: cbClean, deflate: true}}}.bytes()...)
		}},
		{name: "zip/self-extracting stub, deflated entry", ext: "zip", unchecked: true, build: func(t *testing.T, v string) []byte {
			stub := append([]byte("MZ\x90\x00\x03\x00\x00\x00stub\n"), make([]byte, 64)...)
			return append(stub, hzip{entries: []hzEntry{ok, {name: "b.log", data: "pw=" + v + "\n" + cbClean, deflate: true}}}.bytes()...)
		}},
		{name: "zip/bytes between entries", ext: "zip", unchecked: true, zeros: true, build: func(t *testing.T, v string) []byte {
			e := ok2
			e.before = []byte(v)
			return hzip{entries: []hzEntry{ok, e}}.bytes()
		}},
		{name: "zip/deflated hidden entry between entries", ext: "zip", unchecked: true, build: func(t *testing.T, v string) []byte {
			return hzip{entries: []hzEntry{ok, {name: "h.log", data: "pw=" + v + "\n", deflate: true, hidden: true}, ok2}}.bytes()
		}},
		{name: "zip/bytes before the directory", ext: "zip", unchecked: true, zeros: true, build: func(t *testing.T, v string) []byte {
			return hzip{entries: []hzEntry{ok, ok2}, beforeDir: []byte(v)}.bytes()
		}},
		{name: "zip/bytes between the directory and the end record", ext: "zip", unchecked: true, zeros: true, build: func(t *testing.T, v string) []byte {
			return hzip{entries: []hzEntry{ok, ok2}, beforeEnd: []byte(v)}.bytes()
		}},
		{name: "zip/zip64 end record's extensible data", ext: "zip", unchecked: true, zeros: true, build: func(t *testing.T, v string) []byte {
			return hzip{entries: []hzEntry{ok, ok2}, zip64Extra: []byte(v)}.bytes()
		}},
		{name: "zip/bytes after the end record", ext: "zip", unchecked: true, zeros: true, build: func(t *testing.T, v string) []byte {
			return hzip{entries: []hzEntry{ok, ok2}, after: []byte(v)}.bytes()
		}},
		{name: "zip/bytes after the end record's comment", ext: "zip", unchecked: true, build: func(t *testing.T, v string) []byte {
			return hzip{entries: []hzEntry{ok, ok2}, comment: "c" + v, commentSize: 1}.bytes()
		}},
		{name: "zip/data of a directory entry", ext: "zip", unchecked: true, zeros: true, build: func(t *testing.T, v string) []byte {
			return hzip{entries: []hzEntry{ok, {name: "d/", data: v, dir: true}}}.bytes()
		}},
		{name: "zip/extra field of an entry copied raw", ext: "zip", build: func(t *testing.T, v string) []byte {
			return zipWith(t, func(zw *zip.Writer) {
				w, _ := zw.Create("a.log")
				w.Write([]byte(cbClean))
				x := binary.LittleEndian.AppendUint16([]byte{0xfe, 0xca}, uint16(len(v)))
				// Method 99 (AES), which hush copies as stored.
				w, _ = zw.CreateRaw(&zip.FileHeader{Name: "b.bin", Method: 99, Extra: append(x, v...), CompressedSize64: 4, UncompressedSize64: 4})
				w.Write([]byte("\x01\x02\x03\x04"))
			})
		}},

		// tar: header bytes the reader does not use, padding, entries of
		// types it does not know.
		{name: "tar/padding after content", ext: "tar", unchecked: true, zeros: true, build: func(t *testing.T, v string) []byte {
			b := tarOf(t, &tar.Header{Name: "a.log", Mode: 0o644, Typeflag: tar.TypeReg}, &tar.Header{Name: "b.log", Mode: 0o644, Typeflag: tar.TypeReg})
			copy(b[512+len(cbClean):], v)
			return b
		}},
		{name: "tar/name field after its NUL", ext: "tar", build: func(t *testing.T, v string) []byte {
			b := tarOf(t, &tar.Header{Name: "a.log", Mode: 0o644, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR})
			copy(b[6:], v)
			tarChecksum(b)
			return b
		}},
		{name: "tar/V7 header's unused bytes", ext: "tar", build: func(t *testing.T, v string) []byte {
			b := tarOf(t, &tar.Header{Name: "a.log", Mode: 0o644, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}, &tar.Header{Name: "b.log", Mode: 0o644, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR})
			h := b[1024:1536]
			clear(h[257:])
			copy(h[300:], v)
			tarChecksum(h)
			return b
		}},
		{name: "tar/V7 archive's first header", ext: "tar", build: func(t *testing.T, v string) []byte {
			b := tarOf(t, &tar.Header{Name: "a.log", Mode: 0o644, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR})
			clear(b[257:512])
			copy(b[300:], v)
			tarChecksum(b)
			return b
		}},
		{name: "tar/PAX record given twice", ext: "tar", build: func(t *testing.T, v string) []byte {
			recs := paxRecord("comment", v) + paxRecord("comment", "fine")
			return append(rawTarEntry("PaxHeaders/a.log", tar.TypeXHeader, recs, false), tarOf(t, &tar.Header{Name: "a.log", Mode: 0o644, Typeflag: tar.TypeReg})...)
		}},
		{name: "tar/GNU long name after its NUL", ext: "tar", build: func(t *testing.T, v string) []byte {
			long := strings.Repeat("d/", 60) + "a.log\x00" + v
			return append(rawTarEntry("././@LongLink", tar.TypeGNULongName, long, true), tarOf(t, &tar.Header{Name: "a.log", Mode: 0o644, Typeflag: tar.TypeReg})...)
		}},
		{name: "tar/content of an entry of unknown type", ext: "tar", build: func(t *testing.T, v string) []byte {
			body := "pw=" + v + "\n"
			var b bytes.Buffer
			tw := tar.NewWriter(&b)
			tw.WriteHeader(&tar.Header{Name: "a.log", Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(cbClean))})
			tw.Write([]byte(cbClean))
			tw.WriteHeader(&tar.Header{Name: "z", Mode: 0o644, Typeflag: 'Z', Size: int64(len(body))})
			tw.Write([]byte(body))
			tw.Close()
			return b.Bytes()
		}},
		{name: "tar/data after the end marker", ext: "tar", unchecked: true, zeros: true, build: func(t *testing.T, v string) []byte {
			return append(tarOf(t, &tar.Header{Name: "a.log", Mode: 0o644, Typeflag: tar.TypeReg}), append([]byte(v), make([]byte, 512-len(v))...)...)
		}},
	}
}

// rawTarEntry is a tar entry built by hand (archive/tar does not write PAX
// or GNU long name entries of its own): a header block and body, padded.
func rawTarEntry(name string, typ byte, body string, gnu bool) []byte {
	b := make([]byte, 512, 512+len(body)+511)
	copy(b, name)
	copy(b[100:], "0000644\x00")
	copy(b[108:], "0000000\x00")
	copy(b[116:], "0000000\x00")
	copy(b[124:], fmt.Sprintf("%011o\x00", len(body)))
	copy(b[136:], "00000000000\x00")
	b[156] = typ
	if gnu {
		copy(b[257:], "ustar  \x00")
	} else {
		copy(b[257:], "ustar\x0000")
	}
	tarChecksum(b)
	b = append(b, body...)
	return append(b, make([]byte, (512-len(body)%512)%512)...)
}

// asLatin1 is the string a gzip writer stores as the bytes of s: the UTF-8
// bytes of a name, as `gzip` stores a file's name.
func asLatin1(s string) string {
	var rs []rune
	for _, c := range []byte(s) {
		rs = append(rs, rune(c))
	}
	return string(rs)
}

// paxRecord is one PAX extended header record.
func paxRecord(k, v string) string {
	s := " " + k + "=" + v + "\n"
	n := len(s) + 1
	for len(fmt.Sprint(n))+len(s) != n {
		n++
	}
	return fmt.Sprint(n) + s
}

// TestContainerBytesNeverClean: a secret in any byte of a container that
// is not an entry's content is found by scan, or the file is reported as
// not fully checked (exit 4); never a clean scan. Scrub never writes it,
// to -o or in place, and what scrub writes when it succeeds is a valid
// container of the same kind with the content kept. No message names it.
// The same container with the place filled with other bytes ("x", or zeros
// where zeros are what the format puts there) is clean, so that what the
// test sees is the secret.
func TestContainerBytesNeverClean(t *testing.T) {
	dir := t.TempDir()
	cfg := writeSecretsConfig(t, dir, cbSecrets...)
	for _, tc := range cbCases() {
		t.Run(tc.name, func(t *testing.T) {
			secret := cbSecrets[tc.value].Value
			src := filepath.Join(t.TempDir(), "in."+tc.ext)
			orig := tc.build(t, secret)
			if err := os.WriteFile(src, orig, 0o644); err != nil {
				t.Fatal(err)
			}

			// Scan: a finding, or exit 4; never exit 0.
			code, out, errs := runMain(t, nil, "scan", "--format", "json", "--config", cfg, src)
			assertNoValue(t, "scan report", []byte(out), cbSecrets...)
			assertNoValue(t, "scan messages", []byte(errs), cbSecrets...)
			switch {
			case code == ExitFound && strings.Contains(out, `"secret":"`+cbSecrets[tc.value].Name+`"`):
			case code == ExitInput && tc.unchecked:
			default:
				t.Errorf("scan: exit %d, want %d with a finding of %s%s; stderr: %d bytes", code, ExitFound, cbSecrets[tc.value].Name, map[bool]string{true: " or 4", false: ""}[tc.unchecked], len(errs))
			}
			if code == ExitInput && !strings.Contains(errs, "not") {
				t.Errorf("scan exit 4 without saying what was not checked")
			}
			if code == ExitFound {
				checkFindingsJSON(t, out)
			}

			// Byte for byte (--binary): never clean either.
			if bcode, _, berrs := runMain(t, nil, "scan", "--binary", "--config", cfg, src); bcode == ExitOK {
				t.Errorf("scan --binary: exit 0")
			} else {
				assertNoValue(t, "scan --binary messages", []byte(berrs), cbSecrets...)
			}

			// From standard input too: the same answer.
			if scode, _, serrs := runMain(t, bytes.NewReader(orig), "scan", "--config", cfg, "-"); scode == ExitOK {
				t.Errorf("scan of standard input: exit 0")
			} else {
				assertNoValue(t, "scan messages (stdin)", []byte(serrs), cbSecrets...)
			}

			// Scrub to -o: never the secret; a valid container on success.
			dst := filepath.Join(t.TempDir(), "out."+tc.ext)
			code, out, errs = runMain(t, nil, "scrub", "--config", cfg, "-o", dst, src)
			assertNoValue(t, "scrub stdout", []byte(out), cbSecrets...)
			assertNoValue(t, "scrub messages", []byte(errs), cbSecrets...)
			got, rerr := os.ReadFile(dst)
			switch code {
			case ExitOK:
				if rerr != nil {
					t.Fatalf("scrub: exit 0 but no output: %v", rerr)
				}
				assertNoValue(t, "scrubbed file", got, cbSecrets...)
				if content := openContainer(t, tc.ext, got); !strings.Contains(content, strings.TrimSpace(cbClean)) {
					t.Errorf("scrubbed %s: the content is gone (%d bytes left)", tc.ext, len(content))
				} else {
					assertNoValue(t, "scrubbed content", []byte(content), cbSecrets...)
				}
			case ExitInput:
				if rerr == nil {
					assertNoValue(t, "scrubbed file (exit 4)", got, cbSecrets...)
				}
				if !tc.unchecked && !strings.Contains(errs, "copied unchanged") {
					t.Errorf("scrub: exit 4 for a place hush checks")
				}
			default:
				t.Errorf("scrub: exit %d", code)
			}

			// In place: the secret is gone, or the file is left as it was
			// and the run fails.
			cp := filepath.Join(t.TempDir(), "in."+tc.ext)
			if err := os.WriteFile(cp, orig, 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, errs = runMain(t, nil, "scrub", "--in-place", "--config", cfg, cp)
			assertNoValue(t, "scrub --in-place messages", []byte(errs), cbSecrets...)
			after, err := os.ReadFile(cp)
			if err != nil {
				t.Fatal(err)
			}
			switch code {
			case ExitOK:
				assertNoValue(t, "file scrubbed in place", after, cbSecrets...)
			case ExitInput:
				if !bytes.Equal(after, orig) && !strings.Contains(errs, "copied unchanged") {
					t.Errorf("scrub --in-place: exit 4 but the file changed")
				}
			default:
				t.Errorf("scrub --in-place: exit %d", code)
			}

			// The same place without the secret.
			filler := strings.Repeat("x", len(secret))
			if tc.zeros {
				filler = strings.Repeat("\x00", len(secret))
			}
			clean := filepath.Join(t.TempDir(), "clean."+tc.ext)
			if err := os.WriteFile(clean, tc.build(t, filler), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, errs = runMain(t, nil, "scan", "--config", cfg, clean)
			want := ExitOK
			if tc.unchecked && !tc.zeros {
				want = ExitInput
			}
			if code != want && !(strings.Contains(errs, "copied unchanged") || strings.Contains(errs, "could not check 1 archive member")) {
				t.Errorf("scan of the place filled with %q: exit %d, want %d; stderr:\n%s", filler[:1], code, want, errs)
			}
		})
	}
}

// checkFindingsJSON fails unless out is JSON lines of findings.
func checkFindingsJSON(t *testing.T, out string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var f Finding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Errorf("scan report: a line is not a finding: %v", err)
		}
	}
}

// openContainer reads a container of the kind ext names to its end, as
// the standard readers do, failing the test if it is not valid, and
// returns its entries' contents, joined.
func openContainer(t *testing.T, ext string, b []byte) string {
	t.Helper()
	var r io.Reader = bytes.NewReader(b)
	switch ext {
	case "gz", "tgz":
		z, err := gzip.NewReader(r)
		if err != nil {
			t.Fatalf("scrubbed %s: %v", ext, err)
		}
		r = z
	case "zst", "tzst":
		z, err := zstd.NewReader(r)
		if err != nil {
			t.Fatalf("scrubbed %s: %v", ext, err)
		}
		defer z.Close()
		r = z
	}
	var out strings.Builder
	switch ext {
	case "gz", "zst":
		if _, err := io.Copy(&out, r); err != nil {
			t.Fatalf("scrubbed %s: %v", ext, err)
		}
	case "tar", "tgz", "tzst":
		tr := tar.NewReader(r)
		for {
			_, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("scrubbed %s: %v", ext, err)
			}
			if _, err := io.Copy(&out, tr); err != nil {
				t.Fatalf("scrubbed %s: %v", ext, err)
			}
		}
	case "zip":
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("scrubbed zip: %v", err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err == zip.ErrAlgorithm {
				continue
			}
			if err != nil {
				t.Fatalf("scrubbed zip: %v", err)
			}
			if _, err := io.Copy(&out, rc); err != nil {
				t.Fatalf("scrubbed zip: %v", err)
			}
			rc.Close()
		}
	}
	return out.String()
}

// TestContainersOfRealWriters: the records, extra fields, descriptors,
// headers and frames that real tools write around clean content (Info-ZIP,
// jar, Python's zipfile to a stream, GNU tar in each format, gzip, zstd,
// pzstd: see testdata/containers/make.sh) are checked and clean: scan
// exits 0, and scrub writes each back as a valid container of its kind.
func TestContainersOfRealWriters(t *testing.T) {
	cfg := writeSecretsConfig(t, t.TempDir(), cbSecrets...)
	files, err := filepath.Glob(filepath.Join("testdata", "containers", "*.*"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{".zip": "zip", ".jar": "zip", ".tar": "tar", ".tgz": "tgz", ".gz": "gz", ".zst": "zst"}
	n := 0
	for _, f := range files {
		kind := kinds[filepath.Ext(f)]
		if kind == "" {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			code, _, errs := runMain(t, nil, "scan", "--config", cfg, f)
			if code != ExitOK {
				t.Errorf("scan: exit %d, want 0; stderr:\n%s", code, errs)
			}
			dst := filepath.Join(t.TempDir(), filepath.Base(f))
			code, _, errs = runMain(t, nil, "scrub", "--config", cfg, "-o", dst, f)
			if code != ExitOK {
				t.Fatalf("scrub: exit %d, want 0; stderr:\n%s", code, errs)
			}
			got, err := os.ReadFile(dst)
			if err != nil {
				t.Fatal(err)
			}
			orig, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if want := openContainer(t, kind, orig); openContainer(t, kind, got) != want {
				t.Errorf("scrub changed the content")
			}
		})
	}
	if n < 15 {
		t.Errorf("%d containers in testdata/containers, want the 15 make.sh makes", n)
	}
}

// FuzzContainerBytes: a container (seeded with every place of the table
// above, mutated) that holds a secret's bytes as they are is never a clean
// scan, and a scrub that succeeds never writes those bytes. (Text decoded
// from UTF-16 is left out: its bytes are not the text's.)
func FuzzContainerBytes(f *testing.F) {
	for _, tc := range cbCases() {
		f.Add(tc.build(&testing.T{}, cbSecrets[tc.value].Value))
	}
	r, look := newTestRedactor(f, cbSecrets...)
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		in := filepath.Join(dir, "in")
		if err := os.WriteFile(in, data, 0o600); err != nil {
			t.Fatal(err)
		}
		held := -1
		for i, s := range cbSecrets {
			if bytes.Contains(data, []byte(s.Value)) {
				held = i
			}
		}
		utf16 := bytes.Contains(data, []byte{0xFF, 0xFE}) || bytes.Contains(data, []byte{0xFE, 0xFF})

		con := &console{w: io.Discard}
		e := &engine{r: r, look: look, opts: runOptions{jobs: 2, chunkSize: 4096}, con: con}
		rep := &collectReporter{}
		sc := &scanner{e: e, rep: rep}
		sc.run(context.Background(), mustExpand(t, []string{in}, con))
		if held >= 0 && !utf16 && len(rep.findings) == 0 && con.failed() == 0 {
			t.Fatalf("a container holding %s as it is: a clean scan", cbSecrets[held].Name)
		}

		out := filepath.Join(dir, "out")
		scon := &console{w: io.Discard}
		se := &engine{r: r, look: look, opts: runOptions{jobs: 2, chunkSize: 4096}, con: scon}
		s := &scrubber{e: se, opts: scrubOptions{output: out}, auto: true}
		inputs, err := s.plan([]string{in}, mustExpand(t, []string{in}, scon))
		if err != nil {
			t.Fatal(err)
		}
		s.run(context.Background(), inputs)
		if scon.failed() > 0 {
			return
		}
		if got, err := os.ReadFile(out); err == nil {
			for _, s := range cbSecrets {
				if bytes.Contains(got, []byte(s.Value)) {
					t.Fatalf("scrub succeeded and wrote %s as it is", s.Name)
				}
			}
		}
	})
}

// TestZipLargeGap: bytes outside a zip's records too many to keep are
// still read: zeros are clean, anything else is not checked.
func TestZipLargeGap(t *testing.T) {
	cfg := writeSecretsConfig(t, t.TempDir(), cbSecrets...)
	for _, tc := range []struct {
		name string
		last byte
		want int
	}{{"zeros", 0, ExitOK}, {"one byte at the end", 'x', ExitInput}} {
		t.Run(tc.name, func(t *testing.T) {
			gap := make([]byte, metaMax+3<<20)
			gap[len(gap)-1] = tc.last
			p := filepath.Join(t.TempDir(), "big.zip")
			if err := os.WriteFile(p, hzip{entries: []hzEntry{{name: "a.log", data: cbClean}}, beforeDir: gap}.bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if code, _, errs := runMain(t, nil, "scan", "--config", cfg, p); code != tc.want {
				t.Errorf("scan: exit %d, want %d; stderr:\n%s", code, tc.want, errs)
			}
		})
	}
}
