package leaktest

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

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
	found := func(s redact.Secret, out string) map[string]bool {
		names := map[string]bool{}
		for _, l := range Find([]redact.Secret{s}, []byte(out)) {
			names[l.Name] = true
		}
		return names
	}
	// With credential-like keys, those fields are the secrets.
	rds := redact.Secret{Name: "prod/rds", Value: `{"engine":"postgres","username":"app_user","password":"Pw8rT2vLx9zz","pin":84736251,"api":{"key":"k3Y-Lq81Zx0w"}}`}
	// Keys are judged by the key rules: a pin is a credential, an api.key
	// too (the nested key read with its parent's).
	assert.Equal(t, map[string]bool{"prod/rds#password": true, "prod/rds#pin": true, "prod/rds#api#key": true},
		found(rds, `engine=postgres user=app_user password=Pw8rT2vLx9zz pin=84736251 key=k3Y-Lq81Zx0w`))
	// Without, every field is (numbers as written).
	hook := redact.Secret{Name: "prod/hook", Value: `{"url":"https://hooks.example.com/T0/B1/Xk29","acct":84736251}`}
	assert.Equal(t, map[string]bool{"prod/hook#url": true, "prod/hook#acct": true},
		found(hook, `posting to https://hooks.example.com/T0/B1/Xk29 for 84736251`))
}

func TestCleanOutputIsClean(t *testing.T) {
	secrets := Secrets()
	r, err := redact.New()
	require.NoError(t, err)
	require.NoError(t, r.Set(secrets))
	var b strings.Builder
	for _, s := range secrets {
		for kind, text := range Forms(s.Value) {
			if EngineGap(kind) {
				continue
			}
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

// FuzzFind: whatever surrounds it, a planted secret is found, in any of its
// forms, and the decoders never panic on arbitrary bytes.
func FuzzFind(f *testing.F) {
	f.Add([]byte(`{"msg":"`), []byte(`"}`), uint8(0))
	f.Add([]byte("\\"), []byte("%4"), uint8(3))
	f.Add([]byte("\xff\xfe&#"), []byte("\\u00"), uint8(7))
	f.Add([]byte("QUJD"), []byte("=="), uint8(11))
	secrets := Secrets()
	var all []struct{ name, text string }
	for _, s := range secrets {
		for _, text := range Forms(s.Value) {
			all = append(all, struct{ name, text string }{s.Name, text})
		}
	}
	f.Fuzz(func(t *testing.T, before, after []byte, pick uint8) {
		if len(before)+len(after) > 4<<10 {
			t.Skip("log-line sized inputs only")
		}
		p := all[int(pick)%len(all)]
		out := append(append(append([]byte(nil), before...), p.text...), after...)
		for _, l := range Find(secrets, out) {
			if l.Name == p.name {
				return
			}
		}
		t.Errorf("a planted form of %s was not found", p.name)
	})
}

// FuzzEngineAgreesWithOracle: whatever the value and whatever surrounds it,
// once the engine has scrubbed one of the value's forms from a line, the
// oracle finds no leak in the line. Values the engine declines to index
// (too short, common words) are skipped, as it reports them; so are values
// with control characters or invalid UTF-8, for which some encoders (HTML
// templates, JSON) write a lossy form.
func FuzzEngineAgreesWithOracle(f *testing.F) {
	f.Add("Zq8rT2vLx9-s3cr3t", []byte(`{"msg":"`), []byte(`"}`), uint8(0))
	f.Add(`q"uote-Hz81Lw0pXk`, []byte("pw="), []byte("&x=1"), uint8(9))
	f.Add("wh/Kp31+Lx8=Zq2?x", []byte("Authorization: Basic "), []byte("\r\n"), uint8(21))
	f.Add("a<b>&c-Rw62Yp0Qd", []byte("<td>"), []byte("</td>"), uint8(33))
	f.Fuzz(func(t *testing.T, value string, before, after []byte, pick uint8) {
		if len(value) < 12 || len(value) > 64 || strings.TrimSpace(value) != value || !utf8.ValidString(value) ||
			strings.ContainsFunc(value, unicode.IsControl) {
			t.Skip()
		}
		if len(before)+len(after) > 1<<10 {
			t.Skip()
		}
		s := redact.Secret{Name: "fuzz/secret", Value: value}
		r, err := redact.New()
		require.NoError(t, err)
		require.NoError(t, r.Set([]redact.Secret{s}))
		if len(r.Stats().Skipped) > 0 {
			t.Skip("not indexed by policy")
		}
		forms := encodings(value)
		fm := forms[int(pick)%len(forms)]
		if EngineGap(fm.kind) {
			t.Skip("a form the engine does not protect")
		}
		line := append(append(append([]byte(nil), before...), fm.text...), after...)
		out := r.Scrub(nil, line)
		if leaks := Find([]redact.Secret{s}, out); len(leaks) > 0 {
			t.Errorf("planted %s form: %s", fm.kind, leaks[0])
		}
	})
}
