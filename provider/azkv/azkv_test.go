package azkv_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/azfake"
	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/azkv"
	"github.com/hushlog/hush/redact"
)

const (
	dbPassword = "Zq8v-4Lw2-9pXc-7yTb-az"
	dbUser     = "payments_app_user"
	apiToken   = "tok_live_51HxQm2eZvKYlo2C"
	cacheToken = "redis-auth-9f8e7d6c5b4a"
	devValue   = "dev-only-value-00112233"
)

var prod = map[string]string{"env": "prod"}

// seed writes three prod secrets (one a JSON object) and one dev secret.
func seed(s *azfake.Server) {
	s.Set("db", `{"username":"`+dbUser+`","password":"`+dbPassword+`","port":5432}`, prod)
	s.Set("api-token", apiToken, prod)
	s.Set("cache", cacheToken, map[string]string{"env": "prod", "team": "a"})
	s.Set("dev-x", devValue, map[string]string{"env": "dev"})
}

func TestListWithTagFilter(t *testing.T) {
	s := standin(t)
	clk := newClock()
	s.SetClock(clk.Now)
	seed(s)
	cred := &fakeCredential{}
	p := open(t, s, azkv.Config{Tags: prod, Credential: cred, Now: clk.Now})
	require.Equal(t, "azure:"+strings.TrimPrefix(s.URL(), "https://"), p.Name())

	ctx := context.Background()
	ss, err := p.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"api-token", "cache", "db"}, names(ss))
	if !hasValue(ss, "api-token", apiToken) || !hasValue(ss, "cache", cacheToken) {
		t.Error("a plain secret is not listed with its value")
	}
	// The challenge told the credential the tenant and the scope.
	assert.Equal(t, azfake.Tenant, cred.tenant)
	assert.Equal(t, []string{"https://vault.azure.net/.default"}, cred.scopes)

	// A JSON object is split by the Redactor's JSON policy, as for AWS.
	red, err := redact.New()
	require.NoError(t, err)
	require.NoError(t, red.Set(ss))
	out := red.ScrubString("user=" + dbUser + " password=" + dbPassword + " token=" + apiToken + " dev=" + devValue)
	if leaks(out, dbPassword, apiToken) {
		t.Error("the JSON secret's password or a plain secret was not redacted")
	}
	assert.Contains(t, out, "[REDACTED:db#password]")
	assert.Contains(t, out, "user="+dbUser, "a field that is not credential-like must stay (JSON policy)")
	assert.Contains(t, out, "dev="+devValue, "a secret outside the tag filter was protected")

	// First listing: the challenge, one page of secrets, the versions and
	// the value of each of the 3 kept secrets.
	assert.Equal(t, map[string]int{azfake.OpChallenge: 1, azfake.OpList: 1, azfake.OpVersions: 3, azfake.OpGet: 3}, s.Counts())

	// Unchanged, less than a minute after the secrets were written: the
	// secrets list and the versions (a version written in the same second
	// would not change the secrets' entries); the values are cached.
	clk.Advance(30 * time.Second)
	s.ResetRequests()
	ss2, err := p.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, names(ss), names(ss2))
	assert.Equal(t, map[string]int{azfake.OpList: 1, azfake.OpVersions: 3}, s.Counts())

	// Unchanged, settled: the secrets list only (the versions listings are
	// reused while the secrets' entries are unchanged).
	clk.Advance(time.Minute)
	_, err = p.List(ctx)
	require.NoError(t, err)
	s.ResetRequests()
	_, err = p.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[string]int{azfake.OpList: 1}, s.Counts())
}

func TestPaging(t *testing.T) {
	s := standin(t)
	s.SetPageSize(2)
	for i := range 7 {
		s.Set("s"+string(rune('a'+i)), "value-of-secret-"+string(rune('a'+i))+"-0123456789", nil)
	}
	p := open(t, s, azkv.Config{})
	ss, err := p.List(context.Background())
	require.NoError(t, err)
	assert.Len(t, ss, 7)
	assert.Equal(t, 4, s.Requests(azfake.OpList), "7 secrets in pages of 2 are 4 pages")
}

func TestRotationAndGrace(t *testing.T) {
	s := standin(t)
	clk := newClock()
	s.SetClock(clk.Now)
	seed(s)
	clk.Advance(2 * time.Minute) // settled: versions listings are reused
	p := open(t, s, azkv.Config{Tags: prod, GracePeriod: 24 * time.Hour, Now: clk.Now})
	ctx := context.Background()
	_, err := p.List(ctx)
	require.NoError(t, err)

	clk.Advance(30 * time.Minute)
	const rotated = "tok_live_ROTATED_000111222"
	s.Set("api-token", rotated, nil)
	s.ResetRequests()
	ss, err := p.List(ctx)
	require.NoError(t, err)
	if !hasValue(ss, "api-token", rotated) || !hasValue(ss, "api-token", apiToken) {
		t.Errorf("after rotation want both versions of api-token, got %v", names(ss))
	}
	assert.Equal(t, map[string]int{azfake.OpList: 1, azfake.OpVersions: 1, azfake.OpGet: 1}, s.Counts(),
		"only the rotated secret's versions are listed and only its new version is read")

	// The first version was replaced 25 hours ago: past the grace period.
	clk.Advance(25 * time.Hour)
	ss, err = p.List(ctx)
	require.NoError(t, err)
	if hasValue(ss, "api-token", apiToken) || !hasValue(ss, "api-token", rotated) {
		t.Errorf("after the grace period want only the current api-token, got %v", names(ss))
	}

	// A negative grace lists the current versions only.
	s.Set("api-token", "tok_live_THIRD_333444555", nil)
	cur := open(t, s, azkv.Config{Tags: prod, GracePeriod: -1, Now: clk.Now})
	ss, err = cur.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"api-token", "cache", "db"}, names(ss))
}

func TestDisabledVersions(t *testing.T) {
	s := standin(t)
	clk := newClock()
	s.SetClock(clk.Now)
	first := s.Set("api-token", apiToken, nil)
	clk.Advance(time.Minute)
	const second = "tok_live_SECOND_987654321"
	v2 := s.Set("api-token", second, nil)
	p := open(t, s, azkv.Config{Now: clk.Now})
	ctx := context.Background()

	// The current version disabled: it is not read (Key Vault refuses),
	// and the earlier enabled version is the current one.
	s.SetEnabled("api-token", v2, false)
	ss, err := p.List(ctx)
	require.NoError(t, err)
	if !hasValue(ss, "api-token", apiToken) || hasValue(ss, "api-token", second) {
		t.Errorf("with the newest version disabled want the first version only, got %v", names(ss))
	}

	// Enabled again: both versions (the first is in its grace period).
	clk.Advance(time.Minute)
	s.SetEnabled("api-token", v2, true)
	ss, err = p.List(ctx)
	require.NoError(t, err)
	if !hasValue(ss, "api-token", apiToken) || !hasValue(ss, "api-token", second) {
		t.Errorf("want both versions, got %v", names(ss))
	}

	// An earlier version disabled does not change the secret's list
	// entry: it is seen once the versions listing is older than
	// VersionsMaxAge (until then it stays protected, which errs on the
	// safe side).
	s.SetEnabled("api-token", first, false)
	_, err = p.List(ctx)
	require.NoError(t, err)
	clk.Advance(azkv.DefaultVersionsMaxAge)
	ss, err = p.List(ctx)
	require.NoError(t, err)
	if hasValue(ss, "api-token", apiToken) || !hasValue(ss, "api-token", second) {
		t.Errorf("a disabled earlier version is listed after VersionsMaxAge: %v", names(ss))
	}
}

// TestDeletionWithRefresher runs the provider under a Refresher: a deleted
// secret stays protected for the grace period, then is dropped.
func TestDeletionWithRefresher(t *testing.T) {
	s := standin(t)
	clk := newClock()
	s.SetClock(clk.Now)
	seed(s)
	p := open(t, s, azkv.Config{Tags: prod, Now: clk.Now})
	red, err := redact.New()
	require.NoError(t, err)
	f, err := provider.NewRefresher(red, []provider.Lister{p}, provider.RefresherOptions{GracePeriod: time.Hour, Now: clk.Now})
	require.NoError(t, err)
	defer func() { require.NoError(t, f.Close()) }()
	ctx := context.Background()
	require.NoError(t, f.Refresh(ctx))
	line := "api=" + apiToken + " cache=" + cacheToken
	if red.ScrubString(line) == line {
		t.Fatal("api-token is not protected after the first refresh")
	}

	s.Delete("api-token")
	clk.Advance(30 * time.Minute)
	require.NoError(t, f.Refresh(ctx))
	if leaks(red.ScrubString(line), apiToken, cacheToken) {
		t.Error("a deleted secret lost its protection within the grace period")
	}
	assert.Equal(t, 1, f.Status().InGrace)

	clk.Advance(2 * time.Hour)
	require.NoError(t, f.Refresh(ctx))
	if out := red.ScrubString(line); !strings.HasPrefix(out, "api="+apiToken+" ") {
		t.Error("a deleted secret is still redacted after the grace period")
	} else if leaks(out, cacheToken) {
		t.Error("cache lost its protection")
	}
	assert.Equal(t, 0, f.Status().InGrace)
}

func TestAccessDeniedOnOneSecret(t *testing.T) {
	s := standin(t)
	seed(s)
	s.Deny("cache")
	p := open(t, s, azkv.Config{Tags: prod})
	ss, err := p.List(context.Background())
	require.Error(t, err)
	assert.Equal(t, []string{"api-token", "db"}, names(ss), "the other secrets are still listed")
	failed, perSecret := provider.FailedSecrets(err)
	assert.True(t, perSecret)
	assert.Equal(t, []string{"cache"}, failed)
	assert.Equal(t, provider.AccessDenied, provider.Kind(err))
	msg := err.Error()
	assert.Contains(t, msg, "HTTP 403 Forbidden")
	if leaks(msg, cacheToken, apiToken, dbPassword) || strings.Contains(msg, "Caller is not authorized") {
		t.Error("the error quotes the vault's answer")
	}

	// Denied at the value, not the versions: the same.
	s.Heal()
	s.Fail(azfake.OpGet, "db", azfake.Forbidden, 1)
	p2 := open(t, s, azkv.Config{Tags: prod})
	_, err = p2.List(context.Background())
	failed, _ = provider.FailedSecrets(err)
	assert.Equal(t, []string{"db"}, failed)
	assert.Equal(t, provider.AccessDenied, provider.Kind(err))
}

func TestGet(t *testing.T) {
	s := standin(t)
	seed(s)
	v2 := s.Set("api-token", "tok_live_NEWER_1234567890", nil)
	p := open(t, s, azkv.Config{})
	ctx := context.Background()
	got, err := p.Get(ctx, "api-token")
	require.NoError(t, err)
	assert.Equal(t, v2, got.Version)
	if got.Value != "tok_live_NEWER_1234567890" {
		t.Error("Get does not return the current value")
	}
	_, err = p.Get(ctx, "missing")
	assert.Equal(t, provider.NotFound, provider.Kind(err))
	assert.Contains(t, err.Error(), `"missing"`)

	s.Deny("db")
	_, err = p.Get(ctx, "db")
	assert.Equal(t, provider.AccessDenied, provider.Kind(err))
}

// TestThrottlingStorm: a short storm is ridden out by azcore's retries,
// which wait for Retry-After; while one request waits, the others wait too
// (the gate). A storm outlasting the retries ends the listing as transient,
// with what was read so far, and a later listing succeeds.
func TestThrottlingStorm(t *testing.T) {
	s := standin(t)
	seed(s)
	s.SetRetryAfter(200 * time.Millisecond)
	// One request at a time, so that no request is in flight when a 429
	// comes back (those cannot be held back).
	p := open(t, s, azkv.Config{Tags: prod, MaxRetries: 3, Concurrency: 1})
	ctx := context.Background()
	_, err := p.List(ctx) // the cache of versions and values is warm
	require.NoError(t, err)

	s.Set("api-token", "tok_live_AFTER_STORM_0001", nil)
	s.Set("cache", "redis-auth-AFTER-STORM-02", nil)
	s.ResetRequests()
	s.Fail(azfake.OpVersions, "", azfake.Throttle, 2)
	ss, err := p.List(ctx)
	require.NoError(t, err)
	assert.Len(t, ss, 5)
	// No request was answered within Retry-After of a 429.
	var last time.Time
	for _, r := range s.Log() {
		if !last.IsZero() && r.At.Sub(last) < 190*time.Millisecond {
			t.Errorf("a %s request came %v after a 429 with Retry-After 200ms", r.Op, r.At.Sub(last))
		}
		if r.Status == 429 {
			last = r.At
		} else {
			last = time.Time{}
		}
	}

	// A storm outlasting the retries (1 try + 3 retries).
	s.Set("db", `{"password":"rotated-during-the-storm-77"}`, nil)
	s.SetRetryAfter(10 * time.Millisecond)
	s.Fail(azfake.OpVersions, "", azfake.Throttle, 0)
	s.ResetRequests()
	ss, err = p.List(ctx)
	require.Error(t, err)
	assert.Equal(t, provider.Transient, provider.Kind(err))
	_, perSecret := provider.FailedSecrets(err)
	assert.False(t, perSecret, "throttling is the listing's failure, not a secret's")
	assert.Contains(t, err.Error(), "HTTP 429 Throttled")
	assert.Equal(t, 4, s.Requests(azfake.OpVersions), "one try and 3 retries, then the listing halts")
	assert.NotContains(t, names(ss), "db")

	s.Heal()
	ss, err = p.List(ctx)
	require.NoError(t, err)
	if !hasValue(ss, "db", `{"password":"rotated-during-the-storm-77"}`) {
		t.Error("the listing after the storm misses the rotated db")
	}

	// A Retry-After longer than MaxRetryDelay is not waited for by the
	// request; the gate keeps the next listing from asking before it.
	slow := open(t, s, azkv.Config{Tags: prod, MaxRetryDelay: 50 * time.Millisecond})
	s.SetRetryAfter(time.Second)
	s.Fail(azfake.OpList, "", azfake.Unavailable, 1)
	_, err = slow.List(ctx)
	assert.Equal(t, provider.Transient, provider.Kind(err))
	assert.Contains(t, err.Error(), "HTTP 503")
	start := time.Now()
	_, err = slow.List(ctx)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 500*time.Millisecond, "the next listing did not wait for Retry-After")
}

func TestMalformedAnswers(t *testing.T) {
	for _, tc := range []struct {
		op        string
		kind      azfake.FaultKind
		perSecret bool
	}{
		{azfake.OpGet, azfake.Malformed, true},
		{azfake.OpGet, azfake.WrongShape, true},
		{azfake.OpVersions, azfake.Malformed, true},
		{azfake.OpList, azfake.Malformed, false},
		{azfake.OpList, azfake.WrongShape, false},
	} {
		t.Run(tc.op, func(t *testing.T) {
			s := standin(t)
			seed(s)
			p := open(t, s, azkv.Config{Tags: prod})
			s.Fail(tc.op, "", tc.kind, 1)
			_, err := p.List(context.Background())
			require.Error(t, err)
			assert.Equal(t, provider.Malformed, provider.Kind(err))
			_, perSecret := provider.FailedSecrets(err)
			assert.Equal(t, tc.perSecret, perSecret)
			if leaks(err.Error(), apiToken, cacheToken, dbPassword, "unmarshalling", "invalid character") {
				t.Error("the error quotes the malformed answer or the decoder")
			}
			// The next listing reads it again.
			ss, err := p.List(context.Background())
			require.NoError(t, err)
			assert.Len(t, ss, 3)
		})
	}
}

func TestServerErrorsAreRetried(t *testing.T) {
	s := standin(t)
	seed(s)
	s.SetRetryAfter(10 * time.Millisecond)
	s.Fail(azfake.OpGet, "", azfake.Unavailable, 2)
	p := open(t, s, azkv.Config{Tags: prod})
	ss, err := p.List(context.Background())
	require.NoError(t, err)
	assert.Len(t, ss, 3)
	assert.Equal(t, 5, s.Requests(azfake.OpGet))
}

func TestNeverAnsweringServer(t *testing.T) {
	s := standin(t)
	seed(s)
	s.Fail("", "", azfake.Hang, 0)
	p := open(t, s, azkv.Config{Tags: prod})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := p.List(ctx)
	require.Error(t, err)
	assert.Equal(t, provider.Transient, provider.Kind(err))
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "the error says the deadline passed")
}

func TestUnreachableVault(t *testing.T) {
	s := azfake.New()
	url, client := s.URL(), s.Client()
	s.Close()
	p, err := azkv.New(azkv.Config{VaultURL: url, HTTPClient: client, Credential: &fakeCredential{}, MaxRetries: -1})
	require.NoError(t, err)
	defer p.Close()
	_, err = p.List(context.Background())
	require.Error(t, err)
	assert.Equal(t, provider.Transient, provider.Kind(err))
}

func TestConfigErrors(t *testing.T) {
	for _, u := range []string{"", "http://x.vault.azure.net", "https://", "https://x.vault.azure.net/secrets/a", "https://x.vault.azure.net?x=1", "::"} {
		_, err := azkv.New(azkv.Config{VaultURL: u, Credential: &fakeCredential{}})
		assert.Error(t, err, "vault URL %q", u)
	}
	p, err := azkv.New(azkv.Config{VaultURL: "https://name.vault.azure.net/", Credential: &fakeCredential{}})
	require.NoError(t, err)
	assert.Equal(t, "azure:name.vault.azure.net", p.Name())
	require.NoError(t, p.Close())
}

// TestChallengeResourceVerified: without DisableChallengeResourceVerification
// a challenge naming a resource outside the vault's domain is refused, so
// that no token is sent to a vault for another audience.
func TestChallengeResourceVerified(t *testing.T) {
	s := standin(t)
	seed(s)
	cred := &fakeCredential{}
	p, err := azkv.New(azkv.Config{VaultURL: s.URL(), HTTPClient: s.Client(), Credential: cred})
	require.NoError(t, err)
	defer p.Close()
	_, err = p.List(context.Background())
	require.Error(t, err)
	assert.Equal(t, 0, cred.calls, "a token was asked for a foreign resource")
}

// TestTokenFromEnvironment: TokenEnv's token is used instead of
// DefaultAzureCredential, whatever resource the challenge names.
func TestTokenFromEnvironment(t *testing.T) {
	s := standin(t)
	seed(s)
	t.Setenv(azkv.TokenEnv, azfake.Token)
	p, err := azkv.New(azkv.Config{VaultURL: s.URL(), HTTPClient: s.Client(), Tags: prod})
	require.NoError(t, err)
	defer p.Close()
	ss, err := p.List(context.Background())
	require.NoError(t, err)
	assert.Len(t, ss, 3)

	t.Setenv(azkv.TokenEnv, "not-the-token")
	bad, err := azkv.New(azkv.Config{VaultURL: s.URL(), HTTPClient: s.Client()})
	require.NoError(t, err)
	defer bad.Close()
	_, err = bad.List(context.Background())
	assert.Equal(t, provider.AccessDenied, provider.Kind(err))
	assert.Contains(t, err.Error(), "HTTP 401")
}

// TestMalformedChallenge: a challenge the client cannot parse (an
// authorization URL without a tenant makes azsecrets' challenge policy
// index out of range) is a listing failure, not a crash.
func TestMalformedChallenge(t *testing.T) {
	s := standin(t)
	seed(s)
	for _, ch := range []string{`Bearer authorization="https://x", resource="https://vault.azure.net"`, `Bearer`, `Basic realm="x"`} {
		s.SetChallenge(ch)
		p := open(t, s, azkv.Config{})
		s.ResetRequests()
		ss, err := p.List(context.Background())
		require.Error(t, err, ch)
		assert.Empty(t, ss)
		if strings.HasPrefix(ch, "Bearer authorization") {
			assert.Equal(t, provider.Malformed, provider.Kind(err), ch)
			assert.Equal(t, 1, s.Requests(azfake.OpChallenge), "a malformed challenge is not retried")
		}
		_, err = p.Get(context.Background(), "db")
		require.Error(t, err, ch)
	}
}

// TestDeletedBetweenRequests: a secret deleted between the secrets list and
// the read of its versions or value is skipped without an error (the
// Refresher keeps its value for the grace period).
func TestDeletedBetweenRequests(t *testing.T) {
	s := standin(t)
	seed(s)
	p := open(t, s, azkv.Config{Tags: prod})
	s.Fail(azfake.OpVersions, "cache", azfake.NotFound, 1)
	s.Fail(azfake.OpGet, "db", azfake.NotFound, 1)
	ss, err := p.List(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"api-token"}, names(ss))
}
