package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cespare/xxhash/v2"
	"go.uber.org/zap"

	"github.com/hushlog/hush/redact"
)

// Refresher defaults, applied to zero fields of RefresherOptions.
const (
	DefaultRefreshInterval = 5 * time.Minute
	DefaultRefreshJitter   = 0.1
	DefaultGracePeriod     = 24 * time.Hour
	DefaultRetryMin        = time.Second
	// watchDebounce gathers the burst of events of one change (a
	// Kubernetes ..data swap is three or four) into one listing.
	watchDebounce = 100 * time.Millisecond
)

// RefresherOptions configures a Refresher. Zero fields take the defaults.
type RefresherOptions struct {
	// Interval is the time between two listings. Each wait is drawn from
	// Interval·[1-Jitter, 1+Jitter]. Default 5 minutes.
	Interval time.Duration
	// Jitter spreads listings of a fleet started together. Default 0.1;
	// negative disables jitter.
	Jitter float64
	// RetryMin and RetryMax bound the retries of a failed listing
	// (exponential backoff, capped, with "equal jitter"): after the n-th
	// failure in a row of a lister, it is listed again after a random
	// duration in [d/2, d], d = min(RetryMax, RetryMin·2^(n-1)). A failure
	// is retried soon, a lasting one ever more rarely (a permanent failure
	// does not heal by hammering the service), and a fleet that failed
	// together spreads out. Defaults 1 second and Interval; RetryMax is at
	// least RetryMin.
	RetryMin, RetryMax time.Duration
	// GracePeriod is how long a value stays protected after a complete
	// listing no longer returned it (deleted, or rotated out of the
	// selected stages), measured on Now. Default 24 hours.
	GracePeriod time.Duration
	// Timeout bounds one listing of one lister. Default: Interval.
	Timeout time.Duration
	// Now is the clock of the grace period and of the status; default
	// time.Now. Waiting between listings always uses real time.
	Now func() time.Time
	// Observer receives each listing's duration and error, for metrics;
	// default none.
	Observer Observer
	// Logger receives failures (names and kinds, never values) and set
	// changes; default none.
	Logger *zap.Logger
	// OnRound, when set, is called after each round (a listing of one
	// lister or of all), with no lock held, so that a host can report the
	// new Status (component status, health). Rounds run concurrently, so
	// calls may overlap: read Status for the latest state. It must not
	// block.
	OnRound func()
}

// Refresher keeps a Redactor's set current from one or more Listers.
//
// Each listing of a lister replaces that lister's part of the set, except
// that:
//   - a value that a complete listing no longer returns stays protected for
//     GracePeriod, then is dropped;
//   - a listing that failed leaves the lister's part untouched, and a partial
//     one (per-secret errors) keeps every value of the failed secrets and of
//     the secrets under them ("db" keeps "db/password" and "db#password");
//     a listing that fails without naming a secret but returns some adds
//     them and marks nothing gone: a failed or partial listing never shrinks
//     the set;
//   - the Redactor is rebuilt (Set) only when the union of the parts changed.
//
// Refresh runs one synchronous round; Start runs rounds in the background
// until Close. A Refresher is safe for concurrent use.
type Refresher struct {
	red     *redact.Redactor
	opts    RefresherOptions
	now     func() time.Time
	listers []*listerState

	mu      sync.Mutex // serializes rounds; guards entries, applied
	entries map[entryKey]*entry
	applied uint64 // fingerprint of the set last given to Set
	hasSet  bool

	ready     chan struct{}
	readyOnce sync.Once
	status    atomic.Pointer[Status]

	life    sync.Mutex
	started bool
	closed  bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	rebuilds atomic.Uint64

	// after and random are time.After and rand.Float64, replaced by the
	// tests of the retry schedule.
	after  func(time.Duration) <-chan time.Time
	random func() float64
}

type listerState struct {
	lister   Lister
	name     string
	changed  chan struct{} // buffered 1; a watch event is pending
	failures int           // listing failures in a row, guarded by Refresher.mu

	count       atomic.Int64 // entries held (current and in grace)
	lastSuccess atomic.Int64 // unix nanos on Now
	// listedOnce is set by the first listing that makes the lister ready
	// (see Refresher.Ready): a complete one, or one whose only failures
	// are secrets that do not exist or whose value is already held.
	listedOnce atomic.Bool
	// pending are the secrets the last listing named and that could not
	// be read, never having been read before (guarded by Refresher.mu).
	pending []string
}

type entryKey struct {
	lister      string
	name, value string
}

type entry struct {
	secret    redact.Secret
	goneSince time.Time // zero while the lister still returns it
}

// Status is a snapshot of a Refresher.
type Status struct {
	// Ready is true once every lister has been listed and the Redactor
	// holds the result (see Refresher.Ready for the rule).
	Ready bool
	// Pending is, by lister name, the secrets its last listing named but
	// could not read and whose value was never read: they are not
	// protected, and keep a lister that is not ready yet from being ready.
	Pending map[string][]string
	// NotListed are the listers not ready yet (see Refresher.Ready), in
	// the order they were given.
	NotListed []string
	// Failures counts, by lister name, its failed listings in a row
	// (a listing with any error counts).
	Failures map[string]int
	// LastRound is when the last round ended, on Now.
	LastRound time.Time
	// LastSuccess is when the last round without any error ended.
	LastSuccess time.Time
	// LastError is the error of the last round, nil if it succeeded.
	LastError error
	// Secrets is the number of values protected, including values in
	// their grace period.
	Secrets int
	// InGrace is how many of them are in their grace period.
	InGrace int
	// ByLister is Secrets by lister name.
	ByLister map[string]int
	// ListedAt is, by lister name, when its last successful (possibly
	// partial) listing ended, on Now; absent before the first.
	ListedAt map[string]time.Time
	// Started is when the Refresher was made, on Now.
	Started time.Time
	// Rebuilds counts the calls to the Redactor's Set.
	Rebuilds uint64
}

// NewRefresher returns a Refresher feeding r from listers. Lister names must
// be unique; a duplicate gets a "#2", "#3" suffix. The Refresher owns the
// listers from then on: Close closes those that implement io.Closer.
func NewRefresher(r *redact.Redactor, listers []Lister, opts RefresherOptions) (*Refresher, error) {
	if r == nil {
		return nil, errors.New("provider: NewRefresher: nil Redactor")
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultRefreshInterval
	}
	if opts.Jitter == 0 {
		opts.Jitter = DefaultRefreshJitter
	}
	if opts.Jitter > 1 {
		opts.Jitter = 1
	}
	if opts.RetryMin <= 0 {
		opts.RetryMin = DefaultRetryMin
	}
	if opts.RetryMax <= 0 {
		opts.RetryMax = opts.Interval
	}
	if opts.RetryMax < opts.RetryMin {
		opts.RetryMax = opts.RetryMin
	}
	if opts.GracePeriod <= 0 {
		opts.GracePeriod = DefaultGracePeriod
	}
	if opts.Timeout <= 0 {
		opts.Timeout = opts.Interval
	}
	if opts.Observer == nil {
		opts.Observer = nopObserver{}
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	f := &Refresher{
		red:     r,
		opts:    opts,
		now:     opts.Now,
		entries: map[entryKey]*entry{},
		ready:   make(chan struct{}),
		after:   time.After,
		random:  rand.Float64,
	}
	if f.now == nil {
		f.now = time.Now
	}
	seen := map[string]int{}
	for _, l := range listers {
		if l == nil {
			return nil, errors.New("provider: NewRefresher: nil Lister")
		}
		name := l.Name()
		seen[name]++
		if n := seen[name]; n > 1 {
			name += "#" + strconv.Itoa(n)
		}
		f.listers = append(f.listers, &listerState{lister: l, name: name, changed: make(chan struct{}, 1)})
	}
	f.status.Store(&Status{ByLister: map[string]int{}, ListedAt: map[string]time.Time{}, Started: f.now()})
	return f, nil
}

// Refresh runs one round now: every lister is listed (concurrently), the
// set is updated and, if it changed, the Redactor is rebuilt. It returns the
// listers' errors joined (each wrapped with the lister's name), or the
// Redactor's. Refresh may be used with or without Start.
func (f *Refresher) Refresh(ctx context.Context) error {
	return f.round(ctx, f.listers)
}

// Ready returns a channel closed once every lister is ready and the
// Redactor holds the result. It fails closed: a lister is ready after its
// first listing that
//   - succeeded, or
//   - failed only for some of the secrets it named (per-secret errors),
//     each of which does not exist (NotFound: there is no value to
//     protect), was skipped for a documented reason (Skipped: a file over
//     the size limit, which no index could hold), or has a value read by an
//     earlier listing (still held).
//
// A listing that failed as a whole, or that could not read a secret it
// named for any other reason (access denied, decryption, throttling, a
// malformed answer, a file too large) while that secret's value was never
// read, leaves the lister not ready: its value could be in the data, and
// nothing would remove it. Status.Pending names such secrets. Once closed,
// Ready stays closed; later failures keep the values already held.
func (f *Refresher) Ready() <-chan struct{} { return f.ready }

// Status returns a snapshot of the Refresher's state.
func (f *Refresher) Status() Status {
	st := *f.status.Load()
	select {
	case <-f.ready:
		st.Ready = true
	default:
	}
	return st
}

// Start lists every lister at once and then on the interval, in the
// background, until ctx is done or Close is called; listers that implement
// Watcher are also listed when they report a change. Start returns
// immediately; use Ready to wait for the first result. Start may be called
// once.
func (f *Refresher) Start(ctx context.Context) error {
	f.life.Lock()
	defer f.life.Unlock()
	if f.closed {
		return errors.New("provider: Refresher: Start after Close")
	}
	if f.started {
		return errors.New("provider: Refresher: started twice")
	}
	f.started = true
	ctx, f.cancel = context.WithCancel(ctx)
	if len(f.listers) == 0 {
		// Nothing will ever be listed: publish the empty set now, so
		// that Ready closes.
		_ = f.round(ctx, nil)
	}
	for _, ls := range f.listers {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			f.loop(ctx, ls)
		}()
		if w, ok := ls.lister.(Watcher); ok {
			f.wg.Add(1)
			go func() {
				defer f.wg.Done()
				if err := w.Watch(ctx, ls.notify); err != nil {
					f.opts.Logger.Warn("watch failed; relying on the interval", zap.String("lister", ls.name), zap.Error(scrubError(f.red, err)))
				}
			}()
		}
	}
	return nil
}

func (ls *listerState) notify() {
	select {
	case ls.changed <- struct{}{}:
	default:
	}
}

// loop lists one lister on its own schedule, so that a slow or failing
// source neither delays nor multiplies the listings of the others.
func (f *Refresher) loop(ctx context.Context, ls *listerState) {
	wake := f.after(0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-ls.changed:
			// Let the burst of events of one change settle.
			select {
			case <-ctx.Done():
				return
			case <-time.After(watchDebounce):
			}
			select {
			case <-ls.changed:
			default:
			}
		}
		err := f.round(ctx, []*listerState{ls})
		if ctx.Err() != nil {
			return
		}
		var wait time.Duration
		if err != nil {
			f.mu.Lock()
			n := ls.failures
			f.mu.Unlock()
			wait = f.retryDelay(n)
		} else {
			wait = jitteredWith(f.opts.Interval, f.opts.Jitter, f.random())
		}
		wake = f.after(wait)
	}
}

// retryDelay is the wait after the n-th failed listing in a row of one
// lister: a random duration in [d/2, d], d = min(RetryMax, RetryMin·2^(n-1))
// (see RefresherOptions.RetryMin).
func (f *Refresher) retryDelay(n int) time.Duration {
	d := capped(f.opts.RetryMin, f.opts.RetryMax, n)
	return d/2 + time.Duration(f.random()*float64(d-d/2))
}

// Close stops the background rounds, waits for them to end (a round in
// progress is cancelled), and closes the listers that implement io.Closer.
// Close is idempotent.
func (f *Refresher) Close() error {
	f.life.Lock()
	if f.closed {
		f.life.Unlock()
		return nil
	}
	f.closed = true
	if f.cancel != nil {
		f.cancel()
	}
	f.life.Unlock()
	f.wg.Wait()
	var errs []error
	for _, ls := range f.listers {
		if c, ok := ls.lister.(io.Closer); ok {
			if err := c.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close %s: %w", ls.name, err))
			}
		}
	}
	return errors.Join(errs...)
}

type listing struct {
	secrets []redact.Secret
	err     error
	dur     time.Duration
}

func (f *Refresher) round(ctx context.Context, which []*listerState) error {
	results := make([]listing, len(which))
	var wg sync.WaitGroup
	for i, ls := range which {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
			defer cancel()
			start := time.Now()
			s, err := ls.lister.List(lctx)
			results[i] = listing{secrets: s, err: err, dur: time.Since(start)}
		}()
	}
	wg.Wait()
	err := f.fold(ctx, which, results)
	if f.opts.OnRound != nil {
		f.opts.OnRound()
	}
	return err
}

// fold merges the results of a round into the set, rebuilds the Redactor
// if the set changed and publishes the status.
func (f *Refresher) fold(ctx context.Context, which []*listerState, results []listing) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	var errs []error
	for i, ls := range which {
		res := results[i]
		f.opts.Observer.Listed(context.WithoutCancel(ctx), ls.name, res.dur, res.err)
		if res.err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", ls.name, res.err))
			ls.failures++
		} else {
			ls.failures = 0
		}
		f.merge(ls, res, now)
	}
	f.expire(now)
	roundErr := errors.Join(errs...)
	if err := f.apply(); err != nil {
		roundErr = errors.Join(roundErr, err)
	}
	// A lister's error may quote text from outside (a command's standard
	// error, a file name, a server's answer) holding a value another
	// lister gave, or one it gave itself before: what is logged, published
	// and returned is scrubbed by the Redactor, which now holds them all.
	for i, ls := range which {
		if results[i].err != nil {
			f.logFailure(ls, scrubError(f.red, results[i].err))
		}
	}
	roundErr = scrubError(f.red, roundErr)
	f.publish(now, roundErr)
	return roundErr
}

// merge folds one listing into the entries of its lister.
func (f *Refresher) merge(ls *listerState, res listing, now time.Time) {
	failed, perSecret := FailedSecrets(res.err)
	if res.err != nil && !perSecret && len(res.secrets) == 0 {
		return // the listing failed: nothing learned, nothing lost
	}
	seen := make(map[entryKey]bool, len(res.secrets))
	for _, s := range res.secrets {
		if s.Value == "" {
			continue
		}
		k := entryKey{lister: ls.name, name: s.Name, value: s.Value}
		seen[k] = true
		if e, ok := f.entries[k]; ok {
			e.secret = s
			e.goneSince = time.Time{}
		} else {
			f.entries[k] = &entry{secret: s}
		}
	}
	if res.err == nil || perSecret {
		ls.lastSuccess.Store(now.UnixNano())
	}
	if res.err != nil && !perSecret {
		// Partial listing of unknown extent: mark nothing gone, and do
		// not count it as a listing (see Ready).
		return
	}
	ls.pending = f.unread(ls, res.err)
	if len(ls.pending) == 0 {
		ls.listedOnce.Store(true)
	}
	keep := make(map[string]bool, len(failed))
	for _, n := range failed {
		keep[n] = true
	}
	for k, e := range f.entries {
		if k.lister != ls.name || seen[k] || coveredBy(k.name, keep) {
			continue
		}
		if e.goneSince.IsZero() {
			e.goneSince = now
		}
	}
}

// coveredBy reports whether a failure named in failed covers the secret
// name: the name itself, or a name it lies under. A failure covers every
// secret under the name that failed: a directory that could not be read
// ("db") keeps "db/password", and a secret that could not be read ("db")
// keeps its JSON fields ("db#password"). The boundary is a '/' or '#', so
// "db" does not cover "dbx/key".
func coveredBy(name string, failed map[string]bool) bool {
	if len(failed) == 0 {
		return false
	}
	if failed[name] {
		return true
	}
	for i := len(name) - 1; i > 0; i-- {
		if (name[i] == '/' || name[i] == '#') && failed[name[:i]] {
			return true
		}
	}
	return false
}

// unread returns the secrets that the per-secret failures in err name, that
// exist and were not skipped (the failure is neither NotFound nor Skipped)
// and of which the lister holds no value: their value was never read, so
// nothing protects it.
func (f *Refresher) unread(ls *listerState, err error) []string {
	if err == nil {
		return nil
	}
	held := map[string]bool{}
	for k := range f.entries {
		if k.lister == ls.name {
			held[k.name] = true
			held[baseName(k.name)] = true
		}
	}
	var out []string
	for _, fe := range Failures(err) {
		var pe *Error
		if errors.As(fe, &pe) && pe.Name != "" && pe.Kind != NotFound && pe.Kind != Skipped && !held[pe.Name] {
			out = append(out, pe.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// logFailure logs a failed listing: at error level, with what to do, while
// the failure leaves secrets unprotected (the lister is not ready, or a
// secret it named was never read); at warning level while the values
// already read keep everything protected.
func (f *Refresher) logFailure(ls *listerState, err error) {
	kind := Kind(err)
	if len(ls.pending) > 0 {
		// The kind that matters is that of a secret left unprotected.
		for _, fe := range Failures(err) {
			var pe *Error
			if errors.As(fe, &pe) && slices.Contains(ls.pending, pe.Name) {
				kind = pe.Kind
				break
			}
		}
	}
	fields := []zap.Field{
		zap.String("lister", ls.name), zap.Stringer("kind", kind), zap.Int("failures_in_a_row", ls.failures),
	}
	if len(ls.pending) > 0 {
		fields = append(fields, zap.Strings("unprotected_secrets", ls.pending))
	}
	fields = append(fields, zap.String("advice", Advice(kind)), zap.Error(err))
	switch {
	case !ls.listedOnce.Load():
		f.opts.Logger.Error("secret source failing and not listed yet: not ready until it is (retried with backoff)", fields...)
	case len(ls.pending) > 0:
		f.opts.Logger.Error("secrets could not be read and were never read before: their values are not protected (retried with backoff)", fields...)
	default:
		f.opts.Logger.Warn("listing secrets failed; the values already read stay protected (retried with backoff)", fields...)
	}
}

// baseName strips a JSON field suffix ("db#password" -> "db") so that a
// failure of a secret keeps its fields too.
func baseName(n string) string {
	for i := len(n) - 1; i >= 0; i-- {
		if n[i] == '#' {
			return n[:i]
		}
	}
	return n
}

// expire drops the entries whose grace period is over.
func (f *Refresher) expire(now time.Time) {
	counts := map[string]int64{}
	for k, e := range f.entries {
		if !e.goneSince.IsZero() && now.Sub(e.goneSince) >= f.opts.GracePeriod {
			delete(f.entries, k)
			f.opts.Logger.Info("secret value dropped after its grace period", zap.String("lister", k.lister), zap.String("secret", k.name))
			continue
		}
		counts[k.lister]++
	}
	for _, ls := range f.listers {
		ls.count.Store(counts[ls.name])
	}
}

// apply gives the Redactor the current set if it differs from the last one.
func (f *Refresher) apply() error {
	fp, set := f.fingerprint()
	if f.hasSet && fp == f.applied {
		return nil
	}
	start := time.Now()
	if err := f.red.Set(set); err != nil {
		return fmt.Errorf("provider: rebuilding the redactor: %w", err)
	}
	f.applied, f.hasSet = fp, true
	f.rebuilds.Add(1)
	f.opts.Logger.Info("redactor rebuilt", zap.Int("secrets", len(set)), zap.Duration("took", time.Since(start)))
	return nil
}

// fingerprint returns a digest of the set of (name, value) pairs, which does
// not depend on map order, and the deduplicated set sorted by name.
func (f *Refresher) fingerprint() (uint64, []redact.Secret) {
	type nv struct{ name, value string }
	uniq := make(map[nv]redact.Secret, len(f.entries))
	for k, e := range f.entries {
		uniq[nv{k.name, k.value}] = e.secret
	}
	set := make([]redact.Secret, 0, len(uniq))
	var sum, xor uint64
	d := xxhash.New()
	for k, s := range uniq {
		d.Reset()
		_, _ = d.WriteString(k.name)
		_, _ = d.Write([]byte{0})
		_, _ = d.WriteString(k.value)
		h := d.Sum64()
		sum += h
		xor ^= h * 0x9e3779b97f4a7c15
		set = append(set, s)
	}
	sort.Slice(set, func(i, j int) bool {
		if set[i].Name != set[j].Name {
			return set[i].Name < set[j].Name
		}
		return set[i].Version < set[j].Version
	})
	return sum ^ (xor << 1) ^ uint64(len(set)), set
}

func (f *Refresher) publish(now time.Time, err error) {
	prev := f.status.Load()
	st := &Status{
		LastRound:   now,
		LastSuccess: prev.LastSuccess,
		LastError:   err,
		ByLister:    make(map[string]int, len(f.listers)),
		ListedAt:    make(map[string]time.Time, len(f.listers)),
		Pending:     map[string][]string{},
		Failures:    make(map[string]int, len(f.listers)),
		Started:     prev.Started,
		Rebuilds:    f.rebuilds.Load(),
	}
	if err == nil {
		st.LastSuccess = now
	}
	for _, e := range f.entries {
		if !e.goneSince.IsZero() {
			st.InGrace++
		}
	}
	all := f.hasSet
	for _, ls := range f.listers {
		n := int(ls.count.Load())
		st.ByLister[ls.name] = n
		if t := ls.lastSuccess.Load(); t != 0 {
			st.ListedAt[ls.name] = time.Unix(0, t)
		}
		st.Secrets += n
		st.Failures[ls.name] = ls.failures
		if len(ls.pending) > 0 {
			st.Pending[ls.name] = slices.Clone(ls.pending)
		}
		if !ls.listedOnce.Load() {
			st.NotListed = append(st.NotListed, ls.name)
		}
		all = all && ls.listedOnce.Load()
	}
	f.status.Store(st)
	if all {
		f.readyOnce.Do(func() { close(f.ready) })
	}
}
