package cputime

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// Busy work makes the process's CPU time grow on every platform that
// reports it.
func TestProcessGrows(t *testing.T) {
	if runtime.GOOS != "windows" && runtime.GOOS != "linux" && runtime.GOOS != "darwin" && runtime.GOOS != "freebsd" {
		t.Skipf("CPU time not asserted on %s", runtime.GOOS)
	}
	before := Process()
	x := uint64(1)
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
		for range 10000 {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	assert.NotZero(t, x)
	assert.Greater(t, Process(), before)
}
