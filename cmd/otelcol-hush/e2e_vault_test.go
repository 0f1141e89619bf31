package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hushlog/hush/internal/vaultfake"
)

// TestEndToEndVault runs the distribution with the Vault source: the
// filelog receiver tails a log file, hush lists a KV v2 mount of the Vault
// stand-in (VAULT_ADDR and VAULT_TOKEN from the environment, as the Vault
// CLI reads them), the file exporter writes the result.
func TestEndToEndVault(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the collector; skipped with -short")
	}
	vf := vaultfake.New()
	defer vf.Close()
	vf.Mount("secret", 2)
	vf.Put("secret/prod/db", map[string]any{"username": "app", "password": dbValue})
	vf.Put("secret/prod/api", map[string]any{"value": apiValue})

	bin := buildCollector(t)
	dir := t.TempDir()
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
    vault:
      mount: secret
      prefix: prod/
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
	c := startWithConfig(t, bin, cfg, append(vf.Environ(), "HOME="+dir))
	data := waitForScrubbedFile(t, c, out)
	assertNoLeak(t, "file exporter output", data)
	assertNoLeak(t, "collector output", c.out.Bytes())
	for _, want := range []string{
		"postgres://app:[REDACTED:secret/prod/db#password]@db.internal/app",
		"[REDACTED:secret/prod/api#value]",
		"order 1001 accepted",
	} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the scrubbed file lacks %q", want)
		}
	}
	if vf.Requests(vaultfake.OpData) < 2 {
		t.Errorf("the collector read %d values from Vault, want 2", vf.Requests(vaultfake.OpData))
	}
}
