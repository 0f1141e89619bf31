package gcpsm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/googleapis/gax-go/v2"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hushlog/hush/provider"
)

const providerName = "gcp"

// errMalformed marks an answer this package could not use.
var errMalformed = errors.New("malformed response")

// code returns the gRPC code of a client error (Unknown for a non-gRPC
// error, DeadlineExceeded or Canceled for a context's).
func code(err error) codes.Code {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return codes.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		return codes.Canceled
	}
	if st, ok := status.FromError(err); ok {
		return st.Code()
	}
	return codes.Unknown
}

// classify returns the kind of a client error.
func classify(err error) provider.ErrorKind {
	if errors.Is(err, errMalformed) {
		return provider.Malformed
	}
	switch code(err) {
	case codes.PermissionDenied, codes.Unauthenticated:
		return provider.AccessDenied
	case codes.NotFound:
		return provider.NotFound
	case codes.Unavailable, codes.ResourceExhausted, codes.DeadlineExceeded, codes.Canceled, codes.Aborted, codes.Internal:
		return provider.Transient
	default:
		return provider.Permanent
	}
}

// unreachable reports whether err ends a listing: Secret Manager throttles
// or cannot be reached (after the retries), or the listing's context is
// over, so the rest of the listing would fail the same way.
func unreachable(err error) bool {
	switch code(err) {
	case codes.Unavailable, codes.ResourceExhausted, codes.DeadlineExceeded, codes.Canceled, codes.Unauthenticated:
		return true
	}
	return false
}

// wrap turns a client error into a *provider.Error about name ("" for a
// listing-level failure). The message is the gRPC code and the service's
// status message, which names resources, never payloads — reduced to its
// vocabulary all the same (provider.ServerText), since an emulator, a proxy
// or a misbehaving server could echo a value; a malformed answer is
// described, never quoted.
func wrap(op, name string, err error) *provider.Error {
	kind := classify(err)
	if kind == provider.Malformed {
		return provider.NewError(providerName, name, kind, fmt.Errorf("%s: %w", op, errMalformed))
	}
	return provider.NewError(providerName, name, kind, &opError{op: op, err: err})
}

// opError is a failed call: the operation, the gRPC code and the service's
// status message. It unwraps to the client's error, so that its code stays
// known.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string {
	c := code(e.err)
	if st, ok := status.FromError(e.err); ok && c != codes.DeadlineExceeded && c != codes.Canceled {
		return e.op + ": " + st.Code().String() + ": " + provider.ServerText(st.Message(), e.op)
	}
	return e.op + ": " + e.err.Error()
}

func (e *opError) Unwrap() error { return e.err }

// retryInfo returns the RetryInfo delay of a gRPC error, if any.
func retryInfo(err error) (time.Duration, bool) {
	st, ok := status.FromError(err)
	if !ok {
		return 0, false
	}
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay() != nil {
			return ri.GetRetryDelay().AsDuration(), true
		}
	}
	return 0, false
}

// retryer retries ResourceExhausted and Unavailable answers: after a
// RetryInfo's delay when the answer has one (which also holds every other
// request of the provider, see gate), else with exponential backoff and
// full jitter between MinRetryWait and MaxRetryWait.
type retryer struct {
	p       *Provider
	attempt int
}

func (r *retryer) Retry(err error) (time.Duration, bool) {
	c := code(err)
	if c != codes.ResourceExhausted && c != codes.Unavailable {
		return 0, false
	}
	if r.attempt >= r.p.cfg.MaxRetries {
		return 0, false
	}
	r.attempt++
	if d, ok := retryInfo(err); ok {
		r.p.gate.hold(d)
		return d, true
	}
	ceil := r.p.cfg.MinRetryWait << (r.attempt - 1)
	if ceil > r.p.cfg.MaxRetryWait || ceil <= 0 {
		ceil = r.p.cfg.MaxRetryWait
	}
	return r.p.cfg.MinRetryWait/2 + rand.N(ceil-r.p.cfg.MinRetryWait/2+1), true
}

// callOptions are the options of every call: this package's retryer in
// place of the client's defaults.
func (p *Provider) callOptions() []gax.CallOption {
	return []gax.CallOption{gax.WithRetry(func() gax.Retryer { return &retryer{p: p} })}
}

// gate holds requests until a time a RetryInfo named.
type gate struct {
	mu    sync.Mutex
	until time.Time
}

func (g *gate) hold(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t := time.Now().Add(d); t.After(g.until) {
		g.until = t
	}
}

// wait returns when the gate is open or ctx is done.
func (g *gate) wait(ctx context.Context) error {
	g.mu.Lock()
	d := time.Until(g.until)
	g.mu.Unlock()
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
