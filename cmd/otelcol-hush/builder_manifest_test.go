package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.yaml.in/yaml/v3"

	"github.com/hushlog/hush/internal/buildinfo"
)

// manifest is the part of an OpenTelemetry Collector Builder configuration
// this distribution uses.
type manifest struct {
	Dist struct {
		Name        string `yaml:"name"`
		Description string `yaml:"description"`
		Module      string `yaml:"module"`
		OutputPath  string `yaml:"output_path"`
	} `yaml:"dist"`
	ConfResolver struct {
		DefaultURIScheme string `yaml:"default_uri_scheme"`
	} `yaml:"conf_resolver"`
	Providers  []manifestModule `yaml:"providers"`
	Receivers  []manifestModule `yaml:"receivers"`
	Processors []manifestModule `yaml:"processors"`
	Exporters  []manifestModule `yaml:"exporters"`
	Extensions []manifestModule `yaml:"extensions"`
	Connectors []manifestModule `yaml:"connectors"`
	Telemetry  manifestModule   `yaml:"telemetry"`
	Replaces   []string         `yaml:"replaces"`
}

type manifestModule struct {
	GoMod  string `yaml:"gomod"`
	Import string `yaml:"import"`
}

// path, version and import path of the module entry, with the builder's
// default (the module path) for a missing import.
func (m manifestModule) parts(t *testing.T) (path, version, importPath string) {
	t.Helper()
	f := strings.Fields(m.GoMod)
	require.Len(t, f, 2, "gomod %q: want \"module/path version\"", m.GoMod)
	importPath = m.Import
	if importPath == "" {
		importPath = f[0]
	}
	return f[0], f[1], importPath
}

func readManifest(t *testing.T) manifest {
	t.Helper()
	data, err := os.ReadFile("builder-config.yaml")
	require.NoError(t, err)
	var m manifest
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true) // a misspelt key fails here, not silently in the builder
	require.NoError(t, dec.Decode(&m))
	return m
}

// replacedLocally returns the modules the manifest replaces by a directory
// of this checkout, after checking that each directory holds that module.
func replacedLocally(t *testing.T, m manifest) map[string]bool {
	t.Helper()
	// output_path is relative to the repository root, where the builder is
	// run; the replace targets are relative to output_path.
	out := filepath.Join("..", "..", filepath.FromSlash(m.Dist.OutputPath))
	local := map[string]bool{}
	for _, r := range m.Replaces {
		from, to, ok := strings.Cut(r, "=>")
		require.True(t, ok, "replace %q: want \"module => directory\"", r)
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		require.True(t, strings.HasPrefix(to, "../"), "replace %q: want a directory of this checkout", r)
		gomod, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(to), "go.mod"))
		require.NoError(t, err, "replace %q", r)
		first, _, _ := strings.Cut(string(gomod), "\n")
		assert.Equal(t, "module "+from, strings.TrimSpace(first), "replace %q points at another module", r)
		local[from] = true
	}
	return local
}

// TestBuilderManifestMatchesComponents checks that builder-config.yaml
// describes this distribution: the same receivers, processors, exporters,
// telemetry and confmap providers, from the same modules at the versions
// go.mod selects, under the same name and default URI scheme; and that its
// replaces cover exactly the hush modules the distribution links.
func TestBuilderManifestMatchesComponents(t *testing.T) {
	m := readManifest(t)
	local := replacedLocally(t, m)
	f, err := components()
	require.NoError(t, err)

	// want is the "path version" the build information of a Collector
	// built from the manifest reports for a module entry.
	want := func(mm manifestModule) string {
		path, version, _ := mm.parts(t)
		if local[path] {
			version = buildinfo.Dev
		}
		return path + " " + version
	}
	kinds := []struct {
		name      string
		entries   []manifestModule
		modules   map[component.Type]string
		factories int
	}{
		{"receivers", m.Receivers, f.ReceiverModules, len(receivers())},
		{"processors", m.Processors, f.ProcessorModules, len(processors())},
		{"exporters", m.Exporters, f.ExporterModules, len(exporters())},
	}
	var imports []string
	for _, k := range kinds {
		var fromManifest []string
		for _, e := range k.entries {
			fromManifest = append(fromManifest, want(e))
			_, _, imp := e.parts(t)
			imports = append(imports, imp)
		}
		var fromComponents []string
		for _, mod := range k.modules {
			if !slices.Contains(fromComponents, mod) { // deprecated aliases repeat a module
				fromComponents = append(fromComponents, mod)
			}
		}
		assert.ElementsMatch(t, fromManifest, fromComponents, "%s: builder-config.yaml and components.go differ", k.name)
		assert.Len(t, k.entries, k.factories, "%s: one manifest entry per factory", k.name)
	}
	assert.Empty(t, m.Extensions, "components.go has no extensions")
	assert.Empty(t, m.Connectors, "components.go has no connectors")

	// The factory packages components.go imports are the manifest's.
	_, _, telemetryImport := m.Telemetry.parts(t)
	imports = append(imports, telemetryImport)
	assert.ElementsMatch(t, imports, factoryImports(t, "components.go"), "imports of components.go")
	telemetryPath, telemetryVersion, _ := m.Telemetry.parts(t)
	v, ok := buildinfo.Module(telemetryPath)
	assert.True(t, ok, "telemetry module %s not linked", telemetryPath)
	assert.Equal(t, telemetryVersion, v, "telemetry module version")

	// The confmap providers of main.go, at go.mod's versions.
	var providerImports []string
	for _, p := range m.Providers {
		path, version, imp := p.parts(t)
		providerImports = append(providerImports, imp)
		v, ok := buildinfo.Module(path)
		assert.True(t, ok, "provider module %s not linked", path)
		assert.Equal(t, version, v, "provider module %s", path)
	}
	assert.ElementsMatch(t, providerImports, factoryImports(t, "main.go"), "confmap providers of main.go")
	s := settings()
	assert.Len(t, s.ConfigProviderSettings.ResolverSettings.ProviderFactories, len(m.Providers))
	assert.Equal(t, s.ConfigProviderSettings.ResolverSettings.DefaultScheme, m.ConfResolver.DefaultURIScheme)
	assert.Equal(t, s.BuildInfo.Command, m.Dist.Name)
	assert.Equal(t, s.BuildInfo.Description, m.Dist.Description)

	// Exactly the hush modules linked here are replaced: a module missing
	// from the replaces would be looked up on the module proxy, where no
	// version exists yet.
	var linked []string
	for _, mod := range []string{
		"github.com/hushlog/hush", "github.com/hushlog/hush/otelprocessor", "github.com/hushlog/hush/config",
		"github.com/hushlog/hush/provider/awssm", "github.com/hushlog/hush/provider/otelmetric",
		"github.com/hushlog/hush/provider/kubernetes",
	} {
		if _, ok := buildinfo.Module(mod); ok {
			linked = append(linked, mod)
		}
	}
	assert.ElementsMatch(t, linked, slices.Collect(mapKeys(local)), "replaces of builder-config.yaml")
}

// factoryImports returns the imports of a file of this package that provide
// factories: every import except the Collector's own API packages and hush
// internals.
func factoryImports(t *testing.T, file string) []string {
	t.Helper()
	parsed, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
	require.NoError(t, err)
	api := []string{
		"go.opentelemetry.io/collector/component", "go.opentelemetry.io/collector/confmap",
		"go.opentelemetry.io/collector/exporter", "go.opentelemetry.io/collector/otelcol",
		"go.opentelemetry.io/collector/processor", "go.opentelemetry.io/collector/receiver",
		"github.com/hushlog/hush/internal/buildinfo",
	}
	var out []string
	for _, imp := range parsed.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		require.NoError(t, err)
		if strings.Contains(p, ".") && !slices.Contains(api, p) { // not the standard library
			out = append(out, p)
		}
	}
	return out
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
