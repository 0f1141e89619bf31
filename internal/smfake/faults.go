package smfake

import "time"

// FaultKind is a failure the stand-in can inject.
type FaultKind int

const (
	// Throttle answers HTTP 400 ThrottlingException ("Rate exceeded"),
	// which the SDK retries with backoff.
	Throttle FaultKind = iota + 1
	// Internal answers HTTP 500 InternalServiceError, which the SDK
	// retries.
	Internal
	// Unavailable answers HTTP 503 ServiceUnavailable, which the SDK
	// retries.
	Unavailable
	// Malformed answers HTTP 200 with the first half of the real response
	// body: invalid JSON that still holds secret values, to prove that
	// errors never quote the body.
	Malformed
	// WrongShape answers HTTP 200 with valid JSON of the wrong shape
	// (a string where a list is expected).
	WrongShape
	// Denied answers HTTP 400 AccessDeniedException for the whole request.
	Denied
)

type fault struct {
	op    string
	kind  FaultKind
	left  int // < 0: until Heal
	fired int
}

// Fail makes the next times requests of op ("" for every operation) fail
// with kind; times <= 0 means until Heal. Faults are consumed in the order
// they were added.
func (s *Server) Fail(op string, kind FaultKind, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if times <= 0 {
		times = -1
	}
	s.faults = append(s.faults, &fault{op: op, kind: kind, left: times})
}

// DenyAccess makes every read of name answer AccessDeniedException (a
// per-secret Errors entry in BatchGetSecretValue). The secret is still
// listed by ListSecrets, as in AWS where listing is a separate permission.
func (s *Server) DenyAccess(name string) { s.setFlag(name, func(sec *secret) { sec.denied = true }) }

// FailDecryption makes every read of name answer DecryptionFailure.
func (s *Server) FailDecryption(name string) {
	s.setFlag(name, func(sec *secret) { sec.decryptFail = true })
}

func (s *Server) setFlag(name string, f func(*secret)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sec := s.secrets[name]; sec != nil {
		f(sec)
	}
}

// SetLatency delays every answer by d (0 for none). A request whose client
// gives up is answered early.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Heal removes every fault, denial, decryption failure and latency.
func (s *Server) Heal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.latency = 0
	for _, sec := range s.secrets {
		sec.denied, sec.decryptFail = false, false
	}
}

// takeFault returns the fault to apply to a request of op, if any. It is
// called with s.mu held.
func (s *Server) takeFault(op string) FaultKind {
	for i, f := range s.faults {
		if f.op != "" && f.op != op {
			continue
		}
		f.fired++
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return f.kind
	}
	return 0
}

// Requests returns how many requests of op ("" for all) were received,
// retries and failed requests included.
func (s *Server) Requests(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if op == "" {
		return s.total
	}
	return s.counts[op]
}

// DistinctRequests returns how many requests of op with distinct bodies
// were received: the pages a listing asked for, whatever the client's
// retries (a request the SDK sends again after a connection error on a
// loaded machine is counted by Requests, not here).
func (s *Server) DistinctRequests(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies[op])
}

// Connections returns how many TCP connections the stand-in accepted.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// ResetRequests sets the request and connection counters to zero.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[string]int{}
	s.bodies = map[string]map[string]bool{}
	s.total = 0
	s.conns = 0
}
