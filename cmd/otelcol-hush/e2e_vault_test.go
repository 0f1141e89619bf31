package main

import (
	"bytes"
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
	c, data := runFilePipeline(t, bin, dir, sourceLines(), `    vault:
      mount: secret
      prefix: prod/
`, append(vf.Environ(), "HOME="+dir))
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
