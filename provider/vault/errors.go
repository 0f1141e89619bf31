package vault

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/vault/api"

	"github.com/hushlog/hush/provider"
)

const providerName = "vault"

// errMalformed marks a response this package could not use.
var errMalformed = errors.New("malformed response")

// classify returns the kind of a client error.
func classify(err error) provider.ErrorKind {
	var re *api.ResponseError
	if errors.As(err, &re) {
		switch code := re.StatusCode; {
		case code == http.StatusUnauthorized || code == http.StatusForbidden:
			return provider.AccessDenied
		case code == http.StatusNotFound:
			return provider.NotFound
		case code == http.StatusTooManyRequests || code == http.StatusPreconditionFailed || code >= 500:
			return provider.Transient
		default:
			return provider.Permanent
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// The request itself failed: refused, reset, cut short (an EOF
		// here is the connection's, not the body's), timed out.
		return provider.Transient
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.Is(err, errMalformed) || errors.As(err, &se) || errors.As(err, &te) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return provider.Malformed
	}
	if k := provider.Kind(err); k == provider.Transient {
		return k
	}
	return provider.Permanent
}

// throttled reports whether err is a 429 answer (after the client's
// retries).
func throttled(err error) bool {
	var re *api.ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusTooManyRequests
}

// unreachable reports whether err is a failure to talk to Vault at all
// (connection refused, timeout, cancellation), after which the rest of a
// listing would fail the same way.
func unreachable(err error) bool {
	var re *api.ResponseError
	return !errors.As(err, &re) && classify(err) == provider.Transient
}

// wrap turns a client error into a *provider.Error about name ("" for a
// listing-level failure). Vault's error answers are quoted only when they
// were a JSON error document, and then only their vocabulary
// (provider.ServerText: any word that could be a value is replaced); a body
// that was not (a proxy's page, a malformed answer) is never quoted, as it
// may hold secret values.
func wrap(op, name string, err error) *provider.Error {
	kind := classify(err)
	var re *api.ResponseError
	switch {
	case errors.As(err, &re):
		msg := fmt.Sprintf("%s: HTTP %d", op, re.StatusCode)
		if !re.RawError && len(re.Errors) > 0 {
			// A plugin or a proxy may echo what it was handling: the
			// message's vocabulary only (provider.ServerText).
			msg += ": " + provider.ServerText(strings.Join(re.Errors, "; "), op, name)
		}
		err = errors.New(msg)
	case kind == provider.Malformed:
		err = fmt.Errorf("%s: %w", op, errMalformed)
	default:
		err = fmt.Errorf("%s: %w", op, err)
	}
	return provider.NewError(providerName, name, kind, err)
}
