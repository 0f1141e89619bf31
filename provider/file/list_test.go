package file_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/file"
	"github.com/hushlog/hush/redact"
)

// hangLimit is how long a List may take before a test calls it hung. It is
// no speed bound: a List that returns takes milliseconds; one that blocks
// never returns.
const hangLimit = 30 * time.Second

// listOrHang runs List, failing the test if it does not return.
func listOrHang(t *testing.T, ctx context.Context, d *file.Dir) ([]redact.Secret, error) {
	t.Helper()
	type result struct {
		s   []redact.Secret
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := d.List(ctx)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-time.After(hangLimit):
		t.Fatalf("List did not return within %s", hangLimit)
		return nil, nil
	}
}

// tree writes n secret files under dir, spread over nested directories, a
// Kubernetes-style symlinked key, a symlink to a directory and an empty
// file, and returns every (name, value) List must give, found by walking
// the tree independently of the provider.
func tree(t *testing.T, dir string, n int) map[string]string {
	t.Helper()
	for i := range n {
		var name string
		switch i % 4 {
		case 0:
			name = fmt.Sprintf("flat-%05d", i)
		case 1:
			name = fmt.Sprintf("team-%d/key-%05d", i%7, i)
		case 2:
			name = fmt.Sprintf("team-%d/sub-%d/key-%05d", i%5, i%3, i)
		default:
			name = fmt.Sprintf(".dot-%05d", i)
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, []byte(fmt.Sprintf("value-%05d-Zq8v4Lw29pXc", i)), 0o600))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "empty"), nil, 0o600))
	// Kubernetes: ..data -> ..2026_01_01, key -> ..data/key.
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "..2026_01_01"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "..2026_01_01", "k8s-key"), []byte("k8s-value-Pl9oIk8uJh7y"), 0o600))
	require.NoError(t, os.Symlink("..2026_01_01", filepath.Join(dir, "..data")))
	require.NoError(t, os.Symlink("..data/k8s-key", filepath.Join(dir, "k8s-key")))
	// A symlink to a directory is walked like the directory.
	require.NoError(t, os.Symlink("team-1", filepath.Join(dir, "linked-team")))

	want := map[string]string{}
	var walk func(real, rel string)
	walk = func(real, rel string) {
		des, err := os.ReadDir(real)
		require.NoError(t, err)
		for _, e := range des {
			if strings.HasPrefix(e.Name(), "..") {
				continue
			}
			full, name := filepath.Join(real, e.Name()), path.Join(rel, e.Name())
			fi, err := os.Stat(full)
			require.NoError(t, err)
			if fi.IsDir() {
				walk(full, name)
				continue
			}
			b, err := os.ReadFile(full)
			require.NoError(t, err)
			if len(b) > 0 {
				want[name] = string(b)
			}
		}
	}
	walk(dir, "")
	return want
}

// Many files in nested directories, symlinked keys and a symlinked
// directory: List gives exactly the secrets a plain walk finds, sorted by
// name, the same on every call.
func TestDirListManyFiles(t *testing.T) {
	dir := t.TempDir()
	want := tree(t, dir, 3000)
	d, err := file.NewDir(dir, file.Options{})
	require.NoError(t, err)
	var first []redact.Secret
	for run := range 5 {
		got, err := listOrHang(t, context.Background(), d)
		require.NoError(t, err, "run %d", run)
		require.Len(t, got, len(want), "run %d", run)
		require.True(t, sort.SliceIsSorted(got, func(i, j int) bool { return got[i].Name < got[j].Name }), "run %d: not sorted by name", run)
		wrong := 0
		for _, s := range got {
			if v, ok := want[s.Name]; !ok || v != s.Value || s.Version == "" {
				wrong++
			}
		}
		require.Zero(t, wrong, "run %d: secrets that differ from the walk's", run)
		if run == 0 {
			first = got
			continue
		}
		require.Equal(t, len(first), len(got))
		same := true
		for i := range got {
			same = same && got[i] == first[i]
		}
		require.True(t, same, "run %d differs from run 0", run)
	}
}

// Unreadable files and directories spread among readable ones: every
// failure is reported once, named after its file, with its kind, in the
// order of the walk, with the same text on every call, and no value in it;
// every readable file is listed.
func TestDirListErrorsDeterministic(t *testing.T) {
	dir := t.TempDir()
	want := tree(t, dir, 800)
	var denied, dangling []string
	for i := 0; i < 800; i += 37 {
		name := fmt.Sprintf("flat-%05d", i-i%4)
		if _, ok := want[name]; !ok || contains(denied, name) {
			continue
		}
		deny(t, filepath.Join(dir, name))
		denied = append(denied, name)
		delete(want, name)
	}
	deny(t, filepath.Join(dir, "team-3", "sub-0"))
	for i := range 5 {
		name := fmt.Sprintf("dangling-%d", i)
		require.NoError(t, os.Symlink(fmt.Sprintf("..data/gone-%d", i), filepath.Join(dir, name)))
		dangling = append(dangling, name)
	}
	for name := range want {
		if strings.HasPrefix(name, "team-3/sub-0/") {
			delete(want, name)
		}
	}
	wantFailed := append(append([]string{}, denied...), dangling...)
	wantFailed = append(wantFailed, "team-3/sub-0")
	sort.Strings(wantFailed) // every failure is a sibling or below one: walk order is name order here

	d, err := file.NewDir(dir, file.Options{})
	require.NoError(t, err)
	var firstText string
	for run := range 5 {
		got, err := listOrHang(t, context.Background(), d)
		names, per := provider.FailedSecrets(err)
		require.True(t, per, "run %d: failures are per-secret", run)
		require.Equal(t, wantFailed, names, "run %d: failed names, in order", run)
		for _, e := range provider.Failures(err) {
			var pe *provider.Error
			require.ErrorAs(t, e, &pe)
			wantKind := provider.AccessDenied
			if strings.HasPrefix(pe.Name, "dangling-") {
				wantKind = provider.NotFound
			}
			assert.Equal(t, wantKind, pe.Kind, "run %d: kind of the failure of %s", run, pe.Name)
		}
		require.Len(t, got, len(want), "run %d: secrets listed", run)
		if run == 0 {
			firstText = err.Error()
		}
		require.True(t, err.Error() == firstText, "run %d: the error text changed between runs", run)
		leaked := 0
		for _, v := range want {
			if strings.Contains(err.Error(), v) {
				leaked++
			}
		}
		require.Zero(t, leaked, "values in the error text")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A named pipe that no one writes to, as a key, behind a symlinked key, and
// in place of a file List listed as regular (read non-blocking), neither
// blocks List nor fails it: it is skipped, as before.
func TestDirListSkipsPipes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no named pipes in the file system")
	}
	dir := t.TempDir()
	want := tree(t, dir, 400)
	mkfifo(t, filepath.Join(dir, "pipe"))
	mkfifo(t, filepath.Join(dir, "team-2", "pipe"))
	require.NoError(t, os.Symlink("pipe", filepath.Join(dir, "linked-pipe")))
	d, err := file.NewDir(dir, file.Options{})
	require.NoError(t, err)
	got, err := listOrHang(t, context.Background(), d)
	require.NoError(t, err)
	require.Len(t, got, len(want))

	type result struct {
		s   redact.Secret
		err error
	}
	for _, inDir := range []bool{true, false} {
		done := make(chan result, 1)
		go func() {
			s, err := d.ReadForTest(filepath.Join(dir, "pipe"), "pipe", inDir)
			done <- result{s, err}
		}()
		select {
		case r := <-done:
			require.NoError(t, r.err)
			assert.Empty(t, r.s.Name, "a pipe read as a secret (directory open: %v)", inDir)
		case <-time.After(hangLimit):
			t.Fatalf("reading a pipe listed as a file did not return within %s (directory open: %v)", hangLimit, inDir)
		}
	}
}

// A read that never returns (a file on a dead network mount) does not hold
// List past its context: List returns a transient failure when ctx is done,
// and the stuck read, once it returns, changes nothing.
func TestDirListStuckReadHonoursContext(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, 200)
	d, err := file.NewDir(dir, file.Options{})
	require.NoError(t, err)
	release := make(chan struct{})
	defer close(release)
	file.BlockOpenForTest(d, filepath.Join(dir, "flat-00100"), release)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	got, err := listOrHang(t, ctx, d)
	require.Error(t, err)
	assert.Nil(t, got)
	assert.Equal(t, provider.Transient, provider.Kind(err))
	assert.True(t, errors.Is(err, context.Canceled), "the failure says the listing was cancelled: %v", err)
}

// Files that grew past the size limit, among others, are skipped with the
// same error as before, at their place in the order.
func TestDirListTooLargeAmongMany(t *testing.T) {
	dir := t.TempDir()
	want := tree(t, dir, 300)
	var big []string
	for name := range want {
		if strings.HasPrefix(name, "team-4/") {
			require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), make([]byte, 2048), 0o600))
			big = append(big, name)
		}
	}
	require.NotEmpty(t, big)
	sort.Strings(big)
	d, err := file.NewDir(dir, file.Options{MaxFileSize: 1024})
	require.NoError(t, err)
	got, err := listOrHang(t, context.Background(), d)
	names, per := provider.FailedSecrets(err)
	require.True(t, per)
	assert.Equal(t, big, names)
	assert.Len(t, got, len(want)-len(big))
	for _, e := range provider.Failures(err) {
		assert.Equal(t, provider.Skipped, provider.Kind(e))
		assert.Contains(t, e.Error(), "2048 bytes, more than the 1024 allowed")
	}
}

// BenchmarkDirList lists 10,000 secret files (as hush scan --secrets-dir
// does at start), from the page cache.
func BenchmarkDirList(b *testing.B) {
	dir := b.TempDir()
	total := 0
	for i := range 10000 {
		v := fmt.Sprintf("value-%05d-Zq8v4Lw29pXc-%d", i, i*i)
		total += len(v)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("secret-%05d", i)), []byte(v), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	d, err := file.NewDir(dir, file.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	for b.Loop() {
		s, err := d.List(context.Background())
		if err != nil || len(s) != 10000 {
			b.Fatalf("listed %d secrets, err %v", len(s), err)
		}
	}
}
