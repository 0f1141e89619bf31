package main

import (
	"bytes"
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
	kubeconfig, err := api.Kubeconfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, data := runFilePipeline(t, bin, dir, sourceLines(), `    kubernetes:
      namespaces: [prod]
`, []string{"KUBECONFIG=" + kubeconfig, "HOME=" + dir})
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
