//go:build linux

package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// nameOnlyBundle is an archive whose only secrets are in its members'
// names, link targets and comments: every content is clean.
type nameOnlyEntry struct {
	name, link, comment string
	dir                 bool
	data                string
}

func nameOnlyEntries() []nameOnlyEntry {
	return []nameOnlyEntry{
		{name: "logs/", dir: true},
		{name: "logs/clean.log", data: "nothing here\n"},
		{name: "logs/dump-" + token + ".log", data: "core dump follows\n", comment: "taken with " + dbpw},
		{name: "cache-" + dbpw + "/", dir: true},
		{name: "cache-" + dbpw + "/state.txt", data: "ok\n"},
		{name: "current.log", link: "logs/dump-" + token + ".log"},
	}
}

func writeNameOnly(t *testing.T, kind string) []byte {
	t.Helper()
	var buf bytes.Buffer
	switch kind {
	case "tar", "tgz":
		var w io.Writer = &buf
		var z *gzip.Writer
		if kind == "tgz" {
			z = gzip.NewWriter(&buf)
			w = z
		}
		tw := tar.NewWriter(w)
		for _, e := range nameOnlyEntries() {
			h := &tar.Header{Name: e.name, Mode: 0o644, ModTime: time.Unix(1700000000, 0), Typeflag: tar.TypeReg, Size: int64(len(e.data))}
			switch {
			case e.dir:
				h.Typeflag, h.Mode = tar.TypeDir, 0o755
			case e.link != "":
				h.Typeflag, h.Linkname = tar.TypeSymlink, e.link
			}
			if e.comment != "" {
				h.PAXRecords = map[string]string{"comment": e.comment}
			}
			if err := tw.WriteHeader(h); err != nil {
				t.Fatal(err)
			}
			if _, err := io.WriteString(tw, e.data); err != nil {
				t.Fatal(err)
			}
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		if z != nil {
			z.Close()
		}
	case "zip":
		zw := zip.NewWriter(&buf)
		for _, e := range nameOnlyEntries() {
			if e.link != "" {
				continue // zip has no links of its own
			}
			f, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: time.Unix(1700000000, 0), Comment: e.comment})
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(f, e.data)
		}
		zw.SetComment("bundle of " + token)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// archiveEntries reads back a tar (gzipped or not) or zip: each member's
// name, link target, comment and content, and the zip's comment.
func archiveEntries(t *testing.T, kind string, b []byte) (map[string]nameOnlyEntry, string) {
	t.Helper()
	out := map[string]nameOnlyEntry{}
	switch kind {
	case "tgz":
		z, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		b, err = io.ReadAll(z)
		if err != nil {
			t.Fatal(err)
		}
		fallthrough
	case "tar":
		tr := tar.NewReader(bytes.NewReader(b))
		for {
			h, err := tr.Next()
			if err == io.EOF {
				return out, ""
			}
			if err != nil {
				t.Fatalf("the tar written is not valid: %v", err)
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			out[h.Name] = nameOnlyEntry{name: h.Name, link: h.Linkname, comment: h.PAXRecords["comment"], dir: h.Typeflag == tar.TypeDir, data: string(data)}
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the zip written is not valid: %v", err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("member %d: %v", len(out), err)
		}
		out[f.Name] = nameOnlyEntry{name: f.Name, comment: f.Comment, dir: strings.HasSuffix(f.Name, "/"), data: string(data)}
	}
	return out, zr.Comment
}

// TestArchiveSecretOnlyInNames: an archive whose only secrets are in its
// members' names (a file, a directory), a link's target or a comment is not
// clean: scan reports each (exit 1) without printing it, and scrub rewrites
// the archive — to -o and in place — with the names scrubbed (still valid
// paths: the replacement adds no directory level), every content and the
// structure kept.
func TestArchiveSecretOnlyInNames(t *testing.T) {
	sdir := secretsDir(t)
	for _, kind := range []string{"tar", "tgz", "zip"} {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			orig := writeNameOnly(t, kind)
			p := filepath.Join(dir, "bundle."+kind)
			if err := os.WriteFile(p, orig, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"text", "json", "sarif"} {
				code, out, errs := runHush(t, nil, "scan", "--format", format, "--secrets-dir", sdir, p)
				if code != exitFound {
					t.Errorf("scan --format %s: exit code %d, want %d (found); stderr: %s", format, code, exitFound, demoClean(errs))
				}
				noLeak(t, "scan "+format+" report", []byte(out))
				noLeak(t, "scan "+format+" stderr", []byte(errs))
				if !strings.Contains(out, "api/token") || !strings.Contains(out, "prod/db/password") {
					t.Errorf("scan --format %s: the report (%d bytes) does not name both secrets", format, len(out))
				}
				if format == "sarif" && !json.Valid([]byte(out)) {
					t.Errorf("invalid SARIF")
				}
				if format == "json" && out != "" {
					for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
						if !json.Valid([]byte(line)) {
							t.Errorf("invalid JSON line %q", demoClean(line))
						}
					}
				}
			}

			check := func(what string, b []byte) {
				t.Helper()
				raw := b
				if kind == "tgz" {
					z, err := gzip.NewReader(bytes.NewReader(b))
					if err != nil {
						t.Fatal(err)
					}
					raw, _ = io.ReadAll(z)
				}
				noLeak(t, what+": the archive's bytes", raw)
				got, comment := archiveEntries(t, kind, b)
				var names []string
				for n := range got {
					names = append(names, n)
				}
				sort.Strings(names)
				noLeak(t, what+": member names", []byte(strings.Join(names, "\n")))
				want := map[string]nameOnlyEntry{}
				for _, e := range nameOnlyEntries() {
					if kind == "zip" && e.link != "" {
						continue
					}
					want[e.name] = e
				}
				if len(got) != len(want) {
					t.Errorf("%s: %d members, want %d", what, len(got), len(want))
				}
				repl := strings.NewReplacer(token, "[REDACTED:api_token]", dbpw, "[REDACTED:prod_db_password]")
				for name, e := range want {
					g, ok := got[repl.Replace(name)]
					if !ok {
						t.Errorf("%s: member %q missing; have %q", what, repl.Replace(name), repl.Replace(strings.Join(names, " ")))
						continue
					}
					if g.data != e.data || g.dir != e.dir || g.link != repl.Replace(e.link) {
						t.Errorf("%s: member %q changed beyond its name", what, demoClean(g.name))
					}
					if e.comment != "" && (g.comment == "" || strings.Contains(g.comment, dbpw)) {
						t.Errorf("%s: member %q: comment lost or kept its secret", what, demoClean(g.name))
					}
				}
				if kind == "zip" && (comment == "" || strings.Contains(comment, token)) {
					t.Errorf("%s: archive comment lost or kept its secret", what)
				}
			}

			out := filepath.Join(t.TempDir(), "out."+kind)
			code, _, errs := runHush(t, nil, "scrub", "--secrets-dir", sdir, "-o", out, p)
			if code != exitOK {
				t.Fatalf("scrub -o: exit code %d; stderr: %s", code, demoClean(errs))
			}
			noLeak(t, "scrub stderr", []byte(errs))
			if strings.Contains(errs, "nothing to redact") {
				t.Errorf("scrub -o says nothing to redact: %s", demoClean(errs))
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			check("-o", b)

			code, _, errs = runHush(t, nil, "scrub", "--secrets-dir", sdir, "--in-place", p)
			if code != exitOK {
				t.Fatalf("scrub --in-place: exit code %d; stderr: %s", code, demoClean(errs))
			}
			b, err = os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(b, orig) {
				t.Fatal("--in-place left the archive unchanged")
			}
			check("--in-place", b)
			code, out2, errs := runHush(t, nil, "scan", "--secrets-dir", sdir, p)
			if code != exitOK {
				t.Errorf("scan after scrubbing in place: exit code %d; %s %s", code, out2, demoClean(errs))
			}
		})
	}
}

// TestFileNameFindings: scan reports a secret in a file's name — the part
// that travels with the file, the argument's last element and the path
// below it — and not in the directories leading to the argument.
func TestFileNameFindings(t *testing.T) {
	sdir := secretsDir(t)
	base := filepath.Join(t.TempDir(), "host-"+dbpw)
	logs := filepath.Join(base, "logs")
	if err := os.MkdirAll(filepath.Join(logs, "d-"+token), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"clean.log", "d-" + token + "/x.log"} {
		if err := os.WriteFile(filepath.Join(logs, name), []byte("nothing\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := runHush(t, nil, "scan", "--format", "json", "--secrets-dir", sdir, logs)
	if code != exitFound {
		t.Errorf("exit code %d; stderr: %s", code, demoClean(errs))
	}
	noLeak(t, "report", []byte(out+errs))
	if n := strings.Count(out, "\n"); n != 1 || !strings.Contains(out, `"secret":"api/token"`) || !strings.Contains(out, `"in":"name"`) {
		t.Errorf("want one finding, api/token in a name; got %d lines: %s", n, demoClean(out))
	}
	code, _, errs = runHush(t, nil, "scan", "--secrets-dir", sdir, filepath.Join(logs, "clean.log"))
	if code != exitOK {
		t.Errorf("a clean file under a directory named after a secret: exit code %d; stderr: %s", code, demoClean(errs))
	}
}

// TestGzipHeaderNames: the gzip header's original file name (gzip keeps
// it: `gzip dump-TOKEN.log`) and comment are part of the file: scan reports
// a secret in them, and scrub writes the name scrubbed (the comment is not
// written back), for a .gz file and a gzipped archive member alike.
func TestGzipHeaderNames(t *testing.T) {
	sdir := secretsDir(t)
	gz := func(name, comment, content string) []byte {
		var b bytes.Buffer
		z := gzip.NewWriter(&b)
		z.Name, z.Comment = name, comment
		io.WriteString(z, content)
		z.Close()
		return b.Bytes()
	}
	dir := t.TempDir()
	plain := filepath.Join(dir, "dump.log.gz")
	if err := os.WriteFile(plain, gz("dump-"+token+".log", "", "nothing here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	commented := filepath.Join(dir, "c.log.gz")
	if err := os.WriteFile(commented, gz("c.log", "made by "+dbpw, "nothing here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	member := gz("dump-"+dbpw+".log", "", "nothing here\n")
	tw.WriteHeader(&tar.Header{Name: "app.log.gz", Mode: 0o644, Size: int64(len(member)), Typeflag: tar.TypeReg})
	tw.Write(member)
	tw.Close()
	archive := filepath.Join(dir, "bundle.tar")
	if err := os.WriteFile(archive, tb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	gzName := func(b []byte) string {
		z, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, z)
		return z.Name + "\n" + z.Comment
	}
	// From standard input too.
	if f, err := os.Open(plain); err == nil {
		code, out, errs := runHush(t, f, "scan", "--secrets-dir", sdir, "-")
		f.Close()
		if code != exitFound {
			t.Errorf("standard input: scan exit code %d; stderr: %s", code, demoClean(errs))
		}
		noLeak(t, "scan of standard input", []byte(out+errs))
	}
	for _, p := range []string{plain, commented, archive} {
		code, out, errs := runHush(t, nil, "scan", "--secrets-dir", sdir, p)
		if code != exitFound {
			t.Errorf("%s: scan exit code %d; stderr: %s", filepath.Base(p), code, demoClean(errs))
		}
		noLeak(t, "scan", []byte(out+errs))

		o := filepath.Join(t.TempDir(), filepath.Base(p))
		code, _, errs = runHush(t, nil, "scrub", "--secrets-dir", sdir, "-o", o, p)
		if code != exitOK {
			t.Errorf("%s: scrub exit code %d; stderr: %s", filepath.Base(p), code, demoClean(errs))
			continue
		}
		b, err := os.ReadFile(o)
		if err != nil {
			t.Fatal(err)
		}
		if p == archive {
			b = readTar(t, bytes.NewReader(b))["app.log.gz"]
		}
		noLeak(t, filepath.Base(p)+": the gzip header written", []byte(gzName(b)))
		noLeak(t, filepath.Base(p)+": the bytes written", b)
		if h := gzName(b); p != commented && !strings.HasPrefix(h, "dump-[REDACTED:") {
			t.Errorf("%s: the gzip name (%d bytes) is not the original one scrubbed", filepath.Base(p), len(h))
		}
	}
}

// TestTarHeaderRecords: the other texts a tar header carries — a global
// PAX header's records, an extended attribute, the owner's name — are part
// of the archive: scan reports a secret in them and scrub writes them
// scrubbed.
func TestTarHeaderRecords(t *testing.T) {
	sdir := secretsDir(t)
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header", PAXRecords: map[string]string{"comment": "exported with " + token}}); err != nil {
		t.Fatal(err)
	}
	for _, h := range []*tar.Header{
		{Name: "a.log", Mode: 0o644, Size: 3, Typeflag: tar.TypeReg, PAXRecords: map[string]string{"SCHILY.xattr.user.note": "key " + dbpw}},
		{Name: "b.log", Mode: 0o644, Size: 3, Typeflag: tar.TypeReg, Uname: dbpw, Format: tar.FormatPAX},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte("ok\n"))
	}
	tw.Close()
	for i := range 3 {
		// One archive per header, so that each must be found on its own.
		var one bytes.Buffer
		tw := tar.NewWriter(&one)
		tr := tar.NewReader(bytes.NewReader(b.Bytes()))
		for j := 0; ; j++ {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if j != i && !(j == 1 && i == 0) {
				continue
			}
			if j == 1 && i == 0 {
				h.PAXRecords, h.Xattrs = nil, nil //lint:ignore SA1019 the reader fills Xattrs too: the global header's archive keeps a clean member
			}
			tw.WriteHeader(h)
			io.Copy(tw, tr)
		}
		tw.Close()
		p := filepath.Join(t.TempDir(), "h.tar")
		if err := os.WriteFile(p, one.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errs := runHush(t, nil, "scan", "--secrets-dir", sdir, p)
		if code != exitFound {
			t.Errorf("header %d: scan exit code %d; stderr: %s", i, code, demoClean(errs))
		}
		noLeak(t, "scan", []byte(out+errs))
		o := filepath.Join(t.TempDir(), "o.tar")
		code, _, errs = runHush(t, nil, "scrub", "--secrets-dir", sdir, "-o", o, p)
		if code != exitOK {
			t.Errorf("header %d: scrub exit code %d; stderr: %s", i, code, demoClean(errs))
		}
		w, err := os.ReadFile(o)
		if err != nil {
			t.Fatal(err)
		}
		noLeak(t, fmt.Sprintf("header %d: the archive written", i), w)
		readTar(t, bytes.NewReader(w))
	}
}

// demoClean replaces the demo secrets' values in s, for a failure message.
func demoClean(s string) string {
	for name, v := range demoSecrets {
		s = strings.ReplaceAll(s, v, "<"+name+">")
	}
	return s
}
