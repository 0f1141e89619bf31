package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/vaultfake"
	"github.com/hushlog/hush/redact"
)

// vaultStandin starts the Vault stand-in with a KV v2 mount "secret" and
// points VAULT_* at it.
func vaultStandin(t *testing.T) *vaultfake.Server {
	t.Helper()
	vf := vaultfake.New()
	t.Cleanup(vf.Close)
	for _, kv := range vf.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("HOME", t.TempDir())
	vf.Mount("secret", 2)
	return vf
}

// TestSourceVault runs `hush scrub --vault secret/prod/` with the real
// Vault client against the loopback stand-in: recursive listing, a
// single-field entry protected whatever its field is called, a multi-field
// entry split by the JSON policy, an earlier version within the grace
// period, and failures reported with exit code 3 and no value.
func TestSourceVault(t *testing.T) {
	vf := vaultStandin(t)
	const (
		old    = "Old-Vt8v-4Lw2-9pXc"
		cur    = "Cur-Vt7b-Hq2m-Lp0w"
		single = "One-Vq3r-Vb8n-Qe5z"
		nested = "Nst-Vw4t-Jc6y-Rs1d"
		other  = "Oth-Vn7e-Gh5j-Kl8b"
	)
	vf.Put("secret/prod/db", map[string]any{"password": old, "username": "app_user", "host": "db.internal"})
	vf.Put("secret/prod/db", map[string]any{"password": cur, "username": "app_user", "host": "db.internal"})
	vf.Put("secret/prod/api", map[string]any{"data": single})
	vf.Put("secret/prod/team/cache", map[string]any{"redis_auth": nested})
	vf.Put("secret/staging/other", map[string]any{"password": other})
	log := logWith(t, old, cur, single, nested, other, "db.internal")

	code, out, errs := runMain(t, nil, "scrub", "-q", "--vault", "secret/prod/", log)
	require.Equal(t, ExitOK, code, "stderr: %s", errs)
	want := "line a value=[REDACTED:secret/prod/db#password]\n" +
		"line b value=[REDACTED:secret/prod/db#password]\n" +
		"line c value=[REDACTED:secret/prod/api#data]\n" +
		"line d value=[REDACTED:secret/prod/team/cache#redis_auth]\n" +
		"line e value=" + other + "\n" +
		"line f value=db.internal\n"
	if out != want {
		t.Errorf("scrub output differs; lines a-d must be redacted, e (outside the prefix) and f (not a credential) kept:\n%s",
			strings.NewReplacer(old, "<old>", cur, "<cur>", single, "<single>", nested, "<nested>").Replace(out))
	}

	code, out, _ = runMain(t, nil, "scan", "--vault", "secret/prod/team", log)
	assert.Equal(t, ExitFound, code)
	assert.Equal(t, 1, strings.Count(out, "\n"), "only secret/prod/team/cache")

	vf.DenyPath("secret/prod/api")
	code, _, errs = runMain(t, nil, "scan", "--vault", "secret/prod/", log)
	assert.Equal(t, ExitSource, code)
	assert.Contains(t, errs, "secret/prod/api")
	assert.Contains(t, errs, "access denied")
	assert.Contains(t, errs, "MOUNT/metadata")
	if leaks := strings.Contains(errs, old) || strings.Contains(errs, cur) || strings.Contains(errs, single) || strings.Contains(errs, nested); leaks {
		t.Error("a secret value leaked into stderr")
	}

	t.Setenv("VAULT_TOKEN", "hvs.wrong")
	code, _, errs = runMain(t, nil, "scan", "--vault", "secret/prod/", log)
	assert.Equal(t, ExitSource, code)
	assert.Contains(t, errs, "vault:secret/prod/")

	code, _, errs = runMain(t, nil, "scan", "--vault", "/", log)
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errs, "--vault")
}

// TestVaultErrorEchoingAValue: a Vault (a plugin, a proxy) that fails a
// read with an error document quoting the answer it was handling — the
// values of the very secret whose read failed, which hush never learnt —
// makes hush exit 3 without printing any of them, in any form.
func TestVaultErrorEchoingAValue(t *testing.T) {
	vf := vaultStandin(t)
	secrets := []redact.Secret{
		{Name: "secret/prod/api#data", Value: "One-Vq3r-Vb8n-Qe5z"},
		{Name: "secret/prod/db#password", Value: "Cur-Vt7b-Hq2m-Lp0w"},
		{Name: "secret/prod/team/cache#token", Value: "tok_9f8e7d6c5b4a3210fedc"},
	}
	vf.Put("secret/prod/api", map[string]any{"data": secrets[0].Value})
	vf.Put("secret/prod/db", map[string]any{"password": secrets[1].Value, "username": "app_user"})
	vf.Put("secret/prod/team/cache", map[string]any{"token": secrets[2].Value})
	log := logWith(t, secrets[0].Value, secrets[1].Value, secrets[2].Value)
	for _, f := range []struct{ op, path string }{
		{vaultfake.OpData, "prod/api"}, {vaultfake.OpData, "prod/db"}, {vaultfake.OpData, "prod/team/cache"},
		{vaultfake.OpMetadata, "prod/db"}, {vaultfake.OpList, "prod/"}, {vaultfake.OpList, "prod/team"},
	} {
		op, path := f.op, f.path
		vf.Heal()
		vf.Fail(op, path, vaultfake.Echo, 0)
		for _, cmd := range []string{"scan", "scrub"} {
			code, out, errs := runMain(t, nil, cmd, "--vault", "secret/prod/", "--timeout", "20s", log)
			if code != ExitSource {
				t.Errorf("%s, %s failing on %s: exit %d, want %d", cmd, op, path, code, ExitSource)
			}
			assertNoValue(t, cmd+" stderr, "+op+" failing on "+path, []byte(errs), secrets...)
			assertNoValue(t, cmd+" stdout, "+op+" failing on "+path, []byte(out), secrets...)
		}
	}
}
