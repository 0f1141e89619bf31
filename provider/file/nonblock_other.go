//go:build !unix

package file

// nonblock is 0 where there are no named pipes in the file system.
const nonblock = 0
