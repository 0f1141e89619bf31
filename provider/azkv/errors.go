package azkv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/hushlog/hush/provider"
)

const providerName = "azure"

// errMalformed marks a response this package could not use.
var errMalformed = errors.New("malformed response")

// classify returns the kind of a client error.
func classify(err error) provider.ErrorKind {
	var re *azcore.ResponseError
	switch {
	case errors.As(err, &re):
		switch code := re.StatusCode; {
		case code == http.StatusUnauthorized || code == http.StatusForbidden:
			return provider.AccessDenied
		case code == http.StatusNotFound:
			return provider.NotFound
		case code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500:
			return provider.Transient
		default:
			return provider.Permanent
		}
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return provider.Transient
	case errors.Is(err, errMalformed):
		return provider.Malformed
	}
	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) {
		// The request itself failed: refused, reset, cut short, timed out.
		return provider.Transient
	}
	var ae *authError
	if errors.As(err, &ae) {
		return provider.AccessDenied
	}
	// What is left is the client's failure to decode an answer (azcore
	// reports it as a plain error).
	return provider.Malformed
}

// throttled reports whether err is a 429 or 503 answer (after the client's
// retries).
func throttled(err error) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && (re.StatusCode == http.StatusTooManyRequests || re.StatusCode == http.StatusServiceUnavailable)
}

// unreachable reports whether err is a failure to talk to the vault at all
// (connection refused, timeout, cancellation), after which the rest of a
// listing would fail the same way.
func unreachable(err error) bool {
	var re *azcore.ResponseError
	return !errors.As(err, &re) && classify(err) == provider.Transient
}

// authError is a failure to get a token from the credential. Its message
// is the credential's (azidentity's messages name the credentials tried,
// never a token).
type authError struct{ err error }

func (e *authError) Error() string { return "getting a token: " + e.err.Error() }
func (e *authError) Unwrap() error { return e.err }

// wrap turns a client error into a *provider.Error about name ("" for a
// listing-level failure). The message is built here from the status and
// Key Vault's error code only: azcore's ResponseError message quotes the
// response body, and a decoding error may quote its bytes, either of which
// could hold a value.
func wrap(op, name string, err error) *provider.Error {
	kind := classify(err)
	var re *azcore.ResponseError
	var ae *authError
	switch {
	case errors.As(err, &re):
		msg := fmt.Sprintf("%s: HTTP %d", op, re.StatusCode)
		if re.ErrorCode != "" && safeCode(re.ErrorCode) {
			msg += " " + provider.ServerText(re.ErrorCode)
		}
		err = errors.New(msg)
	case errors.As(err, &ae):
		err = fmt.Errorf("%s: %w", op, ae)
	case errors.Is(err, context.DeadlineExceeded):
		err = fmt.Errorf("%s: %w", op, context.DeadlineExceeded)
	case errors.Is(err, context.Canceled):
		err = fmt.Errorf("%s: %w", op, context.Canceled)
	case kind == provider.Transient:
		err = fmt.Errorf("%s: %w", op, transportError(err))
	default:
		err = fmt.Errorf("%s: %w", op, errMalformed)
	}
	return provider.NewError(providerName, name, kind, err)
}

// transportError keeps a transport failure's own words (a refused
// connection, a reset), which hold the URL and never a response body.
func transportError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue
	}
	return err
}

// safeCode reports whether an error code looks like one of Key Vault's
// (Forbidden, SecretNotFound, Throttled): a short identifier. Anything else
// is dropped, as a malformed answer could put anything there; what is kept
// still goes through provider.ServerText, since a value can be a short
// identifier too.
func safeCode(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
