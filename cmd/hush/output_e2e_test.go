//go:build linux

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOutputIsInput: -o naming an input (the same file by another name,
// the input directory itself) is refused with exit 2, and the input is
// left as it was.
func TestOutputIsInput(t *testing.T) {
	sdir := secretsDir(t)
	dir := t.TempDir()
	log := filepath.Join(dir, "app.log")
	require.NoError(t, os.WriteFile(log, []byte("token="+token+"\n"), 0o644))
	link := filepath.Join(dir, "hard.log")
	require.NoError(t, os.Link(log, link))
	before := sum(t, log)
	for _, args := range [][]string{
		{"scrub", "-o", log, log},
		{"scrub", "-o", link, log},
		{"scrub", "-o", dir, dir},
		{"scan", "-o", log, log},
		{"scan", "--format", "sarif", "-o", link, dir},
	} {
		full := append([]string{args[0], "--secrets-dir", sdir}, args[1:]...)
		code, _, errs := runHush(t, nil, full...)
		assert.Equal(t, exitUsage, code, "%v", args)
		assert.Contains(t, errs, "is the input", "%v", args)
		assert.Equal(t, before, sum(t, log), "%v changed the input", args)
	}
}
