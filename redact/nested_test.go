package redact_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

var nestedSecrets = []redact.Secret{
	{Name: "short", Value: "Kq2Lm7Pv"},
	{Name: "nine", Value: "p@ss/w+rd"},
	{Name: "token", Value: "ghp_Zx9Kq2Lm7Pv4Rt8WnB3c"},
	{Name: "unicode", Value: "pässwörd/日本-Kq2Lm7"},
	{Name: "long", Value: "Vr7Qm2Xk9Lp4Ws8Zt3Nc6Bh1Jd5Fg0Ya-Zx9Kq2Lm7Pv4Rt8W"},
}

// nestedContexts put a blob of base64 in a log line: as it is, glued to
// other base64 characters, query-escaped (base64 of base64 text has no "+"
// or "/": only the padding is escaped), wrapped at 76 and 64 columns.
var nestedContexts = []func(string) string{
	func(b string) string { return "data: " + b + "\n" },
	func(b string) string { return `{".dockerconfigjson":"` + b + `"}` },
	func(b string) string { return "/v1/ab" + b },
	func(b string) string { return "x" + b + "==" },
	func(b string) string { return "GET /cb?cfg=" + url.QueryEscape(b) + "&x=1" },
	func(b string) string { return "blob:\n" + string(wrapLines(b, 76, "\n")) + "\n" },
	func(b string) string { return "blob:\r\n" + string(wrapLines(b, 76, "\r\n")) + "\r\n" },
	func(b string) string {
		return "-----BEGIN X-----\n" + string(wrapLines(b, 64, "\n")) + "\n-----END X-----"
	},
}

// wrapLines breaks s into lines of width characters.
func wrapLines(s string, width int, eol string) []byte {
	var b []byte
	for len(s) > width {
		b = append(append(b, s[:width]...), eol...)
		s = s[width:]
	}
	return append(b, s...)
}

// TestNestedBase64EveryAlignment: base64 of base64 is redacted with the
// value at every byte alignment of the inner encoding and the inner
// encoding at every alignment of the outer one, in a blob long enough to
// be decoded by the scan (a .dockerconfigjson) and glued to other base64
// characters, by the block scan and the portable one alike (same spans),
// and nothing of the value survives any decode of the output.
func TestNestedBase64EveryAlignment(t *testing.T) {
	r, err := redact.New(redact.WithDetectors(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set(nestedSecrets); err != nil {
		t.Fatal(err)
	}
	defer redact.SetPortableScan(false)()
	std := base64.StdEncoding.EncodeToString
	for _, sec := range nestedSecrets {
		for _, user := range []string{"", "u:", "ci:", "robot$ci:"} {
			auth := std([]byte(user + sec.Value))
			for pad := range 3 {
				doc := `{"auths":{"registry.example.com":{` + strings.Repeat(" ", pad) + `"auth":"` + auth + `"}}}`
				outer := std([]byte(doc))
				for ci, ctx := range nestedContexts {
					text := []byte(strings.Repeat("log line ", 5) + ctx(outer) + " end\n")
					what := fmt.Sprintf("%s, user %d bytes, pad %d, context %d", sec.Name, len(user), pad, ci)
					redact.SetPortableScan(false)
					a := r.Find(text)
					redact.SetPortableScan(true)
					b := r.Find(text)
					if !slices.Equal(a, b) {
						t.Errorf("%s: %d spans by blocks, %d by the portable scan", what, len(a), len(b))
					}
					for _, blocks := range []bool{true, false} {
						redact.SetPortableScan(!blocks)
						out := r.Scrub(nil, text)
						leaktest.Check(t, nestedSecrets, out, what)
						if !bytes.Contains(out, []byte(r.Replacement(sec.Name))) {
							t.Errorf("%s (blocks %v): nothing redacted", what, blocks)
						}
					}
				}
			}
		}
	}
}

// TestNestedBase64Standalone: a value's base64 encoded again, alone (a blob
// too short for the scan to decode), is found by its indexed form.
func TestNestedBase64Standalone(t *testing.T) {
	r, err := redact.New(redact.WithDetectors(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set(nestedSecrets); err != nil {
		t.Fatal(err)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
		for _, sec := range nestedSecrets {
			text := []byte("secret=" + enc.EncodeToString([]byte(enc.EncodeToString([]byte(sec.Value)))) + " done\n")
			out := r.Scrub(nil, text)
			leaktest.Check(t, nestedSecrets, out, sec.Name)
		}
	}
}

// TestNestedBase64LongRun: base64 of base64 inside a blob longer than a
// segment is found wherever it sits, also across a window's edge, by both
// scans.
func TestNestedBase64LongRun(t *testing.T) {
	r, err := redact.New(redact.WithDetectors(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set(nestedSecrets); err != nil {
		t.Fatal(err)
	}
	defer redact.SetPortableScan(false)()
	sec := nestedSecrets[2]
	inner := base64.StdEncoding.EncodeToString([]byte("u:" + sec.Value))
	for _, at := range []int{0, 1000, 3*(1<<16)/4 - 10, 3 * (1 << 16) / 4, 100000, 240000} {
		// The inner encoding of the value after at characters of other
		// inner base64: one stretch of decoded base64 characters.
		body := []byte(strings.Repeat("A", at) + inner)
		outer := base64.StdEncoding.EncodeToString(body)
		text := []byte("blob " + outer + "\n")
		for _, blocks := range []bool{true, false} {
			redact.SetPortableScan(!blocks)
			out := r.Scrub(nil, text)
			if !leaktest.Check(t, nestedSecrets, out, fmt.Sprintf("at %d, blocks %v", at, blocks)) {
				return
			}
		}
	}
}

// TestNestedBase64Streaming: a Writer fed a line longer than it holds back
// (so that it cuts the line) in writes of every size redacts base64 of
// base64 as one-shot scrubbing does, wherever the cut falls in the blob.
func TestNestedBase64Streaming(t *testing.T) {
	r, err := redact.New(redact.WithDetectors(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set(nestedSecrets); err != nil {
		t.Fatal(err)
	}
	std := base64.StdEncoding.EncodeToString
	for k, sec := range nestedSecrets {
		for pad := range 3 {
			// The auth field last in the blob, or with a long field after it.
			tail := ""
			if k%2 == 1 {
				tail = `,"email":"` + strings.Repeat("robot.account.", 20) + `@example.com"`
			}
			doc := `{"auths":{"registry.example.com":{"username":"robot",` + strings.Repeat(" ", pad) + `"auth":"` + std([]byte("u:"+sec.Value)) + `"` + tail + `}}}`
			text := []byte(strings.Repeat("lorem ipsum. ", 300) + std([]byte(doc)) + " end" + strings.Repeat(" lorem ipsum.", 300) + "\nnext line\n")
			want := r.Scrub(nil, text)
			leaktest.Check(t, nestedSecrets, want, sec.Name+" one-shot")
			for _, size := range []int{1, 3, 7, 64, 100, 1000} {
				var parts [][]byte
				for i := 0; i < len(text); i += size {
					parts = append(parts, text[i:min(i+size, len(text))])
				}
				var out bytes.Buffer
				w := r.NewWriter(&out)
				for _, p := range parts {
					if _, err := w.Write(p); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out.Bytes(), want) {
					t.Errorf("%s, pad %d, in writes of %d: streaming differs from one-shot", sec.Name, pad, size)
				}
			}
		}
	}
}

// TestNestedBase64StreamingRandom: long lines of base64 runs (base64 of
// base64 at random alignments, base64 of random bytes, paths), streamed in
// writes of random sizes, come out as one-shot scrubbing gives them.
func TestNestedBase64StreamingRandom(t *testing.T) {
	r, err := redact.New(redact.WithDetectors(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set(nestedSecrets); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	std := base64.StdEncoding.EncodeToString
	piece := func() string {
		switch rng.IntN(5) {
		case 0:
			sec := nestedSecrets[rng.IntN(len(nestedSecrets))]
			doc := `{"auths":{"r.example":{` + strings.Repeat(" ", rng.IntN(3)) + `"auth":"` + std([]byte(strings.Repeat("u", rng.IntN(4))+":"+sec.Value)) + `"` + strings.Repeat(`,"x":"yz"`, rng.IntN(8)) + `}}}`
			return std([]byte(doc))
		case 1:
			b := make([]byte, rng.IntN(200))
			for i := range b {
				b[i] = byte(rng.IntN(256))
			}
			return std(b)
		case 2:
			return "/var/lib/kubelet/pods/" + std([]byte(strings.Repeat("p", rng.IntN(60))))
		case 3:
			return "\n"
		}
		return strings.Repeat(" lorem ipsum", 1+rng.IntN(40))
	}
	for round := range 60 {
		var sb strings.Builder
		for range 20 + rng.IntN(40) {
			sb.WriteString(piece())
			sb.WriteString(" ")
		}
		text := []byte(sb.String())
		want := r.Scrub(nil, text)
		var out bytes.Buffer
		w := r.NewWriter(&out)
		for rest := text; len(rest) > 0; {
			n := min(len(rest), 1+rng.IntN(300))
			if _, err := w.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Fatalf("round %d: streaming differs from one-shot", round)
		}
	}
}
