package vault_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/vaultfake"
	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/vault"
)

// waitFor polls cond for up to 15 seconds (token lifetimes on the stand-in
// are whole seconds), failing the test if it never holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestAppRoleLoginAndRenewal(t *testing.T) {
	vf := standin(t)
	seed(vf)
	t.Setenv("VAULT_TOKEN", "")
	vf.AddAppRole("approle", "role-hush", "secret-id-0123456789")
	vf.SetTokenTTL(3*time.Second, time.Hour)
	p := open(t, vault.Config{Prefix: "prod/", Auth: vault.Auth{
		Method: vault.AuthAppRole, RoleID: "role-hush", SecretIDFile: writeFile(t, "sid", "secret-id-0123456789\n"),
	}})
	ctx := context.Background()
	_, err := p.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, vf.Requests(vaultfake.OpLogin))

	// Renewed at two thirds of its 3 s lifetime, again and again: the
	// token outlives its first TTL without another login.
	waitFor(t, "two renewals", func() bool { return vf.Requests(vaultfake.OpRenewSelf) >= 2 })
	_, err = p.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, vf.Requests(vaultfake.OpLogin))
	require.NoError(t, p.Close()) // stops the renewal (goleak checks)
}

func TestKubernetesLoginAgainAtMaxTTL(t *testing.T) {
	vf := standin(t)
	seed(vf)
	t.Setenv("VAULT_TOKEN", "")
	vf.AddKubernetesRole("k8s-prod", "hush", "eyJhbGciOi.sa-token.sig")
	// Renewable, but only up to 4 s: then a new login.
	vf.SetTokenTTL(3*time.Second, 4*time.Second)
	p := open(t, vault.Config{Prefix: "prod/", Auth: vault.Auth{
		Method: vault.AuthKubernetes, Role: "hush", MountPath: "k8s-prod",
		ServiceAccountTokenPath: writeFile(t, "token", "eyJhbGciOi.sa-token.sig"),
	}})
	ctx := context.Background()
	_, err := p.List(ctx)
	require.NoError(t, err)
	waitFor(t, "a second login", func() bool { return vf.Requests(vaultfake.OpLogin) >= 2 })
	_, err = p.List(ctx)
	require.NoError(t, err)
}

func TestLoginFailures(t *testing.T) {
	vf := standin(t)
	t.Setenv("VAULT_TOKEN", "")
	vf.AddAppRole("approle", "role-hush", "right-secret-id")
	p := open(t, vault.Config{Auth: vault.Auth{Method: vault.AuthAppRole, RoleID: "role-hush", SecretIDEnv: "HUSH_TEST_SECRET_ID"}})
	t.Setenv("HUSH_TEST_SECRET_ID", "wrong-secret-id")
	_, err := p.List(context.Background())
	assert.Equal(t, provider.AccessDenied, provider.Kind(err))
	if leaks(err.Error(), "wrong-secret-id", "right-secret-id") {
		t.Error("the login error holds the secret id")
	}

	vf.AddKubernetesRole("kubernetes", "hush", "good-jwt")
	k := open(t, vault.Config{Auth: vault.Auth{Method: vault.AuthKubernetes, Role: "hush", ServiceAccountTokenPath: filepath.Join(t.TempDir(), "missing")}})
	_, err = k.List(context.Background())
	assert.Equal(t, provider.Permanent, provider.Kind(err))

	k2 := open(t, vault.Config{Auth: vault.Auth{Method: vault.AuthKubernetes, Role: "hush", ServiceAccountTokenPath: writeFile(t, "jwt", "bad-jwt")}})
	_, err = k2.List(context.Background())
	assert.Equal(t, provider.AccessDenied, provider.Kind(err))

	// A transient failure of the login is transient.
	vf.Fail(vaultfake.OpLogin, "", vaultfake.Unavailable, 0)
	vf.SetRetryAfter(0)
	k3 := open(t, vault.Config{MaxRetries: -1, Auth: vault.Auth{Method: vault.AuthKubernetes, Role: "hush", ServiceAccountTokenPath: writeFile(t, "jwt", "good-jwt")}})
	_, err = k3.List(context.Background())
	assert.Equal(t, provider.Transient, provider.Kind(err))
}

func TestTokenMethodRenewal(t *testing.T) {
	vf := standin(t)
	seed(vf)
	vf.SetTokenTTL(3*time.Second, time.Hour)
	vf.AddToken("hvs.user-token-renewable", 3*time.Second, true)
	t.Setenv("VAULT_TOKEN", "hvs.user-token-renewable")
	p := open(t, vault.Config{Prefix: "prod/"})
	_, err := p.List(context.Background())
	require.NoError(t, err)
	waitFor(t, "a renewal of the token", func() bool { return vf.Requests(vaultfake.OpRenewSelf) >= 2 })
	_, err = p.List(context.Background())
	require.NoError(t, err)

	// Near its maximum TTL the token is no longer renewed: it is used
	// until it expires, then the listing reports access denied.
	require.NoError(t, p.Close()) // its renewals must not count below
	vf.SetTokenTTL(3*time.Second, 4*time.Second)
	vf.AddToken("hvs.user-token-capped", 3*time.Second, true)
	t.Setenv("VAULT_TOKEN", "hvs.user-token-capped")
	capped := open(t, vault.Config{Prefix: "prod/"})
	_, err = capped.List(context.Background())
	require.NoError(t, err)
	vf.ResetRequests()
	waitFor(t, "the capped token to expire", func() bool { return !vf.TokenValid("hvs.user-token-capped") })
	renewals := vf.Requests(vaultfake.OpRenewSelf)
	// One at the lookup (less than 5 s left), one at two thirds of the
	// lifetime, one that finds the maximum TTL reached.
	assert.LessOrEqual(t, renewals, 3, "a token at its maximum TTL is renewed again and again")
	_, err = capped.List(context.Background())
	assert.Equal(t, provider.AccessDenied, provider.Kind(err))

	// A token from a file (a Vault Agent sink), read at every listing.
	vf.AddToken("hvs.agent-sink-token", 0, false)
	f := writeFile(t, "sink", "hvs.agent-sink-token")
	p2 := open(t, vault.Config{Prefix: "prod/", Auth: vault.Auth{TokenFile: f}})
	_, err = p2.List(context.Background())
	require.NoError(t, err)
	vf.RevokeToken("hvs.agent-sink-token")
	vf.AddToken("hvs.agent-sink-token-2", 0, false)
	require.NoError(t, os.WriteFile(f, []byte("hvs.agent-sink-token-2"), 0o600))
	_, err = p2.List(context.Background())
	require.NoError(t, err)
}

// TestHangingRenewalDoesNotHoldListings: a renewal that Vault never answers
// holds the token lock, but a listing waits for it only as long as its own
// context allows, and Close ends the renewal.
func TestHangingRenewalDoesNotHoldListings(t *testing.T) {
	vf := standin(t)
	seed(vf)
	t.Setenv("VAULT_TOKEN", "")
	vf.AddAppRole("approle", "role-hush", "secret-id-0123456789")
	vf.SetTokenTTL(3*time.Second, time.Hour)
	p := open(t, vault.Config{Prefix: "prod/", Auth: vault.Auth{
		Method: vault.AuthAppRole, RoleID: "role-hush", SecretIDFile: writeFile(t, "sid", "secret-id-0123456789"),
	}})
	_, err := p.List(context.Background())
	require.NoError(t, err)
	vf.Fail(vaultfake.OpRenewSelf, "", vaultfake.Hang, 0)
	waitFor(t, "a renewal in progress", func() bool { return vf.Requests(vaultfake.OpRenewSelf) >= 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = p.List(ctx)
	require.Error(t, err)
	assert.Equal(t, provider.Transient, provider.Kind(err))
	assert.Contains(t, err.Error(), "waiting for the token renewal")
	require.NoError(t, p.Close()) // ends the hanging renewal (goleak checks)
}
