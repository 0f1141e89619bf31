package cli

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cutArchives returns a tar, a gzipped tar and a zip (whose entries have
// data descriptors, as Go's writer and any streaming writer make them) of
// three logs, the secret in the middle one.
func cutArchives(t *testing.T) map[string][]byte {
	t.Helper()
	files := []struct{ name, body string }{
		{"a.log", strings.Repeat("hello\n", 100)},
		{"b.log", "pw=" + testSecrets[0].Value + "\n"},
		{"c.log", "bye\n"},
	}
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(f.body))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	z := gzip.NewWriter(&gz)
	z.Write(tb.Bytes())
	z.Close()
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{"tar": tb.Bytes(), "tgz": gz.Bytes(), "zip": zb.Bytes()}
}

// TestArchiveCutAnywhereNeverClean: an archive cut short at any byte —
// inside an entry, between entries, at a block boundary, inside the
// end-of-archive marker or a compressed stream's trailer — is never a
// clean scan (exit 0), and scrub never writes it back (exit 4, nothing
// written, never a half archive).
func TestArchiveCutAnywhereNeverClean(t *testing.T) {
	cfg := writeSecretsConfig(t, t.TempDir())
	dir := t.TempDir()
	for kind, data := range cutArchives(t) {
		// Shorter than its magic number, a prefix is not an archive but
		// a few bytes of text, checked as such.
		magic := map[string]int{"tar": 263, "tgz": 2, "zip": 4}[kind]
		var cuts []int
		for k := magic; k < len(data); k++ {
			// Every byte of the zip and of the gzip's end; the tar's block
			// boundaries and the bytes around them, and a stride between.
			if kind == "zip" || len(data)-k < 64 || k%512 <= 1 || k%512 == 511 || k%61 == 0 {
				cuts = append(cuts, k)
			}
		}
		if testing.Short() && len(cuts) > 200 {
			cuts = cuts[len(cuts)-200:]
		}
		p := filepath.Join(dir, "cut."+kind)
		for _, k := range cuts {
			if err := os.WriteFile(p, data[:k], 0o644); err != nil {
				t.Fatal(err)
			}
			if code, _, _ := runMain(t, nil, "scan", "-q", "--config", cfg, p); code != ExitInput && code != ExitFound {
				t.Errorf("%s cut at %d of %d bytes: scan exit %d, want %d or %d", kind, k, len(data), code, ExitInput, ExitFound)
			}
			if k%7 != 0 && len(data)-k > 40 {
				continue
			}
			out := filepath.Join(t.TempDir(), "out")
			if code, _, _ := runMain(t, nil, "scrub", "-q", "--config", cfg, "-o", out, p); code != ExitInput {
				t.Errorf("%s cut at %d of %d bytes: scrub exit %d, want %d", kind, k, len(data), code, ExitInput)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s cut at %d: scrub wrote an output", kind, k)
			}
		}
		p = filepath.Join(dir, "whole."+kind)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if code, _, errs := runMain(t, nil, "scan", "-q", "--config", cfg, p); code != ExitFound {
			t.Errorf("whole %s: scan exit %d, want %d: %s", kind, code, ExitFound, errs)
		}
	}
}

// TestTarWithDataAfterItsEnd: what follows a tar archive's end-of-archive
// marker (another archive appended, a log line) is not read by archive/tar;
// hush says so rather than call it checked, and scrub does not write the
// archive back without it. Zeros after the marker (the padding to a
// record) are the format's own.
func TestTarWithDataAfterItsEnd(t *testing.T) {
	cfg := writeSecretsConfig(t, t.TempDir())
	dir := t.TempDir()
	tb := cutArchives(t)["tar"]
	var clean bytes.Buffer
	tw := tar.NewWriter(&clean)
	tw.WriteHeader(&tar.Header{Name: "x.log", Mode: 0o644, Size: 3, Typeflag: tar.TypeReg})
	tw.Write([]byte("ok\n"))
	tw.Close()
	for _, c := range []struct {
		name  string
		data  []byte
		scan  int
		scrub int
	}{
		{"padded", append(bytes.Clone(clean.Bytes()), make([]byte, 8192)...), ExitOK, ExitOK},
		{"appended text", append(bytes.Clone(clean.Bytes()), "pw="+testSecrets[1].Value+"\n"...), ExitInput, ExitInput},
		{"appended tar", append(bytes.Clone(clean.Bytes()), tb...), ExitInput, ExitInput},
		{"appended after padding", append(append(bytes.Clone(clean.Bytes()), make([]byte, 10240)...), tb...), ExitInput, ExitInput},
		{"secret then appended tar", append(bytes.Clone(tb), clean.Bytes()...), ExitFound, ExitInput},
	} {
		p := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".tar")
		if err := os.WriteFile(p, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errs := runMain(t, nil, "scan", "--config", cfg, p)
		if code != c.scan {
			t.Errorf("%s: scan exit %d, want %d", c.name, code, c.scan)
		}
		if c.scan != ExitOK && !strings.Contains(errs, "after the end of the tar archive") {
			t.Errorf("%s: scan did not say what it did not check", c.name)
		}
		assertNoValue(t, c.name+": scan stderr", []byte(errs))
		out := filepath.Join(t.TempDir(), "out.tar")
		code, _, errs = runMain(t, nil, "scrub", "--config", cfg, "-o", out, p)
		if code != c.scrub {
			t.Errorf("%s: scrub exit %d, want %d", c.name, code, c.scrub)
		}
		assertNoValue(t, c.name+": scrub stderr", []byte(errs))
		if _, err := os.Stat(out); (err == nil) != (c.scrub == ExitOK) {
			t.Errorf("%s: output written: %v, want %v", c.name, err == nil, c.scrub == ExitOK)
		}
	}
}
