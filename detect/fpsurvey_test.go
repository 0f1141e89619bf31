package detect

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestFPSurvey counts the default set's findings per rule in every file
// under $HUSH_FP_SURVEY (a source tree: GOROOT/src, a module cache), by
// kind of file: non-test .go, _test.go, testdata, other. Findings in tests
// and testdata are often sample tokens written on purpose; those in the
// rest of a source tree are false positives unless they are such samples.
// With HUSH_FP_SURVEY_SHOW=1 each finding is logged (rule, file, offset,
// the text: run it on trees without live credentials). Skipped without
// HUSH_FP_SURVEY.
func TestFPSurvey(t *testing.T) {
	root := os.Getenv("HUSH_FP_SURVEY")
	if root == "" {
		t.Skip("HUSH_FP_SURVEY not set")
	}
	show := os.Getenv("HUSH_FP_SURVEY_SHOW") == "1"
	counts := map[string]*[4]int{}
	kinds := [4]string{"src.go", "test.go", "testdata", "other"}
	files, size := 0, 0
	var dst []Finding
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			// The module cache's download cache holds zips.
			if d.Name() == ".git" || d.Name() == "cache" && filepath.Base(filepath.Dir(p)) == "mod" {
				return filepath.SkipDir
			}
			return nil
		}
		text, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		files++
		size += len(text)
		k := 3
		switch {
		case strings.Contains(p, string(filepath.Separator)+"testdata"+string(filepath.Separator)):
			k = 2
		case strings.HasSuffix(p, "_test.go"):
			k = 1
		case strings.HasSuffix(p, ".go"):
			k = 0
		}
		dst = Default().FindEncoded(dst[:0], text)
		for _, f := range dst {
			id := f.Rule.ID + " (" + f.Confidence.String() + ")"
			if counts[id] == nil {
				counts[id] = new([4]int)
			}
			counts[id][k]++
			if show {
				rel, _ := filepath.Rel(root, p)
				t.Logf("%s %s %s:%d %q", id, kinds[k], rel, f.Start, text[f.Start:min(f.End, f.Start+100)])
			}
		}
		return nil
	})
	ids := make([]string, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	t.Logf("%d files, %d bytes", files, size)
	for _, id := range ids {
		c := counts[id]
		t.Logf("%-50s %s=%d %s=%d %s=%d %s=%d", id, kinds[0], c[0], kinds[1], c[1], kinds[2], c[2], kinds[3], c[3])
	}
}

// TestFPSurveyGlued measures how loose each prefix's body is against real
// text: every run of at least 12 base64url characters (dots inside
// allowed) of the .go files under $HUSH_FP_SURVEY_GLUE (identifiers,
// constants, hex and base64 literals) is put after each prefix of the
// default set, and the runs reported as a token of prefix confidence are
// counted per prefix. A family whose prefix is common in real text (Vault's
// "s.") needs a body few such runs match; for the others the rare prefix
// is the protection. Skipped without HUSH_FP_SURVEY_GLUE.
func TestFPSurveyGlued(t *testing.T) {
	root := os.Getenv("HUSH_FP_SURVEY_GLUE")
	if root == "" {
		t.Skip("HUSH_FP_SURVEY_GLUE not set")
	}
	runs := map[string]bool{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		for i := 0; i < len(b); {
			if !b64url[b[i]] {
				i++
				continue
			}
			j := i
			for j < len(b) && (b64url[b[j]] || b[j] == '.' && j+1 < len(b) && b64url[b[j+1]]) {
				j++
			}
			if j-i >= 12 && j-i <= 300 {
				runs[string(b[i:j])] = true
			}
			i = j
		}
		return nil
	})
	t.Logf("%d distinct runs", len(runs))
	var dst []Finding
	for _, r := range Default().Rules() {
		for _, p := range r.Prefixes {
			n := 0
			for w := range runs {
				text := []byte("x " + p + w + " y")
				dst = Default().Find(dst[:0], text)
				if len(dst) > 0 && dst[0].Start == 2 && dst[0].Confidence == Prefix {
					n++
				}
			}
			if n > 0 {
				t.Logf("%-32s %-22s %6d", r.ID, p, n)
			}
		}
	}
}
