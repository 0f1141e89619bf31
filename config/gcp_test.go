package config

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"

	"github.com/hushlog/hush/provider/gcpsm"
	"github.com/hushlog/hush/provider/gcpsm/gcpsmtest"
)

// TestBuildGCP builds the Google Secret Manager provider from the gcp
// section and lists the stand-in's secrets through a Refresher.
func TestBuildGCP(t *testing.T) {
	sf := gcpsmtest.New()
	defer sf.Close()
	t.Setenv(gcpsm.EndpointEnv, sf.Addr())
	const prodValue, devValue = "Gc9p-prod-api-7Hq2-11aa", "Gc9p-dev-api-3Zr8-22bb"
	sf.AddVersion(sf.Create("projects/p1", "api", map[string]string{"env": "prod"}), []byte(prodValue))
	sf.AddVersion(sf.Create("projects/p1", "dev-api", map[string]string{"env": "dev"}), []byte(devValue))

	cm := confmap.NewFromStringMap(map[string]any{
		"grace_period": "3h",
		"gcp":          map[string]any{"project": "p1", "filter": "labels.env=prod"},
	})
	cfg := Default()
	require.NoError(t, cm.Unmarshal(cfg))
	require.True(t, cfg.HasSources())
	assert.Equal(t, GCPConfig{Project: "p1", Filter: "labels.env=prod"}, cfg.GCP)
	r, f, err := cfg.Build(context.Background(), Settings{})
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, f.Refresh(context.Background()))
	assert.Equal(t, 1, f.Status().ByLister["gcp:projects/p1?labels.env=prod"])
	out := r.ScrubString("a=" + prodValue + " b=" + devValue)
	if !strings.Contains(out, devValue) || strings.Contains(out, prodValue) {
		t.Error("the gcp source did not protect exactly the filtered secret")
	}
}

func TestGCPValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg  GCPConfig
		want string
	}{
		{GCPConfig{Filter: "labels.env=prod"}, "gcp.project: empty"},
		{GCPConfig{Project: "projects/a/b"}, "gcp.project"},
		{GCPConfig{Project: "p", Location: "eu west"}, "gcp.location"},
		{GCPConfig{Project: "p", Versions: "all"}, "gcp.versions"},
		{GCPConfig{Project: "p", GracePeriod: -1}, "gcp.grace_period"},
	} {
		errs := tc.cfg.validate()
		require.Len(t, errs, 1)
		assert.Contains(t, errs[0].Error(), tc.want)
	}
	assert.Empty(t, GCPConfig{Project: "projects/p", Location: "europe-west1", Versions: "latest"}.validate())
}
