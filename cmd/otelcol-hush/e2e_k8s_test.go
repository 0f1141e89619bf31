package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hushlog/hush/internal/k8sfake"
)

// TestEndToEndKubernetes runs the distribution with the Kubernetes source:
// the filelog receiver tails a log file, hush watches the Secrets of a
// namespace of the API server stand-in (through KUBECONFIG, as kubectl
// reads it), the file exporter writes the result.
func TestEndToEndKubernetes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the collector; skipped with -short")
	}
	api := k8sfake.New()
	defer api.Close()
	api.Put("prod", "db", "kubernetes.io/basic-auth", map[string]string{"username": "app", "password": dbValue}, nil)
	api.Put("prod", "api", "Opaque", map[string]string{"value": apiValue}, nil)

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
    kubernetes:
      namespaces: [prod]
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
	kubeconfig, err := api.Kubeconfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := startWithConfig(t, bin, cfg, []string{"KUBECONFIG=" + kubeconfig, "HOME=" + dir})
	data := waitForScrubbedFile(t, c, out)
	assertNoLeak(t, "file exporter output", data)
	assertNoLeak(t, "collector output", c.out.Bytes())
	for _, want := range []string{
		"postgres://app:[REDACTED:k8s/prod/db#password]@db.internal/app",
		"[REDACTED:k8s/prod/api#value]",
		"order 1001 accepted",
	} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the scrubbed file lacks %q", want)
		}
	}
	if n := api.Requests("list") + api.Requests("watch"); n < 1 || n > 4 {
		t.Errorf("the collector made %d LIST and WATCH requests, want one informer's (1 or 2, a reconnect at most 4)", n)
	}
}
