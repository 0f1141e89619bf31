package cli

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// FuzzChunkedEqualsWhole: for any text, with secrets spliced in at
// fuzzer-chosen places, scrubbing in small chunks on several workers gives
// exactly Scrub of the whole text, and scan finds what Find finds, at the
// same lines and columns.
func FuzzChunkedEqualsWhole(f *testing.F) {
	f.Add([]byte("plain text\nwith lines\r\n"), uint16(3), uint8(0))
	f.Add(bytes.Repeat([]byte("no newline at all "), 100), uint16(250), uint8(1))
	f.Add([]byte("héllo\xff\x00wörld\n"), uint16(1), uint8(2))
	r, look := newTestRedactor(f)
	forms := encodedForms()
	f.Fuzz(func(t *testing.T, text []byte, at uint16, which uint8) {
		var b bytes.Buffer
		// Repeat the text with a secret form every so often, so that
		// the input spans several chunks.
		for i := 0; b.Len() < 3000; i++ {
			b.Write(text)
			if len(text) == 0 || i%(1+int(at)%7) == 0 {
				b.WriteString(forms[(int(which)+i)%len(forms)])
			}
		}
		data := b.Bytes()
		if sniffCompression(data) != plain || sniffArchive(data) != noArchive || sniffUnsupported(data) != nil || sniffBOM(data) != utf8Text {
			return // not text read as bytes: see FuzzContainers
		}
		if got, want := pipelineScrub(t, r, look, data, 256, 3), r.Scrub(nil, data); !bytes.Equal(got, want) {
			t.Fatal("chunked scrub differs from whole scrub")
		}
		if got, want := pipelineScan(t, r, look, data, 256, 2), referenceFindings(r, data); !slices.Equal(got, want) {
			t.Fatalf("scan: %d findings, reference %d", len(got), len(want))
		}
	})
}

// FuzzContainers feeds arbitrary bytes, mostly damaged archives and
// compressed files, to scrub and scan: never a panic or a hang, and an
// archive scrub reports success only with a valid archive of the same kind
// without the secret.
func FuzzContainers(f *testing.F) {
	secret := testSecrets[1].Value
	var tb, zb, gb bytes.Buffer
	tw := tar.NewWriter(&tb)
	tw.WriteHeader(&tar.Header{Name: "a.log", Mode: 0o644, Size: int64(len(secret) + 3), Typeflag: tar.TypeReg})
	tw.Write([]byte("t=" + secret + "\n"))
	tw.Close()
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("a.log")
	w.Write([]byte("t=" + secret + "\n"))
	zw.Close()
	gz := gzip.NewWriter(&gb)
	gz.Write(tb.Bytes())
	gz.Close()
	for _, seed := range [][]byte{tb.Bytes(), zb.Bytes(), gb.Bytes(), {0xFF, 0xFE, 'a', 0}, []byte("BZh91AY&SY")} {
		f.Add(seed)
	}
	r, look := newTestRedactor(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		in := filepath.Join(dir, "in")
		if err := os.WriteFile(in, data, 0o600); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "out")
		con := &console{w: io.Discard}
		e := &engine{r: r, look: look, opts: runOptions{jobs: 2, chunkSize: 4096}, con: con}
		s := &scrubber{e: e, opts: scrubOptions{output: out}, auto: true}
		inputs, err := s.plan([]string{in}, mustExpand(t, []string{in}, con))
		if err != nil {
			t.Fatal(err)
		}
		s.run(context.Background(), inputs)
		sc := &scanner{e: e, rep: &collectReporter{}}
		sc.run(context.Background(), mustExpand(t, []string{in}, con))
		if con.failed() > 0 {
			return
		}
		got, err := os.ReadFile(out)
		if err != nil {
			return // nothing written: skipped, reported
		}
		// A scrubbed tar must read back.
		if sniffArchive(data) == tarArchive {
			tr := tar.NewReader(bytes.NewReader(got))
			for {
				if _, err := tr.Next(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("scrub reported success but wrote an invalid tar: %v", err)
				}
				if _, err := io.Copy(io.Discard, tr); err != nil {
					t.Fatalf("scrub reported success but wrote an invalid tar: %v", err)
				}
			}
		}
		if sniffArchive(data) == zipArchive {
			if _, err := zip.NewReader(bytes.NewReader(got), int64(len(got))); err != nil {
				t.Fatalf("scrub reported success but wrote an invalid zip: %v", err)
			}
		}
	})
}
