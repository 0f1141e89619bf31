package provider

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hushlog/hush/redact"
)

func newTestCache(t *testing.T, src *source, opts CacheOptions) (*Cache, *redact.Redactor, *fakeClock) {
	t.Helper()
	clock := newClock()
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	r := newRedactor(t)
	c, err := NewCache(src, r, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c, r, clock
}

func TestCacheHitAndTTL(t *testing.T) {
	src := newSource("src", "a", valA)
	c, r, clock := newTestCache(t, src, CacheOptions{TTL: time.Minute, TTLJitter: -1})
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		s, err := c.Get(ctx, "a")
		if err != nil || s.Value != valA {
			t.Fatalf("Get: %v, value ok=%v", err, s.Value == valA)
		}
	}
	if n := src.calls.Load(); n != 1 {
		t.Errorf("5 Gets within the TTL fetched %d times, want 1", n)
	}
	if !protected(r, valA) {
		t.Error("a value read through the cache is not protected")
	}
	src.set("a", valA2)
	clock.Advance(59 * time.Second)
	if s, _ := c.Get(ctx, "a"); s.Value != valA {
		t.Error("value refetched before the TTL ran out")
	}
	clock.Advance(2 * time.Second)
	if s, _ := c.Get(ctx, "a"); s.Value != valA2 {
		t.Error("value not refetched after the TTL")
	}
	if !protected(r, valA2) || !protected(r, valA) {
		t.Error("both the old and the new value must stay protected")
	}
	if st := c.Stats(); st.Fetches != 2 {
		t.Errorf("Stats = %+v, want 2 fetches", st)
	}
}

func TestCacheTTLJitter(t *testing.T) {
	src := newSource("src")
	for i := 0; i < 50; i++ {
		src.set(string(rune('a'+i%26))+string(rune('a'+i/26)), valA)
	}
	c, _, clock := newTestCache(t, src, CacheOptions{TTL: 100 * time.Second, TTLJitter: 0.2})
	ctx := context.Background()
	for k := range src.vals {
		_, _ = c.Get(ctx, k)
	}
	// At 100 s some values (TTL drawn from 80..120 s) have expired, not
	// all: each has even odds, so all or none is a 2^-49 chance (at 85 s,
	// none expiring was one run in 750).
	clock.Advance(100 * time.Second)
	before := src.calls.Load()
	for k := range src.vals {
		_, _ = c.Get(ctx, k)
	}
	refetched := src.calls.Load() - before
	if refetched == 0 || refetched == 50 {
		t.Errorf("%d of 50 values expired at the TTL; jitter should spread expiries", refetched)
	}
}

func TestCacheStaleOnFailureAndBackoff(t *testing.T) {
	src := newSource("src", "a", valA)
	c, _, clock := newTestCache(t, src, CacheOptions{TTL: time.Minute, BackoffBase: time.Second, BackoffMax: time.Minute})
	ctx := context.Background()
	if _, err := c.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute)
	src.fail(NewError("src", "", Transient, errors.New("throttled")))
	calls := src.calls.Load()
	s, err := c.Get(ctx, "a")
	if err != nil || s.Value != valA {
		t.Fatalf("failed refresh: want the stale value and no error, got err=%v", err)
	}
	if src.calls.Load() != calls+1 {
		t.Fatal("expired value not refetched")
	}
	// Backing off: further Gets don't reach the source for a while.
	for i := 0; i < 20; i++ {
		if s, err := c.Get(ctx, "a"); err != nil || s.Value != valA {
			t.Fatalf("during backoff: err=%v", err)
		}
	}
	if got := src.calls.Load() - calls; got != 1 {
		t.Errorf("during backoff the source was called %d times, want 1", got)
	}
	// Repeated failures back off further: count attempts over 10 minutes of
	// Gets every second; without backoff there would be 600.
	for i := 0; i < 600; i++ {
		clock.Advance(time.Second)
		_, _ = c.Get(ctx, "a")
	}
	if got := src.calls.Load() - calls; got < 3 || got > 200 {
		t.Errorf("%d fetches in 10 minutes of failures; backoff should keep it well under 600", got)
	}
	if st := c.Stats(); st.Stale == 0 {
		t.Error("stale answers not counted")
	}
	// Recovery.
	src.fail(nil)
	src.set("a", valA2)
	clock.Advance(2 * time.Minute)
	if s, err := c.Get(ctx, "a"); err != nil || s.Value != valA2 {
		t.Fatalf("after recovery: err=%v, new value=%v", err, s.Value == valA2)
	}
}

func TestCacheDisableStale(t *testing.T) {
	src := newSource("src", "a", valA)
	c, _, clock := newTestCache(t, src, CacheOptions{TTL: time.Minute, DisableStale: true})
	ctx := context.Background()
	_, _ = c.Get(ctx, "a")
	clock.Advance(2 * time.Minute)
	src.fail(NewError("src", "a", AccessDenied, errors.New("denied")))
	_, err := c.Get(ctx, "a")
	if Kind(err) != AccessDenied {
		t.Fatalf("DisableStale: Get = %v, want an access denied error", err)
	}
	noValues(t, err, valA)
}

func TestCacheNegative(t *testing.T) {
	src := newSource("src")
	c, _, clock := newTestCache(t, src, CacheOptions{NegativeTTL: 30 * time.Second})
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if _, err := c.Get(ctx, "missing"); Kind(err) != NotFound {
			t.Fatalf("Get(missing) = %v, want NotFound", err)
		}
	}
	if n := src.calls.Load(); n != 1 {
		t.Errorf("not-found fetched %d times within the negative TTL, want 1", n)
	}
	src.set("missing", valB)
	clock.Advance(31 * time.Second)
	if s, err := c.Get(ctx, "missing"); err != nil || s.Value != valB {
		t.Errorf("after the negative TTL: %v", err)
	}
	// A secret deleted after being read: NotFound is reported, not the stale value.
	src.del("missing")
	c.Invalidate("missing")
	if _, err := c.Get(ctx, "missing"); Kind(err) != NotFound {
		t.Errorf("deleted secret: Get = %v, want NotFound", err)
	}
}

func TestCacheInvalidate(t *testing.T) {
	src := newSource("src", "a", valA, "b", valB)
	c, _, _ := newTestCache(t, src, CacheOptions{})
	ctx := context.Background()
	_, _ = c.Get(ctx, "a")
	_, _ = c.Get(ctx, "b")
	src.set("a", valA2)
	c.Invalidate("a")
	c.Invalidate("never-read")
	if s, _ := c.Get(ctx, "a"); s.Value != valA2 {
		t.Error("Invalidate did not force a fetch")
	}
	calls := src.calls.Load()
	c.InvalidateAll()
	_, _ = c.Get(ctx, "a")
	_, _ = c.Get(ctx, "b")
	if src.calls.Load() != calls+2 {
		t.Error("InvalidateAll did not force fetches")
	}
}

func TestCacheSingleflight(t *testing.T) {
	src := newSource("src", "a", valA)
	src.delay.Store(int64(50 * time.Millisecond))
	c, _, _ := newTestCache(t, src, CacheOptions{Now: time.Now})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := c.Get(context.Background(), "a")
			if err == nil && s.Value != valA {
				err = errors.New("wrong value")
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := src.calls.Load(); n != 1 {
		t.Errorf("100 concurrent Gets fetched %d times, want 1", n)
	}
}

func TestCacheLeaderCancelled(t *testing.T) {
	src := newSource("src", "a", valA)
	// The fetch holds until the gate opens: the leader's ends only by its
	// cancellation, however slow the machine.
	src.gate = make(chan struct{})
	c, _, _ := newTestCache(t, src, CacheOptions{Now: time.Now})
	leaderCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Get(leaderCtx, "a")
		done <- err
	}()
	for src.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	follower := make(chan error, 1)
	go func() {
		s, err := c.Get(context.Background(), "a")
		if err == nil && s.Value != valA {
			err = errors.New("wrong value")
		}
		follower <- err
	}()
	time.Sleep(20 * time.Millisecond) // the follower joins the leader's fetch
	cancel()
	if err := <-done; Kind(err) != Transient {
		t.Errorf("cancelled leader: %v", err)
	}
	close(src.gate)
	if err := <-follower; err != nil {
		t.Errorf("a follower whose context is alive must not inherit the leader's cancellation: %v", err)
	}
}

func BenchmarkCacheGetHit(b *testing.B) {
	src := newSource("src", "prod/db/password", valA)
	r := newRedactor(b)
	c, err := NewCache(src, r, CacheOptions{TTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Get(ctx, "prod/db/password"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Get(ctx, "prod/db/password"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCacheGetHitParallel(b *testing.B) {
	src := newSource("src", "prod/db/password", valA)
	c, err := NewCache(src, newRedactor(b), CacheOptions{TTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	_, _ = c.Get(ctx, "prod/db/password")
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, _ = c.Get(ctx, "prod/db/password")
		}
	})
}

// TestCacheRealClockTimers covers the timer-driven freshness used with the
// real clock.
func TestCacheRealClockTimers(t *testing.T) {
	src := newSource("src", "a", valA)
	c, err := NewCache(src, newRedactor(t), CacheOptions{TTL: 50 * time.Millisecond, TTLJitter: -1, NegativeTTL: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	_, _ = c.Get(ctx, "a")
	_, _ = c.Get(ctx, "a")
	_, _ = c.Get(ctx, "gone")
	_, _ = c.Get(ctx, "gone")
	if n := src.calls.Load(); n != 2 {
		t.Fatalf("fetches within the TTL: %d, want 2", n)
	}
	src.set("a", valA2)
	src.set("gone", valB)
	deadline := time.Now().Add(5 * time.Second)
	for {
		a, _ := c.Get(ctx, "a")
		g, _ := c.Get(ctx, "gone")
		if a.Value == valA2 && g.Value == valB {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("values never refetched after their TTL")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
