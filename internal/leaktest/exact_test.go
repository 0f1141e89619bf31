package leaktest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/redact"
)

// TestFaithful: an output that is the plain one with each secret's span
// replaced passes; one that changed a byte outside the secret, lost one
// next to it, or replaced text that held no secret, fails.
func TestFaithful(t *testing.T) {
	secrets := Secrets()
	v := secrets[0].Value
	rep := "[REDACTED:" + secrets[0].Name + "]"
	plain := `{"msg":"C:\\keys\\` + v + `.pfx","n":1}`
	for _, tc := range []struct {
		name   string
		hushed string
		ok     bool
	}{
		{"same", plain, true},
		{"replaced", strings.Replace(plain, v, rep, 1), true},
		{"lost-backslash", strings.Replace(plain, `\\`+v, rep, 1), false},
		{"changed-outside", strings.Replace(strings.Replace(plain, v, rep, 1), `"n":1`, `"n":2`, 1), false},
		{"changed-no-replacement", strings.Replace(plain, "keys", "kays", 1), false},
		{"replaced-clean-text", strings.Replace(plain, ".pfx", rep, 1), false},
		{"lost-after", strings.Replace(plain, v+".", rep, 1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := Faithful(secrets, []byte(plain), []byte(tc.hushed)); (err == nil) != tc.ok {
				t.Errorf("Faithful: %v, want ok=%v", err, tc.ok)
			}
		})
	}
	// slog's text handler quotes a value for its secret's sake: only
	// RunExactUnquoted forgives the quotes (and the escaped backslashes
	// inside them).
	textPlain := `level=INFO msg="C:\\keys\\` + `q\"uote-Hz81Lw0pXk` + `.pfx"`
	textHushed := `level=INFO msg=C:\keys\[REDACTED:test/quote].pfx`
	fs := cachedForms(secrets, minFormLen)
	require.Error(t, faithful(fs, []byte(textPlain), []byte(textHushed), false))
	require.NoError(t, faithful(fs, []byte(textPlain), []byte(textHushed), true))
}

// TestTinySecretsPolicy: by default the engine skips values under 8 bytes
// and names them in Stats().Skipped (a front end writes them as they are);
// with WithMinLength(4) it indexes them, and the oracle counts their forms
// from 4 bytes.
func TestTinySecretsPolicy(t *testing.T) {
	tiny := TinySecrets()
	r, err := redact.New()
	require.NoError(t, err)
	require.NoError(t, r.Set(tiny))
	skipped := map[string]bool{}
	for _, s := range r.Stats().Skipped {
		skipped[s.Name] = s.Reason == redact.ReasonTooShort
	}
	for _, s := range tiny {
		require.True(t, skipped[s.Name], "%s is not reported as too short", s.Name)
	}
	r, err = redact.New(redact.WithMinLength(4))
	require.NoError(t, err)
	require.NoError(t, r.Set(tiny))
	require.Empty(t, r.Stats().Skipped)
	for _, s := range tiny {
		out := []byte("k=" + s.Value + ";")
		require.NotEmpty(t, FindMin(tiny, out, 4), "the oracle does not see %s", s.Name)
		require.Empty(t, Find(tiny, out), "the default oracle counts a form under 8 bytes")
		require.Empty(t, FindMin(tiny, r.Scrub(nil, out), 4), "%s is not scrubbed", s.Name)
	}
}
