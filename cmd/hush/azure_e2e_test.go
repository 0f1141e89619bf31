//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/azfake"
)

// azureEnv is the environment of a hush run against the Key Vault stand-in:
// its certificate trusted through SSL_CERT_FILE and its token given through
// HUSH_AZURE_ACCESS_TOKEN (azkv.TokenEnv), no AZURE_* variable of the
// machine.
func azureEnv(t *testing.T, s *azfake.Server, token string) []string {
	t.Helper()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(ca, s.CertPEM(), 0o600))
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AZURE_") && !strings.HasPrefix(kv, "SSL_CERT_") && !strings.HasPrefix(kv, "HUSH_AZURE_") {
			env = append(env, kv)
		}
	}
	return append(env, "SSL_CERT_FILE="+ca, "HUSH_AZURE_ACCESS_TOKEN="+token)
}

// TestAzureScrub: hush scrub --azure against the Key Vault stand-in, with a
// tag filter, a JSON secret and a rotated secret; an access denied on one
// secret is exit 3 naming it with advice, never a value.
func TestAzureScrub(t *testing.T) {
	s := azfake.New()
	defer s.Close()
	const prev, cur, dbpw, dev = "Prev-Az8v-4Lw2-9pXc", "Curr-Az4b-Hq2m-Lp0w", "Db-Az9x-Ty2u-Io3p", "Dev-Az1q-Wx2e-Rt5y"
	prod := map[string]string{"env": "prod"}
	s.Set("api-token", prev, prod)
	s.Set("api-token", cur, nil)
	s.Set("db", `{"username":"app","password":"`+dbpw+`"}`, prod)
	s.Set("dev-token", dev, map[string]string{"env": "dev"})
	log := filepath.Join(t.TempDir(), "app.log")
	require.NoError(t, os.WriteFile(log, []byte("old="+prev+" new="+cur+" db="+dbpw+" dev="+dev+" user=app\n"), 0o644))

	env := azureEnv(t, s, azfake.Token)
	code, out, errs := runHushEnv(t, env, "scrub", "--azure", s.URL(), "--azure", "tag:env=prod", log)
	require.Equal(t, exitOK, code, "stderr: %s", errs)
	if strings.Contains(out, prev) || strings.Contains(out, cur) || strings.Contains(out, dbpw) || strings.Contains(errs, cur) {
		t.Error("a Key Vault secret was not scrubbed")
	}
	// The output holds values when the test fails: it is never printed.
	if !strings.Contains(out, "old=[REDACTED:api-token] new=[REDACTED:api-token] db=[REDACTED:db#password]") {
		t.Error("the rotated secret's two versions and the JSON password are not replaced by their names")
	}
	if !strings.Contains(out, " user=app\n") {
		t.Error("a JSON field that is not credential-like was changed")
	}
	if !strings.Contains(out, "dev="+dev) {
		t.Error("a secret outside the tag filter was scrubbed")
	}

	// hush sources names them, never a value.
	code, out, errs = runHushEnv(t, env, "sources", "--azure", s.URL(), "--azure", "tag:env=prod")
	assert.Equal(t, exitOK, code, "stderr: %s", errs)
	assert.Contains(t, out, "azure:"+strings.TrimPrefix(s.URL(), "https://")+": 2 secrets, 3 values")
	if strings.Contains(out, prev) || strings.Contains(out, cur) || strings.Contains(out, dbpw) {
		t.Error("hush sources printed a value")
	}

	// One secret denied: exit 3, the secret named, the advice given.
	s.Deny("db")
	code, _, errs = runHushEnv(t, env, "scan", "--azure", s.URL(), log)
	assert.Equal(t, exitSource, code)
	assert.Contains(t, errs, `"db"`)
	assert.Contains(t, errs, "Key Vault Secrets User")
	if strings.Contains(errs, dbpw) || strings.Contains(errs, cur) {
		t.Error("the error printed a value")
	}

	// A wrong token is access denied on the listing.
	code, _, errs = runHushEnv(t, azureEnv(t, s, "wrong-token"), "scan", "--azure", s.URL(), log)
	assert.Equal(t, exitSource, code)
	assert.Contains(t, errs, "HTTP 401")

	// Usage errors.
	code, _, errs = runHushEnv(t, env, "scan", "--azure", "http://x.vault.azure.net", log)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "want the vault's URL")
	code, _, errs = runHushEnv(t, env, "scan", "--azure", "tag:env=prod", log)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "give the vault's URL")
}

// TestAzureTimeout: a vault that never answers is exit 3 after --timeout.
func TestAzureTimeout(t *testing.T) {
	s := azfake.New()
	defer s.Close()
	s.Set("api-token", "Never-Az8v-4Lw2-9pXc", nil)
	s.Fail("", "", azfake.Hang, 0)
	log := filepath.Join(t.TempDir(), "app.log")
	require.NoError(t, os.WriteFile(log, []byte("hello\n"), 0o644))
	code, _, errs := runHushEnv(t, azureEnv(t, s, azfake.Token), "scan", "--timeout", "1s", "--azure", s.URL(), log)
	assert.Equal(t, exitSource, code)
	assert.Contains(t, errs, "did not answer within 1s")
}
