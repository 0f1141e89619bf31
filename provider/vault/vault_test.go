package vault_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/vaultfake"
	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/vault"
	"github.com/hushlog/hush/redact"
)

const (
	dbPassword = "Zq8v-4Lw2-9pXc-7yTb-db"
	dbUser     = "payments_app_user"
	apiToken   = "tok_live_51HxQm2eZvKYlo2C"
	cacheToken = "redis-auth-9f8e7d6c5b4a"
	devValue   = "dev-only-value-00112233"
)

// seed writes a small tree: two folders deep under prod/, one secret
// outside the prefix.
func seed(vf *vaultfake.Server) {
	vf.Put("secret/prod/db", map[string]any{"username": dbUser, "password": dbPassword, "port": 5432})
	vf.Put("secret/prod/api", map[string]any{"value": apiToken})
	vf.Put("secret/prod/team/a/cache", map[string]any{"data": cacheToken})
	vf.Put("secret/dev/x", map[string]any{"password": devValue})
}

func TestListKV2(t *testing.T) {
	vf := standin(t)
	seed(vf)
	p := open(t, vault.Config{Prefix: "prod/"})
	require.Equal(t, "vault:secret/prod/", p.Name())

	ctx := context.Background()
	ss, err := p.List(ctx)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"secret/prod/api#value@1", "secret/prod/db@1", "secret/prod/team/a/cache#data@1"}, names(ss))
	// A single field is protected whatever it is called; several fields
	// are one JSON object, split by the Redactor's policy.
	if !hasValue(ss, "secret/prod/api#value", apiToken) || !hasValue(ss, "secret/prod/team/a/cache#data", cacheToken) {
		t.Error("a single-field entry is not listed as its field's value")
	}
	db, _ := find(ss, "secret/prod/db")
	red, err := redact.New()
	require.NoError(t, err)
	require.NoError(t, red.Set(ss))
	out := red.ScrubString("user=" + dbUser + " password=" + dbPassword + " token=" + apiToken)
	if leaks(out, dbPassword, apiToken) {
		t.Error("the password of the JSON entry or the single field was not redacted")
	}
	assert.Contains(t, out, "[REDACTED:secret/prod/db#password]")
	assert.Contains(t, out, "user="+dbUser, "a field that is not credential-like must stay (JSON policy)")
	assert.True(t, strings.HasPrefix(db.Value, "{"), "a multi-field entry is handed over as a JSON object")
	_, dev := find(ss, "secret/dev/x#password")
	assert.False(t, dev, "a secret outside the prefix was listed")

	// First listing: discovery, token lookup, 3 LISTs (prod/, team/,
	// team/a/), 3 metadata reads, 3 data reads.
	want := map[string]int{vaultfake.OpUIMounts: 1, vaultfake.OpLookupSelf: 1, vaultfake.OpList: 3, vaultfake.OpMetadata: 3, vaultfake.OpData: 3}
	assert.Equal(t, want, vf.Counts())

	// Unchanged: only the LISTs and the metadata reads.
	vf.ResetRequests()
	ss2, err := p.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, names(ss), names(ss2))
	assert.Equal(t, map[string]int{vaultfake.OpList: 3, vaultfake.OpMetadata: 3}, vf.Counts())
}

func TestPrefixPartialNameAndWholeMount(t *testing.T) {
	vf := standin(t)
	seed(vf)
	vf.Put("secret/prod/dbx", map[string]any{"password": "another-password-1234"})
	p := open(t, vault.Config{Prefix: "prod/db"})
	ss, err := p.List(context.Background())
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"secret/prod/db@1", "secret/prod/dbx#password@1"}, names(ss))

	all := open(t, vault.Config{})
	ss, err = all.List(context.Background())
	require.NoError(t, err)
	assert.Len(t, ss, 5)
}

func TestRotationAndGraceOfEarlierVersions(t *testing.T) {
	vf := standin(t)
	clk := newClock()
	vf.SetClock(clk.Now)
	seed(vf)
	p := open(t, vault.Config{Prefix: "prod/", GracePeriod: 24 * time.Hour, Now: clk.Now})
	ctx := context.Background()
	_, err := p.List(ctx)
	require.NoError(t, err)

	clk.Advance(time.Hour)
	const rotated = "tok_live_ROTATED_000111222"
	vf.Put("secret/prod/api", map[string]any{"value": rotated})
	vf.ResetRequests()
	ss, err := p.List(ctx)
	require.NoError(t, err)
	if !hasValue(ss, "secret/prod/api#value", rotated) || !hasValue(ss, "secret/prod/api#value", apiToken) {
		t.Errorf("after rotation want versions 1 and 2 of secret/prod/api, got %v", names(ss))
	}
	assert.Equal(t, 1, vf.Requests(vaultfake.OpData), "only the new version is read; version 1 comes from the cache")

	// Version 1 was replaced 25 hours ago: past the grace period.
	clk.Advance(25 * time.Hour)
	ss, err = p.List(ctx)
	require.NoError(t, err)
	if hasValue(ss, "secret/prod/api#value", apiToken) {
		t.Error("version 1 of secret/prod/api is still listed after the grace period")
	}
	assert.Contains(t, names(ss), "secret/prod/api#value@2")

	// A destroyed or deleted earlier version is not read.
	vf.Put("secret/prod/api", map[string]any{"value": "tok_live_THIRD_333444555"})
	vf.DestroyVersion("secret/prod/api", 2)
	ss, err = p.List(ctx)
	require.NoError(t, err)
	assert.Contains(t, names(ss), "secret/prod/api#value@3")
	assert.NotContains(t, names(ss), "secret/prod/api#value@2")

	// Current versions only.
	cur := open(t, vault.Config{Prefix: "prod/", GracePeriod: -1, Now: clk.Now})
	vf.Put("secret/prod/db", map[string]any{"password": "db-second-password-77", "username": dbUser})
	ss, err = cur.List(ctx)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"secret/prod/api#value@3", "secret/prod/db@2", "secret/prod/team/a/cache#data@1"}, names(ss))
}

// TestDeletionWithRefresher runs the provider under a Refresher: a deleted
// secret, and a soft-deleted current version, stay protected for the
// grace period, then are dropped.
func TestDeletionWithRefresher(t *testing.T) {
	vf := standin(t)
	clk := newClock()
	vf.SetClock(clk.Now)
	seed(vf)
	p, err := vault.New(vault.Config{Mount: "secret", Prefix: "prod/", GracePeriod: time.Hour, Now: clk.Now})
	require.NoError(t, err)
	red, err := redact.New()
	require.NoError(t, err)
	f, err := provider.NewRefresher(red, []provider.Lister{p}, provider.RefresherOptions{GracePeriod: time.Hour, Now: clk.Now})
	require.NoError(t, err)
	defer func() { require.NoError(t, f.Close()) }() // closes p
	ctx := context.Background()
	require.NoError(t, f.Refresh(ctx))
	line := "api=" + apiToken + " cache=" + cacheToken
	if red.ScrubString(line) == line {
		t.Fatal("secret/prod/api is not protected after the first refresh")
	}

	vf.DeleteMetadata("secret/prod/api")            // the whole secret
	vf.DeleteVersion("secret/prod/team/a/cache", 0) // its current version
	clk.Advance(30 * time.Minute)
	require.NoError(t, f.Refresh(ctx))
	out := red.ScrubString(line)
	if leaks(out, apiToken, cacheToken) {
		t.Error("a deleted secret lost its protection within the grace period")
	}
	assert.Equal(t, 2, f.Status().InGrace)

	clk.Advance(2 * time.Hour)
	require.NoError(t, f.Refresh(ctx))
	if red.ScrubString(line) != line {
		// The line holds the values: say what went wrong, not what it says.
		t.Error("deleted secrets are still redacted after the grace period")
	}
	assert.Equal(t, 0, f.Status().InGrace)
}

// TestDeleteAndUndelete: a soft-deleted current version is not read (Vault
// has no data for it) and, once undeleted, is read again.
func TestDeleteAndUndelete(t *testing.T) {
	vf := standin(t)
	seed(vf)
	p := open(t, vault.Config{Prefix: "prod/"})
	ctx := context.Background()
	_, err := p.List(ctx)
	require.NoError(t, err)
	vf.DeleteVersion("secret/prod/api", 0)
	ss, err := p.List(ctx)
	require.NoError(t, err)
	assert.NotContains(t, names(ss), "secret/prod/api#value@1")
	vf.UndeleteVersion("secret/prod/api", 0)
	vf.ResetRequests()
	ss, err = p.List(ctx)
	require.NoError(t, err)
	if !hasValue(ss, "secret/prod/api#value", apiToken) {
		t.Error("the undeleted version of secret/prod/api is not listed")
	}
	assert.Equal(t, 1, vf.Requests(vaultfake.OpData), "the undeleted version is read again")
}

func TestAccessDeniedOnOneSecret(t *testing.T) {
	vf := standin(t)
	seed(vf)
	vf.DenyPath("secret/prod/db")
	p := open(t, vault.Config{Prefix: "prod/"})
	ss, err := p.List(context.Background())
	require.Error(t, err)
	failed, perSecret := provider.FailedSecrets(err)
	assert.True(t, perSecret)
	assert.Equal(t, []string{"secret/prod/db"}, failed)
	assert.Equal(t, provider.AccessDenied, provider.Kind(err))
	assert.ElementsMatch(t, []string{"secret/prod/api#value@1", "secret/prod/team/a/cache#data@1"}, names(ss))
	assert.Contains(t, err.Error(), "permission denied")
	if leaks(err.Error(), dbPassword, apiToken, cacheToken) {
		t.Error("the error holds a secret value")
	}

	// The same through Get.
	_, err = p.Get(context.Background(), "secret/prod/db#password")
	assert.Equal(t, provider.AccessDenied, provider.Kind(err))
}

func TestGet(t *testing.T) {
	vf := standin(t)
	seed(vf)
	p := open(t, vault.Config{Prefix: "prod/"})
	ctx := context.Background()
	s, err := p.Get(ctx, "secret/prod/db#password")
	require.NoError(t, err)
	if s.Value != dbPassword {
		t.Error("Get of a field: wrong value")
	}
	assert.Equal(t, "1", s.Version)
	s, err = p.Get(ctx, "prod/api")
	require.NoError(t, err)
	if s.Value != apiToken {
		t.Error("Get of a single-field entry: wrong value")
	}
	s, err = p.Get(ctx, "secret/prod/db")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(s.Value, "{"))
	_, err = p.Get(ctx, "secret/prod/nope")
	assert.Equal(t, provider.NotFound, provider.Kind(err))
	_, err = p.Get(ctx, "secret/prod/db#nofield")
	assert.Equal(t, provider.NotFound, provider.Kind(err))
}

func TestThrottlingStorm(t *testing.T) {
	vf := standin(t)
	for i := range 40 {
		vf.Put("secret/app/s"+string(rune('a'+i%26))+string(rune('a'+i/26)), map[string]any{"token": "throttle-test-value-" + string(rune('a'+i))})
	}
	vf.SetRetryAfter(1)
	p := open(t, vault.Config{Prefix: "app/", MaxRetries: 1, Concurrency: 4})
	ctx := context.Background()
	_, err := p.List(ctx) // discovery, lookup: outside the storm
	require.NoError(t, err)

	// A storm that outlasts the retries: the listing stops asking.
	vf.Fail(vaultfake.OpMetadata, "", vaultfake.Throttle, 0)
	vf.ResetRequests()
	ss, err := p.List(ctx)
	require.Error(t, err)
	assert.Equal(t, provider.Transient, provider.Kind(err))
	_, perSecret := provider.FailedSecrets(err)
	assert.False(t, perSecret, "throttling must fail the listing, not name secrets as failed")
	assert.Contains(t, err.Error(), "HTTP 429")
	assert.Empty(t, ss)
	// At most one request per slot and its retry; without the halt, 40
	// secrets with one retry each would be 80.
	assert.LessOrEqual(t, vf.Requests(vaultfake.OpMetadata), 2*4+4)

	// A short storm, within the retries, honoured through Retry-After.
	vf.Heal()
	vf.Fail(vaultfake.OpMetadata, "", vaultfake.Throttle, 2)
	ss, err = p.List(ctx)
	require.NoError(t, err)
	assert.Len(t, ss, 40)
}

// TestRetryAfterHonoured: after a 429 with Retry-After: 1, no request of
// the provider reaches Vault before that second is over (one request in
// flight, so that none was already on its way). This is a lower bound the
// client cannot beat however loaded the machine, not a timing measurement.
func TestRetryAfterHonoured(t *testing.T) {
	vf := standin(t)
	seed(vf)
	vf.SetRetryAfter(1)
	p := open(t, vault.Config{Prefix: "prod/", Concurrency: 1})
	ctx := context.Background()
	_, err := p.List(ctx)
	require.NoError(t, err)
	vf.ResetRequests()
	vf.Fail(vaultfake.OpMetadata, "", vaultfake.Throttle, 1)
	_, err = p.List(ctx)
	require.NoError(t, err)
	log := vf.Log()
	throttled := -1
	for i, e := range log {
		if e.Status == http.StatusTooManyRequests {
			throttled = i
			break
		}
	}
	require.GreaterOrEqual(t, throttled, 0, "no 429 answered")
	require.Greater(t, len(log), throttled+1, "nothing asked after the 429")
	gap := log[throttled+1].Time.Sub(log[throttled].Time)
	assert.GreaterOrEqual(t, gap, time.Second, "the next request came before Retry-After")
}

func TestServerErrorsAndMalformedAnswers(t *testing.T) {
	vf := standin(t)
	seed(vf)
	p := open(t, vault.Config{Prefix: "prod/", MaxRetries: -1})
	ctx := context.Background()

	// A 500 on one secret: a per-secret transient error.
	vf.Fail(vaultfake.OpMetadata, "prod/db", vaultfake.Internal, 1)
	ss, err := p.List(ctx)
	failed, perSecret := provider.FailedSecrets(err)
	assert.True(t, perSecret)
	assert.Equal(t, []string{"secret/prod/db"}, failed)
	assert.Equal(t, provider.Transient, provider.Kind(err))
	assert.Len(t, ss, 2)

	// A malformed data answer holding half the values: named, not quoted.
	vf.Put("secret/prod/db", map[string]any{"password": dbPassword + "-2", "username": dbUser})
	vf.Fail(vaultfake.OpData, "prod/db", vaultfake.Malformed, 1)
	_, err = p.List(ctx)
	failed, _ = provider.FailedSecrets(err)
	assert.Equal(t, []string{"secret/prod/db"}, failed)
	assert.Equal(t, provider.Malformed, provider.Kind(err))
	if leaks(err.Error(), dbPassword, dbUser) {
		t.Error("the error of a malformed answer quotes the answer")
	}

	// The wrong shape in metadata and in data.
	for _, op := range []string{vaultfake.OpMetadata, vaultfake.OpData} {
		vf.Put("secret/prod/api", map[string]any{"value": apiToken + op})
		vf.Fail(op, "prod/api", vaultfake.WrongShape, 1)
		_, err = p.List(ctx)
		failed, _ = provider.FailedSecrets(err)
		assert.Equal(t, []string{"secret/prod/api"}, failed, op)
		assert.Equal(t, provider.Malformed, provider.Kind(err), op)
	}

	// A malformed LIST fails the listing.
	vf.Fail(vaultfake.OpList, "", vaultfake.Malformed, 1)
	_, err = p.List(ctx)
	_, perSecret = provider.FailedSecrets(err)
	assert.False(t, perSecret)
	assert.Equal(t, provider.Malformed, provider.Kind(err))

	// A 500 with a non-JSON body holding a value is not quoted either.
	vf.Fail(vaultfake.OpList, "", vaultfake.Internal, 1)
	_, err = p.List(ctx)
	assert.Equal(t, provider.Transient, provider.Kind(err))

	// Healthy again: everything listed.
	ss, err = p.List(ctx)
	require.NoError(t, err)
	for _, n := range []string{"secret/prod/api#value@3", "secret/prod/db@2", "secret/prod/team/a/cache#data@1"} {
		assert.Contains(t, names(ss), n)
	}
}

func TestNeverAnsweringServer(t *testing.T) {
	vf := standin(t)
	seed(vf)
	p := open(t, vault.Config{Prefix: "prod/"})
	_, err := p.List(context.Background())
	require.NoError(t, err)
	vf.Fail("", "", vaultfake.Hang, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	ss, err := p.List(ctx)
	require.Error(t, err)
	assert.Equal(t, provider.Transient, provider.Kind(err))
	_, perSecret := provider.FailedSecrets(err)
	assert.False(t, perSecret)
	assert.Empty(t, ss)
}

func TestUnreachableVault(t *testing.T) {
	vf := standin(t)
	seed(vf)
	p := open(t, vault.Config{Prefix: "prod/", MaxRetries: -1})
	_, err := p.List(context.Background())
	require.NoError(t, err)
	vf.Close()
	_, err = p.List(context.Background())
	require.Error(t, err)
	assert.Equal(t, provider.Transient, provider.Kind(err))
}

func TestKV1(t *testing.T) {
	vf := standin(t)
	vf.Mount("kv", 1)
	vf.Put("kv/app/one", map[string]any{"api_key": "kv1-api-key-000111222"})
	vf.Put("kv/app/sub/two", map[string]any{"password": "kv1-password-333444", "host": "db.internal"})
	p := open(t, vault.Config{Mount: "kv", Prefix: "app/"})
	ctx := context.Background()
	ss, err := p.List(ctx)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"kv/app/one#api_key", "kv/app/sub/two"}, names(ss))
	assert.Equal(t, 2, vf.Requests(vaultfake.OpReadV1))
	// No versions on KV v1: every listing reads every secret.
	_, err = p.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, 4, vf.Requests(vaultfake.OpReadV1))
	s, err := p.Get(ctx, "kv/app/one")
	require.NoError(t, err)
	if s.Value != "kv1-api-key-000111222" {
		t.Error("Get on KV v1: wrong value")
	}

	// Without sys/internal/ui/mounts, sys/mounts tells the version.
	vf.DisableUIMounts()
	p2 := open(t, vault.Config{Mount: "kv", Prefix: "app/"})
	ss, err = p2.List(ctx)
	require.NoError(t, err)
	assert.Len(t, ss, 2)
	assert.Equal(t, 1, vf.Requests(vaultfake.OpSysMounts))
}

func TestMountWithSlashAndNamespace(t *testing.T) {
	vf := standin(t)
	vf.Mount("kv/team-a", 2)
	vf.Put("kv/team-a/app/db", map[string]any{"password": "team-a-db-password-1"})
	t.Setenv("VAULT_NAMESPACE", "team-a")
	p := open(t, vault.Config{Mount: "kv", Prefix: "team-a/app/"})
	ss, err := p.List(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"kv/team-a/app/db#password@1"}, names(ss))
	ns := vf.Namespaces()
	assert.Equal(t, vf.Requests(""), ns["team-a"], "every request carries VAULT_NAMESPACE")

	p2 := open(t, vault.Config{Mount: "kv/team-a", Prefix: "app/", Namespace: "other"})
	_, err = p2.List(context.Background())
	require.NoError(t, err)
	assert.Positive(t, vf.Namespaces()["other"])
}

func TestConfigErrors(t *testing.T) {
	standin(t)
	for name, cfg := range map[string]vault.Config{
		"no mount":         {},
		"kv version":       {Mount: "secret", KVVersion: 3},
		"unknown auth":     {Mount: "secret", Auth: vault.Auth{Method: "ldap"}},
		"k8s without role": {Mount: "secret", Auth: vault.Auth{Method: vault.AuthKubernetes}},
		"approle secret":   {Mount: "secret", Auth: vault.Auth{Method: vault.AuthAppRole, RoleID: "r"}},
	} {
		_, err := vault.New(cfg)
		assert.Error(t, err, name)
	}
	t.Setenv("VAULT_TOKEN", "")
	_, err := vault.New(vault.Config{Mount: "secret"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "VAULT_TOKEN")

	// ~/.vault-token, as for the Vault CLI.
	home := t.TempDir()
	t.Setenv("HOME", home)
	require.NoError(t, os.WriteFile(filepath.Join(home, ".vault-token"), []byte(vaultfake.RootToken+"\n"), 0o600))
	p := open(t, vault.Config{})
	_, err = p.List(context.Background())
	require.NoError(t, err)
}

func TestBadTokenIsAccessDenied(t *testing.T) {
	standin(t)
	t.Setenv("VAULT_TOKEN", "hvs.not-a-token")
	p := open(t, vault.Config{})
	_, err := p.List(context.Background())
	require.Error(t, err)
	assert.Equal(t, provider.AccessDenied, provider.Kind(err))
	_, perSecret := provider.FailedSecrets(err)
	assert.False(t, perSecret)
}

func TestExplicitKVVersionSkipsDiscovery(t *testing.T) {
	vf := standin(t)
	seed(vf)
	p := open(t, vault.Config{Prefix: "prod/", KVVersion: 2})
	_, err := p.List(context.Background())
	require.NoError(t, err)
	assert.Zero(t, vf.Requests(vaultfake.OpUIMounts)+vf.Requests(vaultfake.OpSysMounts))
	var pe *provider.Error
	assert.False(t, errors.As(err, &pe))
}

func TestUnknownMount(t *testing.T) {
	standin(t)
	p := open(t, vault.Config{Mount: "nope", Prefix: "prod/"})
	_, err := p.List(context.Background())
	require.Error(t, err)
	assert.Equal(t, provider.Permanent, provider.Kind(err))
	assert.Contains(t, err.Error(), "set kv_version")
	_, perSecret := provider.FailedSecrets(err)
	assert.False(t, perSecret)
}

// TestConnectionCutIsTransient: a server that drops the connection without
// answering is a transient failure, not a malformed answer.
func TestConnectionCutIsTransient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.Close() // every connection cut at once: the client reads EOF
		}
	}()
	defer func() { _ = ln.Close(); <-done }()
	standin(t)
	p := open(t, vault.Config{Address: "http://" + ln.Addr().String(), KVVersion: 2, MaxRetries: -1})
	_, err = p.List(context.Background())
	require.Error(t, err)
	assert.Equal(t, provider.Transient, provider.Kind(err))
}
