package file

import (
	"os"
	"path/filepath"

	"github.com/hushlog/hush/redact"
)

// DenyForTest makes List and Get fail to open or list the given paths with
// the error the kernel returns to an unprivileged user, as long as the test
// runs, and restores the real calls at its end. It exists because root reads
// a mode-000 file: without it, CI (root) would not test those paths.
func DenyForTest(t interface{ Cleanup(func()) }, paths ...string) {
	denied := map[string]bool{}
	for _, p := range paths {
		denied[p] = true
	}
	realReadDir, realOpen, realFast := readDir, openFile, fastRead
	fastRead = false
	readDir = func(name string) ([]os.DirEntry, error) {
		if denied[name] {
			return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrPermission}
		}
		return realReadDir(name)
	}
	openFile = func(name string) (*os.File, error) {
		if denied[name] {
			return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrPermission}
		}
		return realOpen(name)
	}
	t.Cleanup(func() { readDir, openFile, fastRead = realReadDir, realOpen, realFast })
}

// BlockOpenForTest makes d wait, when it opens path, until release is
// closed: a read stuck on a dead mount.
func BlockOpenForTest(d *Dir, path string, release <-chan struct{}) {
	d.open = func(name string) (*os.File, error) {
		if name == path {
			<-release
		}
		return openFile(name)
	}
}

// ReadForTest reads full as List reads a file it listed as regular: with
// the directory open (where List does that), or by path.
func (d *Dir) ReadForTest(full, name string, inDir bool) (redact.Secret, error) {
	fd := -1
	if inDir {
		if fd = openDir(filepath.Dir(full)); fd >= 0 {
			defer closeDirs([]int{fd})
		}
	}
	return d.read(full, name, fd, filepath.Base(full))
}
