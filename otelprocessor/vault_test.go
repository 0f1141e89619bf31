package hushprocessor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"

	"github.com/hushlog/hush/internal/vaultfake"
)

// TestVaultSource runs the processor with a vault section (Kubernetes
// login) against the Vault stand-in: values are scrubbed, a rotated value
// is protected after one refresh while the old one stays protected, and an
// outage keeps the index.
func TestVaultSource(t *testing.T) {
	vf := vaultfake.New()
	t.Cleanup(vf.Close)
	for _, kv := range vf.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("VAULT_TOKEN", "") // the Kubernetes login must be enough
	vf.Mount("secret", 2)
	const (
		dbPass   = "Vp4wQ8zR1tY6-vault-db"
		rotated  = "Vr9kL2mN5bX7-vault-db2"
		apiValue = "Va3sD6fG8hJ1-vault-api"
	)
	vf.Put("secret/prod/db", map[string]any{"username": "app", "password": dbPass})
	vf.Put("secret/prod/api", map[string]any{"value": apiValue})
	jwt := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(jwt, []byte("k8s-sa-jwt-for-hush"), 0o600))
	vf.AddKubernetesRole("kubernetes", "hush", "k8s-sa-jwt-for-hush")

	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cm := confmap.NewFromStringMap(map[string]any{
		"refresh_interval": "1h",
		"vault": map[string]any{
			"mount":  "secret",
			"prefix": "prod/",
			"auth":   map[string]any{"method": "kubernetes", "role": "hush", "service_account_token_path": jwt},
		},
	})
	require.NoError(t, cm.Unmarshal(cfg))
	require.NoError(t, cfg.Validate())
	p, sink := startLogs(t, cfg, settings())
	idx := indexOf(t, cfg)

	send := func(s string) string {
		t.Helper()
		sink.Reset()
		require.NoError(t, p.ConsumeLogs(context.Background(), secretLog(s)))
		return bodyOf(sink.AllLogs()[0])
	}
	if got := send(dbPass + " " + apiValue); got != "value=[REDACTED:secret/prod/db#password] [REDACTED:secret/prod/api#value]" {
		t.Errorf("Vault secrets not scrubbed: %q", strings.NewReplacer(dbPass, "<db>", apiValue, "<api>").Replace(got))
	}

	vf.Put("secret/prod/db", map[string]any{"username": "app", "password": rotated})
	require.NoError(t, idx.refresher.Refresh(context.Background()))
	for _, v := range []string{dbPass, rotated} {
		if got := send(v); got != "value=[REDACTED:secret/prod/db#password]" {
			t.Error("the old or the rotated value of secret/prod/db is not scrubbed after a refresh")
		}
	}

	vf.Fail("", "", vaultfake.Internal, 0)
	err := idx.refresher.Refresh(context.Background())
	require.Error(t, err)
	if strings.Contains(err.Error(), rotated) {
		t.Error("the refresh error holds a value")
	}
	if got := send(rotated + " " + apiValue); got != "value=[REDACTED:secret/prod/db#password] [REDACTED:secret/prod/api#value]" {
		t.Error("scrubbing stopped during a Vault outage")
	}
	assert.Equal(t, 1, vf.Requests(vaultfake.OpLogin))
}
