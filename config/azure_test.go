package config

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"

	"github.com/hushlog/hush/internal/azfake"
	"github.com/hushlog/hush/provider/azkv"
)

// TestBuildAzure builds the Azure Key Vault provider from the
// configuration's azure section and lists the stand-in's secrets through
// it: the stand-in's certificate is trusted through SSL_CERT_FILE (read
// once per process, at the first TLS handshake: no other test of this
// package makes one) and the token is azkv.TokenEnv's.
func TestBuildAzure(t *testing.T) {
	s := azfake.New()
	defer s.Close()
	certFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(certFile, s.CertPEM(), 0o600))
	t.Setenv("SSL_CERT_FILE", certFile)
	t.Setenv(azkv.TokenEnv, azfake.Token)
	s.Set("db-password", "Az7u-kv-Pw-3kQz-88bb", map[string]string{"env": "prod"})
	s.Set("api-key", "Kp2m-kv-api-9Lx4-55cc", map[string]string{"env": "prod", "team": "a"})
	s.Set("dev-key", "Dv0d-kv-dev-1Ab2-66dd", map[string]string{"env": "dev"})

	cm := confmap.NewFromStringMap(map[string]any{
		"grace_period": "3h",
		"azure": map[string]any{
			"vault_url": s.URL(),
			"tags":      map[string]any{"env": "prod"},
		},
	})
	cfg := Default()
	require.NoError(t, cm.Unmarshal(cfg))
	require.True(t, cfg.HasSources())
	assert.Equal(t, AzureConfig{VaultURL: s.URL(), Tags: map[string]string{"env": "prod"}}, cfg.Azure)
	r, f, err := cfg.Build(context.Background(), Settings{})
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, f.Refresh(context.Background()))
	for _, v := range []string{"Az7u-kv-Pw-3kQz-88bb", "Kp2m-kv-api-9Lx4-55cc"} {
		if strings.Contains(r.ScrubString("x "+v+" y"), v) {
			t.Errorf("value of %s... not protected", v[:4])
		}
	}
	assert.NotContains(t, r.ScrubString("Dv0d-kv-dev-1Ab2-66dd"), "REDACTED", "a secret outside the tag filter was protected")
	assert.Equal(t, 2, f.Status().ByLister["azure:"+strings.TrimPrefix(s.URL(), "https://")])
}

func TestAzureValidation(t *testing.T) {
	for name, tc := range map[string]struct {
		a    AzureConfig
		want string
	}{
		"tags without url": {AzureConfig{Tags: map[string]string{"env": "prod"}}, "azure.vault_url"},
		"http":             {AzureConfig{VaultURL: "http://x.vault.azure.net"}, "azure.vault_url"},
		"path":             {AzureConfig{VaultURL: "https://x.vault.azure.net/secrets"}, "azure.vault_url"},
		"empty tag":        {AzureConfig{VaultURL: "https://x.vault.azure.net", Tags: map[string]string{"": "x"}}, "azure.tags"},
		"grace":            {AzureConfig{VaultURL: "https://x.vault.azure.net", GracePeriod: -1}, "azure.grace_period"},
	} {
		cfg := Default()
		cfg.Azure = tc.a
		err := cfg.Validate()
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
	}
	cfg := Default()
	cfg.Azure = AzureConfig{VaultURL: "https://x.vault.azure.net", Tags: map[string]string{"env": "prod"}}
	assert.NoError(t, cfg.Validate())
}
