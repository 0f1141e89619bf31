package main

import (
	"testing"

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
	if f.Telemetry == nil {
		t.Error("no telemetry factory")
	}
	// The hush processor's default configuration is valid.
	cfg := f.Processors[component.MustNewType("hush")].CreateDefaultConfig()
	if err := confmap.Validate(cfg); err != nil {
		t.Error(err)
	}
}

// The example configuration of the README is valid for this distribution.
func TestExampleConfigValidates(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	if err := run([]string{"validate", "--config", "config.example.yaml"}); err != nil {
		t.Fatal(err)
	}
}
