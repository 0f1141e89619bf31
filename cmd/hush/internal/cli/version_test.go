package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/buildinfo"
)

// Without an -ldflags override, hush reports the main module's version from
// the build information (buildinfo.Dev for this checkout); the override
// wins when set. The module list of `hush version` needs a real binary's
// build information: TestVersionListsModules in cmd/hush.
func TestVersionFromBuildInfo(t *testing.T) {
	require.Empty(t, Version, "no -ldflags override in tests")
	code, out, _ := runMain(t, nil, "--version")
	require.Equal(t, ExitOK, code)
	assert.Equal(t, "hush "+buildinfo.Main()+"\n", out)
	assert.True(t, strings.HasPrefix(out, "hush "+buildinfo.Dev), "--version: %q", out)

	useTestVersion(t)
	code, out, _ = runMain(t, nil, "version")
	require.Equal(t, ExitOK, code)
	assert.True(t, strings.HasPrefix(out, "hush v0.0.0-test (go1."), "version: %q", out)
}
