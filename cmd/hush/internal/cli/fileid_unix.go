//go:build unix

package cli

import (
	"os"
	"syscall"
)

// fileID identifies a file across the paths that lead to it.
type fileID struct{ dev, ino uint64 }

func idOf(fi os.FileInfo) (fileID, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{dev: uint64(st.Dev), ino: st.Ino}, true
}

// owner returns a file's owner and group and its number of hard links.
func owner(fi os.FileInfo) (uid, gid int, nlink uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, 1, false
	}
	return int(st.Uid), int(st.Gid), uint64(st.Nlink), true
}
