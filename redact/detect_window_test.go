package redact_test

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
	"github.com/hushlog/hush/internal/leaktest"
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
		if testing.Short() && c.spec == "default" {
			continue // its reach is longer than these blocks: no window cuts one
		}
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

// TestDetectedPEMAcrossWrappedSegments: a PEM block in a blob of wrapped
// base64 longer than the 64 KiB segments the blob is searched in is
// redacted whole (no piece of it left) wherever it crosses a segment's
// end, by Scrub and by a Writer. Segments overlap by the reach of a token
// on one line (1,794 bytes with the short-reach sets): a block whose base64
// begins further back than that before the end is decoded again whole from
// its line.
func TestDetectedPEMAcrossWrappedSegments(t *testing.T) {
	const segment = 1 << 16
	g := detecttest.New(33)
	filler := strings.Repeat("level=info msg=\"syncing shard 17 of 64\" took=12ms\n", 2000)
	for _, c := range []struct {
		spec        string
		withSecrets bool
	}{{"default", false}, {"private-key,aws-access-key-id", false}, {"private-key", true}} {
		if testing.Short() && c.spec == "default" {
			continue // its reach is longer than these blocks: no window cuts one
		}
		r := newDetecting(t, c.spec, c.withSecrets)
		for _, variant := range []string{"pem-rsa-lf", "pem-ec-crlf"} {
			tok := g.Variant("private-key", variant)
			pem := tok.Text
			enc := (len(pem) + 2) / 3 * 4
			for _, back := range []int{enc + 8, enc - 100, enc * 7 / 8, enc / 2, 12, -40} {
				lead := (segment - back) / 4 * 3 // document bytes before the block
				doc := filler[:lead] + pem + "\n" + filler[:900]
				text := "+ base64 /run/secrets/bundle\n" + wrap(base64.StdEncoding.EncodeToString([]byte(doc)), 76, "\n") + "\n+ echo done\n"
				where := fmt.Sprintf("%s (secrets %v), %s at document offset %d", c.spec, c.withSecrets, variant, lead)
				out := r.ScrubString(text)
				if leaks := leaktest.Find(pemPieces(variant, pem), []byte(out)); len(leaks) > 0 {
					t.Errorf("%s: Scrub left %d pieces of the block, first %s", where, len(leaks), leaks[0])
					continue
				}
				if !strings.Contains(out, "[REDACTED:detected:private-key]") {
					t.Errorf("%s: no replacement", where)
				}
				var b strings.Builder
				w := r.NewWriter(&b)
				for i := 0; i < len(text); i += 4096 {
					_, _ = w.Write([]byte(text[i:min(len(text), i+4096)]))
				}
				_ = w.Close()
				if b.String() != out {
					t.Errorf("%s: written in 4 KiB writes, the stream differs from Scrub (length %d, want %d)", where, b.Len(), len(out))
				}
			}
		}
	}
}

// pemPieces are 12-byte pieces of a PEM block's key material (its body
// lines) to look for after redaction.
func pemPieces(name, pem string) []redact.Secret {
	var out []redact.Secret
	for i, line := range strings.Split(pem, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.HasPrefix(line, "-----") {
			continue
		}
		for k := 0; k+12 <= len(line); k += 16 {
			out = append(out, redact.Secret{Name: fmt.Sprintf("%s line %d [%d:%d]", name, i, k, k+12), Value: line[k : k+12]})
		}
	}
	return out
}
