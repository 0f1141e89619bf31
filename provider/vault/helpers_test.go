package vault_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/hushlog/hush/internal/vaultfake"
	"github.com/hushlog/hush/provider/vault"
	"github.com/hushlog/hush/redact"
)

// TestMain checks that no test leaves a goroutine behind: the token
// renewal, the client's connections and the stand-in are all closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

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

// standin starts a stand-in with a KV v2 mount "secret" and points the
// VAULT_* variables at it (so the test must not be parallel).
func standin(t *testing.T) *vaultfake.Server {
	t.Helper()
	vf := vaultfake.New()
	t.Cleanup(vf.Close)
	for _, kv := range vf.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("HOME", t.TempDir()) // no ~/.vault-token of the machine
	vf.Mount("secret", 2)
	return vf
}

// open returns a Provider closed at the end of the test. Retries wait
// 10 ms, so that 5xx storms do not slow the tests down.
func open(t *testing.T, cfg vault.Config) *vault.Provider {
	t.Helper()
	if cfg.Mount == "" {
		cfg.Mount = "secret"
	}
	if cfg.MinRetryWait == 0 {
		cfg.MinRetryWait, cfg.MaxRetryWait = 10*time.Millisecond, 20*time.Millisecond
	}
	p, err := vault.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// find returns the listed secret named name, by name only: a failure
// message built from it never shows a value.
func find(ss []redact.Secret, name string) (redact.Secret, bool) {
	for _, s := range ss {
		if s.Name == name {
			return s, true
		}
	}
	return redact.Secret{}, false
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
