package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
)

func TestComponents(t *testing.T) {
	f, err := components()
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"otlp", "file_log"} {
		if _, ok := f.Receivers[component.MustNewType(typ)]; !ok {
			t.Errorf("receiver %s missing", typ)
		}
	}
	for _, typ := range []string{"hush", "batch", "memory_limiter"} {
		if _, ok := f.Processors[component.MustNewType(typ)]; !ok {
			t.Errorf("processor %s missing", typ)
		}
	}
	for _, typ := range []string{"otlp", "otlp_http", "debug", "file"} {
		if _, ok := f.Exporters[component.MustNewType(typ)]; !ok {
			t.Errorf("exporter %s missing", typ)
		}
	}
	if _, ok := f.Extensions[component.MustNewType("healthcheckv2")]; !ok {
		t.Error("extension healthcheckv2 missing")
	}
	if f.Telemetry == nil {
		t.Error("no telemetry factory")
	}
	// The hush processor's default configuration names no secret source:
	// a detector-only processor. With the detectors off too, it is refused
	// unless allowed explicitly.
	cfg := f.Processors[component.MustNewType("hush")].CreateDefaultConfig()
	require.NoError(t, confmap.Validate(cfg))
	require.NoError(t, confmap.NewFromStringMap(map[string]any{"detectors": map[string]any{"enabled": []any{"none"}}}).Unmarshal(cfg))
	require.ErrorContains(t, confmap.Validate(cfg), "no secret source configured")
	require.NoError(t, confmap.NewFromStringMap(map[string]any{"allow_no_sources": true}).Unmarshal(cfg))
	assert.NoError(t, confmap.Validate(cfg))
}

// The example configuration of the README is valid for this distribution,
// on a machine where its secrets directory exists.
func TestExampleConfigValidates(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	example, err := os.ReadFile("config.example.yaml")
	require.NoError(t, err)
	const mounted = "/var/run/secrets/app"
	require.Contains(t, string(example), mounted)
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(strings.ReplaceAll(string(example), mounted, t.TempDir())), 0o600))
	require.NoError(t, run([]string{"validate", "--config", path}))
}
