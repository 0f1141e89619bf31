package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parse reads build information in the text form of `go version -m`
// (fields separated by tabs; written here with spaces for legibility).
func parse(t *testing.T, text string) *debug.BuildInfo {
	t.Helper()
	var lines []string
	for l := range strings.SplitSeq(strings.TrimSpace(text), "\n") {
		f := strings.Fields(l)
		if f[0] == "=>" && len(f) == 3 {
			f = append(f, "") // a local replacement has no checksum
		}
		lines = append(lines, strings.Join(f, "\t"))
	}
	bi, err := debug.ParseBuildInfo(strings.Join(lines, "\n") + "\n")
	require.NoError(t, err)
	return bi
}

// go install github.com/hushlog/hush/cmd/hush@v1.2.3: every module from the
// module proxy.
const installed = `
go go1.26.0
path github.com/hushlog/hush/cmd/hush
mod github.com/hushlog/hush/cmd/hush v1.2.3 h1:abc=
dep github.com/hushlog/hush v1.2.0 h1:def=
dep github.com/hushlog/hush/config v1.2.1 h1:ghi=
dep github.com/spf13/cobra v1.10.2 h1:jkl=
build -buildmode=exe
`

// go build in a go.work checkout: workspace modules have no version.
const workspace = `
go go1.26.0
path github.com/hushlog/hush/cmd/otelcol-hush
mod github.com/hushlog/hush/cmd/otelcol-hush (devel)
dep github.com/hushlog/hush (devel)
dep github.com/hushlog/hush/otelprocessor (devel)
dep go.opentelemetry.io/collector/receiver/otlpreceiver v0.165.0 h1:mno=
build -buildmode=exe
build vcs=git
build vcs.revision=0123456789abcdef0123456789abcdef01234567
build vcs.modified=true
`

// GOWORK=off, or an ocb build: the go.mod replaces the hush modules by local
// directories, or by another version.
const replaced = `
go go1.26.0
path example.com/otelcol-custom
mod example.com/otelcol-custom (devel)
dep github.com/hushlog/hush v0.0.0-00010101000000-000000000000
=> ../.. (devel)
dep github.com/hushlog/hush/otelprocessor v0.0.0
=> /src/hush/otelprocessor (devel)
dep github.com/hushlog/hush/config v0.0.0
=> github.com/fork/hush/config v0.3.1 h1:pqr=
dep github.com/hushlog/hush/provider/awssm v0.0.0-00010101000000-000000000000
=> C:\src\hush\provider\awssm (devel)
build -buildmode=exe
`

func TestMainOf(t *testing.T) {
	assert.Equal(t, "v1.2.3", MainOf(parse(t, installed)))
	assert.Equal(t, Dev+"+0123456789ab.dirty", MainOf(parse(t, workspace)))
	assert.Equal(t, Dev, MainOf(parse(t, replaced)))
}

func TestModuleOf(t *testing.T) {
	for _, tc := range []struct {
		name, text, path, want string
		found                  bool
	}{
		{"installed main module", installed, "github.com/hushlog/hush/cmd/hush", "v1.2.3", true},
		{"installed dependency", installed, "github.com/hushlog/hush/config", "v1.2.1", true},
		{"third-party dependency", installed, "github.com/spf13/cobra", "v1.10.2", true},
		{"not linked", installed, "github.com/hushlog/hush/otelprocessor", "", false},
		{"workspace module", workspace, "github.com/hushlog/hush/otelprocessor", Dev, true},
		{"workspace main module", workspace, "github.com/hushlog/hush/cmd/otelcol-hush", Dev + "+0123456789ab.dirty", true},
		{"proxy dependency in a workspace", workspace, "go.opentelemetry.io/collector/receiver/otlpreceiver", "v0.165.0", true},
		{"relative replace", replaced, "github.com/hushlog/hush", Dev, true},
		{"absolute replace", replaced, "github.com/hushlog/hush/otelprocessor", Dev, true},
		{"windows replace", replaced, "github.com/hushlog/hush/provider/awssm", Dev, true},
		{"replace by a version", replaced, "github.com/hushlog/hush/config", "v0.3.1", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, found := ModuleOf(parse(t, tc.text), tc.path)
			assert.Equal(t, tc.found, found)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestDepsOf(t *testing.T) {
	assert.Equal(t, []Dep{
		{"github.com/hushlog/hush", "v1.2.0"},
		{"github.com/hushlog/hush/config", "v1.2.1"},
	}, DepsOf(parse(t, installed), "github.com/hushlog/hush"))
	assert.Equal(t, []Dep{
		{"github.com/hushlog/hush", Dev},
		{"github.com/hushlog/hush/config", "v0.3.1"},
		{"github.com/hushlog/hush/otelprocessor", Dev},
		{"github.com/hushlog/hush/provider/awssm", Dev},
	}, DepsOf(parse(t, replaced), "github.com/hushlog/hush"))
	// A prefix is a path, not a string prefix.
	assert.Empty(t, DepsOf(parse(t, installed), "github.com/hushlog/hu"))
}

// The running test binary has build information; this package's module is
// the main module, built from the checkout.
func TestRunningBinary(t *testing.T) {
	v, ok := Module("github.com/hushlog/hush")
	require.True(t, ok)
	assert.True(t, strings.HasPrefix(v, Dev), "version %q", v)
	assert.True(t, strings.HasPrefix(Main(), Dev), "main version %q", Main())
	_, ok = Module("example.com/not/linked")
	assert.False(t, ok)
}
