package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/hushlog/hush/redact"
)

func newTestRefresher(t *testing.T, opts RefresherOptions, listers ...Lister) (*Refresher, *redact.Redactor, *fakeClock) {
	t.Helper()
	clock := newClock()
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	r := newRedactor(t)
	f, err := NewRefresher(r, listers, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f, r, clock
}

func isReady(f *Refresher) bool {
	select {
	case <-f.Ready():
		return true
	default:
		return false
	}
}

func TestRefresherGracePeriod(t *testing.T) {
	src := newSource("src", "a", valA, "b", valB)
	f, r, clock := newTestRefresher(t, RefresherOptions{GracePeriod: 24 * time.Hour}, src)
	ctx := context.Background()
	if isReady(f) {
		t.Fatal("ready before any refresh")
	}
	if err := f.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if !isReady(f) || !protected(r, valA) || !protected(r, valB) {
		t.Fatal("first refresh: not ready or values not protected")
	}
	src.del("b")
	src.set("a", valA2) // rotated: valA is gone too
	if err := f.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{valA, valA2, valB} {
		if !protected(r, v) {
			t.Fatal("a value disappeared before its grace period ended")
		}
	}
	if st := f.Status(); st.Secrets != 3 || st.InGrace != 2 {
		t.Errorf("Status: %d secrets, %d in grace; want 3 and 2", st.Secrets, st.InGrace)
	}
	clock.Advance(23 * time.Hour)
	_ = f.Refresh(ctx)
	if !protected(r, valA) || !protected(r, valB) {
		t.Fatal("value dropped before 24 h")
	}
	clock.Advance(time.Hour + time.Second)
	_ = f.Refresh(ctx)
	if protected(r, valA) || protected(r, valB) {
		t.Error("value still protected after its grace period")
	}
	if !protected(r, valA2) {
		t.Error("current value lost")
	}
	// A value that comes back leaves its grace period.
	src.set("b", valB)
	_ = f.Refresh(ctx)
	src.del("b")
	_ = f.Refresh(ctx)
	clock.Advance(12 * time.Hour)
	src.set("b", valB)
	_ = f.Refresh(ctx)
	clock.Advance(13 * time.Hour)
	_ = f.Refresh(ctx)
	if !protected(r, valB) {
		t.Error("a value listed again was dropped by an old grace period")
	}
}

func TestRefresherFailureNeverShrinks(t *testing.T) {
	src := newSource("src", "a", valA, "b", valB)
	f, r, clock := newTestRefresher(t, RefresherOptions{GracePeriod: time.Hour}, src)
	ctx := context.Background()
	if err := f.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	// The whole listing fails, for longer than the grace period.
	src.fail(NewError("src", "", Transient, errors.New("throttled")))
	for i := 0; i < 3; i++ {
		clock.Advance(time.Hour)
		err := f.Refresh(ctx)
		if Kind(err) != Transient || !strings.Contains(err.Error(), "src") {
			t.Fatalf("failed refresh: error %v", err)
		}
	}
	if !protected(r, valA) || !protected(r, valB) {
		t.Fatal("a failed refresh shrank the set")
	}
	if st := f.Status(); st.Secrets != 2 || st.LastError == nil {
		t.Errorf("Status after failures: %+v", st)
	}
	// Partial: b cannot be read, a is gone. b stays (not marked gone), a
	// enters its grace period.
	src.fail(nil)
	src.del("a")
	src.set("c", valC)
	src.failOn("b", NewError("src", "b", AccessDenied, errors.New("denied")))
	err := f.Refresh(ctx)
	if names, per := FailedSecrets(err); !per || len(names) != 1 || names[0] != "b" {
		t.Fatalf("partial refresh: failed %v per-secret %v", names, per)
	}
	if !protected(r, valC) {
		t.Error("the readable secrets of a partial refresh were not applied")
	}
	clock.Advance(2 * time.Hour)
	_ = f.Refresh(ctx)
	if !protected(r, valB) {
		t.Error("the value of a secret that failed to read was dropped")
	}
	if protected(r, valA) {
		t.Error("a secret gone from a partial listing was kept past its grace period")
	}
}

func TestRefresherRebuildsOnlyOnChange(t *testing.T) {
	src := newSource("src", "a", valA)
	stat := newSource("static", "c", valC)
	f, r, _ := newTestRefresher(t, RefresherOptions{}, src, stat)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := f.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.Status().Rebuilds; n != 1 {
		t.Errorf("3 refreshes of an unchanged set rebuilt %d times, want 1", n)
	}
	built := r.Stats().BuiltAt
	src.set("a", valA2)
	_ = f.Refresh(ctx)
	if n := f.Status().Rebuilds; n != 2 || r.Stats().BuiltAt.Equal(built) {
		t.Errorf("a changed value: %d rebuilds, want 2", n)
	}
	if st := f.Status(); st.ByLister["src"] != 2 || st.ByLister["static"] != 1 {
		t.Errorf("ByLister = %v", st.ByLister)
	}
}

func TestRefresherDuplicateNames(t *testing.T) {
	f, _, _ := newTestRefresher(t, RefresherOptions{}, newSource("x", "a", valA), newSource("x", "b", valB))
	_ = f.Refresh(context.Background())
	if st := f.Status(); st.ByLister["x"] != 1 || st.ByLister["x#2"] != 1 {
		t.Errorf("duplicate lister names not told apart: %v", st.ByLister)
	}
}

// closer is a Lister that records Close.
type closer struct {
	*source
	closed atomic.Bool
}

func (c *closer) Close() error { c.closed.Store(true); return nil }

func TestRefresherStartClose(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	src := &closer{source: newSource("src", "a", valA)}
	slow := newSource("slow", "b", valB)
	r := newRedactor(t)
	f, err := NewRefresher(r, []Lister{src, slow}, RefresherOptions{Interval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := f.Start(context.Background()); err == nil {
		t.Error("second Start accepted")
	}
	select {
	case <-f.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("never ready")
	}
	if !protected(r, valA) || !protected(r, valB) {
		t.Fatal("values not protected once ready")
	}
	// Rounds keep coming on the interval.
	src.set("a", valA2)
	waitFor(t, func() bool { return protected(r, valA2) })
	// Close cancels a listing in progress and waits for it.
	slow.delay.Store(int64(time.Hour))
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
	if !src.closed.Load() {
		t.Error("Close did not close the listers")
	}
	if err := f.Close(); err != nil {
		t.Error("second Close:", err)
	}
	if err := f.Start(context.Background()); err == nil {
		t.Error("Start after Close accepted")
	}
}

func TestRefresherStopsWithContext(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	src := newSource("src", "a", valA)
	f, err := NewRefresher(newRedactor(t), []Lister{src}, RefresherOptions{Interval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_ = f.Start(ctx)
	<-f.Ready()
	cancel()
	_ = f.Close()
	n := src.calls.Load()
	time.Sleep(50 * time.Millisecond)
	if src.calls.Load() != n {
		t.Error("listing continued after the context ended")
	}
}

func TestRefresherRetryBackoff(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	src := newSource("src", "a", valA)
	src.fail(NewError("src", "", Transient, errors.New("throttled")))
	f, err := NewRefresher(newRedactor(t), []Lister{src}, RefresherOptions{Interval: time.Hour, RetryMin: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_ = f.Start(context.Background())
	time.Sleep(600 * time.Millisecond)
	failing := src.calls.Load()
	// Exponential backoff from 10 ms: about 6-9 attempts in 600 ms; a
	// constant 10 ms retry would make 60, waiting for the interval 1.
	if failing < 3 || failing > 25 {
		t.Errorf("%d listings in 600 ms of failures; want backoff between retries", failing)
	}
	if isReady(f) {
		t.Error("ready without a successful listing")
	}
	src.fail(nil)
	waitFor(t, func() bool { return isReady(f) })
	_ = f.Close()
}

// watched is a Lister that is also a Watcher.
type watched struct {
	*source
	changed chan func()
}

func (w *watched) Watch(ctx context.Context, changed func()) error {
	w.changed <- changed
	<-ctx.Done()
	return nil
}

func TestRefresherWatcher(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	w := &watched{source: newSource("dir", "a", valA), changed: make(chan func(), 1)}
	r := newRedactor(t)
	f, err := NewRefresher(r, []Lister{w}, RefresherOptions{Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	_ = f.Start(context.Background())
	defer f.Close()
	changed := <-w.changed
	<-f.Ready()
	w.set("a", valA2)
	changed()
	changed()
	waitFor(t, func() bool { return protected(r, valA2) })
}

type recordingObserver struct {
	mu     sync.Mutex
	listed map[string]int // lister/kind -> count; kind "ok" for success
	failed map[ErrorKind]int
}

func (o *recordingObserver) Listed(_ context.Context, lister string, _ time.Duration, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err == nil {
		o.listed[lister+"/ok"]++
		return
	}
	for _, e := range Failures(err) {
		o.listed[lister+"/"+Kind(e).String()]++
	}
}

func (o *recordingObserver) FetchFailed(_ context.Context, kind ErrorKind) {
	o.mu.Lock()
	o.failed[kind]++
	o.mu.Unlock()
}

func TestRefresherObserverAndStatus(t *testing.T) {
	obs := &recordingObserver{listed: map[string]int{}, failed: map[ErrorKind]int{}}
	good := newSource("good", "a", valA, "b", valB)
	bad := newSource("bad", "c", valC)
	f, _, clock := newTestRefresher(t, RefresherOptions{Observer: obs}, good, bad)
	started := f.Status().Started
	ctx := context.Background()
	_ = f.Refresh(ctx)
	first := f.Status().ListedAt
	clock.Advance(time.Minute)
	bad.failOn("c", NewError("bad", "c", AccessDenied, errors.New("denied")))
	_ = f.Refresh(ctx)
	clock.Advance(time.Minute)
	bad.fail(NewError("bad", "", Transient, errors.New("throttled")))
	_ = f.Refresh(ctx)

	want := map[string]int{"good/ok": 3, "bad/ok": 1, "bad/access_denied": 1, "bad/transient": 1}
	if fmt.Sprint(obs.listed) != fmt.Sprint(want) {
		t.Errorf("listings observed = %v, want %v", obs.listed, want)
	}
	st := f.Status()
	if st.Started != started || started.IsZero() {
		t.Errorf("Started = %v, first %v", st.Started, started)
	}
	if st.ByLister["good"] != 2 || st.ByLister["bad"] != 1 {
		t.Errorf("ByLister = %v", st.ByLister)
	}
	// A partial listing is a success for ListedAt; a failed one is not.
	if !st.ListedAt["good"].Equal(first["good"].Add(2*time.Minute)) || !st.ListedAt["bad"].Equal(first["bad"].Add(time.Minute)) {
		t.Errorf("ListedAt = %v, first %v", st.ListedAt, first)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// listerFunc is a Lister whose listing a test scripts call by call.
type listerFunc struct {
	name string
	list func() ([]redact.Secret, error)
}

func (l *listerFunc) Name() string                                  { return l.name }
func (l *listerFunc) List(context.Context) ([]redact.Secret, error) { return l.list() }

// A listing that fails without naming a secret but returns some (a page of
// a paginated listing, then an error) has unknown extent: what it returned
// is added, and nothing it did not return is marked gone, however long it
// goes on.
func TestRefresherPartialListingOfUnknownExtent(t *testing.T) {
	listing := []redact.Secret{{Name: "a", Value: valA}, {Name: "b", Value: valB}}
	var listErr error
	src := &listerFunc{name: "src", list: func() ([]redact.Secret, error) { return listing, listErr }}
	f, r, clock := newTestRefresher(t, RefresherOptions{GracePeriod: time.Hour}, src)
	ctx := context.Background()
	require.NoError(t, f.Refresh(ctx))

	// Page one comes back, page two fails: b is not in what came back.
	listing = []redact.Secret{{Name: "a", Value: valA}, {Name: "c", Value: valC}}
	for _, e := range []error{
		NewError("src", "", Transient, errors.New("page 2: throttled")),
		errors.New("connection reset"),
	} {
		listErr = e
		for range 3 {
			clock.Advance(time.Hour)
			require.Error(t, f.Refresh(ctx))
		}
		assert.True(t, protected(r, valB), "a secret missing from a listing of unknown extent (%v) was dropped", e)
		assert.True(t, protected(r, valC), "the secrets a listing of unknown extent returned were not added (%v)", e)
		st := f.Status()
		assert.Equal(t, 3, st.Secrets, "secrets held")
		assert.Zero(t, st.InGrace, "secrets in their grace period")
	}

	// The same listing complete: b enters its grace period and leaves.
	listErr = nil
	require.NoError(t, f.Refresh(ctx))
	assert.Equal(t, 1, f.Status().InGrace, "secrets in their grace period")
	clock.Advance(time.Hour + time.Second)
	require.NoError(t, f.Refresh(ctx))
	assert.False(t, protected(r, valB), "a secret gone from a complete listing outlived its grace period")
}

// A per-secret failure covers every secret under the name that failed: a
// directory of a file.Dir that cannot be read fails as "db" and keeps
// "db/password"; a secret that cannot be read keeps its JSON fields. The
// boundary is a '/' or '#': "dbx/key" is not under "db".
func TestRefresherFailureCoversNamesUnder(t *testing.T) {
	src := newSource("src", "db/password", valA, "db/nested/user", valB, "db#token", valC, "dbx/key", valA2)
	f, r, clock := newTestRefresher(t, RefresherOptions{GracePeriod: time.Hour}, src)
	ctx := context.Background()
	require.NoError(t, f.Refresh(ctx))

	// The directory db cannot be read any more (and dbx/key is gone).
	src.del("db/password")
	src.del("db/nested/user")
	src.del("db#token")
	src.del("dbx/key")
	src.set("other", valD)
	src.failOn("db", NewError("src", "db", AccessDenied, errors.New("permission denied")))
	src.set("db", "x") // listed only to fail
	for range 3 {
		clock.Advance(time.Hour)
		err := f.Refresh(ctx)
		names, per := FailedSecrets(err)
		require.True(t, per, "the failure is per-secret")
		require.Equal(t, []string{"db"}, names)
	}
	assert.True(t, protected(r, valA), "db/password dropped while db could not be read")
	assert.True(t, protected(r, valB), "db/nested/user dropped while db could not be read")
	assert.True(t, protected(r, valC), "db#token dropped while db could not be read")
	assert.False(t, protected(r, valA2), "dbx/key, not under db, kept past its grace period")
	assert.True(t, protected(r, valD), "the readable secret of a partial listing was not added")
}
