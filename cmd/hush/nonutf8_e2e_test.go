//go:build linux

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNonUTF8Text: Latin-1 text is scrubbed byte for byte and that is a
// success, with a notice: exit 0, and in SARIF executionSuccessful true
// with a note.
func TestNonUTF8Text(t *testing.T) {
	sdir := secretsDir(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "latin1.log")
	require.NoError(t, os.WriteFile(p, []byte("caf\xe9 pw="+dbpw+"\nna\xefve\n"), 0o644))
	clean := filepath.Join(dir, "clean-latin1.log")
	require.NoError(t, os.WriteFile(clean, []byte("caf\xe9 au lait\n"), 0o644))

	code, out, errs := runHush(t, nil, "scrub", "--secrets-dir", sdir, p)
	assert.Equal(t, exitOK, code, "scrub of Latin-1 text")
	assert.Contains(t, errs, "latin1.log: not UTF-8 (first invalid byte at offset 3): scrubbed byte for byte")
	assert.True(t, out == "caf\xe9 pw=[REDACTED:prod/db/password]\nna\xefve\n", "bytes outside the secret changed")

	code, _, errs = runHush(t, nil, "scan", "--secrets-dir", sdir, clean)
	assert.Equal(t, exitOK, code, "scan of clean Latin-1 text")
	assert.Contains(t, errs, "not UTF-8")
	assert.Contains(t, errs, ": no secret found")

	code, out, _ = runHush(t, nil, "scan", "--format", "sarif", "--secrets-dir", sdir, clean)
	assert.Equal(t, exitOK, code)
	var log struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful        bool
				ToolExecutionNotifications []struct{ Level string }
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &log))
	inv := log.Runs[0].Invocations[0]
	assert.True(t, inv.ExecutionSuccessful, "executionSuccessful")
	require.Len(t, inv.ToolExecutionNotifications, 1)
	assert.Equal(t, "note", inv.ToolExecutionNotifications[0].Level)
}
