package config

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"

	"github.com/hushlog/hush/internal/vaultfake"
)

// TestBuildVault builds the Vault provider from the configuration's vault
// section and lists a KV v2 mount of the stand-in through a Refresher.
func TestBuildVault(t *testing.T) {
	vf := vaultfake.New()
	defer vf.Close()
	for _, kv := range vf.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("VAULT_ADDR", "") // the configuration's address must be enough
	vf.Mount("secret", 2)
	vf.Put("secret/prod/db", map[string]any{"username": "app", "password": "Vt7u-vault-Pw-3kQz-88bb"})
	vf.Put("secret/prod/api", map[string]any{"value": "Kp2m-vault-api-9Lx4-55cc"})
	vf.Put("secret/dev/other", map[string]any{"value": "Dv0d-vault-dev-1Ab2-66dd"})
	vf.AddAppRole("approle", "role-hush", "sid-0123456789")
	t.Setenv("HUSH_TEST_SECRET_ID", "sid-0123456789")

	cm := confmap.NewFromStringMap(map[string]any{
		"grace_period": "3h",
		"vault": map[string]any{
			"address":   vf.URL,
			"namespace": "team-a",
			"mount":     "secret",
			"prefix":    "prod/",
			"auth":      map[string]any{"method": "approle", "role_id": "role-hush", "secret_id_env": "HUSH_TEST_SECRET_ID"},
		},
	})
	cfg := Default()
	require.NoError(t, cm.Unmarshal(cfg))
	require.True(t, cfg.HasSources())
	assert.Equal(t, VaultConfig{Address: vf.URL, Namespace: "team-a", Mount: "secret", Prefix: "prod/",
		Auth: VaultAuthConfig{Method: "approle", RoleID: "role-hush", SecretIDEnv: "HUSH_TEST_SECRET_ID"}}, cfg.Vault)
	r, f, err := cfg.Build(context.Background(), Settings{})
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, f.Refresh(context.Background()))
	for _, v := range []string{"Vt7u-vault-Pw-3kQz-88bb", "Kp2m-vault-api-9Lx4-55cc"} {
		if strings.Contains(r.ScrubString("x "+v+" y"), v) {
			t.Errorf("value of %s... not protected", v[:4])
		}
	}
	assert.NotContains(t, r.ScrubString("Dv0d-vault-dev-1Ab2-66dd"), "REDACTED", "a secret outside the prefix was protected")
	assert.Equal(t, 2, f.Status().ByLister["vault:secret/prod/"])
	assert.Equal(t, 1, vf.Requests(vaultfake.OpLogin))
	assert.Positive(t, vf.Namespaces()["team-a"])
}

func TestVaultValidation(t *testing.T) {
	for name, tc := range map[string]struct {
		v    VaultConfig
		want string
	}{
		"prefix without mount": {VaultConfig{Prefix: "prod/"}, "vault.mount"},
		"kv version":           {VaultConfig{Mount: "secret", KVVersion: 3}, "vault.kv_version"},
		"address":              {VaultConfig{Mount: "secret", Address: "vault:8200"}, "vault.address"},
		"grace":                {VaultConfig{Mount: "secret", GracePeriod: -time.Second}, "vault.grace_period"},
		"rate":                 {VaultConfig{Mount: "secret", RateLimit: -1}, "vault.rate_limit"},
		"method":               {VaultConfig{Mount: "secret", Auth: VaultAuthConfig{Method: "ldap"}}, "vault.auth.method"},
		"k8s role":             {VaultConfig{Mount: "secret", Auth: VaultAuthConfig{Method: "kubernetes"}}, "vault.auth.role"},
		"approle secret id":    {VaultConfig{Mount: "secret", Auth: VaultAuthConfig{Method: "approle", RoleID: "r"}}, "secret_id_file"},
	} {
		cfg := Default()
		cfg.Vault = tc.v
		err := cfg.Validate()
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
	}
	cfg := Default()
	cfg.Vault = VaultConfig{Mount: "secret", Auth: VaultAuthConfig{Method: "kubernetes", Role: "hush"}}
	assert.NoError(t, cfg.Validate())
}
