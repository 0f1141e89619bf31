package cli

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// testdata is the absolute path of testdata, valid after a test changes
// directory.
var testdata = func() string {
	p, err := filepath.Abs("testdata")
	if err != nil {
		panic(err)
	}
	return p
}()

// golden compares got with testdata/NAME.golden. A failure names the first
// differing line and shows only the expected text (the output under test
// might hold a secret).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(testdata, name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run %s -update to create it)", err, t.Name())
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gl), len(wl)) {
		if i >= len(gl) || i >= len(wl) || gl[i] != wl[i] {
			w := "<end of file>"
			if i < len(wl) {
				w = wl[i]
			}
			t.Fatalf("%s: line %d differs; want:\n%s\n(if the change is intended: go test ./internal/cli -run %s -update)", path, i+1, w, t.Name())
		}
	}
}

// useTestVersion makes the version in reports stable.
func useTestVersion(t *testing.T) {
	old := Version
	Version = "v0.0.0-test"
	t.Cleanup(func() { Version = old })
}

func TestGoldenScrub(t *testing.T) {
	for _, name := range []string{"app.log", "app.jsonl", "otlp.json"} {
		t.Run(name, func(t *testing.T) {
			code, out, errs := runMain(t, nil, "scrub", "--quiet", "--config", "testdata/hush.yaml", "testdata/logs/"+name)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			assertNoValue(t, name, []byte(out))
			golden(t, "scrub_"+name, []byte(out))
		})
	}
}

// TestGoldenScrubCompressed scrubs gzip and zstd versions of a log: the
// output is compressed the same way, and decompresses to the golden text.
func TestGoldenScrubCompressed(t *testing.T) {
	plainLog, err := os.ReadFile("testdata/logs/app.log")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ext      string
		compress func(io.Writer) io.WriteCloser
		open     func(io.Reader) (io.Reader, error)
	}{
		{".gz", func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) },
			func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
		{".zst", func(w io.Writer) io.WriteCloser { z, _ := zstd.NewWriter(w); return z },
			func(r io.Reader) (io.Reader, error) { return zstd.NewReader(r) }},
	} {
		t.Run(tc.ext, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "app.log"+tc.ext)
			var b bytes.Buffer
			z := tc.compress(&b)
			z.Write(plainLog)
			z.Close()
			os.WriteFile(in, b.Bytes(), 0o644)
			out := filepath.Join(dir, "clean.log"+tc.ext)
			if code, _, errs := runMain(t, nil, "scrub", "-q", "--config", "testdata/hush.yaml", "-o", out, in); code != ExitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			f, _ := os.Open(out)
			defer f.Close()
			r, err := tc.open(f)
			if err != nil {
				t.Fatalf("output is not %s: %v", tc.ext, err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "scrub_app.log", got)

			// --compress none writes it plain; to stdout too.
			code, stdout, _ := runMain(t, nil, "scrub", "-q", "--config", "testdata/hush.yaml", "--compress", "none", in)
			if code != ExitOK {
				t.Fatalf("exit %d", code)
			}
			golden(t, "scrub_app.log", []byte(stdout))
		})
	}
}

func TestGoldenScan(t *testing.T) {
	useTestVersion(t)
	t.Chdir("testdata")
	for _, format := range []string{"text", "json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			// Known secrets only: the detectors' SARIF rules and results
			// are checked by TestScanSARIFValid.
			code, out, errs := runMain(t, nil, "scan", "--quiet", "--no-detect", "--config", "hush.yaml", "--format", format, "logs")
			if code != ExitFound {
				t.Fatalf("exit %d, want %d: %s", code, ExitFound, errs)
			}
			assertNoValue(t, format, []byte(out))
			golden(t, "scan."+format, []byte(out))
		})
	}
}
