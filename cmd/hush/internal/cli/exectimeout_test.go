package cli

import (
	"context"
	"io"
	"testing"
	"time"
)

// TestExecFlagFollowsTimeout: the command of --exec is given --timeout,
// as the advice on a source that did not answer says ("raise --timeout if
// it is only slow"): not the provider's own 30s, which would kill a
// command that --timeout 2m waits for.
func TestExecFlagFollowsTimeout(t *testing.T) {
	for _, d := range []time.Duration{time.Second, 2 * time.Minute} {
		s := &sourceFlags{exec: "true", timeout: d}
		cfg, err := s.config(context.Background(), &console{w: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Exec.Timeout != d {
			t.Errorf("--timeout %v: the command's timeout is %v", d, cfg.Exec.Timeout)
		}
	}
}
