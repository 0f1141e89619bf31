//go:build linux

package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/buildinfo"
)

// `hush version` of the real binary reports versions from its build
// information: built from this checkout, hush and every hush module it
// links are buildinfo.Dev (with the VCS revision when the build recorded
// one), and nothing else is listed.
func TestVersionListsModules(t *testing.T) {
	out, err := exec.Command(hushBin, "version").Output()
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	assert.True(t, strings.HasPrefix(lines[0], "hush "+buildinfo.Dev), "first line %q", lines[0])
	assert.Contains(t, lines[0], "(go1.")
	require.GreaterOrEqual(t, len(lines), 3, "version output %q", out)
	var paths []string
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		require.Len(t, f, 2, "line %q: want \"  module version\"", l)
		assert.Equal(t, buildinfo.Dev, f[1], "version of %s", f[0])
		paths = append(paths, f[0])
	}
	assert.Equal(t, []string{
		"github.com/hushlog/hush",
		"github.com/hushlog/hush/config",
		"github.com/hushlog/hush/provider/awssm",
		"github.com/hushlog/hush/provider/azkv",
		"github.com/hushlog/hush/provider/gcpsm",
		"github.com/hushlog/hush/provider/kubernetes",
		"github.com/hushlog/hush/provider/vault",
	}, paths)
}
