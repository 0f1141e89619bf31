package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/hushlog/hush/redact"
)

// TestRefresherReadinessFailsClosed covers the rule of Refresher.Ready: a
// secret that a listing named but whose value was never read keeps the
// lister from being ready, unless it does not exist.
func TestRefresherReadinessFailsClosed(t *testing.T) {
	denied := func(n string) error { return NewError("src", n, AccessDenied, errors.New("denied")) }
	for _, tc := range []struct {
		name      string
		setup     func(*source)
		wantReady bool
		pending   []string
	}{
		{"complete listing", func(*source) {}, true, nil},
		{"every secret fails on its own", func(s *source) {
			s.failOn("a", denied("a"))
			s.failOn("b", NewError("src", "b", Decryption, errors.New("kms key disabled")))
		}, false, []string{"a", "b"}},
		{"one secret fails on its own", func(s *source) { s.failOn("b", denied("b")) }, false, []string{"b"}},
		{"a named secret does not exist", func(s *source) {
			s.failOn("b", NewError("src", "b", NotFound, errors.New("deleted")))
		}, true, nil},
		{"a transient per-secret failure", func(s *source) {
			s.failOn("a", NewError("src", "a", Transient, errors.New("throttled")))
		}, false, []string{"a"}},
		{"the whole listing fails", func(s *source) { s.fail(NewError("src", "", Transient, errors.New("unreachable"))) }, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := newSource("src", "a", valA, "b", valB)
			tc.setup(src)
			f, _, _ := newTestRefresher(t, RefresherOptions{}, src)
			_ = f.Refresh(context.Background())
			st := f.Status()
			assert.Equal(t, tc.wantReady, isReady(f), "ready")
			assert.Equal(t, tc.wantReady, st.Ready, "Status.Ready")
			assert.Equal(t, tc.pending, st.Pending["src"], "Status.Pending")
			if tc.wantReady {
				assert.Empty(t, st.NotListed)
			} else {
				assert.Equal(t, []string{"src"}, st.NotListed)
			}
		})
	}
}

// Once a value is held, a later failure to read it again does not matter
// for readiness; a secret that failed at first and is read later makes the
// lister ready then.
func TestRefresherReadinessLater(t *testing.T) {
	src := newSource("src", "a", valA, "b", valB)
	src.failOn("b", NewError("src", "b", AccessDenied, errors.New("denied")))
	f, r, _ := newTestRefresher(t, RefresherOptions{}, src)
	ctx := context.Background()
	require.Error(t, f.Refresh(ctx))
	require.False(t, isReady(f))
	assert.True(t, protected(r, valA), "the readable secret is protected even before readiness")

	src.failOn("b", nil)
	require.NoError(t, f.Refresh(ctx))
	require.True(t, isReady(f))
	assert.Empty(t, f.Status().Pending)

	// b fails again: its held value keeps it protected and ready stays.
	src.failOn("b", NewError("src", "b", AccessDenied, errors.New("denied")))
	require.Error(t, f.Refresh(ctx))
	assert.True(t, isReady(f))
	assert.Empty(t, f.Status().Pending)
	assert.True(t, protected(r, valB), "b's held value was dropped")

	// A new secret that cannot be read is reported, though ready stays.
	src.set("c", valC)
	src.failOn("c", NewError("src", "c", AccessDenied, errors.New("denied")))
	require.Error(t, f.Refresh(ctx))
	assert.Equal(t, map[string][]string{"src": {"c"}}, f.Status().Pending)
}

// A lister that blocks readiness is logged at error level with advice; one
// whose failures are covered by held values at warning level.
func TestRefresherFailureLogs(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	src := newSource("src", "a", valA, "b", valB)
	src.failOn("b", NewError("src", "b", AccessDenied, errors.New("denied")))
	f, _, _ := newTestRefresher(t, RefresherOptions{Logger: zap.New(core)}, src)
	ctx := context.Background()
	_ = f.Refresh(ctx)
	errs := logs.FilterLevelExact(zapcore.ErrorLevel).All()
	require.Len(t, errs, 1)
	fields := errs[0].ContextMap()
	assert.Equal(t, "src", fields["lister"])
	assert.Equal(t, "access_denied", fields["kind"])
	assert.Equal(t, Advice(AccessDenied), fields["advice"])
	assert.Equal(t, []any{"b"}, fields["unprotected_secrets"])

	src.failOn("b", nil)
	require.NoError(t, f.Refresh(ctx))
	src.fail(NewError("src", "", Transient, errors.New("unreachable")))
	logs.TakeAll()
	_ = f.Refresh(ctx)
	assert.Empty(t, logs.FilterLevelExact(zapcore.ErrorLevel).All(), "a failure covered by held values logged as an error")
	assert.Len(t, logs.FilterLevelExact(zapcore.WarnLevel).All(), 1)
	for _, e := range logs.All() {
		line := e.Message
		for k, v := range e.ContextMap() {
			line += " " + k + "=" + fmt.Sprint(v)
		}
		for _, v := range []string{valA, valB} {
			if strings.Contains(line, v) {
				t.Error("a log entry holds a secret value") // never print it
			}
		}
	}
}

// TestRefresherRetrySchedule checks the waits the background loop asks for,
// through an injected timer and random source: no clock is read.
func TestRefresherRetrySchedule(t *testing.T) {
	src := newSource("src", "a", valA)
	src.fail(NewError("src", "", AccessDenied, errors.New("denied")))
	f, err := NewRefresher(newRedactor(t), []Lister{src}, RefresherOptions{
		Interval: time.Hour, Jitter: 0.1, RetryMin: time.Second, RetryMax: time.Minute,
	})
	require.NoError(t, err)
	// The loop asks for each wait through after; the test reads it and
	// releases the loop when it has set the source up for the next round.
	type timer struct {
		d    time.Duration
		fire chan time.Time
	}
	timers, stop := make(chan timer), make(chan struct{})
	f.after = func(d time.Duration) <-chan time.Time {
		fire := make(chan time.Time, 1)
		select {
		case timers <- timer{d, fire}:
		case <-stop:
		}
		return fire
	}
	next := func() time.Duration {
		tm := <-timers
		tm.fire <- time.Time{}
		return tm.d
	}
	draws := []float64{0.999999, 0}
	var drawn int
	f.random = func() float64 { drawn++; return draws[drawn%2] } // alternately the bottom and the top of the range
	require.NoError(t, f.Start(context.Background()))
	defer func() { close(stop); _ = f.Close() }()

	require.Equal(t, time.Duration(0), next(), "the first listing is immediate")
	// Each wait after the n-th failure in a row lies in [d/2, d],
	// d = min(1m, 1s·2^(n-1)); the draws alternate between both ends.
	var got []time.Duration
	for i := range 8 {
		if i < 7 {
			got = append(got, next())
			continue
		}
		// Read the count while the loop waits for the 8th timer: once it
		// fires, the 9th round runs (and fails) concurrently.
		tm := <-timers
		got = append(got, tm.d)
		assert.Equal(t, 8, f.Status().Failures["src"])
		tm.fire <- time.Time{}
	}
	want := []time.Duration{
		500 * time.Millisecond, 2 * time.Second, 2 * time.Second, 8 * time.Second, 8 * time.Second,
		32 * time.Second, 30 * time.Second, time.Minute,
	}
	for i := range got {
		assert.InDelta(t, want[i], got[i], float64(time.Millisecond), "wait after failure %d", i+1)
	}

	// Healed before the 9th round: the wait is the jittered interval, and
	// the failure count starts again.
	tm := <-timers
	assert.InDelta(t, 30*time.Second, tm.d, float64(time.Millisecond), "wait after failure 9")
	src.fail(nil)
	tm.fire <- time.Time{}
	tm = <-timers
	assert.InDelta(t, 66*time.Minute, tm.d, float64(time.Millisecond), "wait after a success: the interval plus 10%")
	assert.Equal(t, 0, f.Status().Failures["src"])
	src.fail(NewError("src", "", Transient, errors.New("throttled")))
	tm.fire <- time.Time{}
	tm = <-timers
	assert.InDelta(t, 500*time.Millisecond, tm.d, float64(time.Millisecond), "wait after the first failure of a new series")
	assert.Equal(t, 1, f.Status().Failures["src"])
}

func TestRetryDelayBounds(t *testing.T) {
	f, err := NewRefresher(newRedactor(t), nil, RefresherOptions{Interval: 10 * time.Minute})
	require.NoError(t, err)
	for _, r := range []float64{0, 0.5, 0.999999} {
		f.random = func() float64 { return r }
		for n := 1; n <= 40; n++ {
			d := min(time.Second<<min(n-1, 30), 10*time.Minute) // RetryMax defaults to the interval
			got := f.retryDelay(n)
			assert.GreaterOrEqual(t, got, d/2, "n=%d r=%v", n, r)
			assert.LessOrEqual(t, got, d, "n=%d r=%v", n, r)
		}
	}
}

// A Cache never hands out a value it could not protect.
func TestCacheRefusesUnprotectedValue(t *testing.T) {
	src := newSource("src", "a", valA)
	c, r, clock := newTestCache(t, src, CacheOptions{TTL: time.Minute, TTLJitter: -1, BackoffBase: time.Second})
	ctx := context.Background()
	broken := errors.New("index build failed")
	c.protect = func(...redact.Secret) error { return broken }

	s, err := c.Get(ctx, "a")
	require.Error(t, err)
	assert.ErrorIs(t, err, broken)
	assert.Equal(t, Permanent, Kind(err))
	if s.Value != "" || protected(r, valA) {
		t.Fatal("the unprotected value was returned") // never print it
	}
	noValues(t, err, valA)

	// Protection works again: the value is protected, then returned.
	c.protect = r.Add
	clock.Advance(time.Hour)
	s, err = c.Get(ctx, "a")
	require.NoError(t, err)
	if s.Value != valA || !protected(r, valA) {
		t.Fatal("value not returned, or not protected, once protection works")
	}

	// A rotated value that cannot be protected is not returned; the last
	// protected one is served instead (stale-on-failure).
	src.set("a", valA2)
	c.protect = func(...redact.Secret) error { return broken }
	clock.Advance(time.Hour)
	s, err = c.Get(ctx, "a")
	require.NoError(t, err)
	if s.Value != valA {
		t.Fatal("the unprotected rotated value was returned instead of the protected one")
	}
}
