package provider_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/file"
	"github.com/hushlog/hush/redact"
)

// A directory source whose every file fails to be read at the first
// listing (the listing itself works) is not ready: the processor must keep
// refusing data rather than scrub with an empty set. A file over the size
// limit is skipped, which does not block readiness.
func TestRefresherReadinessFileSource(t *testing.T) {
	const value = "pL9o-file-Ik8u-Jh7y-Gt6f"
	for _, tc := range []struct {
		name      string
		setup     func(t *testing.T, dir string)
		wantReady bool
		pending   []string
	}{
		{"readable", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "token"), []byte(value), 0o600))
		}, true, nil},
		{"every file unreadable", func(t *testing.T, dir string) {
			// A symbolic link to itself: the entry is listed, reading it
			// fails (ELOOP), whoever runs the test.
			require.NoError(t, os.Symlink("token", filepath.Join(dir, "token")))
			require.NoError(t, os.Symlink("key", filepath.Join(dir, "key")))
		}, false, []string{"key", "token"}},
		{"one of two unreadable", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "token"), []byte(value), 0o600))
			require.NoError(t, os.Symlink("key", filepath.Join(dir, "key")))
		}, false, []string{"key"}},
		{"permission denied", func(t *testing.T, dir string) {
			if os.Geteuid() == 0 {
				t.Skip("root reads any file")
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, "token"), []byte(value), 0o000))
		}, false, []string{"token"}},
		{"over the size limit", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "bundle"), []byte(strings.Repeat("x", 2048)), 0o600))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "token"), []byte(value), 0o600))
		}, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.setup(t, dir)
			d, err := file.NewDir(dir, file.Options{MaxFileSize: 1024})
			require.NoError(t, err)
			r, err := redact.New()
			require.NoError(t, err)
			f, err := provider.NewRefresher(r, []provider.Lister{d}, provider.RefresherOptions{})
			require.NoError(t, err)
			defer f.Close()
			_ = f.Refresh(context.Background())
			st := f.Status()
			assert.Equal(t, tc.wantReady, st.Ready, "ready")
			assert.Equal(t, tc.pending, st.Pending[d.Name()], "pending")
			select {
			case <-f.Ready():
				assert.True(t, tc.wantReady, "Ready closed")
			default:
				assert.False(t, tc.wantReady, "Ready not closed")
			}
		})
	}
}
