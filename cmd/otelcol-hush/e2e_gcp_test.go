package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
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
    gcp:
      project: p
      filter: labels.env=prod
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
	c := startWithConfig(t, bin, cfg, []string{gcpsm.EndpointEnv + "=" + sf.Addr(), "HOME=" + dir})
	data := waitForScrubbedFile(t, c, out)
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
