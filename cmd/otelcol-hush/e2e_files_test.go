package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEndToEndFiles runs the file path of the distribution: the filelog
// receiver tails a log file, hush scrubs with static secrets taken from the
// environment (${env:...}), the file exporter writes the result.
func TestEndToEndFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the collector; skipped with -short")
	}
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
    static:
      - name: ` + dbName + `
        value: ${env:HUSH_E2E_DB}
      - name: ` + apiName + `
        value: ${env:HUSH_E2E_API}
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
	c := startWithConfig(t, bin, cfg, []string{"HUSH_E2E_DB=" + dbValue, "HUSH_E2E_API=" + apiValue})
	deadline := time.Now().Add(30 * time.Second)
	var data []byte
	for {
		data, _ = os.ReadFile(out)
		if bytes.Count(data, []byte("order 1001 accepted")) > 0 && bytes.Contains(data, []byte("starting checkout")) {
			break
		}
		select {
		case <-c.done:
			t.Fatalf("the collector exited: %s", scrubbedOutput(c.out.Bytes()))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the scrubbed file never received every line")
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.stop(t)
	data, _ = os.ReadFile(out)
	assertNoLeak(t, "file exporter output", data)
	assertNoLeak(t, "collector output", c.out.Bytes())
	for _, want := range []string{
		"postgres://app:[REDACTED:" + dbName + "]@db.internal/app",
		"[REDACTED:" + apiName + "]",
		"order 1001 accepted",
	} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the scrubbed file lacks %q", want)
		}
	}
}

// scrubbedOutput returns the collector's output unless it holds a secret.
func scrubbedOutput(b []byte) string {
	if leaks(string(b)) {
		return "(not shown: it holds a secret)"
	}
	return string(b)
}
