package main

import (
	"github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter"
	"github.com/open-telemetry/opentelemetry-collector-contrib/receiver/filelogreceiver"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/debugexporter"
	"go.opentelemetry.io/collector/exporter/otlpexporter"
	"go.opentelemetry.io/collector/exporter/otlphttpexporter"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/batchprocessor"
	"go.opentelemetry.io/collector/processor/memorylimiterprocessor"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/service/telemetry/otelconftelemetry"

	"github.com/hushlog/hush/internal/buildinfo"
	hushprocessor "github.com/hushlog/hush/otelprocessor"
)

// The components of the distribution, each with the Go module it comes from.
// builder-config.yaml lists the same ones for the OpenTelemetry Collector
// Builder; TestBuilderManifestMatchesComponents keeps the two in step.

func receivers() []moduleFactory[receiver.Factory] {
	return []moduleFactory[receiver.Factory]{
		{otlpreceiver.NewFactory(), "go.opentelemetry.io/collector/receiver/otlpreceiver"},
		{filelogreceiver.NewFactory(), "github.com/open-telemetry/opentelemetry-collector-contrib/receiver/filelogreceiver"},
	}
}

func processors() []moduleFactory[processor.Factory] {
	return []moduleFactory[processor.Factory]{
		{hushprocessor.NewFactory(), "github.com/hushlog/hush/otelprocessor"},
		{batchprocessor.NewFactory(), "go.opentelemetry.io/collector/processor/batchprocessor"},
		{memorylimiterprocessor.NewFactory(), "go.opentelemetry.io/collector/processor/memorylimiterprocessor"},
	}
}

func exporters() []moduleFactory[exporter.Factory] {
	return []moduleFactory[exporter.Factory]{
		{otlpexporter.NewFactory(), "go.opentelemetry.io/collector/exporter/otlpexporter"},
		{otlphttpexporter.NewFactory(), "go.opentelemetry.io/collector/exporter/otlphttpexporter"},
		{debugexporter.NewFactory(), "go.opentelemetry.io/collector/exporter/debugexporter"},
		{fileexporter.NewFactory(), "github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter"},
	}
}

// components returns the factories of the distribution, and for each the Go
// module and version it comes from (shown by `otelcol-hush components`),
// read from the binary's build information.
func components() (otelcol.Factories, error) {
	var err error
	f := otelcol.Factories{Telemetry: otelconftelemetry.NewFactory()}
	if f.Receivers, f.ReceiverModules, err = factoryMap(receivers()); err != nil {
		return otelcol.Factories{}, err
	}
	if f.Processors, f.ProcessorModules, err = factoryMap(processors()); err != nil {
		return otelcol.Factories{}, err
	}
	if f.Exporters, f.ExporterModules, err = factoryMap(exporters()); err != nil {
		return otelcol.Factories{}, err
	}
	return f, nil
}

// moduleFactory is a component factory and the path of the Go module that
// provides it.
type moduleFactory[T component.Factory] struct {
	factory T
	module  string
}

// aliasProvider is implemented by factories that still accept a deprecated
// type name (filelog for file_log, otlphttp for otlp_http).
type aliasProvider interface{ DeprecatedAlias() component.Type }

// factoryMap returns the factories by type, and by type (deprecated aliases
// included, as the builder's generated code does) the module each comes
// from as "path version".
func factoryMap[T component.Factory](mfs []moduleFactory[T]) (map[component.Type]T, map[component.Type]string, error) {
	factories := make([]T, len(mfs))
	modules := make(map[component.Type]string, len(mfs))
	for i, mf := range mfs {
		factories[i] = mf.factory
		mod := moduleVersion(mf.module)
		modules[mf.factory.Type()] = mod
		if ap, ok := any(mf.factory).(aliasProvider); ok && ap.DeprecatedAlias().String() != "" {
			modules[ap.DeprecatedAlias()] = mod
		}
	}
	byType, err := otelcol.MakeFactoryMap(factories...)
	if err != nil {
		return nil, nil, err
	}
	return byType, modules, nil
}

// moduleVersion returns "path version" for a module linked into the binary,
// the form the Collector's components command prints.
func moduleVersion(path string) string {
	v, ok := buildinfo.Module(path)
	if !ok {
		// Every module listed provides a factory linked above, so the
		// build information has it; a binary built without module
		// support has none at all.
		v = buildinfo.Dev
	}
	return path + " " + v
}
