//go:build unix

package hushprocessor

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) this process has used. Unlike
// wall time it does not count time other processes on a shared machine
// took from us, so ratios built on it are steadier.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
