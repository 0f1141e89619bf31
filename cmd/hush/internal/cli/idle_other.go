//go:build !linux

package cli

import "io"

// pipeIdle is not available here: chunks of a pipe are passed on when full.
func pipeIdle(io.Reader) func() bool { return nil }
