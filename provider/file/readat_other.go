//go:build !linux

package file

// fastRead is false where List reads every file with the os package.
var fastRead = false

func openDir(string) int { return -1 }

func closeDirs([]int) {}

func readFileAt(int, string, string, int64) fileRead { panic("file: readFileAt without a directory") }
