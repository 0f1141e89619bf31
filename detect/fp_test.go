package detect

import (
	"os"
	"path/filepath"
	"testing"
)

// TestNoFindingsInCorpus: the default set finds nothing in $HUSH_CORPUS
// (the loghub sample logs hold no credentials). Skipped without it.
func TestNoFindingsInCorpus(t *testing.T) {
	dir := os.Getenv("HUSH_CORPUS")
	if dir == "" {
		t.Skip("HUSH_CORPUS not set")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	if len(files) == 0 {
		t.Fatalf("HUSH_CORPUS=%s: no *.log files", dir)
	}
	all, _ := Parse("all")
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range Default().FindEncoded(nil, text) {
			t.Errorf("%s: %s at %d (length %d)", filepath.Base(f), fd.Rule.ID, fd.Start, fd.End-fd.Start)
		}
		n := 0
		for _, fd := range all.FindEncoded(nil, text) {
			if !Default().Has(fd.Rule.ID) {
				n++
			}
		}
		t.Logf("%s: %d findings of rules outside the default set", filepath.Base(f), n)
	}
}
