package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

// tempLeft lists hush's temporary files left in dir.
func tempLeft(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, ".*.hush-*.tmp"))
	return m
}

func TestInPlaceKeepsModeAndOwner(t *testing.T) {
	dir := t.TempDir()
	cfg := writeSecretsConfig(t, t.TempDir())
	p := filepath.Join(dir, "app.log")
	os.WriteFile(p, []byte("a "+testSecrets[0].Value+"\r\nb\n"), 0o600)
	os.Chmod(p, 0o640)
	asRoot := os.Geteuid() == 0
	if asRoot {
		if err := os.Chown(p, 1234, 5678); err != nil {
			t.Fatal(err)
		}
	}
	code, _, errs := runMain(t, nil, "scrub", "-q", "--config", cfg, "--in-place", p)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "a [REDACTED:prod/db/password]\r\nb\n" {
		t.Errorf("content after scrub: %q", got)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
	}
	if uid, gid, _, ok := owner(fi); asRoot && ok && (uid != 1234 || gid != 5678) {
		t.Errorf("owner %d:%d, want 1234:5678", uid, gid)
	}
	if left := tempLeft(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestInPlaceLeavesCleanFileAlone(t *testing.T) {
	dir := t.TempDir()
	cfg := writeSecretsConfig(t, t.TempDir())
	p := filepath.Join(dir, "clean.log")
	os.WriteFile(p, []byte("nothing secret\n"), 0o644)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	os.Chtimes(p, old, old)
	before, _ := os.Stat(p)
	if code, _, errs := runMain(t, nil, "scrub", "-q", "--config", cfg, "-i", p); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	after, _ := os.Stat(p)
	if !os.SameFile(before, after) || !after.ModTime().Equal(old) {
		t.Errorf("a file with nothing to redact was rewritten")
	}
	if left := tempLeft(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestInPlaceSymlinkAndHardLink(t *testing.T) {
	dir := t.TempDir()
	cfg := writeSecretsConfig(t, t.TempDir())
	target := filepath.Join(dir, "real.log")
	os.WriteFile(target, []byte(testSecrets[1].Value+"\n"), 0o644)
	link := filepath.Join(dir, "link.log")
	os.Symlink("real.log", link)
	if code, _, errs := runMain(t, nil, "scrub", "-q", "--config", cfg, "-i", link); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced by a file")
	}
	if got, _ := os.ReadFile(target); string(got) != "[REDACTED:api/token]\n" {
		t.Errorf("target not scrubbed: %q", got)
	}

	// A file with two names would keep the secret under the other one.
	hl := filepath.Join(dir, "hard.log")
	other := filepath.Join(dir, "hard-other.log")
	orig := []byte(testSecrets[1].Value + "\n")
	os.WriteFile(hl, orig, 0o644)
	os.Link(hl, other)
	code, _, errs := runMain(t, nil, "scrub", "-q", "--config", cfg, "-i", hl)
	if code != ExitInput || !strings.Contains(errs, "hard links") {
		t.Errorf("hard-linked file: exit %d, stderr %q", code, errs)
	}
	if got, _ := os.ReadFile(hl); !bytes.Equal(got, orig) {
		t.Errorf("hard-linked file was changed")
	}
}

func TestInPlaceGzipStaysGzip(t *testing.T) {
	dir := t.TempDir()
	cfg := writeSecretsConfig(t, t.TempDir())
	p := filepath.Join(dir, "app.log.gz")
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	z.Name = "app.log"
	io.WriteString(z, "x="+testSecrets[0].Value+"\n")
	z.Close()
	os.WriteFile(p, b.Bytes(), 0o644)
	if code, _, errs := runMain(t, nil, "scrub", "-q", "--config", cfg, "-i", p); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	f, _ := os.Open(p)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("no longer gzip: %v", err)
	}
	got, _ := io.ReadAll(zr)
	if string(got) != "x=[REDACTED:prod/db/password]\n" || zr.Name != "app.log" {
		t.Errorf("content %q, name %q", got, zr.Name)
	}
}

// TestInPlaceFailureLeavesOriginal: a truncated archive is found out only
// at its end, after scrubbed output was written; the original must still
// be byte-identical and no temporary file left.
func TestInPlaceFailureLeavesOriginal(t *testing.T) {
	dir := t.TempDir()
	cfg := writeSecretsConfig(t, t.TempDir())
	p := filepath.Join(dir, "cut.log.gz")
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	for range 2000 {
		io.WriteString(z, "line with "+testSecrets[0].Value+" and some more text to compress\n")
	}
	z.Close()
	orig := b.Bytes()[:b.Len()-20]
	os.WriteFile(p, orig, 0o644)
	code, _, errs := runMain(t, nil, "scrub", "-q", "--config", cfg, "--chunk-size", "4096", "-i", p)
	if code != ExitInput || !strings.Contains(errs, "cut.log.gz") || !strings.Contains(errs, "truncated") || !strings.Contains(errs, "left unchanged") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, orig) {
		t.Errorf("original changed")
	}
	if left := tempLeft(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestInPlaceUnwritableDirectory: when the temporary file cannot be made,
// the file is reported and left alone. (Root writes anywhere: skipped.)
func TestInPlaceUnwritableDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can write into a read-only directory; the e2e test covers this as another user")
	}
	dir := t.TempDir()
	cfg := writeSecretsConfig(t, t.TempDir())
	p := filepath.Join(dir, "app.log")
	orig := []byte(testSecrets[0].Value + "\n")
	os.WriteFile(p, orig, 0o644)
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	code, _, errs := runMain(t, nil, "scrub", "-q", "--config", cfg, "-i", p)
	if code != ExitInput || !strings.Contains(errs, "app.log") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, orig) {
		t.Errorf("original changed")
	}
}

func TestScrubDirectoryMirror(t *testing.T) {
	dir := t.TempDir()
	cfg := writeSecretsConfig(t, t.TempDir())
	in := filepath.Join(dir, "bundle")
	os.MkdirAll(filepath.Join(in, "sub"), 0o755)
	os.WriteFile(filepath.Join(in, "a.log"), []byte("a "+testSecrets[0].Value+"\n"), 0o600)
	os.WriteFile(filepath.Join(in, "sub", "b.log"), []byte("b "+testSecrets[1].Value+"\n"), 0o644)
	out := filepath.Join(dir, "clean")
	code, _, errs := runMain(t, nil, "scrub", "-q", "--config", cfg, "-o", out, in)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for rel, want := range map[string]string{
		"bundle/a.log":     "a [REDACTED:prod/db/password]\n",
		"bundle/sub/b.log": "b [REDACTED:api/token]\n",
	} {
		got, err := os.ReadFile(filepath.Join(out, rel))
		if err != nil || string(got) != want {
			t.Errorf("%s: %q, %v", rel, got, err)
		}
	}
	if fi, _ := os.Stat(filepath.Join(out, "bundle/a.log")); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v not kept", fi.Mode().Perm())
	}
	// The output directory inside the input is not read back.
	code, _, errs = runMain(t, nil, "scrub", "-q", "--config", cfg, "-o", filepath.Join(in, "clean"), in)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, _, errs = runMain(t, nil, "scrub", "--config", cfg, "-o", filepath.Join(in, "clean"), in)
	if code != ExitOK || !strings.Contains(errs, "scrubbed 2 files") {
		t.Errorf("second run over a tree holding its output: exit %d, %s", code, errs)
	}
}
