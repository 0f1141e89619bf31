package provider

import (
	"context"
	"time"
)

// Observer receives the events of a Refresher and a Cache that their
// snapshots (Refresher.Status, Cache.Stats) do not hold, so that metrics can
// be kept without this package depending on a metrics library. Package
// github.com/hushlog/hush/provider/otelmetric implements it with
// OpenTelemetry instruments.
//
// Methods are called on the hot path of a listing or a fetch: they must be
// safe for concurrent use and must not block. Errors carry names and kinds,
// never values.
type Observer interface {
	// Listed is called after each listing of one lister, with its
	// duration and its error (nil on success; it may join several
	// per-secret errors).
	Listed(ctx context.Context, lister string, took time.Duration, err error)
	// FetchFailed is called after each failed fetch through a Cache.
	FetchFailed(ctx context.Context, kind ErrorKind)
}

type nopObserver struct{}

func (nopObserver) Listed(context.Context, string, time.Duration, error) {}
func (nopObserver) FetchFailed(context.Context, ErrorKind)               {}
