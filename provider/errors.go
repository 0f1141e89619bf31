package provider

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/hushlog/hush/redact"
)

// ErrorKind classifies a provider failure, so that callers can tell a
// transient failure (retry, serve stale) from a permanent one (report).
type ErrorKind uint8

// The error kinds. The zero ErrorKind is what Kind returns for a nil error.
const (
	// Transient failures may heal by themselves: throttling, 5xx
	// responses, timeouts, connection errors, cancellation.
	Transient ErrorKind = iota + 1
	// AccessDenied means the caller's identity may not read the secret
	// (or the key that encrypts it).
	AccessDenied
	// NotFound means the secret, or the requested version, does not exist.
	NotFound
	// Decryption means the service could not decrypt the secret (a KMS key
	// disabled or not usable by the caller).
	Decryption
	// Malformed means a response or a source could not be parsed.
	Malformed
	// Permanent is any other failure that will not heal by retrying:
	// invalid parameters, a misconfigured source.
	Permanent
	// Skipped means the source did not return a secret for a documented
	// reason that reading it again would not change, and that leaves no
	// value to protect: a file larger than the size limit (no index could
	// hold it). It does not keep a Refresher from being ready.
	Skipped
)

var kindNames = [...]string{"none", "transient", "access_denied", "not_found", "decryption", "malformed", "permanent", "skipped"}

// String returns the kind's snake_case name, as used in metric attributes.
func (k ErrorKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Advice says what an operator can do about a failure of this kind, for
// logs and status reports. It names no secret.
func Advice(k ErrorKind) string {
	switch k {
	case Transient:
		return "the source is unreachable, slow or throttling: check network access to it, its endpoint and its health"
	case AccessDenied:
		return "this process's identity may not read the secret: grant it read access (for AWS: secretsmanager:ListSecrets, " +
			"GetSecretValue and BatchGetSecretValue, and kms:Decrypt on the key), or remove the secret from the selection"
	case NotFound:
		return "the secret or the source does not exist: fix the name, prefix, path or command in the configuration"
	case Decryption:
		return "the key that encrypts the secret is disabled or not usable by this identity: enable it or grant kms:Decrypt"
	case Malformed:
		return "the source answered something that cannot be read: check the file, the command's output format or the endpoint"
	case Permanent:
		return "the source refuses this request as configured: check the source's configuration and the error"
	case Skipped:
		return "the secret was skipped for the reason given: nothing protects it; remove it from the source if it is not a secret"
	}
	return ""
}

// Error is a provider failure. Provider and Name are never secret; Err is the
// cause and, like everything in this package, never holds a secret value.
type Error struct {
	// Provider names the source ("aws secrets manager", "file").
	Provider string
	// Name is the secret the failure concerns, or empty for a failure of a
	// whole listing.
	Name string
	// Kind classifies the failure.
	Kind ErrorKind
	// Err is the cause; it may be nil.
	Err error
}

// NewError returns an *Error. It is a convenience for provider authors.
func NewError(provider, name string, kind ErrorKind, err error) *Error {
	return &Error{Provider: provider, Name: name, Kind: kind, Err: err}
}

// Error renders "provider: secret \"name\": kind: cause".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteString(": ")
	}
	if e.Name != "" {
		b.WriteString("secret ")
		b.WriteString(quote(e.Name))
		b.WriteString(": ")
	}
	b.WriteString(strings.ReplaceAll(e.Kind.String(), "_", " "))
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Kind classifies err: the Kind of the first *Error in its tree; Transient
// for context cancellation, deadlines and network errors; Permanent for
// anything else; 0 for nil.
func Kind(err error) ErrorKind {
	if err == nil {
		return 0
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Kind
	}
	var ne net.Error
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) {
		return Transient
	}
	return Permanent
}

// FailedSecrets walks err (following errors.Join and %w wrapping) and
// returns the names of the secrets that per-secret *Errors name. perSecret
// is true when every failure in err is per-secret, that is when the listing
// itself succeeded and only the named secrets could not be read.
func FailedSecrets(err error) (names []string, perSecret bool) {
	if err == nil {
		return nil, true
	}
	perSecret = true
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case *Error:
			if e.Name == "" {
				perSecret = false
			} else {
				names = append(names, e.Name)
			}
		case interface{ Unwrap() []error }:
			for _, c := range e.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			if c := e.Unwrap(); c != nil {
				walk(c)
			} else {
				perSecret = false
			}
		default:
			perSecret = false
		}
	}
	walk(err)
	return names, perSecret
}

// Failures returns the failures in err, one per per-secret or listing
// error, for counting by kind: a listing's error may join several
// per-secret errors, each of which counts once.
func Failures(err error) []error {
	var out []error
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case *Error:
			out = append(out, e)
		case interface{ Unwrap() []error }:
			for _, c := range e.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			if inner, ok := e.Unwrap().(interface{ Unwrap() []error }); ok {
				walk(inner.(error))
			} else {
				out = append(out, err)
			}
		default:
			out = append(out, err)
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// scrubError returns err, or, when its message holds something r redacts
// (a value quoted by a command's standard error, a file name, a server's
// answer), an error with the message scrubbed that still wraps err, so
// that errors.Is and errors.As, Kind, FailedSecrets and Failures see what
// they saw.
func scrubError(r *redact.Redactor, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if clean := r.ScrubString(msg); clean != msg {
		return &scrubbedError{msg: clean, err: err}
	}
	return err
}

// scrubbedError is an error whose message was scrubbed of secret values.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
