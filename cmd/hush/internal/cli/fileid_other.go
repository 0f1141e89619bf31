//go:build !unix

package cli

import "os"

type fileID struct{}

func idOf(os.FileInfo) (fileID, bool) { return fileID{}, false }

func owner(os.FileInfo) (uid, gid int, nlink uint64, ok bool) { return 0, 0, 1, false }
