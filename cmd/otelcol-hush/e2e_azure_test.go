package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/hushlog/hush/internal/azfake"
)

// TestEndToEndAzure runs the distribution with the Azure Key Vault source:
// the filelog receiver tails a log file, hush lists the Key Vault stand-in
// (its certificate trusted through SSL_CERT_FILE, its token given through
// HUSH_AZURE_ACCESS_TOKEN, the test-only override of
// DefaultAzureCredential), the file exporter writes the result.
func TestEndToEndAzure(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the collector; skipped with -short")
	}
	s := azfake.New()
	defer s.Close()
	s.Set("db", `{"username":"app","password":"`+dbValue+`"}`, map[string]string{"env": "prod"})
	s.Set("api-key", apiValue, map[string]string{"env": "prod"})

	bin := buildCollector(t)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, s.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	c, data := runFilePipeline(t, bin, dir, sourceLines(), `    azure:
      vault_url: `+s.URL()+`
      tags: {env: prod}
`, []string{"SSL_CERT_FILE=" + ca, "HUSH_AZURE_ACCESS_TOKEN=" + azfake.Token})
	assertNoLeak(t, "file exporter output", data)
	assertNoLeak(t, "collector output", c.out.Bytes())
	for _, want := range []string{
		"postgres://app:[REDACTED:db#password]@db.internal/app",
		"[REDACTED:api-key]",
		"order 1001 accepted",
	} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the scrubbed file lacks %q", want)
		}
	}
	if s.Requests(azfake.OpGet) < 2 {
		t.Errorf("the collector read %d values from Key Vault, want 2", s.Requests(azfake.OpGet))
	}
}
