package cli

import (
	"strings"
	"testing"

	"github.com/hushlog/hush/redact"
)

// TestScrubPath: a name with a secret anywhere — a component, several, a
// value holding a "/" that spans components, an encoded form — comes out
// with no secret, the same number of components as before wherever the
// secrets are whole components or inside one, and never a "." or ".."
// component the original did not have, whatever the replacement template
// makes of the secret's name ("/" in it, "{name}" alone with a name of
// "..").
func TestScrubPath(t *testing.T) {
	secrets := append([]redact.Secret{{Name: "..", Value: "Kq2-Wd7-Lp4-Zx9"}}, testSecrets...)
	pw, tok, slash, dots := testSecrets[0].Value, testSecrets[1].Value, testSecrets[2].Value, secrets[0].Value
	for _, tmpl := range []string{"", "{name}", "x/{name}/y", "{hash}"} {
		var opts []redact.Option
		if tmpl != "" {
			opts = append(opts, redact.WithReplacement(tmpl))
		}
		r, err := redact.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Set(secrets); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			p         string
			sameDepth bool
		}{
			{"logs/app.log", true},
			{"logs/dump-" + tok + ".log", true},
			{pw + "/" + tok, true},
			{"cache-" + pw + "/x/" + pw + "-" + tok + "/", true},
			{dots, true},
			{dots + "/" + dots + "/etc/passwd", true},
			{"a/" + slash + "/b", false},
			{"b64-" + "WnE4di00THcyLTlwWGMtN3lUYg==" + ".txt", true},
			{"url-" + strings.ReplaceAll(slash, "/", "%2F") + ".txt", true},
		} {
			got, ms := scrubPath(r, c.p)
			assertNoValue(t, "scrubbed path", []byte(got), secrets...)
			if got == c.p && c.p != "logs/app.log" || len(ms) == 0 && got != c.p {
				t.Errorf("template %q: %d matches, changed: %v", tmpl, len(ms), got != c.p)
			}
			want := strings.Count(c.p, "/")
			if n := strings.Count(got, "/"); c.sameDepth && n != want {
				t.Errorf("template %q: %d components become %d", tmpl, want+1, n+1)
			}
			orig := strings.Split(c.p, "/")
			for i, part := range strings.Split(got, "/") {
				if (part == "." || part == "..") && (i >= len(orig) || orig[i] != part) {
					t.Errorf("template %q: component %d became %q", tmpl, i, part)
				}
			}
		}
	}
}

// TestDropZipExtra: the records asked for are dropped, the others kept in
// order; a malformed field is cut where it goes wrong.
func TestDropZipExtra(t *testing.T) {
	rec := func(id uint16, data string) []byte {
		return append([]byte{byte(id), byte(id >> 8), byte(len(data)), 0}, data...)
	}
	var in []byte
	in = append(in, rec(0x5455, "time1")...)
	in = append(in, rec(0x7075, "\x01crcname")...)
	in = append(in, rec(0x000a, "ntfs")...)
	got := dropZipExtra(in, 0x7075, 0x6375)
	want := append(rec(0x5455, "time1"), rec(0x000a, "ntfs")...)
	if string(got) != string(want) {
		t.Errorf("got %x, want %x", got, want)
	}
	if got := dropZipExtra(append(rec(0x5455, "t"), 0x01, 0x00, 0x09), 0x7075); string(got) != string(rec(0x5455, "t")) {
		t.Errorf("malformed tail: got %x", got)
	}
}

// TestOutNamesDistinct: whatever the names, every input placed gets a
// final name of its own with no secret in it; a directory met again keeps
// its name, a file and a directory that scrub the same are kept apart, and
// a name without a collision is only scrubbed.
func TestOutNamesDistinct(t *testing.T) {
	r, _ := newTestRedactor(t, redact.Secret{Name: "T", Value: "Hq3-Rt7-Yu2-Io9-Pa1"}, redact.Secret{Name: "T", Value: "Sd4-Fg8-Jk2-Lz6-Xc3"})
	v1, v2 := "Hq3-Rt7-Yu2-Io9-Pa1", "Sd4-Fg8-Jk2-Lz6-Xc3"
	o := newOutNames(r)
	rels := []string{
		"b/plain.log", "b/d-" + v1 + "/x.log", "b/d-" + v1 + "/y.log", "b/d-" + v2 + "/x.log",
		"b/f-" + v1, "b/f-" + v2 + "/z", "b/[REDACTED:T].log", "b/" + v1 + ".log", "b/" + v2 + ".log",
		"b/a.tar.gz", "b/" + v1 + ".tar.gz", "b/" + v2 + ".tar.gz", "b/[REDACTED:T]~2.tar.gz",
	}
	seen := map[string]bool{}
	for _, rel := range rels {
		final, wanted, _ := o.place(rel, false)
		assertNoValue(t, "final name", []byte(final), redact.Secret{Name: "T", Value: v1}, redact.Secret{Name: "T", Value: v2})
		if seen[final] {
			t.Errorf("two inputs placed at %q", final)
		}
		seen[final] = true
		if scrubbed, _ := scrubPath(r, rel); (wanted == "") != (final == scrubbed) {
			t.Errorf("%q: wanted %q reported for a name that did not change", final, wanted)
		}
	}
	for _, want := range []string{"b/plain.log", "b/d-[REDACTED:T]/y.log", "b/d-[REDACTED:T]~2/x.log", "b/[REDACTED:T]~2.log", "b/a.tar.gz", "b/[REDACTED:T]~2.tar.gz", "b/[REDACTED:T]~2~2.tar.gz"} {
		if !seen[want] {
			t.Errorf("%q not placed; have %d names", want, len(seen))
		}
	}
	for f := range seen {
		if strings.HasPrefix(f, "b/f-[REDACTED:T]/") && seen["b/f-[REDACTED:T]"] {
			t.Errorf("a file and a directory both at b/f-[REDACTED:T]")
		}
	}
}

func TestNumbered(t *testing.T) {
	for in, want := range map[string]string{
		"app.log": "app~2.log", "bundle.tar.gz": "bundle~2.tar.gz", "x.log.zst": "x~2.log.zst",
		".env": ".env~2", "noext": "noext~2", "a.gz": "a~2.gz", "[REDACTED:db.pw].log": "[REDACTED:db.pw]~2.log",
	} {
		if got := numbered(in, 2); got != want {
			t.Errorf("numbered(%q) = %q, want %q", in, got, want)
		}
	}
}
