package hushzap_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// Test secrets: random-looking, long enough to be indexed, and some with the
// characters JSON escapes.
var (
	secretDB      = redact.Secret{Name: "prod/db/password", Value: "Zq8rT2vLx9-s3cr3t"}
	secretAPI     = redact.Secret{Name: "prod/api/token", Value: "tok_Hq71Mz0PkWn3Rt"}
	secretQuote   = redact.Secret{Name: "test/quote", Value: `q"uote-Hz81Lw0pXk`}
	secretSlash   = redact.Secret{Name: "test/backslash", Value: `back\slash-Pq09ZmX`}
	secretNewline = redact.Secret{Name: "test/newline", Value: "line-one-Jx82Tq\nline-two-Vw37Np"}
	allSecrets    = []redact.Secret{secretDB, secretAPI, secretQuote, secretSlash, secretNewline}
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

// assertNoLeak fails if out holds any of the secrets in any form the
// project's leak oracle knows, or in any standard decode of out. Failure
// messages name the secret and the form, never the value.
func assertNoLeak(t testing.TB, out string, secrets ...redact.Secret) {
	t.Helper()
	leaktest.Check(t, secrets, []byte(out), "output")
}

// assertRedacted fails unless out holds the replacement for each name.
func assertRedacted(t testing.TB, out string, names ...string) {
	t.Helper()
	for _, n := range names {
		if !leaktest.Holds([]byte(out), []byte("[REDACTED:"+n+"]")) {
			t.Errorf("no replacement for %s in output", n)
		}
	}
}

// syncBuffer is a concurrency-safe zapcore.WriteSyncer over a buffer.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Sync() error { return nil }

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Lines() []string {
	out := strings.TrimSuffix(s.String(), "\n")
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

func (s *syncBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}
