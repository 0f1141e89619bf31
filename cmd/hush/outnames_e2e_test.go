//go:build linux

package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"io"
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
		t.Errorf("contents %q, want %q", scrubbedForTest(secrets, strings.Join(contents, "|")), want)
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

// TestArchiveMemberNamesNeverCollide: inside a rewritten archive too, two
// members whose names scrub the same keep a name each (NAME~2.EXT), with a
// notice, so that extracting it loses neither; a hard link follows its
// target's new name.
func TestArchiveMemberNamesNeverCollide(t *testing.T) {
	const v1, v2 = "Hq3-Rt7-Yu2-Io9-Pa1", "Sd4-Fg8-Jk2-Lz6-Xc3"
	dir := t.TempDir()
	sdir := filepath.Join(dir, "secrets")
	os.MkdirAll(sdir, 0o755)
	os.WriteFile(filepath.Join(sdir, "TOKEN"), []byte(v1), 0o600)
	envFile := filepath.Join(dir, "app.env")
	os.WriteFile(envFile, []byte("TOKEN="+v2+"\n"), 0o600)
	secrets := []redact.Secret{{Name: "TOKEN", Value: v1}, {Name: "TOKEN", Value: v2}}
	members := []struct{ name, data string }{
		{"dump-" + v1 + ".log", "one"},
		{"dump-" + v2 + ".log", "two"},
		{"dump-[REDACTED:TOKEN]~2.log", "three"},
		{"d-" + v1 + "/x.log", "four"},
		{"d-" + v2 + "/x.log", "five"},
	}
	for _, kind := range []string{"tar", "zip"} {
		var b bytes.Buffer
		if kind == "tar" {
			tw := tar.NewWriter(&b)
			for _, m := range members {
				tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.data)), Typeflag: tar.TypeReg})
				io.WriteString(tw, m.data)
			}
			tw.WriteHeader(&tar.Header{Name: "hard", Typeflag: tar.TypeLink, Linkname: "dump-" + v2 + ".log"})
			tw.Close()
		} else {
			zw := zip.NewWriter(&b)
			for _, m := range members {
				w, _ := zw.Create(m.name)
				io.WriteString(w, m.data)
			}
			zw.Close()
		}
		p := filepath.Join(dir, "b."+kind)
		os.WriteFile(p, b.Bytes(), 0o644)
		o := filepath.Join(dir, "o."+kind)
		code, _, errs := runHush(t, nil, "scrub", "--secrets-dir", sdir, "--env-file", envFile, "-o", o, p)
		if code != exitOK {
			t.Errorf("%s: exit code %d; stderr: %s", kind, code, scrubbedForTest(secrets, errs))
		}
		leaktest.Check(t, secrets, []byte(errs), kind+": stderr")
		if !strings.Contains(errs, "~2") {
			t.Errorf("%s: no word of the renamed members; stderr: %s", kind, scrubbedForTest(secrets, errs))
		}
		w, err := os.ReadFile(o)
		if err != nil {
			t.Fatal(err)
		}
		leaktest.Check(t, secrets, w, kind+": the archive written")
		names := map[string]string{}
		link := ""
		if kind == "tar" {
			tr := tar.NewReader(bytes.NewReader(w))
			for {
				h, err := tr.Next()
				if err != nil {
					break
				}
				data, _ := io.ReadAll(tr)
				if h.Typeflag == tar.TypeLink {
					link = h.Linkname
					continue
				}
				if _, dup := names[h.Name]; dup {
					t.Errorf("%s: two members named %q", kind, scrubbedForTest(secrets, h.Name))
				}
				names[h.Name] = string(data)
			}
		} else {
			zr, err := zip.NewReader(bytes.NewReader(w), int64(len(w)))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range zr.File {
				rc, _ := f.Open()
				data, _ := io.ReadAll(rc)
				if _, dup := names[f.Name]; dup {
					t.Errorf("%s: two members named %q", kind, scrubbedForTest(secrets, f.Name))
				}
				names[f.Name] = string(data)
			}
		}
		var contents []string
		for _, d := range names {
			contents = append(contents, d)
		}
		sort.Strings(contents)
		if strings.Join(contents, " ") != "five four one three two" {
			t.Errorf("%s: contents %q", kind, scrubbedForTest(secrets, strings.Join(contents, " ")))
		}
		if kind == "tar" && names[link] != "two" {
			t.Errorf("tar: the hard link points at %q, not at the member it linked", scrubbedForTest(secrets, link))
		}
	}
}
