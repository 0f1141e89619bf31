package cli

import (
	"testing"

	"go.uber.org/goleak"
)

// Every run joins its goroutines (workers, consumer, progress bar) before
// Main returns. The AWS SDK's idle HTTP connections to the stand-in are
// not ours.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}
