//go:build linux

package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Exit codes, as documented.
const (
	exitOK, exitFound, exitUsage, exitSource, exitInput = 0, 1, 2, 3, 4
)

var (
	token = demoSecrets["api/token"]
	dbpw  = demoSecrets["prod/db/password"]
)

// bundleFiles is the content of a support bundle: name to bytes. A name
// ending in "/" is a directory.
func bundleFiles() map[string][]byte {
	var gz bytes.Buffer
	z := gzip.NewWriter(&gz)
	io.WriteString(z, "rotated token="+token+"\n")
	z.Close()
	return map[string][]byte{
		"logs/":             nil,
		"logs/app.log":      []byte("start\ndsn=postgres://app:" + dbpw + "@db/app\nend\n"),
		"logs/app.log.1.gz": gz.Bytes(),
		"logs/clean.log":    []byte("nothing here\n"),
	}
}

func sortedNames(files map[string][]byte) []string {
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func writeTar(t *testing.T, w io.Writer, files map[string][]byte) {
	tw := tar.NewWriter(w)
	for _, n := range sortedNames(files) {
		h := &tar.Header{Name: n, Mode: 0o640, ModTime: time.Unix(1700000000, 0), Typeflag: tar.TypeReg, Size: int64(len(files[n]))}
		if strings.HasSuffix(n, "/") {
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		}
		require.NoError(t, tw.WriteHeader(h))
		_, err := tw.Write(files[n])
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
}

func writeZip(t *testing.T, w io.Writer, files map[string][]byte) {
	zw := zip.NewWriter(w)
	for _, n := range sortedNames(files) {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: time.Unix(1700000000, 0)})
		require.NoError(t, err)
		_, err = f.Write(files[n])
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
}

// readTar reads an archive back with the standard library, which checks
// the header checksums and sizes.
func readTar(t *testing.T, r io.Reader) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err, "the tar archive written is not valid")
		b, err := io.ReadAll(tr)
		require.NoError(t, err)
		if h.Typeflag == tar.TypeDir {
			b = nil
		}
		out[h.Name] = b
	}
}

// readZip reads a zip back, which checks every member's CRC-32 and size.
func readZip(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	require.NoError(t, err, "the zip written is not valid")
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err, "member %s: bad checksum or size", f.Name)
		rc.Close()
		if strings.HasSuffix(f.Name, "/") {
			b = nil
		}
		out[f.Name] = b
	}
	return out
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	z, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	out, err := io.ReadAll(z)
	require.NoError(t, err)
	return out
}

// checkScrubbedBundle checks the members of a scrubbed bundle: every
// secret replaced, every other byte kept, the gzip member still gzip.
func checkScrubbedBundle(t *testing.T, got map[string][]byte) {
	t.Helper()
	require.ElementsMatch(t, sortedNames(bundleFiles()), sortedNames(got), "members")
	for n, b := range got {
		noLeak(t, n, b)
	}
	assert.Equal(t, "start\ndsn=postgres://app:[REDACTED:prod/db/password]@db/app\nend\n", string(got["logs/app.log"]))
	noLeak(t, "logs/app.log.1.gz decompressed", gunzip(t, got["logs/app.log.1.gz"]))
	assert.Equal(t, "rotated token=[REDACTED:api/token]\n", string(gunzip(t, got["logs/app.log.1.gz"])))
	assert.Equal(t, "nothing here\n", string(got["logs/clean.log"]))
}

// TestArchivesEndToEnd: tar, tar.gz and zip support bundles are opened,
// their members scanned (findings name ARCHIVE!MEMBER) and, by scrub,
// written back as valid archives of the same kind, to -o and in place.
func TestArchivesEndToEnd(t *testing.T) {
	sdir := secretsDir(t)
	dir := t.TempDir()
	var tarb, tgz, zipb bytes.Buffer
	writeTar(t, &tarb, bundleFiles())
	z := gzip.NewWriter(&tgz)
	writeTar(t, z, bundleFiles())
	z.Close()
	writeZip(t, &zipb, bundleFiles())
	paths := map[string][]byte{"bundle.tar": tarb.Bytes(), "bundle.tgz": tgz.Bytes(), "bundle.zip": zipb.Bytes()}
	for name, b := range paths {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
	}

	for name := range paths {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			code, out, errs := runHush(t, nil, "scan", "--secrets-dir", sdir, p)
			assert.Equal(t, exitFound, code, "scan exit code")
			assert.Contains(t, out, p+"!logs/app.log:2:20: secret prod/db/password (raw)")
			assert.Contains(t, out, p+"!logs/app.log.1.gz:1:15: secret api/token (raw)")
			assert.Contains(t, errs, "2 findings in 2 files")

			// From standard input too (a zip is spooled to a temporary file).
			f, err := os.Open(p)
			require.NoError(t, err)
			code, out, _ = runHush(t, f, "scan", "--secrets-dir", sdir, "-")
			f.Close()
			assert.Equal(t, exitFound, code, "scan of standard input")
			assert.Contains(t, out, "<stdin>!logs/app.log:2:20:")

			outDir := t.TempDir()
			code, _, errs = runHush(t, nil, "scrub", "--secrets-dir", sdir, "-o", outDir, p)
			require.Equal(t, exitOK, code, "scrub exit code; stderr: %s", errs)
			assert.Contains(t, errs, "2 redactions")
			written := filepath.Join(outDir, name)
			raw, err := os.ReadFile(written)
			require.NoError(t, err)
			noLeak(t, "written archive", raw)
			switch name {
			case "bundle.tar":
				checkScrubbedBundle(t, readTar(t, bytes.NewReader(raw)))
			case "bundle.tgz":
				checkScrubbedBundle(t, readTar(t, bytes.NewReader(gunzip(t, raw))))
			case "bundle.zip":
				checkScrubbedBundle(t, readZip(t, written))
			}

			// In place: the same archive, scrubbed; then scan finds nothing.
			cp := filepath.Join(t.TempDir(), name)
			require.NoError(t, os.WriteFile(cp, paths[name], 0o644))
			code, _, errs = runHush(t, nil, "scrub", "-q", "--secrets-dir", sdir, "-i", cp)
			require.Equal(t, exitOK, code, "in place; stderr: %s", errs)
			code, _, _ = runHush(t, nil, "scan", "-q", "--secrets-dir", sdir, cp)
			assert.Equal(t, exitOK, code, "scan after scrubbing in place")
		})
	}
}

// TestArchiveUncheckedMember: a binary member and an archive inside the
// archive cannot be checked: they are copied unchanged, named, and the
// run does not exit 0. --binary scrubs the binary member byte for byte
// and still writes a valid archive.
func TestArchiveUncheckedMember(t *testing.T) {
	sdir := secretsDir(t)
	files := map[string][]byte{
		"a.log":   []byte("ok\n"),
		"img.bin": append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR "), []byte(token)...),
	}
	var inner bytes.Buffer
	writeZip(t, &inner, map[string][]byte{"x.log": []byte("t=" + token + "\n")})
	files["inner.zip"] = inner.Bytes()
	p := filepath.Join(t.TempDir(), "b.tar")
	f, err := os.Create(p)
	require.NoError(t, err)
	writeTar(t, f, files)
	f.Close()

	code, _, errs := runHush(t, nil, "scan", "--secrets-dir", sdir, p)
	assert.Equal(t, exitInput, code, "scan with members it could not check must not exit 0")
	assert.Contains(t, errs, p+"!img.bin: not checked: binary file")
	assert.Contains(t, errs, p+"!inner.zip: not checked: a zip archive inside the archive")
	assert.Contains(t, errs, "no secret found in what could be checked")

	out := filepath.Join(t.TempDir(), "out.tar")
	code, _, errs = runHush(t, nil, "scrub", "--secrets-dir", sdir, "-o", out, p)
	assert.Equal(t, exitInput, code, "scrub exit code")
	assert.Contains(t, errs, "img.bin: not checked: binary file (NUL byte at offset 8); copied unchanged")
	f, err = os.Open(out)
	require.NoError(t, err)
	got := readTar(t, f)
	f.Close()
	assert.True(t, bytes.Equal(files["img.bin"], got["img.bin"]), "binary member copied unchanged")
	assert.True(t, bytes.Equal(files["inner.zip"], got["inner.zip"]), "nested archive copied unchanged")

	// --binary: the binary member is scrubbed, the tar stays valid; the
	// nested archive is still not touched.
	code, _, errs = runHush(t, nil, "scrub", "--binary", "--secrets-dir", sdir, "-o", out, p)
	assert.Equal(t, exitInput, code, "nested archive still unchecked; stderr: %s", errs)
	f, err = os.Open(out)
	require.NoError(t, err)
	got = readTar(t, f)
	f.Close()
	noLeak(t, "img.bin scrubbed with --binary", got["img.bin"])
	assert.Equal(t, "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR [REDACTED:api/token]", string(got["img.bin"]))
	assert.True(t, bytes.Equal(files["inner.zip"], got["inner.zip"]), "nested archive untouched even with --binary")
}

// TestBrokenArchives: a truncated or corrupt archive is a clear error, the
// file is never lost or half-written, and the exit code is not 0.
func TestBrokenArchives(t *testing.T) {
	sdir := secretsDir(t)
	dir := t.TempDir()
	big := map[string][]byte{"a.log": bytes.Repeat([]byte("line of text "+token+"\n"), 4000)}
	var tarb, tgz, zipb bytes.Buffer
	writeTar(t, &tarb, big)
	z := gzip.NewWriter(&tgz)
	writeTar(t, z, big)
	z.Close()
	writeZip(t, &zipb, big)
	cases := map[string]struct {
		data []byte
		msg  string
	}{
		"cut.tar":     {tarb.Bytes()[:tarb.Len()/2], "tar archive truncated"},
		"cut.tgz":     {tgz.Bytes()[:tgz.Len()/2], "gzip: truncated"},
		"cut.zip":     {zipb.Bytes()[:zipb.Len()/2], "zip archive corrupt or truncated"},
		"corrupt.zip": {append(bytes.Clone(zipb.Bytes()[:40]), bytes.Repeat([]byte{0xAA}, 200)...), "zip archive corrupt or truncated"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(p, tc.data, 0o644))
			code, _, errs := runHush(t, nil, "scan", "-q", "--secrets-dir", sdir, p)
			assert.NotEqual(t, exitOK, code, "scan of a broken archive must not exit 0")
			assert.Contains(t, errs, tc.msg)

			before := sum(t, p)
			code, _, errs = runHush(t, nil, "scrub", "-q", "--secrets-dir", sdir, "-i", p)
			assert.Equal(t, exitInput, code, "scrub in place")
			assert.Contains(t, errs, tc.msg)
			assert.Contains(t, errs, "left unchanged")
			assert.Equal(t, before, sum(t, p), "the broken archive was changed")
			left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
			assert.Empty(t, left, "temporary files left")

			out := filepath.Join(t.TempDir(), "out")
			code, _, errs = runHush(t, nil, "scrub", "-q", "--secrets-dir", sdir, "-o", out, p)
			assert.Equal(t, exitInput, code, "scrub -o")
			assert.Contains(t, errs, "no output written")
			_, err := os.Stat(out)
			assert.True(t, os.IsNotExist(err), "no partial archive written")
		})
	}
}

// TestUnsupportedFormat: an xz file is refused, not scrubbed byte for byte,
// even with --binary, and scan does not call it clean.
func TestUnsupportedFormat(t *testing.T) {
	sdir := secretsDir(t)
	p := filepath.Join(t.TempDir(), "app.log.xz")
	require.NoError(t, os.WriteFile(p, append([]byte{0xFD, '7', 'z', 'X', 'Z', 0, 0, 4}, []byte("payload "+token)...), 0o644))
	code, _, errs := runHush(t, nil, "scan", "--binary", "--secrets-dir", sdir, p)
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errs, "xz-compressed: hush cannot read it, so it was not checked (decompress it first: xz -d)")
	before := sum(t, p)
	code, _, _ = runHush(t, nil, "scrub", "--binary", "--secrets-dir", sdir, "-i", p)
	assert.Equal(t, exitInput, code)
	assert.Equal(t, before, sum(t, p), "--binary must not rewrite an xz file")
}

// TestBinaryNotClean: scan of a binary file it skipped does not exit 0.
func TestBinaryNotClean(t *testing.T) {
	sdir := secretsDir(t)
	p := filepath.Join(t.TempDir(), "core.bin")
	require.NoError(t, os.WriteFile(p, []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00 "+token), 0o644))
	code, _, errs := runHush(t, nil, "scan", "--secrets-dir", sdir, p)
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errs, "core.bin: not checked: binary file (NUL byte at offset 7) (pass --binary to scan it byte for byte)")
	code, _, _ = runHush(t, nil, "scan", "--binary", "--secrets-dir", sdir, p)
	assert.Equal(t, exitFound, code, "with --binary")
}

// TestNULPaddedLog: a log that starts with a run of NUL bytes (left by
// logrotate's copytruncate) is text: scanned, and scrubbed with the NULs
// kept.
func TestNULPaddedLog(t *testing.T) {
	sdir := secretsDir(t)
	for _, lead := range []int{3, 5000, 3 << 20} {
		data := append(bytes.Repeat([]byte{0}, lead), []byte("after truncate token="+token+"\nnext line\n")...)
		p := filepath.Join(t.TempDir(), "app.log")
		require.NoError(t, os.WriteFile(p, data, 0o644))
		code, _, errs := runHush(t, nil, "scan", "--secrets-dir", sdir, p)
		assert.Equal(t, exitFound, code, "scan with %d leading NULs; stderr: %s", lead, errs)
		code, out, errs := runHush(t, nil, "scrub", "--secrets-dir", sdir, p)
		assert.Equal(t, exitOK, code, "scrub with %d leading NULs; stderr: %s", lead, errs)
		noLeak(t, "scrubbed output", []byte(out))
		want := string(bytes.Repeat([]byte{0}, lead)) + "after truncate token=[REDACTED:api/token]\nnext line\n"
		assert.True(t, out == want, "scrubbed output is not the input with the token replaced (%d leading NULs)", lead)
	}
}

func encodeUTF16(s string, be bool) []byte {
	units := utf16.Encode([]rune(s))
	b := make([]byte, 2, 2+2*len(units))
	var order binary.AppendByteOrder = binary.LittleEndian
	if be {
		order = binary.BigEndian
	}
	b = order.AppendUint16(b[:0], 0xFEFF)
	for _, u := range units {
		b = order.AppendUint16(b, u)
	}
	return b
}

// TestUTF16 scans and scrubs UTF-16 text with a BOM (a PowerShell
// transcript), written back in UTF-16 of the same byte order.
func TestUTF16(t *testing.T) {
	sdir := secretsDir(t)
	text := "PS C:\\> $env:TOKEN\r\n" + token + "\r\nCafé ✓ 𝄞\r\n"
	for _, be := range []bool{false, true} {
		p := filepath.Join(t.TempDir(), "transcript.txt")
		require.NoError(t, os.WriteFile(p, encodeUTF16(text, be), 0o644))
		code, out, _ := runHush(t, nil, "scan", "--secrets-dir", sdir, p)
		assert.Equal(t, exitFound, code, "scan UTF-16 (big endian %v)", be)
		assert.Contains(t, out, p+":2:1: secret api/token (raw)")
		code, out, errs := runHush(t, nil, "scrub", "--secrets-dir", sdir, p)
		require.Equal(t, exitOK, code, "scrub UTF-16; stderr: %s", errs)
		want := encodeUTF16(strings.Replace(text, token, "[REDACTED:api/token]", 1), be)
		assert.True(t, bytes.Equal([]byte(out), want), "scrubbed UTF-16 (big endian %v) is not the input with the token replaced", be)
	}
}

// TestZipEntriesHushCannotRead: an encrypted zip entry and one compressed
// with a method Go does not read are copied as stored, named as not
// checked (exit 4), and the zip written is valid; a tar's links are kept.
func TestZipEntriesHushCannotRead(t *testing.T) {
	sdir := secretsDir(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "b.zip")
	f, err := os.Create(p)
	require.NoError(t, err)
	zw := zip.NewWriter(f)
	w, err := zw.Create("a.log")
	require.NoError(t, err)
	io.WriteString(w, "t="+token+"\n")
	enc := []byte("\x9a\x11 opaque encrypted bytes \x02\x7f")
	w, err = zw.CreateRaw(&zip.FileHeader{Name: "secret.enc", Method: zip.Store, Flags: 0x1, CRC32: 0, CompressedSize64: uint64(len(enc)), UncompressedSize64: uint64(len(enc))})
	require.NoError(t, err)
	w.Write(enc)
	lz := []byte("\x5d\x00\x00 pretend lzma stream")
	w, err = zw.CreateRaw(&zip.FileHeader{Name: "old.lzma", Method: 14, CompressedSize64: uint64(len(lz)), UncompressedSize64: 100})
	require.NoError(t, err)
	w.Write(lz)
	require.NoError(t, zw.Close())
	f.Close()

	code, out, errs := runHush(t, nil, "scan", "--secrets-dir", sdir, p)
	assert.Equal(t, exitFound, code)
	assert.Contains(t, out, p+"!a.log:1:3: secret api/token")
	assert.Contains(t, errs, p+"!secret.enc: not checked: encrypted")
	assert.Contains(t, errs, p+"!old.lzma: not checked: compressed with method 14")

	outp := filepath.Join(dir, "out.zip")
	code, _, errs = runHush(t, nil, "scrub", "--secrets-dir", sdir, "-o", outp, p)
	assert.Equal(t, exitInput, code, "stderr: %s", errs)
	zr, err := zip.OpenReader(outp)
	require.NoError(t, err, "the zip written is not valid")
	defer zr.Close()
	require.Len(t, zr.File, 3)
	for _, zf := range zr.File {
		raw, err := zf.OpenRaw()
		require.NoError(t, err)
		b, _ := io.ReadAll(raw)
		switch zf.Name {
		case "secret.enc":
			assert.Equal(t, enc, b, "encrypted entry copied as stored")
			assert.EqualValues(t, 1, zf.Flags&1, "still marked encrypted")
		case "old.lzma":
			assert.Equal(t, lz, b, "entry copied as stored")
			assert.EqualValues(t, 14, zf.Method)
		case "a.log":
			rc, err := zf.Open()
			require.NoError(t, err)
			b, err := io.ReadAll(rc)
			require.NoError(t, err)
			assert.Equal(t, "t=[REDACTED:api/token]\n", string(b))
		}
	}
}

// TestTarLinksAndStdin: symbolic and hard link entries are copied as they
// are; a tar read from standard input is written to standard output.
func TestTarLinksAndStdin(t *testing.T) {
	sdir := secretsDir(t)
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	body := "t=" + token + "\n"
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "a.log", Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg, Uname: "app", ModTime: time.Unix(1700000000, 0)}))
	io.WriteString(tw, body)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "current.log", Linkname: "a.log", Typeflag: tar.TypeSymlink, ModTime: time.Unix(1700000000, 0)}))
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "hard.log", Linkname: "a.log", Typeflag: tar.TypeLink, ModTime: time.Unix(1700000000, 0)}))
	require.NoError(t, tw.Close())

	code, out, errs := runHush(t, bytes.NewReader(b.Bytes()), "scrub", "--secrets-dir", sdir)
	require.Equal(t, exitOK, code, "stderr: %s", errs)
	noLeak(t, "tar on stdout", []byte(out))
	tr := tar.NewReader(strings.NewReader(out))
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "the tar written is not valid")
		names = append(names, h.Name+" "+string(h.Typeflag)+" "+h.Linkname)
		if h.Name == "a.log" {
			got, _ := io.ReadAll(tr)
			assert.Equal(t, "t=[REDACTED:api/token]\n", string(got))
			assert.EqualValues(t, 0o600, h.Mode)
			assert.Equal(t, "app", h.Uname)
			assert.True(t, h.ModTime.Equal(time.Unix(1700000000, 0)), "modification time kept")
		}
	}
	assert.Equal(t, []string{"a.log 0 ", "current.log 2 a.log", "hard.log 1 a.log"}, names)
}

// TestSparseTarMember: a sparse member (10 GB of holes in 10 kB, made by
// GNU tar -S in both its formats) is refused with a clear error, not
// expanded: exit 4, nothing written.
func TestSparseTarMember(t *testing.T) {
	sdir := secretsDir(t)
	for _, name := range []string{"gnu-sparse.tar", "pax-sparse.tar"} {
		p := filepath.Join("testdata", name)
		code, _, errs := runHush(t, nil, "scan", "--secrets-dir", sdir, p)
		assert.Equal(t, exitInput, code, name)
		assert.Contains(t, errs, "big.log: a sparse file (10.7 GB, mostly holes): hush does not open sparse archive members", name)
		out := filepath.Join(t.TempDir(), "out.tar")
		code, _, _ = runHush(t, nil, "scrub", "--secrets-dir", sdir, "-o", out, p)
		assert.Equal(t, exitInput, code, name)
		_, err := os.Stat(out)
		assert.True(t, os.IsNotExist(err), "%s: something was written", name)
	}
}
