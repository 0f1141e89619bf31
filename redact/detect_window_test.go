package redact_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
	"github.com/hushlog/hush/redact"
)

// Escaped PEM blocks on long lines. A line with escapes is decoded in
// windows of 64 KiB that overlap by the reach of a token on one line,
// which a PEM block (up to detect.MaxPEMLen decoded) exceeds: a block that
// crosses the end of a window is decoded whole from its start.

// pemEscapings are the ways a PEM block reaches a line escaped so that
// only the decoded line holds it.
var pemEscapings = []struct {
	name string
	enc  func(string) string
}{
	{"form", url.QueryEscape},
	{"percent", url.PathEscape},
	{"form-twice", func(s string) string { return url.QueryEscape(url.QueryEscape(s)) }},
	{"every-byte", percentAll},
}

func newDetecting(t *testing.T, spec string, withSecrets bool) *redact.Redactor {
	t.Helper()
	set, err := detect.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	r, err := redact.New(redact.WithDetectors(set))
	if err != nil {
		t.Fatal(err)
	}
	if withSecrets {
		if err := r.Set([]redact.Secret{{Name: "db", Value: "Zq8Kx2Lm9Np4Rt6W"}}); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// TestDetectedPEMAcrossDecodedWindows: a PEM block escaped on a line longer
// than a decoded window is redacted whole (exactly its escaped span)
// wherever it crosses the window's end, by Scrub and by a Writer.
func TestDetectedPEMAcrossDecodedWindows(t *testing.T) {
	const window = 1 << 16
	const filler = "a=b%20c&" // an escape in every 8 bytes
	repl := "[REDACTED:detected:private-key]"
	g := detecttest.New(31)
	for _, c := range []struct {
		spec        string
		withSecrets bool
	}{{"default", false}, {"default", true}, {"private-key,aws-access-key-id", false}, {"private-key", true}} {
		r := newDetecting(t, c.spec, c.withSecrets)
		for _, esc := range pemEscapings {
			for _, variant := range []string{"pem-rsa-lf", "pem-ec-crlf"} {
				pem := esc.enc(g.Variant("private-key", variant).Text)
				for _, back := range []int{len(pem) + 64, len(pem) - 1, len(pem) / 2, 9, -9} {
					at := window - back // where the block starts
					head := "GET /x?" + strings.Repeat(filler, (at-len("GET /x?&key="))/len(filler))
					head += strings.Repeat("q", max(0, at-len(head)-len("&key="))) + "&key="
					text := head + pem + "&v=2 HTTP/1.1\n"
					want := head + repl + "&v=2 HTTP/1.1\n"
					where := fmt.Sprintf("%s (secrets %v), %s, %s, block of %d bytes at %d", c.spec, c.withSecrets, esc.name, variant, len(pem), len(head))
					if out := r.ScrubString(text); out != want {
						t.Errorf("%s: Scrub did not replace exactly the block (output length %d, want %d)", where, len(out), len(want))
						continue
					}
					var b strings.Builder
					w := r.NewWriter(&b)
					for i := 0; i < len(text); i += 4096 {
						_, _ = w.Write([]byte(text[i:min(len(text), i+4096)]))
					}
					_ = w.Close()
					if b.String() != want {
						t.Errorf("%s: written in 4 KiB writes, the stream differs from Scrub (length %d, want %d)", where, b.Len(), len(want))
					}
				}
			}
		}
	}
}
