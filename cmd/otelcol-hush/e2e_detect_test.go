package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// TestEndToEndDetectors runs the distribution with a hush processor that
// has no secret source at all: the filelog receiver tails a log holding a
// generated token of every one-line shape of every default detector
// family, the file exporter writes what hush passed on. With the default
// configuration every token is gone and named by its rule; with
// detectors: {enabled: [none]} (and allow_no_sources) every one is there.
// (A PEM block is left out: filelog makes one record per line unless told
// to join them, and a block cut into records is not a block.)
func TestEndToEndDetectors(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the collector; skipped with -short")
	}
	bin := buildCollector(t)
	lines := []string{"2026-11-26T08:00:00Z INFO starting checkout v2.14.1"}
	var secrets []redact.Secret
	rules := map[string]bool{}
	for _, tok := range detecttest.New(11).All() {
		if !detect.Default().Has(tok.Rule) || strings.ContainsAny(tok.Text, "\r\n") {
			continue
		}
		lines = append(lines, "2026-11-26T08:00:01Z DEBUG upstream credential="+tok.Text+" retry=1")
		secrets = append(secrets, redact.Secret{Name: tok.Rule + "/" + tok.Variant, Value: tok.Secret()})
		rules[tok.Rule] = true
	}
	lines = append(lines, "2026-11-26T08:00:03Z INFO order 1001 accepted")

	for _, mode := range []struct {
		name, hush string
		on         bool
	}{
		{"default", "    allow_no_sources: false\n", true},
		{"none", "    allow_no_sources: true\n    detectors:\n      enabled: [none]\n", false},
	} {
		t.Run(mode.name, func(t *testing.T) {
			c, data := runFilePipeline(t, bin, t.TempDir(), lines, mode.hush, nil)
			if !mode.on {
				for _, s := range secrets {
					if len(leaktest.Find([]redact.Secret{s}, data)) == 0 {
						t.Errorf("%s: detection is off, yet the token is not in the output", s.Name)
					}
				}
				return
			}
			leaktest.Check(t, secrets, data, "file exporter output")
			leaktest.Check(t, secrets, c.out.Bytes(), "collector output")
			for rule := range rules {
				if !bytes.Contains(data, []byte("[REDACTED:detected:"+rule+"]")) {
					t.Errorf("no replacement for %s in the scrubbed file", rule)
				}
			}
		})
	}
}
