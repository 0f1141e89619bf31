package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"github.com/hushlog/hush/redact"
)

// longSecret returns a random value of n bytes with characters that JSON
// and URL escaping change.
func longSecret(seed uint64, n int) string {
	const alphabet = `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"\/<>&+= `
	rng := rand.New(rand.NewPCG(seed, 9))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	b[0], b[n-1] = 'Q', 'Z' // no space at either end: values are trimmed
	return string(b)
}

// TestLongSecretAcrossEveryCut: a secret longer than everything the CLI
// looks at around a cut — over the 64 KiB it reads on either side, over a
// whole chunk — on a single line, raw, JSON-escaped, URL-escaped or in
// base64, at offsets around a cut (at the cut, a piece of the index's long
// forms either side of it, half the value, the look-ahead), leaves nothing
// of itself in the output: every byte of it is inside a replacement,
// however the line was cut.
func TestLongSecretAcrossEveryCut(t *testing.T) {
	sizes := []int{70_000, 300_000}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, n := range sizes {
		sec := redact.Secret{Name: "long", Value: longSecret(uint64(n), n)}
		r, look := newTestRedactor(t, sec)
		size := chunkSize(4096, look, n)
		j, _ := json.Marshal(sec.Value)
		forms := map[string]string{
			"raw":    sec.Value,
			"json":   string(j[1 : len(j)-1]),
			"url":    url.QueryEscape(sec.Value),
			"base64": base64.StdEncoding.EncodeToString([]byte(sec.Value)),
		}
		var wrapped strings.Builder
		for b64 := forms["base64"]; len(b64) > 0; {
			k := min(76, len(b64))
			wrapped.WriteString(b64[:k] + "\n")
			b64 = b64[k:]
		}
		forms["base64, wrapped at 76"] = wrapped.String()
		repl := []byte(r.Replacement(sec.Name))
		for fname, form := range forms {
			for _, shift := range []int{1, 4095, 4097, look - 1, look + 1, len(form) / 2, len(form) - 4097, len(form) - 1} {
				if shift <= 0 || shift >= len(form) {
					continue
				}
				for _, cut := range []int{size, 2 * size} {
					if cut-shift < 0 || cut == 2*size && shift != 1 {
						continue
					}
					var b bytes.Buffer
					b.Write(bytes.Repeat([]byte{'.'}, cut-shift-1))
					b.WriteString("\n" + form)
					b.Write(bytes.Repeat([]byte{'.'}, 100))
					b.WriteString("\nend\n")
					for _, jobs := range []int{2} {
						out := pipelineScrubLongest(t, r, look, n, b.Bytes(), 4096, jobs)
						rest := bytes.ReplaceAll(out, repl, nil)
						rest = bytes.Trim(bytes.TrimSuffix(rest, []byte("\nend\n")), ".\n")
						if strings.HasPrefix(fname, "base64") {
							// The padding and the line breaks are the
							// encoding's, not the value's.
							rest = bytes.ReplaceAll(bytes.ReplaceAll(rest, []byte("="), nil), []byte("\n"), nil)
						}
						if !bytes.Contains(out, repl) || len(rest) > 0 {
							t.Fatalf("%d-byte secret, %s form (%d bytes) at %d before a cut at %d, jobs %d: %d bytes of it left unredacted",
								n, fname, len(form), shift, cut, jobs, len(rest))
						}
					}
				}
			}
		}
	}
}

// TestLongSecretStreamed: the same through a pipe that pauses (the cut an
// idle pipe makes), through the command line.
func TestLongSecretStreamed(t *testing.T) {
	sec := redact.Secret{Name: "long", Value: longSecret(5, 300_000)}
	cfg := writeSecretsConfig(t, t.TempDir(), sec)
	for _, lines := range []int{1, 3} {
		in := strings.Repeat("x "+sec.Value+" y\n", lines)
		code, out, errs := runMain(t, strings.NewReader(in), "scrub", "-q", "--no-detect", "--config", cfg)
		if code != ExitOK {
			t.Fatalf("exit %d: %d bytes on stderr", code, len(errs))
		}
		if want := strings.Repeat("x [REDACTED:long] y\n", lines); out != want {
			t.Errorf("%d lines: %d bytes out, want %d", lines, len(out), len(want))
		}
	}
}
