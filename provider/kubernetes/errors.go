package kubernetes

import (
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/hushlog/hush/provider"
)

const providerName = "kubernetes"

// errMalformed marks a Secret's content this package could not parse.
var errMalformed = errors.New("malformed")

// classify returns the kind of a client error.
func classify(err error) provider.ErrorKind {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errMalformed):
		return provider.Malformed
	case apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err):
		return provider.AccessDenied
	case apierrors.IsNotFound(err):
		return provider.NotFound
	case apierrors.IsTooManyRequests(err) || apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err) ||
		apierrors.IsServiceUnavailable(err) || apierrors.IsInternalError(err) || apierrors.IsUnexpectedServerError(err):
		return provider.Transient
	}
	var st apierrors.APIStatus
	if errors.As(err, &st) {
		if code := st.Status().Code; code == 429 || code >= 500 {
			return provider.Transient
		}
		return provider.Permanent
	}
	// Not an answer of the API server: refused, reset, timed out,
	// cancelled.
	return provider.Transient
}

// wrap turns a client error into a *provider.Error about name ("k8s/NS" for a
// namespace, "k8s/NS/SECRET" for a secret). The API server's message is kept
// for the answers it writes itself (forbidden, unauthorized, not found,
// throttled), which name the user, the verb and the namespace, reduced to
// its vocabulary (provider.ServerText: a word that could be a value, which
// a proxy or a webhook could have put there, is replaced); for any other
// status only its code and reason are kept, since client-go quotes the body
// of an answer that was not a Status document and a body is not ours to
// print.
func wrap(op, name string, err error) *provider.Error {
	kind := classify(err)
	var st apierrors.APIStatus
	if errors.As(err, &st) {
		s := st.Status()
		msg := fmt.Sprintf("%s: HTTP %d", op, s.Code)
		if s.Reason != "" {
			msg += " " + string(s.Reason)
		}
		switch kind {
		case provider.AccessDenied, provider.NotFound:
			if s.Message != "" {
				msg += ": " + provider.ServerText(s.Message, op, name)
			}
		}
		err = errors.New(msg)
	} else {
		err = fmt.Errorf("%s: %w", op, err)
	}
	return provider.NewError(providerName, name, kind, err)
}
