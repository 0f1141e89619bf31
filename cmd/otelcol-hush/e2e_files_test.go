package main

import (
	"bytes"
	"testing"
)

// TestEndToEndFiles runs the file path of the distribution: the filelog
// receiver tails a log file, hush scrubs with static secrets taken from the
// environment (${env:...}), the file exporter writes the result.
func TestEndToEndFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the collector; skipped with -short")
	}
	bin := buildCollector(t)
	c, data := runFilePipeline(t, bin, t.TempDir(), sourceLines(), `    static:
      - name: `+dbName+`
        value: ${env:HUSH_E2E_DB}
      - name: `+apiName+`
        value: ${env:HUSH_E2E_API}
`, []string{"HUSH_E2E_DB=" + dbValue, "HUSH_E2E_API=" + apiValue})
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
