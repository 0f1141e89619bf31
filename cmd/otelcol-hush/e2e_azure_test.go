package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
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
	in := filepath.Join(dir, "app.log")
	out := filepath.Join(dir, "scrubbed.json")
	lines := []string{
		"2026-11-26T08:00:00Z INFO starting checkout v2.14.1",
		"2026-11-26T08:00:01Z DEBUG db url postgres://app:" + dbValue + "@db.internal/app",
		"2026-11-26T08:00:02Z WARN upstream auth Basic " + base64.StdEncoding.EncodeToString([]byte("svc:"+apiValue)),
		"2026-11-26T08:00:03Z INFO order 1001 accepted",
	}
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := `
receivers:
  filelog:
    include: [` + in + `]
    start_at: beginning
processors:
  hush:
    azure:
      vault_url: ` + s.URL() + `
      tags: {env: prod}
exporters:
  file:
    path: ` + out + `
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [filelog]
      processors: [hush]
      exporters: [file]
`
	c := startWithConfig(t, bin, cfg, []string{"SSL_CERT_FILE=" + ca, "HUSH_AZURE_ACCESS_TOKEN=" + azfake.Token})
	data := waitForScrubbedFile(t, c, out)
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
