//go:build linux

package cli

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// pipeIdle returns, for a pipe or terminal, a function reporting whether
// nothing more is waiting to be read right now, so that `tail -f | hush
// scrub` passes each line on as it comes instead of waiting for a full
// chunk. It returns nil for regular files and other readers.
func pipeIdle(r io.Reader) func() bool {
	f, ok := r.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode().IsRegular() {
		return nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	return func() bool {
		n, ierr := -1, error(nil)
		if err := rc.Control(func(fd uintptr) {
			// TIOCINQ is FIONREAD: bytes waiting in the pipe.
			n, ierr = unix.IoctlGetInt(int(fd), unix.TIOCINQ)
		}); err != nil || ierr != nil {
			return false
		}
		return n == 0
	}
}
