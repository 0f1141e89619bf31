package config

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"

	"github.com/hushlog/hush/internal/k8sfake"
)

// TestBuildKubernetes builds the Kubernetes provider from the
// configuration's kubernetes section; the real client-go, through a
// kubeconfig, watches a loopback stand-in of the API server, and a rotated
// Secret is protected within seconds with no polling.
func TestBuildKubernetes(t *testing.T) {
	api := k8sfake.New()
	defer api.Close()
	kubeconfig, err := api.Kubeconfig(t.TempDir())
	require.NoError(t, err)
	t.Setenv("KUBECONFIG", "") // the configuration's path must be enough
	sel := map[string]string{"hush": "yes"}
	api.Put("payments", "db", "Opaque", map[string]string{"password": "Kq8w-k8s-db-Pw-4rTz-11aa"}, sel)
	api.Put("payments", "tls", "kubernetes.io/tls", map[string]string{"tls.key": "Zx3c-k8s-tls-key-7Yh6-22bb", "tls.crt": "PUBLIC-CERTIFICATE-33cc"}, sel)
	api.Put("payments", "unlabelled", "Opaque", map[string]string{"k": "Ul9n-k8s-unsel-5Gf4-44dd"}, nil)
	api.Put("web", "api", "Opaque", map[string]string{"token": "Wb2e-k8s-web-Tk-8Jk9-55ee"}, sel)

	cm := confmap.NewFromStringMap(map[string]any{
		"kubernetes": map[string]any{
			"kubeconfig":     kubeconfig,
			"context":        "standin",
			"namespaces":     []any{"payments", "web"},
			"label_selector": "hush=yes",
		},
	})
	cfg := Default()
	require.NoError(t, cm.Unmarshal(cfg))
	require.True(t, cfg.HasSources())
	assert.Equal(t, KubernetesConfig{Kubeconfig: kubeconfig, Context: "standin", Namespaces: []string{"payments", "web"}, LabelSelector: "hush=yes"}, cfg.Kubernetes)
	r, f, err := cfg.Build(context.Background(), Settings{})
	require.NoError(t, err)
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, f.Refresh(ctx))
	for _, v := range []string{"Kq8w-k8s-db-Pw-4rTz-11aa", "Zx3c-k8s-tls-key-7Yh6-22bb", "Wb2e-k8s-web-Tk-8Jk9-55ee"} {
		if strings.Contains(r.ScrubString("x "+v+" y"), v) {
			t.Errorf("value of %s... not protected", v[:4])
		}
	}
	assert.NotContains(t, r.ScrubString("PUBLIC-CERTIFICATE-33cc"), "REDACTED", "the certificate was protected")
	assert.NotContains(t, r.ScrubString("Ul9n-k8s-unsel-5Gf4-44dd"), "REDACTED", "an unselected secret was protected")
	assert.Equal(t, 3, f.Status().ByLister["k8s:payments,web:hush=yes"])

	// Start the background loop: the watch, not the five-minute interval,
	// brings the rotation.
	require.NoError(t, f.Start(context.Background()))
	api.Put("payments", "db", "Opaque", map[string]string{"password": "Rt5y-k8s-rotated-6Vb7-66ff"}, sel)
	require.Eventually(t, func() bool {
		return !strings.Contains(r.ScrubString("x Rt5y-k8s-rotated-6Vb7-66ff y"), "Rt5y-k8s-rotated-6Vb7-66ff")
	}, 20*time.Second, 10*time.Millisecond, "rotated payments/db not protected")
	// One initial request per namespace (a streaming WATCH, or a LIST and
	// a WATCH), and no polling.
	assert.LessOrEqual(t, api.Requests("list"), 2)
	assert.LessOrEqual(t, api.Requests("watch"), 4)
}

func TestKubernetesValidation(t *testing.T) {
	for name, tc := range map[string]struct {
		k    KubernetesConfig
		want string
	}{
		"selector without namespaces": {KubernetesConfig{LabelSelector: "a=b"}, "kubernetes.namespaces"},
		"empty namespace":             {KubernetesConfig{Namespaces: []string{""}}, "kubernetes.namespaces[0]"},
		"twice":                       {KubernetesConfig{Namespaces: []string{"a", "a"}}, "kubernetes.namespaces[1]"},
		"all and one":                 {KubernetesConfig{Namespaces: []string{"*", "a"}}, "all namespaces"},
		"selector":                    {KubernetesConfig{Namespaces: []string{"a"}, LabelSelector: "a=(b"}, "kubernetes.label_selector"},
	} {
		cfg := Default()
		cfg.Kubernetes = tc.k
		err := cfg.Validate()
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
	}
	cfg := Default()
	cfg.Kubernetes = KubernetesConfig{Namespaces: []string{"*"}, LabelSelector: "hush.io/protect=true"}
	assert.NoError(t, cfg.Validate())
}
