package redact_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// escapedBodies are documents a service holds a secret in, escaped, and
// logs as bytes: a form (an OAuth token request), a JSON request body as
// encoding/json writes it (HTML-safe or not), a Go %q, an HTML page. Each
// is long enough that its base64 is a run the scan decodes (64 characters
// or more).
var escapedBodies = map[string]func(v string) string{
	"form": func(v string) string {
		return url.Values{"grant_type": {"password"}, "username": {"someone@example.com"}, "password": {v}, "scope": {"openid profile"}}.Encode()
	},
	"json": func(v string) string {
		b, _ := json.Marshal(map[string]string{"username": "someone@example.com", "password": v, "client": "web-frontend"})
		return string(b)
	},
	"json, not HTML-safe": func(v string) string {
		var b bytes.Buffer
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(false)
		_ = e.Encode(map[string]string{"username": "someone@example.com", "password": v})
		return b.String()
	},
	"go quoted": func(v string) string { return fmt.Sprintf("config{user: %q, pass: %q}", "someone@example.com", v) },
	"go quoted ascii": func(v string) string {
		return "config{user: \"someone@example.com\", pass: " + strconv.QuoteToASCII(v) + "}"
	},
	"html": func(v string) string {
		return `<form><input name="user" value="someone"><input name="pw" value="` + html.EscapeString(v) + `"></form>`
	},
}

// escapedBodySecrets hold the bytes the bodies escape.
func escapedBodySecrets() []redact.Secret {
	return append(leaktest.Secrets(), append(leaktest.EdgeSecrets(), composedSecrets...)...)
}

// TestBase64OfEscapedBody: a body holding a secret escaped, logged as
// bytes (zap.Binary, slog's JSON handler, a reflected []byte, OTLP bytes),
// is written as base64: the secret's base64 is not in it, its escaped
// form's is. Every body, at every byte alignment in the blob, as a JSON
// field, wrapped at 76 columns (MIME) and streamed in writes of several
// sizes: nothing of the secret survives any decode of the output, and the
// text around the blob is kept.
func TestBase64OfEscapedBody(t *testing.T) {
	secrets := escapedBodySecrets()
	r := newRedactor(t, secrets, redact.WithDetectors(nil))
	std := base64.StdEncoding.EncodeToString
	for name, body := range escapedBodies {
		for _, s := range secrets {
			for pad := range 3 {
				blob := std([]byte(strings.Repeat("\n", pad) + body(s.Value)))
				for _, text := range []string{
					`{"level":"info","msg":"request","body":"` + blob + `"}` + "\n",
					"body:\n" + string(wrapLines(blob, 76, "\r\n")) + "\r\nend\n",
				} {
					out := r.Scrub(nil, []byte(text))
					what := fmt.Sprintf("%s, %s, pad %d", name, s.Name, pad)
					leaktest.Check(t, secrets, out, what)
					if !bytes.HasPrefix(out, []byte(text[:6])) || !bytes.HasSuffix(out, []byte(text[len(text)-3:])) || bytes.Count(out, []byte("\n")) != strings.Count(text, "\n") {
						t.Errorf("%s: the text around the blob changed", what)
					}
					for _, size := range []int{1, 7, 100} {
						var parts [][]byte
						for i := 0; i < len(text); i += size {
							parts = append(parts, []byte(text[i:min(i+size, len(text))]))
						}
						if got := streamed(t, r, parts...); !bytes.Equal(got, out) {
							t.Errorf("%s, in writes of %d: streaming differs from one-shot", what, size)
						}
					}
				}
			}
		}
	}
}
