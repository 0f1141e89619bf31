package leaktest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/redact"
)

// redactionsStartOnSecrets reports whether every redaction of line that
// starts before pos is itself an encoded secret from its first byte: some
// decoding of the redacted bytes (the oracle's) begins with a secret. A
// partial escape that is also the start of another reading of the secret
// ("\" before "%5C" reads as an escaped backslash once percent-decoded) may
// be redacted; one that is only near it may not.
func redactionsStartOnSecrets(r *redact.Redactor, line []byte, pos int) bool {
	for _, m := range r.Find(line) {
		if m.Start >= pos {
			continue
		}
		if !startsWithSecret(cachedForms(danglingSecrets, minFormLen), line[m.Start:m.End], 0) {
			return false
		}
	}
	return true
}

// startsWithSecret reports whether text, or one of its decodes (composed
// up to maxDecodeDepth), begins with a form of a secret.
func startsWithSecret(fs []form, text []byte, depth int) bool {
	for _, l := range search(fs, text, "", false) {
		if l.Offset == 0 {
			return true
		}
	}
	if depth == maxDecodeDepth {
		return false
	}
	for _, d := range decodes(text) {
		if startsWithSecret(fs, d.text, depth+1) {
			return true
		}
	}
	return false
}

// danglingPrefixes are the starts of escapes that a decoder completes with
// the first bytes of whatever follows: a percent escape, every backslash
// escape (simple, \x, \u, \U, a surrogate pair's first half) and HTML
// entities, at each length short of complete, and a few complete escapes
// whose last byte could instead begin another one.
var danglingPrefixes = []string{
	`%`, `%2`, `%A`, `%a`, `%%`, `%5`, `%25`, `%252`, `%5C`,
	`\`, `\\\`, `\u`, `\u0`, `\u00`, `\u004`, `\U`, `\U0001F60`, `\x`, `\x4`, `\ud83d`, `\ud83d\u`, `\ud83d\uD`, `\\u00`,
	`&`, `&#`, `&#x`, `&#x4`, `&#3`, `&amp`, `&amp;`, `&lt`, `&#X`,
	`%5Cu00`, `%5C`, `\%2`, `%\u00`,
}

// danglingSecrets start with bytes that complete those escapes (hex
// digits, a simple escape's letter, a backslash, "u", "x", ";", an entity
// name) and hold bytes each escaping changes, so that their encoded forms
// are not their raw form.
var danglingSecrets = []redact.Secret{
	{Name: "hex-amp", Value: "0&Zq8rT2vLx9/s3cr3t"},
	{Name: "hex-quote", Value: `41ab"Hz81Lw0p\Xk`},
	{Name: "letter-n", Value: `n"uote-Hz81Lw0pXké`},
	{Name: "backslash", Value: `\back-Rw62Yp0Qd<>`},
	{Name: "letter-u", Value: "u0041-Lm7Pv4 Wq8J&x"},
	{Name: "semicolon", Value: "1;a<b>&c-Rw62Yp0Qd"},
	{Name: "letter-x", Value: "x4F%2Fpath-Kq2Lm7"},
	{Name: "surrogate", Value: "DE00+Zx9/Kq2Lm7Pv4="},
	{Name: "entity", Value: `amp;Zx9Kq2"Lm7Pv4`},
	{Name: "tab-t", Value: "t\tab-Zx9Kq2Lm7Pv4"},
}

// danglingForms returns the forms of v a decoder or an indexed entity form
// must catch: every percent, backslash and HTML form the oracle knows, and
// percent-encoding twice.
func danglingForms(v string) map[string]string {
	out := map[string]string{}
	for _, f := range encodings(v) {
		for _, p := range []string{"json", "go-quote", "url-", "html", "xml"} {
			if strings.HasPrefix(f.kind, p) {
				out[f.kind] = string(f.text)
			}
		}
	}
	out["url-query-twice"] = url.QueryEscape(url.QueryEscape(v))
	out["url-path-in-json"] = jsonInner(url.PathEscape(v), false)
	return out
}

// TestDanglingEscapeBeforeSecret: whatever partial escape precedes an
// encoded secret, the scrubbed line holds no form of any secret (the
// oracle's judgement), and the bytes before and after the secret's form
// are unchanged.
func TestDanglingEscapeBeforeSecret(t *testing.T) {
	r, err := redact.New()
	require.NoError(t, err)
	require.NoError(t, r.Set(danglingSecrets))
	require.Empty(t, r.Stats().Skipped)
	cases, failures := 0, 0
	for _, s := range danglingSecrets {
		for kind, form := range danglingForms(s.Value) {
			for _, prefix := range danglingPrefixes {
				for _, around := range [][2]string{{"k=", " end"}, {"", ""}, {`{"msg":"`, `"}`}} {
					before, after := around[0]+prefix, around[1]
					line := []byte(before + form + after)
					out := r.Scrub(nil, line)
					cases++
					ok := true
					if leaks := Find(danglingSecrets, out); len(leaks) > 0 {
						t.Errorf("secret %s, %s form after %q: %s", s.Name, kind, prefix, leaks[0])
						ok = false
					}
					if !bytes.HasPrefix(out, []byte(around[0])) || !bytes.HasSuffix(out, []byte(after)) {
						t.Errorf("secret %s, %s form after %q: the bytes around the form changed", s.Name, kind, prefix)
						ok = false
					} else if !bytes.HasPrefix(out, []byte(before)) && !redactionsStartOnSecrets(r, line, len(before)) {
						t.Errorf("secret %s, %s form after %q: the partial escape before the form was redacted", s.Name, kind, prefix)
						ok = false
					}
					if !ok {
						if failures++; failures > 40 {
							t.Fatal("too many failures")
						}
					}
				}
			}
		}
	}
	t.Logf("%d lines", cases)
}

// TestWrappedBase64AtEveryOffset: the scan skips text that cannot start a
// run of wrapped base64 by sampling it at fixed offsets; a wrapped blob
// holding a secret is caught wherever it starts, after any log prefix.
func TestWrappedBase64AtEveryOffset(t *testing.T) {
	s := redact.Secret{Name: "wrapped", Value: "Zq8rT2vLx9-s3cr3t/+?Wq8J"}
	secrets := []redact.Secret{s}
	r, err := redact.New()
	require.NoError(t, err)
	require.NoError(t, r.Set(secrets))
	blob := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("lorem ipsum ", 4) + s.Value + strings.Repeat(" dolor", 12)))
	for _, width := range []int{64, 76} {
		var wrapped strings.Builder
		for i := 0; i < len(blob); i += width {
			wrapped.WriteString(blob[i:min(i+width, len(blob))] + "\n")
		}
		for off := range 70 {
			for _, prefix := range []string{"", "data: "} {
				line := []byte(strings.Repeat("x", off) + "\n" + prefix + wrapped.String() + "end\n")
				Check(t, secrets, r.Scrub(nil, line), fmt.Sprintf("wrapped base64, width %d, offset %d, prefix %q", width, off, prefix))
			}
		}
	}
}
