//go:build linux

package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// TestOutputDirNamesScrubbedNeverCollide: under -o DIR the clean copy holds
// no secret in its names either (files, directories, the argument's own
// name). Where scrubbing makes names collide — two values of one secret, a
// file already named like the scrubbed form — every input still gets a file
// of its own (name~2.ext, ...), hush says which, and none is lost.
func TestOutputDirNamesScrubbedNeverCollide(t *testing.T) {
	const v1, v2 = "Hq3-Rt7-Yu2-Io9-Pa1", "Sd4-Fg8-Jk2-Lz6-Xc3"
	dir := t.TempDir()
	sdir := filepath.Join(dir, "secrets")
	if err := os.MkdirAll(sdir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sdir, "TOKEN"), []byte(v1), 0o600); err != nil {
		t.Fatal(err)
	}
	envFile := filepath.Join(dir, "app.env")
	if err := os.WriteFile(envFile, []byte("TOKEN="+v2+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	secrets := []redact.Secret{{Name: "TOKEN", Value: v1}, {Name: "TOKEN", Value: v2}}

	in := filepath.Join(dir, "bundle-"+v1)
	files := map[string]string{
		"dump-" + v1 + ".log":         "first " + v1 + "\n",
		"dump-" + v2 + ".log":         "second " + v2 + "\n",
		"dump-[REDACTED:TOKEN].log":   "third\n",
		"dump-[REDACTED:TOKEN]~2.log": "fourth\n",
		"d-" + v1 + "/x.log":          "fifth\n",
		"d-" + v2 + "/x.log":          "sixth\n",
		"noext-" + v1:                 "seventh\n",
		"noext-" + v2:                 "eighth\n",
		"plain.log":                   "ninth\n",
	}
	for name, content := range files {
		p := filepath.Join(in, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out")
	code, stdout, errs := runHush(t, nil, "scrub", "--secrets-dir", sdir, "--env-file", envFile, "-o", out, in)
	if code != exitOK {
		t.Errorf("exit code %d; stderr:\n%s", code, scrubbedForTest(secrets, errs))
	}
	leaktest.Check(t, secrets, []byte(stdout+errs), "stdout and stderr")
	var names, contents []string
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(out, p)
		names = append(names, rel)
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			contents = append(contents, strings.TrimSpace(string(b)))
		}
		return nil
	})
	leaktest.Check(t, secrets, []byte(strings.Join(names, "\n")), "output names")
	leaktest.Check(t, secrets, []byte(strings.Join(contents, "\n")), "output contents")
	if len(contents) != len(files) {
		t.Errorf("%d files written for %d inputs: %q", len(contents), len(files), scrubbedForTest(secrets, strings.Join(names, " ")))
	}
	sort.Strings(contents)
	want := []string{"eighth", "fifth", "first [REDACTED:TOKEN]", "fourth", "ninth", "second [REDACTED:TOKEN]", "seventh", "sixth", "third"}
	if strings.Join(contents, "|") != strings.Join(want, "|") {
		t.Errorf("contents %q, want %q", contents, want)
	}
	if !strings.Contains(errs, "~2") {
		t.Errorf("no word of the renamed outputs; stderr:\n%s", scrubbedForTest(secrets, errs))
	}
	if strings.Contains(errs, "nothing to redact") {
		t.Errorf("names were scrubbed, yet the summary says nothing was:\n%s", scrubbedForTest(secrets, errs))
	}

	// In place, a name is not changed: hush says the secret stays in it.
	code, _, errs = runHush(t, nil, "scrub", "--secrets-dir", sdir, "--env-file", envFile, "--in-place", filepath.Join(in, "noext-"+v1))
	if code != exitOK || !strings.Contains(errs, "its name holds a secret") {
		t.Errorf("in place: exit code %d; stderr:\n%s", code, scrubbedForTest(secrets, errs))
	}
	leaktest.Check(t, secrets, []byte(errs), "in place: stderr")
}
