package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/hushlog/hush/redact"
)

// Cache defaults, applied to zero fields of CacheOptions.
const (
	DefaultTTL         = 5 * time.Minute
	DefaultTTLJitter   = 0.1
	DefaultNegativeTTL = 30 * time.Second
	DefaultBackoffBase = time.Second
	DefaultBackoffMax  = 5 * time.Minute
)

// CacheOptions configures a Cache. Zero fields take the defaults.
type CacheOptions struct {
	// TTL is how long a value is served before it is fetched again.
	// Default 5 minutes.
	TTL time.Duration
	// TTLJitter spreads expiries: each value's TTL is drawn uniformly from
	// TTL·[1-TTLJitter, 1+TTLJitter], so that values read together do not
	// expire together. Default 0.1; negative disables jitter.
	TTLJitter float64
	// NegativeTTL is how long a NotFound answer is remembered. Default 30
	// seconds.
	NegativeTTL time.Duration
	// BackoffBase and BackoffMax bound the exponential backoff with full
	// jitter between failed fetches of one name: after the n-th failure in
	// a row, no fetch is tried for a random duration in
	// [0, min(BackoffMax, BackoffBase·2^(n-1))]. Defaults 1 second and 5
	// minutes.
	BackoffBase, BackoffMax time.Duration
	// DisableStale makes Get return the error of a failed refresh instead
	// of the last good value. By default the last good value is served
	// (stale-on-failure) for every failure except NotFound.
	DisableStale bool
	// Now is the clock; default time.Now. With the default, a fresh
	// value's TTL is ended by a timer, so that a hit reads no clock.
	Now func() time.Time
	// Observer is told of each failed fetch, for metrics; default none.
	Observer Observer
	// Logger receives one line per failed fetch (name and error, never a
	// value); default none.
	Logger *zap.Logger
}

// Cache is a Getter in front of another Getter. It serves fresh values from
// memory, shares one fetch among concurrent Gets of a name, serves the last
// good value when a refresh fails, backs off with full jitter after
// failures, remembers NotFound briefly, and adds every value it returns to
// its Redactor before returning it.
//
// A Cache is safe for concurrent use. It starts no goroutine.
type Cache struct {
	getter   Getter
	opts     CacheOptions
	now      func() time.Time
	timers   bool     // real clock: freshness ends by timer, Get reads no clock
	entries  sync.Map // string -> *cacheEntry
	counters cacheCounters
	// protect adds a value to the Redactor (Redactor.Add); the tests replace
	// it to make it fail.
	protect func(...redact.Secret) error
	red     *redact.Redactor // scrubs the errors logged and returned; nil: none
}

var _ Getter = (*Cache)(nil)

type cacheEntry struct {
	state atomic.Pointer[cacheState]
	mu    sync.Mutex
	call  *fetchCall  // in flight, guarded by mu
	timer *time.Timer // ends the current state's freshness, guarded by mu
}

// cacheState is immutable once published.
type cacheState struct {
	secret   redact.Secret
	has      bool  // secret holds a value read successfully
	err      error // last failure, nil after a success
	live     bool  // fresh until a timer replaces this state (real clock only)
	fresh    int64 // unix nanos: served without fetching until then
	retryAt  int64 // unix nanos: after a failure, no fetch before then
	failures int   // failures in a row
}

type fetchCall struct {
	done   chan struct{}
	secret redact.Secret
	err    error
}

// NewCache returns a Cache reading through g and adding every value it
// returns to r. r may be nil when nothing is to be protected (tests).
func NewCache(g Getter, r *redact.Redactor, opts CacheOptions) (*Cache, error) {
	if g == nil {
		return nil, errors.New("provider: NewCache: nil Getter")
	}
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	if opts.TTLJitter == 0 {
		opts.TTLJitter = DefaultTTLJitter
	}
	if opts.TTLJitter > 1 {
		opts.TTLJitter = 1
	}
	if opts.NegativeTTL <= 0 {
		opts.NegativeTTL = DefaultNegativeTTL
	}
	if opts.BackoffBase <= 0 {
		opts.BackoffBase = DefaultBackoffBase
	}
	if opts.BackoffMax <= 0 {
		opts.BackoffMax = DefaultBackoffMax
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	c := &Cache{getter: g, opts: opts, now: opts.Now}
	if r != nil {
		c.protect, c.red = r.Add, r
	}
	if c.now == nil {
		// Reading the clock costs more than the rest of a hit on some
		// virtual machines; with the real clock, timers end freshness.
		c.now, c.timers = time.Now, true
	}
	if c.opts.Observer == nil {
		c.opts.Observer = nopObserver{}
	}
	return c, nil
}

// Get returns the value of name: from memory while it is fresh, otherwise
// fetched (once for all concurrent callers). When the fetch fails and a
// value was read before, that stale value is returned with a nil error
// unless DisableStale is set or the failure is NotFound. During the backoff
// that follows a failure, Get answers from the last state without fetching.
//
// A name "SECRET#FIELD" is the field FIELD of the JSON object secret
// SECRET ("prod/rds/app#password"): SECRET is read (through the Cache) and
// the field's value returned, under the name given. When SECRET does not
// exist, the name is asked for as it is (a secret whose own name holds a
// "#").
//
// The returned value has been added to the Cache's Redactor. A value that
// could not be added is never returned: Get returns a Permanent error
// instead (or, like any failed fetch, the last value read, which was
// protected).
//
// Use s.Value, or Cache.Value: a Secret formats as "name@version".
func (c *Cache) Get(ctx context.Context, name string) (redact.Secret, error) {
	if v, ok := c.entries.Load(name); ok {
		if st := v.(*cacheEntry).state.Load(); st != nil {
			if st.live {
				if st.err != nil {
					return redact.Secret{}, st.err
				}
				return st.secret, nil
			}
			now := c.now().UnixNano()
			if now < st.fresh {
				if st.err != nil {
					return redact.Secret{}, st.err
				}
				return st.secret, nil
			}
			if now < st.retryAt {
				c.counters.backedOff.Add(1)
				return c.answer(st)
			}
		}
	}
	return c.fetch(ctx, name)
}

// Value returns the value of name, as Get does. It is the way to use a
// secret as a string: a Secret formats as "name@version" with %s and %v
// (so that a Secret printed by mistake does not leak), which in a DSN or a
// header built with fmt.Sprintf silently gives a wrong credential.
//
// A name "SECRET#FIELD" is the field FIELD of the JSON object secret
// SECRET (how AWS stores RDS credentials: "prod/rds/app#password").
func (c *Cache) Value(ctx context.Context, name string) (string, error) {
	s, err := c.Get(ctx, name)
	if err != nil {
		return "", err
	}
	return s.Value, nil
}

// answer is what a failed state yields: the stale value or the error.
func (c *Cache) answer(st *cacheState) (redact.Secret, error) {
	if st.err == nil || (st.has && !c.opts.DisableStale && Kind(st.err) != NotFound) {
		if st.err != nil {
			c.counters.stale.Add(1)
		}
		return st.secret, nil
	}
	return redact.Secret{}, st.err
}

func (c *Cache) entry(name string) *cacheEntry {
	if v, ok := c.entries.Load(name); ok {
		return v.(*cacheEntry)
	}
	v, _ := c.entries.LoadOrStore(name, &cacheEntry{})
	return v.(*cacheEntry)
}

func (c *Cache) fetch(ctx context.Context, name string) (redact.Secret, error) {
	e := c.entry(name)
	for {
		e.mu.Lock()
		if call := e.call; call != nil {
			e.mu.Unlock()
			select {
			case <-call.done:
			case <-ctx.Done():
				return redact.Secret{}, NewError("cache", name, Transient, ctx.Err())
			}
			// The leader's context may have ended its fetch; ours has not.
			if ctx.Err() == nil && (errors.Is(call.err, context.Canceled) || errors.Is(call.err, context.DeadlineExceeded)) {
				continue
			}
			return call.secret, call.err
		}
		// A fetch may have completed between the caller's look and the lock.
		if st := e.state.Load(); st != nil {
			now := c.now().UnixNano()
			fresh := st.live || now < st.fresh
			if fresh || now < st.retryAt {
				e.mu.Unlock()
				if fresh && st.err == nil {
					return st.secret, nil
				}
				return c.answer(st)
			}
		}
		call := &fetchCall{done: make(chan struct{})}
		e.call = call
		e.mu.Unlock()

		func() {
			defer func() {
				e.mu.Lock()
				e.call = nil
				e.mu.Unlock()
				close(call.done)
			}()
			call.secret, call.err = c.load(ctx, e, name)
		}()
		return call.secret, call.err
	}
}

// load fetches name and publishes the new state.
func (c *Cache) load(ctx context.Context, e *cacheEntry, name string) (redact.Secret, error) {
	c.counters.fetches.Add(1)
	prev := e.state.Load()
	if prev == nil {
		prev = &cacheState{}
	}
	s, err := c.get(ctx, name)
	now := c.now()
	if err == nil {
		if s.Name == "" {
			s.Name = name
		}
		// Protect before anyone can see the value; a value that could
		// not be protected is not handed out (fail closed).
		if c.protect != nil && (!prev.has || prev.secret.Value != s.Value) {
			if aerr := c.protect(s); aerr != nil {
				err = NewError("cache", name, Permanent, fmt.Errorf("the value could not be added to the redactor, so it is not returned: %w", aerr))
			}
		}
	}
	if err == nil {
		ttl := jittered(c.opts.TTL, c.opts.TTLJitter)
		c.publish(e, &cacheState{secret: s, has: true, fresh: now.Add(ttl).UnixNano()}, ttl)
		return s, nil
	}
	kind := Kind(err)
	var pe *Error
	if !errors.As(err, &pe) {
		err = NewError("cache", name, kind, err)
	}
	// The Getter's error may quote text from outside holding a value the
	// Redactor protects: what is logged and returned is scrubbed.
	if c.red != nil {
		err = scrubError(c.red, err)
	}
	c.opts.Observer.FetchFailed(context.WithoutCancel(ctx), kind)
	c.opts.Logger.Warn("cache: fetching secret failed", zap.String("secret", name), zap.Stringer("kind", kind), zap.Error(err))
	if kind == NotFound {
		c.publish(e, &cacheState{err: err, fresh: now.Add(c.opts.NegativeTTL).UnixNano()}, c.opts.NegativeTTL)
		return redact.Secret{}, err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// The caller gave up; that says nothing about the source.
		return c.answer(&cacheState{secret: prev.secret, has: prev.has, err: err})
	}
	n := prev.failures + 1
	st := &cacheState{
		secret:   prev.secret,
		has:      prev.has,
		err:      err,
		retryAt:  now.Add(fullJitter(c.opts.BackoffBase, c.opts.BackoffMax, n)).UnixNano(),
		failures: n,
	}
	c.publish(e, st, 0)
	return c.answer(st)
}

// get asks the Getter for name, or for the JSON secret a "SECRET#FIELD"
// name is a field of.
func (c *Cache) get(ctx context.Context, name string) (redact.Secret, error) {
	i := strings.LastIndexByte(name, '#')
	if i <= 0 || i == len(name)-1 {
		return c.getter.Get(ctx, name)
	}
	base, field := name[:i], name[i+1:]
	s, err := c.Get(ctx, base)
	if Kind(err) == NotFound {
		return c.getter.Get(ctx, name)
	}
	if err != nil {
		return redact.Secret{}, err
	}
	v, ok := jsonField(s.Value, field)
	if !ok {
		return redact.Secret{}, NewError("cache", name, NotFound, fmt.Errorf("secret %s is not a JSON object with a field %q", base, field))
	}
	return redact.Secret{Name: name, Version: s.Version, Value: v}, nil
}

// jsonField returns the field key of the JSON object doc: a string as it
// is, any other value as its JSON text.
func jsonField(doc, key string) (string, bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		return "", false
	}
	raw, ok := m[key]
	if !ok {
		return "", false
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str, true
	}
	return string(raw), true
}

// publish makes st the entry's state. With timers, a state fresh for ttl is
// live until a timer swaps in its expired copy.
func (c *Cache) publish(e *cacheEntry, st *cacheState, ttl time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.timer != nil {
		e.timer.Stop()
		e.timer = nil
	}
	if c.timers && ttl > 0 {
		st.live = true
		e.timer = time.AfterFunc(ttl, func() { e.state.CompareAndSwap(st, st.expired()) })
	}
	e.state.Store(st)
}

// expired returns a copy of st that is no longer fresh.
func (st *cacheState) expired() *cacheState {
	cp := *st
	cp.live, cp.fresh = false, 0
	return &cp
}

// Invalidate makes the next Get of name fetch it again. The value already
// read stays available as the stale fallback and stays protected.
func (c *Cache) Invalidate(name string) {
	v, ok := c.entries.Load(name)
	if !ok {
		return
	}
	e := v.(*cacheEntry)
	if st := e.state.Load(); st != nil {
		c.publish(e, &cacheState{secret: st.secret, has: st.has, err: st.err}, 0)
	}
}

// InvalidateAll makes the next Get of every name fetch it again.
func (c *Cache) InvalidateAll() {
	c.entries.Range(func(k, _ any) bool {
		c.Invalidate(k.(string))
		return true
	})
}

type cacheCounters struct {
	fetches, stale, backedOff atomic.Uint64
}

// Stats returns the cache's counters. Hits are not counted: a hit must
// stay cheaper than a shared counter.
func (c *Cache) Stats() CacheStats {
	return CacheStats{Fetches: c.counters.fetches.Load(), Stale: c.counters.stale.Load()}
}

// CacheStats are a Cache's counters since it was made: fetches from the
// underlying Getter, and Gets answered with a stale value after a failure.
type CacheStats struct {
	Fetches, Stale uint64
}

// Close stops the timers of the cache. Get still works afterwards.
func (c *Cache) Close() error {
	c.entries.Range(func(_, v any) bool {
		e := v.(*cacheEntry)
		e.mu.Lock()
		if e.timer != nil {
			e.timer.Stop()
			e.timer = nil
		}
		e.mu.Unlock()
		return true
	})
	return nil
}
