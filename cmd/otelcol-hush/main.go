// Command otelcol-hush is an OpenTelemetry Collector distribution with the
// hush processor: it removes the live values of your secrets from logs,
// traces and metrics in flight.
//
// It is a hand-written Collector main (no builder tool at build time;
// builder-config.yaml in this directory is the same distribution as an
// OpenTelemetry Collector Builder manifest) with:
//
//	receivers:  otlp, filelog
//	processors: hush, batch, memory_limiter
//	exporters:  otlp, otlphttp, debug, file
//
// Build and run:
//
//	go build ./cmd/otelcol-hush
//	./otelcol-hush --config config.yaml
//
// Configuration sources: file: (the default scheme for --config paths),
// env: and yaml:. See otelprocessor/README.md for a complete example.
package main

import (
	"fmt"
	"os"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/envprovider"
	"go.opentelemetry.io/collector/confmap/provider/fileprovider"
	"go.opentelemetry.io/collector/confmap/provider/yamlprovider"
	"go.opentelemetry.io/collector/otelcol"

	"github.com/hushlog/hush/internal/buildinfo"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cmd := otelcol.NewCommand(settings())
	cmd.SetArgs(args)
	cmd.SilenceErrors = true // main prints the error once
	return cmd.Execute()
}

func settings() otelcol.CollectorSettings {
	return otelcol.CollectorSettings{
		BuildInfo: component.BuildInfo{
			Command:     "otelcol-hush",
			Description: "OpenTelemetry Collector with the hush secret-scrubbing processor",
			// The main module's version from the build information: the
			// tag for go install ...@vX.Y.Z, buildinfo.Dev for a checkout.
			Version: buildinfo.Main(),
		},
		Factories: components,
		ConfigProviderSettings: otelcol.ConfigProviderSettings{
			ResolverSettings: confmap.ResolverSettings{
				ProviderFactories: []confmap.ProviderFactory{
					fileprovider.NewFactory(),
					envprovider.NewFactory(),
					yamlprovider.NewFactory(),
				},
				DefaultScheme: "env",
			},
		},
	}
}
