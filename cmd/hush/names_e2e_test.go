//go:build linux

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHardLinkNamesInOutputDir: under -o DIR, a file with several names
// (hard links, a symbolic link within the input) appears under each, each
// scrubbed.
func TestHardLinkNamesInOutputDir(t *testing.T) {
	sdir := secretsDir(t)
	in := filepath.Join(t.TempDir(), "logs")
	require.NoError(t, os.MkdirAll(filepath.Join(in, "sub"), 0o755))
	orig := filepath.Join(in, "app.log")
	require.NoError(t, os.WriteFile(orig, []byte("t="+token+"\n"), 0o644))
	require.NoError(t, os.Link(orig, filepath.Join(in, "app.log.1")))
	require.NoError(t, os.Link(orig, filepath.Join(in, "sub", "copy.log")))
	require.NoError(t, os.Symlink("../app.log", filepath.Join(in, "sub", "link.log")))

	out := filepath.Join(t.TempDir(), "out")
	code, _, errs := runHush(t, nil, "scrub", "--secrets-dir", sdir, "-o", out, in)
	require.Equal(t, exitOK, code, "stderr: %s", errs)
	for _, name := range []string{"app.log", "app.log.1", "sub/copy.log", "sub/link.log"} {
		b, err := os.ReadFile(filepath.Join(out, "logs", name))
		if assert.NoError(t, err, "%s missing from the output", name) {
			noLeak(t, name, b)
			assert.Equal(t, "t=[REDACTED:api/token]\n", string(b), name)
		}
	}
}

// TestSeveralInputsToStdout: several files to standard output are
// concatenated in order, as cat does.
func TestSeveralInputsToStdout(t *testing.T) {
	sdir := secretsDir(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	require.NoError(t, os.WriteFile(a, []byte("first "+token+"\n"), 0o644))
	require.NoError(t, os.WriteFile(b, []byte("second "+dbpw+"\nno newline at end"), 0o644))
	code, out, errs := runHush(t, nil, "scrub", "--secrets-dir", sdir, a, b)
	require.Equal(t, exitOK, code, "stderr: %s", errs)
	noLeak(t, "stdout", []byte(out))
	assert.Equal(t, "first [REDACTED:api/token]\nsecond [REDACTED:prod/db/password]\nno newline at end", out)
	assert.Contains(t, errs, "2 redactions")

	code, _, errs = runHush(t, nil, "scrub", "--secrets-dir", sdir, a, dir)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "is a directory")
}

// TestSecretInFileName: a file named after a secret is printed with the
// secret replaced, in findings, messages and reports.
func TestSecretInFileName(t *testing.T) {
	sdir := secretsDir(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dump-"+token+".log"), []byte("t="+token+"\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "core-"+dbpw+".bin"), []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00"), 0o644))
	for _, format := range []string{"text", "json", "sarif"} {
		code, out, errs := runHush(t, nil, "scan", "--format", format, "--secrets-dir", sdir, dir)
		assert.Equal(t, exitFound, code, format)
		noLeak(t, format+" report", []byte(out))
		noLeak(t, format+" stderr", []byte(errs))
		assert.Contains(t, errs, "core-[REDACTED:prod/db/password].bin: not checked", format)
		if format == "text" {
			assert.Contains(t, out, "dump-[REDACTED:api/token].log:1:3: secret api/token (raw)")
		}
	}
}
