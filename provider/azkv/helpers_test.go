package azkv_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/hushlog/hush/internal/azfake"
	"github.com/hushlog/hush/provider/azkv"
	"github.com/hushlog/hush/redact"
)

// TestMain checks that no test leaves a goroutine behind: the client's
// connections, the retries and the stand-in are all done.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fakeCredential is a static azcore.TokenCredential giving the stand-in's
// token; it counts its calls and remembers the scopes asked for.
type fakeCredential struct {
	mu     sync.Mutex
	calls  int
	scopes []string
	tenant string
}

func (c *fakeCredential) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	c.scopes, c.tenant = o.Scopes, o.TenantID
	return azcore.AccessToken{Token: azfake.Token, ExpiresOn: time.Now().Add(time.Hour)}, nil
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

// standin starts a stand-in closed at the end of the test.
func standin(t *testing.T) *azfake.Server {
	t.Helper()
	s := azfake.New()
	t.Cleanup(s.Close)
	return s
}

// open returns a Provider for the stand-in, closed at the end of the test.
// Retries wait 10 ms, so that throttling storms do not slow the tests down.
func open(t *testing.T, s *azfake.Server, cfg azkv.Config) *azkv.Provider {
	t.Helper()
	cfg.VaultURL = s.URL()
	if cfg.Credential == nil {
		cfg.Credential = &fakeCredential{}
	}
	cfg.HTTPClient = s.Client()
	cfg.DisableChallengeResourceVerification = true
	if cfg.RetryDelay == 0 {
		cfg.RetryDelay = 10 * time.Millisecond
	}
	if cfg.MaxRetryDelay == 0 {
		cfg.MaxRetryDelay = 2 * time.Second
	}
	p, err := azkv.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// names returns the names of ss (one per version listed), never the
// values, for failure messages.
func names(ss []redact.Secret) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Name
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
