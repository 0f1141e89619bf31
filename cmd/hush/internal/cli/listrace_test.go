package cli

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hushlog/hush/config"
	"github.com/hushlog/hush/redact"
)

// TestListSourcesTimeoutNoRace: a source that answers only after hush gave
// up on it (--timeout) leaves what it gave where no one reads it: nothing
// it returns late is learnt or listed (go test -race sees a late write to
// what the run reads).
func TestListSourcesTimeoutNoRace(t *testing.T) {
	cfg := config.Default()
	cfg.Exec.Command, cfg.Exec.Args = "/bin/sh", []string{"-c", `sleep 0.6; printf '{"late": "Hq3-Rt7-Yu2-Io9-Pa1"}'`}
	cfg.Exec.Timeout = 10 * time.Second
	var learnt []redact.Secret
	res, err := listSources(context.Background(), cfg, 200*time.Millisecond, func(s ...redact.Secret) { learnt = append(learnt, s...) })
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || !errors.Is(res[0].err, errTimeout) || len(res[0].secrets) != 0 || len(learnt) != 0 {
		t.Fatalf("a source that did not answer in time: %d results, %d secrets learnt", len(res), len(learnt))
	}
	time.Sleep(time.Second) // the source answers now, late
	if len(res[0].secrets) != 0 {
		t.Error("a late answer was kept")
	}
}
