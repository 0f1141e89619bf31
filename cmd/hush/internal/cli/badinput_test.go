package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// badTree makes a directory with one good file and one of each kind of bad
// input, and returns it.
func badTree(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "logs")
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "good.log"), []byte("ok "+testSecrets[0].Value+"\n"), 0o644)
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	for i := range 20000 {
		fmt.Fprintf(z, "some text %s %x\n", testSecrets[1].Value, uint64(i)*0x9E3779B97F4A7C15)
	}
	z.Close()
	os.WriteFile(filepath.Join(dir, "truncated.log.gz"), b.Bytes()[:b.Len()/2], 0o644)
	os.WriteFile(filepath.Join(dir, "corrupt.log.gz"), append([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}, bytes.Repeat([]byte{0xff}, 64)...), 0o644)
	os.Symlink("..", filepath.Join(dir, "sub", "loop"))
	os.Symlink("nowhere.log", filepath.Join(dir, "dangling.log"))
	os.WriteFile(filepath.Join(dir, "latin1.log"), []byte("caf\xe9 "+testSecrets[0].Value+"\n"), 0o644)
	nul := append(bytes.Repeat([]byte("text line\n"), 1000), 0)
	os.WriteFile(filepath.Join(dir, "nul.log"), append(nul, []byte("\n"+testSecrets[0].Value+"\n")...), 0o644)
	os.WriteFile(filepath.Join(dir, "image.png"), []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), 0o644)
	return dir
}

// TestBadInputsScrub: every bad input is named with a clear message, the
// rest of the run goes on, and the exit code says something went wrong.
func TestBadInputsScrub(t *testing.T) {
	dir := badTree(t)
	cfg := writeSecretsConfig(t, t.TempDir())
	out := filepath.Join(t.TempDir(), "out")
	code, _, errs := runMain(t, nil, "scrub", "--config", cfg, "-o", out, dir)
	if code != ExitInput {
		t.Errorf("exit %d, want %d", code, ExitInput)
	}
	for _, want := range []string{
		"truncated.log.gz: gzip: truncated",
		"the compressed stream ends early",
		"ends early (was the file still being written, or cut by a transfer?); no output written",
		"corrupt.log.gz: ",
		"sub/loop: directory loop",
		"dangling.log: broken symbolic link to nowhere.log",
		"latin1.log: not UTF-8 (first invalid byte at offset 3): scrubbed byte for byte",
		"nul.log: NUL byte at offset 10000",
		"image.png: not checked: binary file (NUL byte at offset 8); no output written",
		"scrubbed 3 files",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr does not say %q:\n%s", want, errs)
		}
	}
	assertNoValue(t, "stderr", []byte(errs))
	// Good, latin1 and nul were written (scrubbed byte for byte); the
	// failed archives and the binary were not.
	base := filepath.Join(out, "logs")
	for name, want := range map[string]bool{"good.log": true, "latin1.log": true, "nul.log": true,
		"truncated.log.gz": false, "corrupt.log.gz": false, "image.png": false} {
		b, err := os.ReadFile(filepath.Join(base, name))
		if (err == nil) != want {
			t.Errorf("%s: written %v, want %v", name, err == nil, want)
		}
		assertNoValue(t, name, b)
	}
	if b, _ := os.ReadFile(filepath.Join(base, "latin1.log")); !bytes.HasPrefix(b, []byte("caf\xe9 [REDACTED:")) {
		t.Errorf("latin1.log not kept byte for byte: %q", b)
	}
	left, _ := filepath.Glob(filepath.Join(base, ".*.tmp"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// --binary processes NUL bytes and non-UTF-8 text without complaint.
	code, _, errs = runMain(t, nil, "scrub", "--binary", "--config", cfg, "-o", t.TempDir(), filepath.Join(dir, "latin1.log"), filepath.Join(dir, "nul.log"), filepath.Join(dir, "image.png"))
	if code != ExitOK {
		t.Errorf("--binary: exit %d:\n%s", code, errs)
	}
}

func TestBadInputsScan(t *testing.T) {
	dir := badTree(t)
	cfg := writeSecretsConfig(t, t.TempDir())
	code, out, errs := runMain(t, nil, "scan", "--config", cfg, dir)
	if code != ExitFound {
		t.Errorf("exit %d, want %d (a secret was found despite the bad inputs)", code, ExitFound)
	}
	if !strings.Contains(errs, "scanned only the first") || !strings.Contains(errs, "directory loop") {
		t.Errorf("stderr:\n%s", errs)
	}
	// good.log, latin1.log and nul.log (after the NUL, line 1002).
	for _, want := range []string{"good.log:1:4:", "latin1.log:1:6:", "nul.log:1002:1:"} {
		if !strings.Contains(out, want) {
			t.Errorf("findings lack %q:\n%s", want, out)
		}
	}
	// The part of the truncated archive that could be read was scanned.
	if !strings.Contains(out, "truncated.log.gz:1:11:") {
		t.Errorf("no finding in the readable part of the truncated archive:\n%s", out)
	}

	// Without findings, bad inputs make exit code 4.
	code, _, _ = runMain(t, nil, "scan", "--config", cfg, filepath.Join(dir, "corrupt.log.gz"), filepath.Join(dir, "image.png"))
	if code != ExitInput {
		t.Errorf("exit %d, want %d", code, ExitInput)
	}
}

func TestStdinAndDash(t *testing.T) {
	cfg := writeSecretsConfig(t, t.TempDir())
	in := "first\n" + testSecrets[2].Value + "\n"
	code, out, errs := runMain(t, strings.NewReader(in), "scrub", "-q", "--config", cfg, "-")
	if code != ExitOK || out != "first\n[REDACTED:smtp/password]\n" {
		t.Errorf("exit %d, out %q, err %s", code, out, errs)
	}
	code, out, _ = runMain(t, strings.NewReader(in), "scan", "-q", "--config", cfg)
	if code != ExitFound || out != "<stdin>:2:1: secret smtp/password (raw)\n" {
		t.Errorf("exit %d, out %q", code, out)
	}
}
