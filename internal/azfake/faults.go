package azfake

import (
	"strings"
	"time"
)

// FaultKind is a failure the stand-in can inject.
type FaultKind int

const (
	// Forbidden answers 403 with Key Vault's Forbidden error document.
	Forbidden FaultKind = iota + 1
	// Throttle answers 429 with Key Vault's Throttled error and a
	// Retry-After (see SetRetryAfter).
	Throttle
	// Unavailable answers 503 with a Retry-After.
	Unavailable
	// Malformed answers 200 with the first half of the real answer:
	// invalid JSON that still holds secret values, to prove that errors
	// never quote a body.
	Malformed
	// WrongShape answers 200 with valid JSON of the wrong shape (a string
	// where an object is expected).
	WrongShape
	// NotFound answers 404 SecretNotFound, as for a secret deleted
	// between two requests.
	NotFound
	// Hang never answers: the request is held until the client gives up or
	// the stand-in is closed.
	Hang
)

type fault struct {
	op, name string // "" matches any
	kind     FaultKind
	left     int // < 0: until Heal
}

// Fail makes the next times authenticated requests of op ("" for every
// operation) about secret name ("" for any) fail with kind; times <= 0
// means until Heal. Faults are consumed in the order they were added.
func (s *Server) Fail(op, name string, kind FaultKind, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if times <= 0 {
		times = -1
	}
	s.faults = append(s.faults, &fault{op: op, name: name, kind: kind, left: times})
}

// Heal removes every fault and denied secret.
func (s *Server) Heal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.denied = map[string]bool{}
}

// SetRetryAfter sets the Retry-After of Throttle and Unavailable answers
// (default 1 s). Key Vault sends whole seconds; a shorter wait is sent as
// retry-after-ms too (which azcore reads first), so that tests stay fast.
func (s *Server) SetRetryAfter(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retryAfter = d
}

// takeFault returns the fault to apply to a request, if any. It is called
// with s.mu held.
func (s *Server) takeFault(op, name string) FaultKind {
	for i, f := range s.faults {
		if (f.op != "" && f.op != op) || (f.name != "" && !strings.EqualFold(f.name, name)) {
			continue
		}
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
		}
		return f.kind
	}
	return 0
}
