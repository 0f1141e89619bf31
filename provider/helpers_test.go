package provider

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hushlog/hush/redact"
)

// fakeClock is an injectable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// source is a controllable external secret source (a Getter and a Lister).
type source struct {
	name  string
	mu    sync.Mutex
	vals  map[string]string
	err   error            // whole-call failure
	errOn map[string]error // per-secret failure
	delay atomic.Int64     // nanoseconds
	// gate, when set, holds every fetch until it is closed or the
	// fetch's context ends.
	gate  chan struct{}
	calls atomic.Int64
}

func newSource(name string, kv ...string) *source {
	s := &source{name: name, vals: map[string]string{}, errOn: map[string]error{}}
	for i := 0; i+1 < len(kv); i += 2 {
		s.vals[kv[i]] = kv[i+1]
	}
	return s
}

func (s *source) set(k, v string) { s.mu.Lock(); s.vals[k] = v; s.mu.Unlock() }
func (s *source) del(k string)    { s.mu.Lock(); delete(s.vals, k); s.mu.Unlock() }
func (s *source) fail(err error)  { s.mu.Lock(); s.err = err; s.mu.Unlock() }
func (s *source) failOn(k string, err error) {
	s.mu.Lock()
	if err == nil {
		delete(s.errOn, k)
	} else {
		s.errOn[k] = err
	}
	s.mu.Unlock()
}

func (s *source) Name() string { return s.name }

func (s *source) wait(ctx context.Context) error {
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	d := time.Duration(s.delay.Load())
	if d == 0 {
		return nil
	}
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *source) Get(ctx context.Context, name string) (redact.Secret, error) {
	s.calls.Add(1)
	if err := s.wait(ctx); err != nil {
		return redact.Secret{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return redact.Secret{}, s.err
	}
	if err := s.errOn[name]; err != nil {
		return redact.Secret{}, err
	}
	v, ok := s.vals[name]
	if !ok {
		return redact.Secret{}, NewError(s.name, name, NotFound, nil)
	}
	return redact.Secret{Name: name, Value: v}, nil
}

func (s *source) List(ctx context.Context) ([]redact.Secret, error) {
	s.calls.Add(1)
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	var out []redact.Secret
	var errs []error
	for k, v := range s.vals {
		if err := s.errOn[k]; err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, redact.Secret{Name: k, Value: v})
	}
	return out, joinErrs(errs)
}

func joinErrs(errs []error) error { return errors.Join(errs...) }

func newRedactor(t testing.TB) *redact.Redactor {
	t.Helper()
	r, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// protected reports whether r redacts value.
func protected(r *redact.Redactor, value string) bool {
	line := "line with " + value + " inside"
	return !strings.Contains(r.ScrubString(line), value)
}

// noValues fails the test if err's message holds one of the values.
func noValues(t *testing.T, err error, values ...string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	for i, v := range values {
		if strings.Contains(msg, v) {
			t.Errorf("error message holds secret value #%d", i)
		}
	}
}

// Test values: long, random-looking.
const (
	valA  = "Zq8v-4Lw2-9pXc-7yTb-A1"
	valA2 = "Zq8v-4Lw2-9pXc-7yTb-A2"
	valB  = "mN3k-Qr7s-Vw2x-Yz5a-B1"
	valC  = "pL9o-Ik8u-Jh7y-Gt6f-C1"
	valD  = "wE4r-Ty6u-Io8p-As2d-D1"
)
