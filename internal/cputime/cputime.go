// Package cputime reports the CPU time the current process has used, for
// benchmarks that print it next to wall time: on a shared machine it is far
// less sensitive to other load than ns/op.
package cputime

import "time"

// Process returns the CPU time (user and system) the current process has
// used so far, or 0 where the platform does not tell.
func Process() time.Duration { return process() }
