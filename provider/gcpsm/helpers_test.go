package gcpsm_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/hushlog/hush/provider/gcpsm"
	"github.com/hushlog/hush/provider/gcpsm/internal/gcpfake"
	"github.com/hushlog/hush/redact"
)

// TestMain checks that no test leaves a goroutine behind: the client's
// connections and the stand-in are all closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const project = "projects/hush-test"

// clock is an injectable clock shared by the stand-in and the provider.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// standin starts a stand-in closed at the end of the test.
func standin(t *testing.T) *gcpfake.Server {
	t.Helper()
	sf := gcpfake.New()
	t.Cleanup(sf.Close)
	return sf
}

// open returns a Provider on the stand-in, closed at the end of the test.
// Retries wait a millisecond, so that storms do not slow the tests down.
func open(t *testing.T, sf *gcpfake.Server, cfg gcpsm.Config) *gcpsm.Provider {
	t.Helper()
	if cfg.Project == "" {
		cfg.Project = project
	}
	if cfg.MinRetryWait == 0 {
		cfg.MinRetryWait, cfg.MaxRetryWait = time.Millisecond, 2*time.Millisecond
	}
	cfg.ClientOptions = append(cfg.ClientOptions, sf.ClientOptions()...)
	p, err := gcpsm.New(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// names returns the names and versions of ss ("name@version"), never the
// values, for failure messages.
func names(ss []redact.Secret) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.String()
	}
	return out
}

// hasValue reports whether some listed secret named name holds value.
func hasValue(ss []redact.Secret, name, value string) bool {
	for _, s := range ss {
		if s.Name == name && s.Value == value {
			return true
		}
	}
	return false
}

// leaks reports whether text holds one of the values.
func leaks(text string, values ...string) bool {
	for _, v := range values {
		if strings.Contains(text, v) {
			return true
		}
	}
	return false
}
