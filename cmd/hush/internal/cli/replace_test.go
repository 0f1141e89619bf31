package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The crash tests kill hush while it writes the temporary file; these pin
// the replace step itself, by fault injection around its two system calls
// (syncFile, renameFile): the scrubbed data is synced before the rename, the
// rename gives the target a new inode (it is not truncated and rewritten),
// and a replace interrupted at any point leaves the original intact.

// replaceStep is one call of the replace step, as a hook saw it.
type replaceStep struct {
	op       string // "sync" or "rename"
	path     string // the file synced, or the rename's source
	to       string // the rename's target
	contents []byte // of the file synced or renamed, read at the call
}

// recordReplace records the replace step's calls, with what they act on, for
// the rest of the test. Before each rename it also reads the target, so a
// test can check it was untouched until then. fail, if set, decides whether
// a call fails instead of running.
func recordReplace(t *testing.T, fail func(replaceStep) error) (steps func() []replaceStep, targetAtRename func() []byte) {
	var mu sync.Mutex
	var log []replaceStep
	var target []byte
	realSync, realRename := syncFile, renameFile
	t.Cleanup(func() { syncFile, renameFile = realSync, realRename })
	syncFile = func(f *os.File) error {
		st := replaceStep{op: "sync", path: f.Name()}
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			st.contents, _ = os.ReadFile(f.Name())
		}
		mu.Lock()
		log = append(log, st)
		mu.Unlock()
		if fail != nil {
			if err := fail(st); err != nil {
				return err
			}
		}
		return realSync(f)
	}
	renameFile = func(from, to string) error {
		st := replaceStep{op: "rename", path: from, to: to}
		st.contents, _ = os.ReadFile(from)
		before, _ := os.ReadFile(to)
		mu.Lock()
		log = append(log, st)
		target = before
		mu.Unlock()
		if fail != nil {
			if err := fail(st); err != nil {
				return err
			}
		}
		return realRename(from, to)
	}
	return func() []replaceStep { mu.Lock(); defer mu.Unlock(); return append([]replaceStep(nil), log...) },
		func() []byte { mu.Lock(); defer mu.Unlock(); return target }
}

// inPlaceFixture is a log file holding a secret, and what scrubbing it in
// place must give.
func inPlaceFixture(t *testing.T) (dir, path, cfg string, orig, want []byte) {
	dir = t.TempDir()
	cfg = writeSecretsConfig(t, t.TempDir())
	path = filepath.Join(dir, "app.log")
	orig = []byte("start\nuser=app password=" + testSecrets[0].Value + " ok\nend\n")
	want = []byte("start\nuser=app password=[REDACTED:prod/db/password] ok\nend\n")
	require.NoError(t, os.WriteFile(path, orig, 0o644))
	return dir, path, cfg, orig, want
}

func TestInPlaceReplaceSyncsThenRenames(t *testing.T) {
	dir, path, cfg, orig, want := inPlaceFixture(t)
	before, err := os.Stat(path)
	require.NoError(t, err)
	steps, targetAtRename := recordReplace(t, nil)

	code, _, errs := runMain(t, nil, "scrub", "-q", "--config", cfg, "--in-place", path)
	require.Equal(t, ExitOK, code, errs)

	got, err := os.ReadFile(path)
	require.NoError(t, err)
	// Compared as a boolean: a wrong output may hold the secret.
	assert.True(t, bytes.Equal(want, got), "the file after the scrub is not the scrubbed original")
	after, err := os.Stat(path)
	require.NoError(t, err)
	assert.False(t, os.SameFile(before, after), "the target kept its inode: rewritten in place, not replaced by a rename")

	log := steps()
	require.Len(t, log, 3, "replace steps: sync the data, rename, sync the directory")
	assert.Equal(t, "sync", log[0].op)
	assert.True(t, bytes.Equal(log[0].contents, want), "the synced temporary file is not the complete scrubbed output")
	assert.Equal(t, "rename", log[1].op)
	assert.Equal(t, log[0].path, log[1].path, "the file renamed is the file synced")
	assert.Equal(t, filepath.Dir(path), filepath.Dir(log[1].path), "the temporary file is beside the target (a rename within one file system)")
	assert.Equal(t, path, log[1].to)
	// Until the rename, the target is the original: a crash at any earlier
	// point leaves it whole. (Compared as booleans: it holds the secret.)
	assert.True(t, bytes.Equal(targetAtRename(), orig), "the target changed before the rename")
	assert.Equal(t, "sync", log[2].op)
	assert.Equal(t, dir, log[2].path, "the directory is synced after the rename, making it durable")
	assert.Empty(t, tempLeft(t, dir), "temporary files left")
}

// A replace that fails at either step (a full disk at the sync, a rename
// refused) is an interrupted replace: the original stays, byte for byte and
// on the same inode, the temporary file is removed, and the run says so.
func TestInPlaceInterruptedReplaceLeavesOriginal(t *testing.T) {
	for _, step := range []string{"sync", "rename"} {
		t.Run(step, func(t *testing.T) {
			dir, path, cfg, orig, _ := inPlaceFixture(t)
			before, err := os.Stat(path)
			require.NoError(t, err)
			steps, _ := recordReplace(t, func(st replaceStep) error {
				if st.op == step && st.path != dir {
					return errors.New("injected " + step + " failure")
				}
				return nil
			})

			code, _, errs := runMain(t, nil, "scrub", "-q", "--config", cfg, "--in-place", path)
			assert.NotEqual(t, ExitOK, code, "exit code of a failed replace")
			assert.Contains(t, errs, "app.log", "the failed file is named")
			assert.Contains(t, errs, "injected "+step+" failure")
			require.NotEmpty(t, steps(), "the replace step was not reached")

			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.True(t, bytes.Equal(got, orig), "the original changed")
			after, err := os.Stat(path)
			require.NoError(t, err)
			assert.True(t, os.SameFile(before, after), "the original was replaced")
			assert.Empty(t, tempLeft(t, dir), "temporary files left")
		})
	}
}
