package redact

import "sync/atomic"

// CountFullRestarts runs f and returns how many bytes the decoder's
// restarts inside escapes decoded and searched in full meanwhile (any
// goroutine's).
func CountFullRestarts(f func()) int {
	var n atomic.Int64
	restartHook = func(k int) { n.Add(int64(k)) }
	defer func() { restartHook = nil }()
	f()
	return int(n.Load())
}
