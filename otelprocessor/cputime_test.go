package hushprocessor

import (
	"time"

	"github.com/hushlog/hush/internal/cputime"
)

// processCPU returns the CPU time (user and system) the process has used.
// Benchmarks report it per operation next to wall time: on a shared machine
// it is far less sensitive to other load than ns/op.
func processCPU() time.Duration { return cputime.Process() }
