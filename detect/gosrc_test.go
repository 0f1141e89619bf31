package detect

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoPrefixFindingsInGoSource: the default set reports no token of
// prefix confidence in the Go distribution's own non-test sources
// (GOROOT/src, *.go outside testdata and _test.go files): about 5,000
// files of identifiers, file names, base64 and hex tables, URLs and code,
// none of them a credential. A prefix-only shape that matches ordinary
// code is too loose. Findings of higher confidence are logged (the source
// holds no checksummed token; url-password reports the example URLs of
// comments). Skipped when GOROOT/src is absent.
func TestNoPrefixFindingsInGoSource(t *testing.T) {
	root := goSrc()
	if _, err := os.Stat(filepath.Join(root, "runtime")); err != nil {
		t.Skipf("GOROOT/src is absent (%v)", err)
	}
	files, size := 0, 0
	other := map[string]int{}
	var dst []Finding
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		text, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		size += len(text)
		dst = Default().FindEncoded(dst[:0], text)
		for _, f := range dst {
			rel, _ := filepath.Rel(root, p)
			if f.Confidence == Prefix {
				t.Errorf("%s: %s (prefix) at %d, length %d", rel, f.Rule.ID, f.Start, f.End-f.Start)
			} else {
				other[f.Rule.ID]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 1000 {
		t.Fatalf("GOROOT/src: only %d non-test Go files", files)
	}
	t.Logf("%d files, %d bytes; findings above prefix confidence: %v", files, size, other)
}

// BenchmarkFindGoSource: the default set over Go code with candidates of
// the short prefixes ("s." before 24 alphanumerics: crypto/tls's
// handshake messages, 16 of them).
func BenchmarkFindGoSource(b *testing.B) {
	text, err := os.ReadFile(filepath.Join(goSrc(), "crypto", "tls", "handshake_messages.go"))
	if err != nil {
		b.Skip(err)
	}
	var dst []Finding
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		dst = Default().Find(dst[:0], text)
	}
}

// goSrc returns the source tree of $GOROOT, or else of the go command's
// GOROOT ("" without a go command).
func goSrc() string {
	if r := os.Getenv("GOROOT"); r != "" {
		return filepath.Join(r, "src")
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return ""
	}
	return filepath.Join(strings.TrimSpace(string(out)), "src")
}
