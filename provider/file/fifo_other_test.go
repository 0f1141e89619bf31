//go:build !unix

package file_test

import "testing"

// mkfifo does nothing where there are no named pipes in the file system.
func mkfifo(t *testing.T, path string) { t.Helper() }
