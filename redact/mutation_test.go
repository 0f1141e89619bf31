package redact_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/redact"
)

// Tests written for the code paths gremlins' report listed as not covered
// (see .ci/mutation): behaviour no other test reached.

// A JSON object secret's credential fields are protected under
// name#outer.inner, nested objects under a credential key are protected
// whole, and numeric credential fields are protected as written: before this
// test, a number of 1,000,000 or more was decoded as a float64 and indexed as
// "9.0817263544e+10", so the PIN below passed through unredacted.
func TestJSONSecretNestedAndNumericFields(t *testing.T) {
	const (
		nestedPw = "Nq7-vL2x-Pw9z-Kc4m"
		tokenVal = "Tk5-bR8n-Wq3s-Yh6j"
		pinVal   = "90817263544"
	)
	r := newRedactor(t, []redact.Secret{{Name: "app", Value: `{"db":{"host":"db.internal","password":"` + nestedPw +
		`"},"auth":{"token":"` + tokenVal + `"},"pin":` + pinVal + `,"port":5432}`}})
	fields := []string{"app#db.password", "app#auth.token", "app#pin"}
	values := []string{nestedPw, tokenVal, pinVal}
	for i, field := range fields {
		ms := r.Find([]byte("x " + values[i] + " y"))
		require.Len(t, ms, 1, "matches of %s", field)
		assert.Equal(t, field, ms[0].Name)
	}
	// Not credential-like: the host and the port stay.
	assert.Empty(t, r.Find([]byte("db.internal:5432")), "a non-credential field was protected")
}

func TestEncodingString(t *testing.T) {
	assert.Equal(t, "none", redact.Encoding(0).String())
	assert.Equal(t, "base64", redact.Base64.String())
	assert.Equal(t, "raw|url|shell", (redact.Raw | redact.URL | redact.Shell).String())
	all, err := redact.ParseEncodings("all")
	require.NoError(t, err)
	assert.Equal(t, "raw|json|url|base64|hex|html|shell", all.String())
}
