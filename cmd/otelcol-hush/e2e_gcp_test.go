package main

import (
	"bytes"
	"testing"

	"github.com/hushlog/hush/provider/gcpsm"
	"github.com/hushlog/hush/provider/gcpsm/gcpsmtest"
)

// TestEndToEndGCP runs the distribution with the Google Secret Manager
// source: the filelog receiver tails a log file, hush lists the secrets of
// a project matching a label filter on the gRPC stand-in (reached through
// HUSH_GCP_ENDPOINT), the file exporter writes the result.
func TestEndToEndGCP(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the collector; skipped with -short")
	}
	sf := gcpsmtest.New()
	defer sf.Close()
	sf.AddVersion(sf.Create("projects/p", "db", map[string]string{"env": "prod"}), []byte(`{"username":"app","password":"`+dbValue+`"}`))
	sf.AddVersion(sf.Create("projects/p", "api", map[string]string{"env": "prod"}), []byte(apiValue))

	bin := buildCollector(t)
	dir := t.TempDir()
	c, data := runFilePipeline(t, bin, dir, sourceLines(), `    gcp:
      project: p
      filter: labels.env=prod
`, []string{gcpsm.EndpointEnv + "=" + sf.Addr(), "HOME=" + dir})
	assertNoLeak(t, "file exporter output", data)
	assertNoLeak(t, "collector output", c.out.Bytes())
	for _, want := range []string{
		"postgres://app:[REDACTED:db#password]@db.internal/app",
		"[REDACTED:api]",
		"order 1001 accepted",
	} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the scrubbed file lacks %q", want)
		}
	}
	if n := sf.Count(gcpsmtest.AccessSecretVersion); n < 2 {
		t.Errorf("the collector read %d values from Secret Manager, want 2", n)
	}
}
