package leaktest

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/redact"
)

// recorder is a testing.TB that keeps failure messages instead of failing.
type recorder struct {
	testing.TB
	msgs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

// checkPlanted runs Check on out through a recorder and fails unless it
// reported a leak of the secret named name, with messages that hold no form
// of any secret.
func checkPlanted(t *testing.T, secrets []redact.Secret, name string, out []byte) {
	t.Helper()
	rec := &recorder{TB: t}
	clean := Check(rec, secrets, out, "planted")
	assert.False(t, clean, "Check reported a planted leak of %s as clean", name)
	named := false
	for _, m := range rec.msgs {
		named = named || strings.Contains(m, "secret "+name+" ")
	}
	assert.True(t, named, "no failure message names %s", name)
	// The messages themselves must be clean: the oracle judges them.
	if leaks := Find(secrets, []byte(strings.Join(rec.msgs, "\n"))); len(leaks) > 0 {
		t.Errorf("a failure message about %s holds a secret: %s", name, leaks[0])
	}
}

func TestEveryFormIsCaught(t *testing.T) {
	secrets := Secrets()
	for _, s := range secrets {
		for kind, text := range Forms(s.Value) {
			t.Run(s.Name+"/"+kind, func(t *testing.T) {
				checkPlanted(t, secrets, s.Name, []byte(`{"msg":"x `+text+` y"}`))
			})
		}
	}
}

func TestDecodesAreSearched(t *testing.T) {
	s := redact.Secret{Name: "prod/db/password", Value: "Zq8rT2vLx9-s3cr3t/+?é"}
	secrets := []redact.Secret{s}
	jsonOf := func(v string) string { b, _ := json.Marshal(v); return string(b) }
	long := strings.Repeat("lorem ipsum ", 10) + s.Value + strings.Repeat(" dolor", 10)
	wrapped := base64.StdEncoding.EncodeToString([]byte(long))
	var mime strings.Builder
	for i := 0; i < len(wrapped); i += 76 {
		mime.WriteString(wrapped[i:min(i+76, len(wrapped))] + "\r\n")
	}
	cases := map[string]string{
		"base64 then url":           url.QueryEscape(base64.StdEncoding.EncodeToString([]byte("user:" + s.Value))),
		"url twice":                 url.QueryEscape(url.QueryEscape(s.Value)),
		"base64 of base64":          base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString([]byte(`{"auth":"` + s.Value + `"}`)))),
		"json in json":              jsonOf(`{"inner":` + jsonOf(s.Value) + `}`),
		"json in json in json":      jsonOf(jsonOf(jsonOf(s.Value))),
		"base64 wrapped at 76":      mime.String(),
		"hex of a longer text":      hex.EncodeToString([]byte("pw=" + s.Value + ";")),
		"html of percent":           "a=" + strings.ReplaceAll(url.QueryEscape(s.Value), "%", "&#37;"),
		"base64url at offset 2, no": base64.RawURLEncoding.EncodeToString([]byte("ab" + s.Value + "c")),
	}
	for name, out := range cases {
		t.Run(name, func(t *testing.T) {
			checkPlanted(t, secrets, s.Name, []byte("log line: "+out+" end"))
		})
	}
}

func TestStructuredSecretFields(t *testing.T) {
	s := redact.Secret{Name: "prod/rds", Value: `{"username":"app","password":"Pw8rT2vLx9zz","port":5432,"acct":84736251}`}
	leaks := Find([]redact.Secret{s}, []byte(`password=Pw8rT2vLx9zz acct=84736251`))
	names := map[string]bool{}
	for _, l := range leaks {
		names[l.Name] = true
	}
	assert.Equal(t, map[string]bool{"prod/rds#password": true, "prod/rds#acct": true}, names)
}

func TestCleanOutputIsClean(t *testing.T) {
	secrets := Secrets()
	r, err := redact.New()
	require.NoError(t, err)
	require.NoError(t, r.Set(secrets))
	var b strings.Builder
	for _, s := range secrets {
		for _, text := range Forms(s.Value) {
			b.WriteString(`{"msg":"x ` + text + ` y"}` + "\n")
		}
	}
	// Scrubbed with the engine, every planted form is gone; the oracle must
	// agree (and so must not call a replacement or ordinary text a leak).
	out := r.Scrub(nil, []byte(b.String()))
	Check(t, secrets, out, "scrubbed forms")
	Check(t, secrets, []byte("2026-01-02T03:04:05Z INFO [REDACTED:prod/db/password] dGhpcyBpcyBmaW5l 0123456789abcdef"), "ordinary text")
}

func TestLeakStringHoldsNoValue(t *testing.T) {
	l := Leak{Name: "n", Form: "raw", Offset: 3}
	assert.Equal(t, "secret n leaked in raw form at byte 3", l.String())
	l.Decode = "percent"
	assert.Equal(t, "secret n leaked in raw form after decoding the output (percent)", l.String())
}
