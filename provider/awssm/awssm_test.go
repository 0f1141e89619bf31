package awssm_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hushlog/hush/internal/smfake"
	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/awssm"
	"github.com/hushlog/hush/redact"
)

// standIn starts the Secrets Manager stand-in and points the SDK's default
// chain at it: static test credentials, us-east-1, no IMDS, config files in
// t.TempDir(). Nothing leaves loopback.
func standIn(t testing.TB) *smfake.Server {
	t.Helper()
	sm := smfake.New()
	t.Cleanup(sm.Close)
	sm.SetEnv(t)
	return sm
}

func newProvider(t testing.TB, cfg awssm.Config) *awssm.Provider {
	t.Helper()
	if cfg.RetryMaxBackoff == 0 {
		cfg.RetryMaxBackoff = 20 * time.Millisecond
	}
	p, err := awssm.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// value returns a distinct random-looking test value.
func value(i int, tag string) string {
	return fmt.Sprintf("Zq8v-%s-%05d-9pXc-7yTb", tag, i)
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

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

func newRefresher(t *testing.T, p provider.Lister, grace time.Duration) (*provider.Refresher, *redact.Redactor, *clock) {
	t.Helper()
	r, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	f, err := provider.NewRefresher(r, []provider.Lister{p}, provider.RefresherOptions{GracePeriod: grace, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f, r, c
}

func protected(r *redact.Redactor, v string) bool {
	return !strings.Contains(r.ScrubString("x "+v+" y"), v)
}

func byName(secrets []redact.Secret) map[string][]string {
	m := map[string][]string{}
	for _, s := range secrets {
		m[s.Name] = append(m[s.Name], s.Value)
	}
	return m
}

// noValues fails if err's text holds any of the values.
func noValues(t *testing.T, err error, vals ...string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, v := range vals {
		if strings.Contains(err.Error(), v) || strings.Contains(fmt.Sprintf("%+v", err), v) {
			t.Fatalf("an error message holds a secret value")
		}
	}
}

func TestDiscoveryByPrefixOverPages(t *testing.T) {
	sm := standIn(t)
	for i := 0; i < 250; i++ {
		sm.Put(fmt.Sprintf("prod/svc%03d/password", i), value(i, "prod"))
	}
	for i := 0; i < 40; i++ {
		sm.Put(fmt.Sprintf("dev/svc%03d/password", i), value(i, "dev"))
		sm.Put(fmt.Sprintf("production-old/%03d", i), value(i, "old")) // shares "prod" but not "prod/"
	}
	p := newProvider(t, awssm.Config{Prefixes: []string{"prod/"}})
	got, err := p.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	names := byName(got)
	if len(names) != 250 || len(got) != 250 {
		t.Fatalf("listed %d secrets (%d values), want 250", len(names), len(got))
	}
	for i := 0; i < 250; i++ {
		if v := names[fmt.Sprintf("prod/svc%03d/password", i)]; len(v) != 1 || v[0] != value(i, "prod") {
			t.Fatalf("secret %d: wrong or missing value", i)
		}
	}
	// Distinct requests: pages and batches asked for. (Requests counts
	// the SDK's retries too: one after a connection error on a machine
	// loaded by the race detector made it 4.)
	if n := sm.DistinctRequests(smfake.OpListSecrets); n != 3 {
		t.Errorf("ListSecrets pages = %d, want 3 pages of 100", n)
	}
	if n := sm.DistinctRequests(smfake.OpBatchGetSecretValue); n != 13 {
		t.Errorf("BatchGetSecretValue calls = %d, want 13 (20 per call)", n)
	}
	if n := sm.Requests(smfake.OpGetSecretValue); n != 0 {
		t.Errorf("GetSecretValue requests = %d, want 0 (no pending or previous versions)", n)
	}
}

func TestDiscoveryByTagOverPages(t *testing.T) {
	sm := standIn(t)
	for i := 0; i < 230; i++ {
		sm.Put(fmt.Sprintf("app/%03d", i), value(i, "tagd"), smfake.Tag{Key: "hush", Value: "protect"}, smfake.Tag{Key: "team", Value: "payments"})
	}
	for i := 0; i < 30; i++ {
		// Near misses: tag key and value prefix matches, other team, no tag.
		sm.Put(fmt.Sprintf("miss/key/%03d", i), value(i, "mkey"), smfake.Tag{Key: "hushx", Value: "protect"}, smfake.Tag{Key: "team", Value: "payments"})
		sm.Put(fmt.Sprintf("miss/val/%03d", i), value(i, "mval"), smfake.Tag{Key: "hush", Value: "protected"}, smfake.Tag{Key: "team", Value: "payments"})
		sm.Put(fmt.Sprintf("miss/team/%03d", i), value(i, "mtea"), smfake.Tag{Key: "hush", Value: "protect"}, smfake.Tag{Key: "team", Value: "search"})
		sm.Put(fmt.Sprintf("miss/none/%03d", i), value(i, "mnon"))
	}
	p := newProvider(t, awssm.Config{Tags: []awssm.Tag{{Key: "hush", Value: "protect"}, {Key: "team", Value: "payments"}}})
	got, err := p.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	names := byName(got)
	if len(names) != 230 {
		t.Fatalf("listed %d secrets, want the 230 carrying both tags exactly", len(names))
	}
	for n := range names {
		if !strings.HasPrefix(n, "app/") {
			t.Fatalf("near miss %s selected", n)
		}
	}
	if n := sm.Requests(smfake.OpListSecrets); n < 3 {
		t.Errorf("ListSecrets requests = %d, want several pages", n)
	}
	// Key-only tag filter.
	p2 := newProvider(t, awssm.Config{Tags: []awssm.Tag{{Key: "hush"}}, Stages: []string{awssm.StageCurrent}})
	got, err = p2.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(byName(got)); n != 230+60 {
		t.Errorf("key-only tag filter: %d secrets, want 290", n)
	}
	// Prefix and tag together.
	p3 := newProvider(t, awssm.Config{Prefixes: []string{"miss/"}, Tags: []awssm.Tag{{Key: "team", Value: "payments"}}})
	got, _ = p3.List(context.Background())
	if n := len(byName(got)); n != 60 {
		t.Errorf("prefix and tag: %d secrets, want 60", n)
	}
}

func TestExplicitNamesAndARNs(t *testing.T) {
	sm := standIn(t)
	sm.Put("prod/db", value(1, "db01"))
	sm.Put("prod/db", value(2, "db02")) // AWSPREVIOUS: value 1
	sm.Put("prod/api", value(3, "api0"))
	sm.Put("other", value(4, "othr"))
	apiARN := sm.ARN("prod/api")
	ctx := context.Background()

	// AWSCURRENT only: straight to BatchGetSecretValue, no describe.
	p := newProvider(t, awssm.Config{Names: []string{"prod/db", apiARN, "prod/missing"}, Stages: []string{awssm.StageCurrent}})
	got, err := p.List(ctx)
	m := byName(got)
	if len(m) != 2 || m["prod/db"][0] != value(2, "db02") || m["prod/api"][0] != value(3, "api0") {
		t.Fatalf("explicit names: %v", got)
	}
	names, perSecret := provider.FailedSecrets(err)
	if !perSecret || len(names) != 1 || names[0] != "prod/missing" || provider.Kind(err) != provider.NotFound {
		t.Errorf("missing secret: error %v", err)
	}
	if sm.Requests(smfake.OpDescribeSecret) != 0 || sm.Requests(smfake.OpBatchGetSecretValue) != 1 {
		t.Errorf("requests: %d describe, %d batch; want 0 and 1",
			sm.Requests(smfake.OpDescribeSecret), sm.Requests(smfake.OpBatchGetSecretValue))
	}

	// Every stage: describe to find the versions.
	sm.ResetRequests()
	p = newProvider(t, awssm.Config{Names: []string{"prod/db", apiARN}})
	got, err = p.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m = byName(got)
	if len(m["prod/db"]) != 2 || len(m["prod/api"]) != 1 {
		t.Fatalf("all stages: %v", got)
	}
	if sm.Requests(smfake.OpDescribeSecret) != 2 || sm.Requests(smfake.OpGetSecretValue) != 1 {
		t.Errorf("requests: %d describe, %d get; want 2 and 1",
			sm.Requests(smfake.OpDescribeSecret), sm.Requests(smfake.OpGetSecretValue))
	}
	// Get, for applications.
	s, err := p.Get(ctx, "prod/db")
	if err != nil || s.Value != value(2, "db02") || s.Version != sm.VersionID("prod/db", awssm.StageCurrent) {
		t.Errorf("Get: %v", err)
	}
	if _, err := p.Get(ctx, "nope"); provider.Kind(err) != provider.NotFound {
		t.Errorf("Get(nope) = %v, want NotFound", err)
	}
}

func TestSecretBinaryAndJSON(t *testing.T) {
	sm := standIn(t)
	bin := []byte("\x00\x01binary-key-material-\xff\xfe-0123456789")
	sm.PutBinary("prod/tls/key", bin)
	sm.Put("prod/rds/app", `{"username":"app","password":"Vx9-rds-Pw-4kQz-77aa","host":"db.internal","port":5432}`)
	p := newProvider(t, awssm.Config{Prefixes: []string{"prod/"}})
	f, r, _ := newRefresher(t, p, time.Hour)
	if err := f.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !protected(r, string(bin)) {
		t.Error("SecretBinary value not protected")
	}
	if !protected(r, "Vx9-rds-Pw-4kQz-77aa") {
		t.Error("password field of a JSON object secret not protected")
	}
	if out := r.ScrubString("host db.internal"); out != "host db.internal" {
		t.Error("non-credential JSON field redacted")
	}
}

func TestRotation(t *testing.T) {
	sm := standIn(t)
	v1, v2, v3 := value(1, "rot1"), value(2, "rot2"), value(3, "rot3")
	sm.Put("prod/db/password", v1)
	sm.Put("prod/other", value(9, "othr"))
	p := newProvider(t, awssm.Config{Prefixes: []string{"prod/"}})
	f, r, clock := newRefresher(t, p, 24*time.Hour)
	ctx := context.Background()
	refresh := func() {
		t.Helper()
		if err := f.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	refresh()
	if !protected(r, v1) {
		t.Fatal("initial value not protected")
	}

	// createSecret: AWSPENDING is live in the target before it is current.
	if _, err := sm.PutPending("prod/db/password", v2); err != nil {
		t.Fatal(err)
	}
	refresh()
	if !protected(r, v2) || !protected(r, v1) {
		t.Fatal("pending value not protected within one refresh, or current dropped")
	}
	// finishSecret: CURRENT -> PREVIOUS.
	if err := sm.FinishRotation("prod/db/password"); err != nil {
		t.Fatal(err)
	}
	sm.ResetRequests()
	refresh()
	if !protected(r, v2) || !protected(r, v1) {
		t.Fatal("after rotation: new or previous value not protected")
	}
	// Versions are immutable: v1 (now AWSPREVIOUS) is not fetched again.
	if n := sm.Requests(smfake.OpGetSecretValue); n != 0 {
		t.Errorf("GetSecretValue after rotation: %d requests, want 0 (cached by version id)", n)
	}

	// A second rotation pushes v1 out of every stage: grace period.
	_, _ = sm.PutPending("prod/db/password", v3)
	refresh()
	_ = sm.FinishRotation("prod/db/password")
	refresh()
	if !protected(r, v3) || !protected(r, v2) || !protected(r, v1) {
		t.Fatal("after the second rotation every value must still be protected")
	}
	if st := f.Status(); st.InGrace != 1 {
		t.Errorf("InGrace = %d, want 1 (v1)", st.InGrace)
	}
	clock.Advance(23 * time.Hour)
	refresh()
	if !protected(r, v1) {
		t.Fatal("rotated-out value dropped before the grace period ended")
	}
	clock.Advance(time.Hour + time.Minute)
	refresh()
	if protected(r, v1) {
		t.Error("rotated-out value still protected after the grace period")
	}
	if !protected(r, v2) || !protected(r, v3) {
		t.Error("previous or current value lost")
	}
}

func TestThrottlingStormAndRecovery(t *testing.T) {
	sm := standIn(t)
	for i := 0; i < 45; i++ {
		sm.Put(fmt.Sprintf("prod/%02d", i), value(i, "thr0"))
	}
	p := newProvider(t, awssm.Config{Prefixes: []string{"prod/"}})
	f, r, _ := newRefresher(t, p, time.Hour)
	ctx := context.Background()
	if err := f.Refresh(ctx); err != nil {
		t.Fatal(err)
	}

	// Storm: every request throttled. A rotation happens meanwhile.
	sm.Fail("", smfake.Throttle, 0)
	sm.Put("prod/07", value(7, "thr1"))
	sm.ResetRequests()
	err := f.Refresh(ctx)
	if provider.Kind(err) != provider.Transient {
		t.Fatalf("throttled refresh: kind %v, error %v", provider.Kind(err), err)
	}
	if n := sm.Requests(smfake.OpListSecrets); n != 3 {
		t.Errorf("ListSecrets attempts in the storm = %d, want 3 (the SDK retried)", n)
	}
	for i := 0; i < 45; i++ {
		if !protected(r, value(i, "thr0")) {
			t.Fatal("a throttled refresh dropped a value")
		}
	}
	// Partial storm: listing works, values throttled; still nothing lost.
	sm.Heal()
	sm.Fail(smfake.OpBatchGetSecretValue, smfake.Throttle, 0)
	err = f.Refresh(ctx)
	if names, per := provider.FailedSecrets(err); !per || len(names) != 45 {
		t.Errorf("throttled batch: %d per-secret failures (per-secret %v), want 45", len(names), per)
	}
	for i := 0; i < 45; i++ {
		if !protected(r, value(i, "thr0")) {
			t.Fatal("a partially throttled refresh dropped a value")
		}
	}

	// 500s.
	sm.Heal()
	sm.Fail("", smfake.Internal, 0)
	if err := f.Refresh(ctx); provider.Kind(err) != provider.Transient {
		t.Errorf("500s: kind %v", provider.Kind(err))
	}
	sm.Heal()
	sm.Fail("", smfake.Unavailable, 2) // two 503s, then healthy: the retryer absorbs them
	if err := f.Refresh(ctx); err != nil {
		t.Errorf("two 503s should be retried away: %v", err)
	}
	if !protected(r, value(7, "thr1")) {
		t.Error("value rotated during the storm not picked up after recovery")
	}
	if !protected(r, value(7, "thr0")) {
		t.Error("previous value lost after recovery")
	}
}

// TestBackoffAgainstStandIn: a Cache in front of the provider stops calling
// the throttled stand-in while it backs off, and serves the stale value.
func TestCacheBackoffAgainstStandIn(t *testing.T) {
	sm := standIn(t)
	sm.Put("prod/db", value(1, "cach"))
	p := newProvider(t, awssm.Config{Names: []string{"prod/db"}, RetryMaxAttempts: 1})
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	c, err := provider.NewCache(p, nil, provider.CacheOptions{
		TTL: time.Minute, BackoffBase: 10 * time.Second, BackoffMax: time.Minute,
		Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Get(ctx, "prod/db"); err != nil {
		t.Fatal(err)
	}
	sm.Fail("", smfake.Throttle, 0)
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	sm.ResetRequests()
	for i := 0; i < 50; i++ {
		s, err := c.Get(ctx, "prod/db")
		if err != nil || s.Value != value(1, "cach") {
			t.Fatalf("Get during the storm: %v", err)
		}
	}
	if n := sm.Requests(""); n != 1 {
		t.Errorf("50 Gets during backoff sent %d requests, want 1", n)
	}
	sm.Heal()
	sm.Put("prod/db", value(2, "cach"))
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	if s, err := c.Get(ctx, "prod/db"); err != nil || s.Value != value(2, "cach") {
		t.Errorf("after recovery: %v", err)
	}
}

func TestAccessDeniedOnOneSecret(t *testing.T) {
	sm := standIn(t)
	for i := 0; i < 30; i++ {
		sm.Put(fmt.Sprintf("prod/%02d", i), value(i, "acc0"))
	}
	p := newProvider(t, awssm.Config{Prefixes: []string{"prod/"}})
	f, r, clock := newRefresher(t, p, time.Hour)
	ctx := context.Background()
	if err := f.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	sm.DenyAccess("prod/13")
	sm.FailDecryption("prod/21")
	sm.Put("prod/05", value(5, "acc1")) // the others keep refreshing
	sm.Put("prod/13", value(13, "acc1"))
	err := f.Refresh(ctx)
	if err == nil {
		t.Fatal("no error for the denied secret")
	}
	names, perSecret := provider.FailedSecrets(err)
	if !perSecret || len(names) != 2 {
		t.Fatalf("failed secrets %v (per-secret %v), want prod/13 and prod/21", names, perSecret)
	}
	msg := err.Error()
	if !strings.Contains(msg, `"prod/13"`) || !strings.Contains(msg, "access denied") ||
		!strings.Contains(msg, `"prod/21"`) || !strings.Contains(msg, "decryption") {
		t.Errorf("error does not name the secrets and kinds: %s", msg)
	}
	var kinds []provider.ErrorKind
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case *provider.Error:
			kinds = append(kinds, x.Kind)
		case interface{ Unwrap() []error }:
			for _, c := range x.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	if len(kinds) != 2 || !slices.Contains(kinds, provider.AccessDenied) || !slices.Contains(kinds, provider.Decryption) {
		t.Errorf("kinds %v, want access denied and decryption", kinds)
	}
	var all []string
	for i := 0; i < 30; i++ {
		all = append(all, value(i, "acc0"), value(i, "acc1"))
	}
	noValues(t, err, all...)
	if !protected(r, value(5, "acc1")) {
		t.Error("the other secrets did not refresh")
	}
	// The denied secret's known value stays protected, even past the grace
	// period, as long as it cannot be read.
	clock.Advance(2 * time.Hour)
	_ = f.Refresh(ctx)
	if !protected(r, value(13, "acc0")) || !protected(r, value(21, "acc0")) {
		t.Error("the value of a secret that cannot be read was dropped")
	}
}

func TestMalformedResponses(t *testing.T) {
	sm := standIn(t)
	var all []string
	for i := 0; i < 5; i++ {
		sm.Put(fmt.Sprintf("prod/%d", i), value(i, "malf"))
		all = append(all, value(i, "malf"))
	}
	p := newProvider(t, awssm.Config{Prefixes: []string{"prod/"}})
	f, r, _ := newRefresher(t, p, time.Hour)
	ctx := context.Background()
	if err := f.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		op   string
		kind smfake.FaultKind
	}{
		{smfake.OpBatchGetSecretValue, smfake.Malformed},  // truncated body holding values
		{smfake.OpBatchGetSecretValue, smfake.WrongShape}, // valid JSON, wrong shape
		{smfake.OpListSecrets, smfake.Malformed},
		{smfake.OpListSecrets, smfake.WrongShape},
	} {
		sm.Fail(tc.op, tc.kind, 1)
		err := f.Refresh(ctx)
		if provider.Kind(err) != provider.Malformed {
			t.Errorf("%s fault %d: kind %v (%v)", tc.op, tc.kind, provider.Kind(err), err)
		}
		noValues(t, err, all...)
		for _, v := range all {
			if !protected(r, v) {
				t.Fatalf("%s fault %d: a value was dropped", tc.op, tc.kind)
			}
		}
	}
	if err := f.Refresh(ctx); err != nil {
		t.Errorf("after the faults: %v", err)
	}
	// Get too.
	sm.Fail(smfake.OpGetSecretValue, smfake.Malformed, 1)
	_, err := p.Get(ctx, "prod/1")
	if provider.Kind(err) != provider.Malformed {
		t.Errorf("Get of a malformed answer: %v", err)
	}
	noValues(t, err, all...)
}

func TestCancellationAndShutdown(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	sm := smfake.New()
	defer sm.Close()
	sm.SetEnv(t)
	for i := 0; i < 60; i++ {
		sm.Put(fmt.Sprintf("prod/%02d", i), value(i, "canc"))
	}
	p, err := awssm.New(context.Background(), awssm.Config{Prefixes: []string{"prod/"}})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := redact.New()

	// A cancelled Refresh returns promptly as a transient failure.
	f, err := provider.NewRefresher(r, []provider.Lister{p}, provider.RefresherOptions{Interval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	sm.SetLatency(10 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	start := time.Now()
	err = f.Refresh(ctx)
	cancel()
	if provider.Kind(err) != provider.Transient || time.Since(start) > 3*time.Second {
		t.Errorf("cancelled refresh: %v after %v", err, time.Since(start))
	}

	// Start, then Close while a listing hangs on the slow stand-in.
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	start = time.Now()
	if err := f.Close(); err != nil { // also closes p's connections
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v", d)
	}
	sm.SetLatency(0)
	sm.Close()
}

func TestGetConcurrentCallersOneRequest(t *testing.T) {
	sm := standIn(t)
	sm.Put("prod/db/password", value(1, "sngl"))
	p := newProvider(t, awssm.Config{Names: []string{"prod/db/password"}})
	r, _ := redact.New()
	c, err := provider.NewCache(p, r, provider.CacheOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sm.SetLatency(100 * time.Millisecond)
	sm.ResetRequests()
	var wg sync.WaitGroup
	var bad sync.Map
	start := make(chan struct{})
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			s, err := c.Get(context.Background(), "prod/db/password")
			if err != nil || s.Value != value(1, "sngl") {
				bad.Store(i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	bad.Range(func(k, v any) bool { t.Errorf("caller %v: %v", k, v); return true })
	if n := sm.Requests(smfake.OpGetSecretValue); n != 1 {
		t.Errorf("100 concurrent Gets sent %d GetSecretValue requests, want 1", n)
	}
	if !protected(r, value(1, "sngl")) {
		t.Error("a value read through the cache is not protected")
	}
}

func TestEndpointFromConfig(t *testing.T) {
	sm := standIn(t)
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", "")
	sm.Put("prod/x", value(1, "endp"))
	p := newProvider(t, awssm.Config{Endpoint: sm.URL, Region: "us-east-1", Names: []string{"prod/x"}})
	if s, err := p.Get(context.Background(), "prod/x"); err != nil || s.Value != value(1, "endp") {
		t.Fatalf("Get through Config.Endpoint: %v", err)
	}
}

func TestConfigValidation(t *testing.T) {
	standIn(t)
	for _, cfg := range []awssm.Config{
		{},
		{Prefixes: []string{""}},
		{Names: []string{"a"}, Stages: []string{"LATEST"}},
		{Tags: []awssm.Tag{{Value: "v"}}},
	} {
		if _, err := awssm.New(context.Background(), cfg); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	if _, err := awssm.New(context.Background(), awssm.Config{Names: []string{"a"}}); err == nil || !strings.Contains(err.Error(), "region") {
		t.Errorf("no region: %v", err)
	}
}

// TestStormBackgroundBackoff: the background loop retries a throttled
// source with growing waits (not at a fixed rate, not only at the
// interval), keeps the stale values, and recovers when the stand-in heals.
func TestStormBackgroundBackoff(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	sm := smfake.New()
	defer sm.Close()
	sm.SetEnv(t)
	for i := 0; i < 10; i++ {
		sm.Put(fmt.Sprintf("prod/%d", i), value(i, "bgb0"))
	}
	p, err := awssm.New(context.Background(), awssm.Config{Prefixes: []string{"prod/"}, RetryMaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := redact.New()
	f, err := provider.NewRefresher(r, []provider.Lister{p}, provider.RefresherOptions{Interval: time.Hour, RetryMin: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	sm.Fail("", smfake.Throttle, 0)
	sm.Put("prod/3", value(3, "bgb1"))
	sm.ResetRequests()
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(800 * time.Millisecond)
	n := sm.Requests(smfake.OpListSecrets)
	// 20 ms doubling with jitter: about 4-7 attempts in 800 ms; a fixed
	// 20 ms retry would make 40.
	if n < 2 || n > 15 {
		t.Errorf("%d ListSecrets attempts in 800 ms of throttling; want backoff", n)
	}
	for i := 0; i < 10; i++ {
		if !protected(r, value(i, "bgb0")) {
			t.Fatal("a value was dropped during the storm")
		}
	}
	if st := f.Status(); st.LastError == nil || provider.Kind(st.LastError) != provider.Transient {
		t.Errorf("status during the storm: %v", st.LastError)
	}
	sm.Heal()
	deadline := time.Now().Add(10 * time.Second)
	for !protected(r, value(3, "bgb1")) {
		if time.Now().After(deadline) {
			t.Fatal("no recovery after the stand-in healed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	sm.Close()
}
