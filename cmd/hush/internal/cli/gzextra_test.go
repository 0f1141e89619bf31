package cli

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGzipHeaderExtraField: a secret in a gzip header's extra field (bytes
// a writer may put there: a tool's metadata) is a finding of scan, not a
// clean file, and scrub does not write the field back.
func TestGzipHeaderExtraField(t *testing.T) {
	cfg := writeSecretsConfig(t, t.TempDir())
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	z.Extra = append([]byte("HU\x20\x00"), []byte("key=" + testSecrets[1].Value + "          ")[:32]...)
	z.Write([]byte("nothing here\n"))
	z.Close()
	p := filepath.Join(t.TempDir(), "app.log.gz")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runMain(t, nil, "scan", "--format", "json", "--config", cfg, p)
	if code != ExitFound || !strings.Contains(out, `"in":"gzip header"`) {
		t.Errorf("scan: exit %d, want %d with a finding in the gzip header", code, ExitFound)
	}
	assertNoValue(t, "scan report", []byte(out))
	dst := filepath.Join(t.TempDir(), "out.gz")
	if code, _, _ := runMain(t, nil, "scrub", "-q", "--config", cfg, "-o", dst, p); code != ExitOK {
		t.Fatalf("scrub: exit %d", code)
	}
	got, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	assertNoValue(t, "scrubbed file", got)
}
