package file

import "os"

// DenyForTest makes List and Get fail to open or list the given paths with
// the error the kernel returns to an unprivileged user, as long as the test
// runs, and restores the real calls at its end. It exists because root reads
// a mode-000 file: without it, CI (root) would not test those paths.
func DenyForTest(t interface{ Cleanup(func()) }, paths ...string) {
	denied := map[string]bool{}
	for _, p := range paths {
		denied[p] = true
	}
	realReadDir, realOpen := readDir, openFile
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
	t.Cleanup(func() { readDir, openFile = realReadDir, realOpen })
}
