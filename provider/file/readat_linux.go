//go:build linux

package file

import (
	"os"
	"syscall"
	"time"
)

// fastRead: List reads files relative to their open directory with plain
// system calls (openat, fstat, read, close): no path walk from the root for
// each file, no poller registration, no *os.File. DenyForTest turns it off
// so that its hook sees every open.
var fastRead = true

// openDir opens dir for readFileAt, or returns -1.
func openDir(dir string) int {
	for {
		fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return -1
		}
		return fd
	}
}

func closeDirs(fds []int) {
	for _, fd := range fds {
		_ = syscall.Close(fd)
	}
}

// readFileAt reads base in the open directory dirfd (full is its path, for
// errors), as readFileOS reads full: non-blocking open, fstat, and the
// bytes of a regular file up to limit+1. Failures are *os.PathError with
// the operation and path os would give.
func readFileAt(dirfd int, base, full string, limit int64) fileRead {
	var fd int
	var err error
	for {
		fd, err = syscall.Openat(dirfd, base, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return fileRead{err: &os.PathError{Op: "open", Path: full, Err: err}}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	for {
		err = syscall.Fstat(fd, &st)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return fileRead{err: &os.PathError{Op: "stat", Path: full, Err: err}}
	}
	r := fileRead{
		size:    st.Size,
		mtime:   time.Unix(int64(st.Mtim.Sec), int64(st.Mtim.Nsec)),
		regular: st.Mode&syscall.S_IFMT == syscall.S_IFREG,
	}
	if !r.regular || r.size > limit {
		return r
	}
	// Room for the whole file and one byte more, so that the read that
	// finds the end needs no growth; a file that grew since the fstat (or
	// reports no size) grows the buffer.
	b := make([]byte, 0, min(max(r.size, 0), limit)+1)
	for int64(len(b)) <= limit {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := syscall.Read(fd, b[len(b):cap(b)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return fileRead{err: &os.PathError{Op: "read", Path: full, Err: err}}
		}
		if n == 0 {
			break
		}
		b = b[:len(b)+n]
	}
	r.b = b
	return r
}
