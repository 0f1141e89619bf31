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
