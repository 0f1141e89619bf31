package file

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTrimNewline: by default a value is the file's bytes, trailing line
// break included; TrimNewline drops one LF or CRLF, and nothing else.
func TestTrimNewline(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"lf": "pw-1234567\n", "crlf": "pw-1234567\r\n", "two": "pw-1234567\n\n", "none": "pw-1234567", "cr": "pw-1234567\r"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
	}
	ctx := context.Background()
	keep, err := NewDir(dir, Options{})
	require.NoError(t, err)
	trim, err := NewDir(dir, Options{TrimNewline: true})
	require.NoError(t, err)
	for name, want := range map[string]string{"lf": "pw-1234567", "crlf": "pw-1234567", "two": "pw-1234567\n", "none": "pw-1234567", "cr": "pw-1234567\r"} {
		s, err := keep.Get(ctx, name)
		require.NoError(t, err)
		b, _ := os.ReadFile(filepath.Join(dir, name))
		require.True(t, s.Value == string(b), "%s: the default changed the file's bytes", name)
		s, err = trim.Get(ctx, name)
		require.NoError(t, err)
		require.True(t, s.Value == want, "%s: TrimNewline did not drop exactly one line break", name)
	}
}
