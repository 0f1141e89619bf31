package gcpsm_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/gcpsm"
	"github.com/hushlog/hush/provider/gcpsm/internal/gcpfake"
	"github.com/hushlog/hush/redact"
)

const (
	dbPassword = "Zq8v-4Lw2-9pXc-7yTb-gcp"
	apiToken   = "tok_live_51HxQm2eZvKYlo2Cgcp"
	devValue   = "dev-only-value-00112233-gcp"
	rotated    = "rotated-value-8c7b6a594837"
)

// seed creates two prod secrets (one a JSON object) and a dev one.
func seed(sf *gcpfake.Server) {
	db := sf.Create(project, "db-creds", map[string]string{"env": "prod"})
	sf.AddVersion(db, []byte(`{"username":"payments_app","password":"`+dbPassword+`"}`))
	api := sf.Create(project, "api-token", map[string]string{"env": "prod"})
	sf.AddVersion(api, []byte(apiToken))
	dev := sf.Create(project, "dev-token", map[string]string{"env": "dev"})
	sf.AddVersion(dev, []byte(devValue))
}

func TestListWithFilterAndCache(t *testing.T) {
	sf := standin(t)
	seed(sf)
	p := open(t, sf, gcpsm.Config{Filter: "labels.env=prod"})
	require.Equal(t, "gcp:projects/hush-test?labels.env=prod", p.Name())

	ctx := context.Background()
	ss, err := p.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"api-token@1", "db-creds@1"}, names(ss))
	if !hasValue(ss, "api-token", apiToken) {
		t.Error("api-token is not listed with its value")
	}
	// The JSON object is split by the Redactor's policy, as for AWS.
	red, err := redact.New()
	require.NoError(t, err)
	require.NoError(t, red.Set(ss))
	out := red.ScrubString("password=" + dbPassword + " token=" + apiToken + " dev=" + devValue)
	if leaks(out, dbPassword, apiToken) {
		t.Error("a listed value survived scrubbing")
	}
	if !leaks(out, devValue) {
		t.Error("a secret outside the filter was listed")
	}
	assert.Equal(t, map[string]int{gcpfake.ListSecrets: 1, gcpfake.ListSecretVersions: 2, gcpfake.AccessSecretVersion: 2}, sf.Counts())

	// Nothing changed: list requests only, values from the cache.
	sf.ResetCounts()
	ss, err = p.List(ctx)
	require.NoError(t, err)
	require.Len(t, ss, 2)
	assert.Equal(t, map[string]int{gcpfake.ListSecrets: 1, gcpfake.ListSecretVersions: 2}, sf.Counts())
	assert.Equal(t, 2, gcpsm.CacheSize(p))
}

// TestRotationAndGrace: a new version joins, the one it replaced stays
// listed for the grace period, then only the new one is; no version is
// accessed twice.
func TestRotationAndGrace(t *testing.T) {
	sf := standin(t)
	clk := newClock()
	sf.SetClock(clk.Now)
	api := sf.Create(project, "api-token", nil)
	sf.AddVersion(api, []byte(apiToken))
	p := open(t, sf, gcpsm.Config{GracePeriod: time.Hour, Now: clk.Now})
	ctx := context.Background()
	ss, err := p.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"api-token@1"}, names(ss))

	clk.Advance(time.Minute)
	sf.AddVersion(api, []byte(rotated))
	ss, err = p.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"api-token@1", "api-token@2"}, names(ss))
	if !hasValue(ss, "api-token", rotated) || !hasValue(ss, "api-token", apiToken) {
		t.Error("the rotated-in or the replaced value is missing")
	}

	clk.Advance(time.Hour)
	ss, err = p.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"api-token@2"}, names(ss))
	assert.Equal(t, 2, sf.Count(gcpfake.AccessSecretVersion), "each version accessed once")
	assert.Equal(t, 1, gcpsm.CacheSize(p), "the replaced version's value is dropped from the cache")
}

// TestDisabledAndDestroyedVersions: only enabled versions are listed; a
// disabled newest version hands the role to the newest enabled one.
func TestDisabledAndDestroyedVersions(t *testing.T) {
	sf := standin(t)
	clk := newClock()
	sf.SetClock(clk.Now)
	api := sf.Create(project, "api-token", nil)
	sf.AddVersion(api, []byte(apiToken))
	clk.Advance(time.Minute)
	sf.AddVersion(api, []byte(rotated))
	clk.Advance(time.Minute)
	sf.AddVersion(api, []byte(devValue))
	p := open(t, sf, gcpsm.Config{GracePeriod: -1, Now: clk.Now}) // newest only
	ctx := context.Background()

	ss, err := p.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"api-token@3"}, names(ss))

	sf.SetState(api, 3, secretmanagerpb.SecretVersion_DISABLED)
	ss, err = p.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"api-token@2"}, names(ss))

	sf.SetState(api, 2, secretmanagerpb.SecretVersion_DESTROYED)
	ss, err = p.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"api-token@1"}, names(ss))
	if !hasValue(ss, "api-token", apiToken) {
		t.Error("the newest enabled version's value is missing")
	}

	sf.SetState(api, 1, secretmanagerpb.SecretVersion_DISABLED)
	ss, err = p.List(ctx)
	require.NoError(t, err)
	require.Empty(t, names(ss))
}

// TestDeletionWithRefresher runs the provider under a Refresher: a deleted
// secret stays protected for the grace period, then is dropped.
func TestDeletionWithRefresher(t *testing.T) {
	sf := standin(t)
	clk := newClock()
	sf.SetClock(clk.Now)
	seed(sf)
	p, err := gcpsm.New(context.Background(), gcpsm.Config{Project: project, Filter: "labels.env=prod", GracePeriod: time.Hour, Now: clk.Now, ClientOptions: sf.ClientOptions()})
	require.NoError(t, err)
	red, err := redact.New()
	require.NoError(t, err)
	f, err := provider.NewRefresher(red, []provider.Lister{p}, provider.RefresherOptions{GracePeriod: time.Hour, Now: clk.Now})
	require.NoError(t, err)
	defer func() { require.NoError(t, f.Close()) }() // closes p
	ctx := context.Background()
	require.NoError(t, f.Refresh(ctx))
	line := "api=" + apiToken + " db=" + dbPassword
	if leaks(red.ScrubString(line), apiToken, dbPassword) {
		t.Fatal("a secret is not protected after the first refresh")
	}

	sf.Delete(project + "/secrets/api-token")
	clk.Advance(30 * time.Minute)
	require.NoError(t, f.Refresh(ctx))
	if leaks(red.ScrubString(line), apiToken, dbPassword) {
		t.Error("a deleted secret lost its protection within the grace period")
	}
	assert.Equal(t, 1, f.Status().InGrace)

	clk.Advance(2 * time.Hour)
	require.NoError(t, f.Refresh(ctx))
	out := red.ScrubString(line)
	if !leaks(out, apiToken) {
		t.Error("a deleted secret is still redacted after the grace period")
	}
	if leaks(out, dbPassword) {
		t.Error("a live secret lost its protection")
	}
	assert.Equal(t, 0, f.Status().InGrace)
}

func TestAccessDeniedOnOneSecret(t *testing.T) {
	sf := standin(t)
	seed(sf)
	sf.Deny("db-creds")
	p := open(t, sf, gcpsm.Config{})
	ss, err := p.List(context.Background())
	require.Error(t, err)
	require.Equal(t, []string{"api-token@1", "dev-token@1"}, names(ss))
	failed, perSecret := provider.FailedSecrets(err)
	assert.True(t, perSecret)
	assert.Equal(t, []string{"db-creds"}, failed)
	assert.Equal(t, provider.AccessDenied, provider.Kind(err))
	assert.Contains(t, err.Error(), "PermissionDenied")
	if leaks(err.Error(), dbPassword, apiToken, devValue) {
		t.Error("the error holds a secret value")
	}
}

func TestGet(t *testing.T) {
	sf := standin(t)
	seed(sf)
	sf.Deny("db-creds")
	p := open(t, sf, gcpsm.Config{})
	ctx := context.Background()
	s, err := p.Get(ctx, "api-token")
	require.NoError(t, err)
	assert.Equal(t, "api-token@1", s.String())
	if s.Value != apiToken {
		t.Error("Get returned another value")
	}
	s, err = p.Get(ctx, project+"/secrets/dev-token/versions/1")
	require.NoError(t, err)
	if s.Value != devValue {
		t.Error("Get by version name returned another value")
	}
	_, err = p.Get(ctx, "missing")
	assert.Equal(t, provider.NotFound, provider.Kind(err))
	_, err = p.Get(ctx, "db-creds")
	assert.Equal(t, provider.AccessDenied, provider.Kind(err))
	assert.Contains(t, err.Error(), `secret "db-creds"`)
}

// TestThrottlingStorm: a ResourceExhausted storm that outlasts the
// retries ends the listing (no more requests than one and its retry per
// slot, plus those already on their way); a short one is ridden out.
func TestThrottlingStorm(t *testing.T) {
	sf := standin(t)
	for i := range 40 {
		n := sf.Create(project, "s"+string(rune('a'+i%26))+string(rune('a'+i/26)), nil)
		sf.AddVersion(n, []byte("throttle-test-value-"+string(rune('a'+i))))
	}
	p := open(t, sf, gcpsm.Config{MaxRetries: 1, Concurrency: 4})
	ctx := context.Background()

	sf.Fail(gcpfake.ListSecretVersions, 1000, codes.ResourceExhausted, 0)
	ss, err := p.List(ctx)
	require.Error(t, err)
	assert.Equal(t, provider.Transient, provider.Kind(err))
	_, perSecret := provider.FailedSecrets(err)
	assert.False(t, perSecret, "throttling must fail the listing, not name secrets as failed")
	assert.Contains(t, err.Error(), "ResourceExhausted")
	assert.Contains(t, err.Error(), "stopped at secret")
	assert.Empty(t, ss)
	// Without the halt, 40 secrets with one retry each would be 80.
	assert.LessOrEqual(t, sf.Count(gcpfake.ListSecretVersions), 2*4+4)
	assert.Zero(t, sf.Count(gcpfake.AccessSecretVersion))

	// A short storm, within the retries (Unavailable this time).
	sf.Heal()
	for _, m := range []string{gcpfake.ListSecrets, gcpfake.ListSecretVersions, gcpfake.AccessSecretVersion} {
		sf.Fail(m, 1, codes.Unavailable, 0)
	}
	ss, err = p.List(ctx)
	require.NoError(t, err)
	assert.Len(t, ss, 40)

	// A storm on the listing of secrets fails the listing at once.
	sf.Fail(gcpfake.ListSecrets, 1000, codes.ResourceExhausted, 0)
	sf.ResetCounts()
	_, err = p.List(ctx)
	assert.Equal(t, provider.Transient, provider.Kind(err))
	assert.Equal(t, map[string]int{gcpfake.ListSecrets: 2}, sf.Counts())
}

// TestRetryInfoHonoured: after a ResourceExhausted with a RetryInfo of
// 300 ms, no request reaches the service before that delay is over,
// although the configured backoff is a millisecond. This is a lower bound
// the client cannot beat however loaded the machine, not a timing
// measurement.
func TestRetryInfoHonoured(t *testing.T) {
	sf := standin(t)
	seed(sf)
	p := open(t, sf, gcpsm.Config{Concurrency: 1})
	sf.Fail(gcpfake.ListSecretVersions, 1, codes.ResourceExhausted, 300*time.Millisecond)
	start := time.Now()
	ss, err := p.List(context.Background())
	require.NoError(t, err)
	assert.Len(t, ss, 3)
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)
}

// TestPayloads: a payload that is not UTF-8 is a secret byte for byte; a
// payload whose checksum does not match is malformed, named, not quoted.
func TestPayloads(t *testing.T) {
	sf := standin(t)
	raw := []byte{0xff, 0xfe, 'k', 'e', 'y', 0x00, 0x80, 0x81, 0xc3, 0x28, 'b', 'i', 'n', 'a', 'r', 'y', 0xfa}
	bin := sf.Create(project, "binary-key", nil)
	sf.AddVersion(bin, raw)
	bad := sf.Create(project, "corrupt", nil)
	sf.AddVersion(bad, []byte(dbPassword))
	sf.CorruptChecksum(bad + "/versions/1")
	p := open(t, sf, gcpsm.Config{})
	ss, err := p.List(context.Background())
	require.Error(t, err)
	require.Equal(t, []string{"binary-key@1"}, names(ss))
	if !hasValue(ss, "binary-key", string(raw)) {
		t.Error("a non-UTF-8 payload did not keep its bytes")
	}
	failed, _ := provider.FailedSecrets(err)
	assert.Equal(t, []string{"corrupt"}, failed)
	assert.Equal(t, provider.Malformed, provider.Kind(err))
	if leaks(err.Error(), dbPassword) {
		t.Error("the error holds the payload")
	}
	red, err := redact.New()
	require.NoError(t, err)
	require.NoError(t, red.Set(ss))
	line := "before " + string(raw) + " after"
	if leaks(red.ScrubString(line), string(raw)) {
		t.Error("the binary value survived scrubbing")
	}
}

// TestNeverAnsweringServer: the listing ends with its context.
func TestNeverAnsweringServer(t *testing.T) {
	sf := standin(t)
	seed(sf)
	p := open(t, sf, gcpsm.Config{})
	_, err := p.List(context.Background())
	require.NoError(t, err)
	sf.Hang(true)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	ss, err := p.List(ctx)
	require.Error(t, err)
	assert.Equal(t, provider.Transient, provider.Kind(err))
	_, perSecret := provider.FailedSecrets(err)
	assert.False(t, perSecret)
	assert.Empty(t, ss)
}

// TestLatestMode lists no versions: one access per secret and listing.
func TestLatestMode(t *testing.T) {
	sf := standin(t)
	seed(sf)
	p := open(t, sf, gcpsm.Config{Versions: gcpsm.VersionsLatest})
	ctx := context.Background()
	for range 2 {
		sf.ResetCounts()
		ss, err := p.List(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{"api-token@1", "db-creds@1", "dev-token@1"}, names(ss))
		assert.Equal(t, map[string]int{gcpfake.ListSecrets: 1, gcpfake.AccessSecretVersion: 3}, sf.Counts())
	}
	sf.SetState(project+"/secrets/api-token", 1, secretmanagerpb.SecretVersion_DISABLED)
	ss, err := p.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"db-creds@1", "dev-token@1"}, names(ss))
}

// TestRegional reads the secrets of one location only.
func TestRegional(t *testing.T) {
	sf := standin(t)
	seed(sf)
	eu := sf.Create(project+"/locations/europe-west1", "eu-token", nil)
	sf.AddVersion(eu, []byte(rotated))
	p := open(t, sf, gcpsm.Config{Project: "hush-test", Location: "europe-west1"})
	assert.Equal(t, "gcp:projects/hush-test/locations/europe-west1", p.Name())
	ss, err := p.List(context.Background())
	require.NoError(t, err)
	require.Equal(t, []string{"eu-token@1"}, names(ss))
}

// TestEndpointEnv: HUSH_GCP_ENDPOINT reaches an emulator without
// credentials.
func TestEndpointEnv(t *testing.T) {
	sf := standin(t)
	seed(sf)
	t.Setenv(gcpsm.EndpointEnv, sf.Addr())
	p, err := gcpsm.New(context.Background(), gcpsm.Config{Project: project})
	require.NoError(t, err)
	defer func() { require.NoError(t, p.Close()) }()
	ss, err := p.List(context.Background())
	require.NoError(t, err)
	assert.Len(t, ss, 3)
}

// TestBadFilter: a filter the service refuses fails the listing as a
// permanent error quoting the service's message.
func TestBadFilter(t *testing.T) {
	sf := standin(t)
	seed(sf)
	p := open(t, sf, gcpsm.Config{Filter: "labels.env~prod"})
	ss, err := p.List(context.Background())
	require.Error(t, err)
	assert.Empty(t, ss)
	assert.Equal(t, provider.Permanent, provider.Kind(err))
	assert.Contains(t, err.Error(), "InvalidArgument")
	assert.Equal(t, 1, sf.Count(gcpfake.ListSecrets), "an invalid argument is not retried")
}

func TestConfigErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		cfg  gcpsm.Config
		want string
	}{
		{gcpsm.Config{}, "project"},
		{gcpsm.Config{Project: "projects/a/secrets/b"}, "project"},
		{gcpsm.Config{Project: "p", Location: "eu/west"}, "location"},
		{gcpsm.Config{Project: "p", Versions: "all"}, "versions"},
		{gcpsm.Config{Project: "p", CredentialsFile: "/nonexistent/creds.json"}, "credentials_file"},
	} {
		_, err := gcpsm.New(ctx, tc.cfg)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.want)
	}
}

// TestManyVersions: with more enabled versions than a page holds, the
// listing reads further pages only while they may hold a version in the
// grace period.
func TestManyVersions(t *testing.T) {
	sf := standin(t)
	clk := newClock()
	sf.SetClock(clk.Now)
	s := sf.Create(project, "busy", nil)
	for i := range 150 {
		sf.AddVersion(s, fmt.Appendf(nil, "busy-value-%03d-Zq8v4Lw2", i))
		clk.Advance(time.Minute)
	}
	ctx := context.Background()
	short := open(t, sf, gcpsm.Config{GracePeriod: 90 * time.Second, Now: clk.Now})
	ss, err := short.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"busy@149", "busy@150"}, names(ss))
	assert.Equal(t, 1, sf.Count(gcpfake.ListSecretVersions), "the first page held every version in grace")

	sf.ResetCounts()
	long := open(t, sf, gcpsm.Config{GracePeriod: 24 * time.Hour, Now: clk.Now})
	ss, err = long.List(ctx)
	require.NoError(t, err)
	require.Len(t, ss, 150)
	assert.Equal(t, 2, sf.Count(gcpfake.ListSecretVersions))
}
