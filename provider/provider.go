package provider

import (
	"context"

	"github.com/hushlog/hush/redact"
)

// Getter reads one secret by name, for applications that use the value.
//
// Get returns the current value. Failures are *Error values (see Kind); a
// missing secret is a NotFound error. Get must be safe for concurrent use.
type Getter interface {
	Get(ctx context.Context, name string) (redact.Secret, error)
}

// Lister lists every secret a process must protect, for processes that only
// redact (the Collector, the CLI).
//
// Name identifies the lister in metrics, logs and errors ("aws",
// "file:/var/run/secrets/app"); it never contains a value.
//
// List returns every value to protect now. It may return a partial result
// together with an error: per-secret failures are *Error values naming the
// secret, joined with errors.Join, and the secrets returned are the ones
// that could be read. A listing-level failure (the listing itself failed)
// is an *Error without a Name, or any other error. List must be safe for
// concurrent use with itself and with Get.
type Lister interface {
	Name() string
	List(ctx context.Context) ([]redact.Secret, error)
}

// Watcher is implemented by a Lister that can tell when its secrets may have
// changed (a watched directory). Watch calls changed, possibly spuriously,
// whenever a new List may return something different, and returns when ctx
// is done, leaving no goroutine behind. It returns early with an error only
// when watching cannot start; a Refresher then falls back to its interval.
type Watcher interface {
	Watch(ctx context.Context, changed func()) error
}
