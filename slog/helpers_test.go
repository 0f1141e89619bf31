package hushslog_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/hushlog/hush/redact"
)

// Test secrets: random-looking, long enough to be indexed, and some with the
// characters JSON and Go quoting escape.
var (
	secretDB      = redact.Secret{Name: "prod/db/password", Value: "Zq8rT2vLx9-s3cr3t"}
	secretAPI     = redact.Secret{Name: "prod/api/token", Value: "tok_Hq71Mz0PkWn3Rt"}
	secretQuote   = redact.Secret{Name: "test/quote", Value: `q"uote-Hz81Lw0pXk`}
	secretSlash   = redact.Secret{Name: "test/backslash", Value: `back\slash-Pq09ZmX`}
	secretNewline = redact.Secret{Name: "test/newline", Value: "line-one-Jx82Tq\nline-two-Vw37Np"}
	secretHTML    = redact.Secret{Name: "test/html", Value: "a<b>&c-Rw62Yp0Qd"}
	allSecrets    = []redact.Secret{secretDB, secretAPI, secretQuote, secretSlash, secretNewline, secretHTML}
)

func newRedactor(t testing.TB, secrets ...redact.Secret) *redact.Redactor {
	t.Helper()
	r, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set(secrets); err != nil {
		t.Fatal(err)
	}
	return r
}

// leaks lists the forms a log line could carry a secret in: raw, JSON
// escaped (with and without HTML escaping), and base64.
func leaks(s redact.Secret) []string {
	forms := []string{s.Value, base64.StdEncoding.EncodeToString([]byte(s.Value))}
	for _, html := range []bool{false, true} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		_ = enc.Encode(s.Value)
		esc := strings.TrimSuffix(b.String(), "\n")
		forms = append(forms, esc[1:len(esc)-1])
	}
	for _, line := range strings.Split(s.Value, "\n") {
		if len(line) >= 8 && line != s.Value {
			forms = append(forms, line)
		}
	}
	return forms
}

// assertNoLeak fails if out holds any form of any of the secrets. Failure
// messages name the secret, never its value.
func assertNoLeak(t testing.TB, out string, secrets ...redact.Secret) {
	t.Helper()
	for _, s := range secrets {
		for _, f := range leaks(s) {
			if strings.Contains(out, f) {
				t.Errorf("secret %s leaked", s.Name)
				break
			}
		}
	}
}

// leaked reports whether out holds any form of s.
func leaked(out string, s redact.Secret) bool {
	for _, f := range leaks(s) {
		if strings.Contains(out, f) {
			return true
		}
	}
	return false
}

func assertRedacted(t testing.TB, out string, names ...string) {
	t.Helper()
	for _, n := range names {
		if !strings.Contains(out, "[REDACTED:"+n+"]") {
			t.Errorf("no replacement for %s in output", n)
		}
	}
}

// syncBuffer is a concurrency-safe io.Writer over a buffer.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}

func (s *syncBuffer) Lines() []string {
	out := strings.TrimSuffix(s.String(), "\n")
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}
