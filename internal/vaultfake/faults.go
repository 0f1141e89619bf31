package vaultfake

import (
	"strings"
	"time"
)

// FaultKind is a failure the stand-in can inject.
type FaultKind int

const (
	// Denied answers 403 {"errors":["permission denied"]}.
	Denied FaultKind = iota + 1
	// Throttle answers 429 with Retry-After (see SetRetryAfter) and
	// Vault's quota message, as a rate-limit quota does.
	Throttle
	// Internal answers 500 {"errors":["internal error"]}.
	Internal
	// Unavailable answers 503 (a sealed or standby-less Vault) with
	// Retry-After.
	Unavailable
	// Malformed answers 200 with the first half of the real answer: invalid
	// JSON that still holds secret values, to prove that errors never quote
	// a body.
	Malformed
	// WrongShape answers 200 with valid JSON of the wrong shape (a string
	// where an object is expected).
	WrongShape
	// Hang never answers: the request is held until the client gives up or
	// the stand-in is closed.
	Hang
	// Echo answers 400 with a JSON error document whose message quotes the
	// real answer (secret values and all), as a misbehaving plugin or proxy
	// might, to prove that an error message never carries a value.
	Echo
)

// The operations, for Fail and Requests.
const (
	OpList        = "list"        // LIST <mount>/metadata/<folder> (v2) or <mount>/<folder> (v1)
	OpMetadata    = "metadata"    // GET <mount>/metadata/<path>
	OpData        = "data"        // GET <mount>/data/<path> (v2)
	OpReadV1      = "read-v1"     // GET <mount>/<path> (v1)
	OpUIMounts    = "ui-mounts"   // GET sys/internal/ui/mounts/<path>
	OpSysMounts   = "sys-mounts"  // GET sys/mounts
	OpLookupSelf  = "lookup-self" // GET auth/token/lookup-self
	OpRenewSelf   = "renew-self"  // PUT auth/token/renew-self
	OpLogin       = "login"       // PUT auth/<mount>/login
	OpUnsupported = "unsupported" // anything else
)

type fault struct {
	op, path string // "" matches any
	kind     FaultKind
	left     int // < 0: until Heal
}

// Fail makes the next times requests of op ("" for every operation) whose
// path contains pathPart ("" for any) fail with kind; times <= 0 means until
// Heal. Faults are consumed in the order they were added.
func (s *Server) Fail(op, pathPart string, kind FaultKind, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if times <= 0 {
		times = -1
	}
	s.faults = append(s.faults, &fault{op: op, path: pathPart, kind: kind, left: times})
}

// Heal removes every fault and denied path.
func (s *Server) Heal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.denied = map[string]bool{}
}

// takeFault returns the fault to apply to a request, if any. It is called
// with s.mu held.
func (s *Server) takeFault(op, path string) FaultKind {
	for i, f := range s.faults {
		if (f.op != "" && f.op != op) || (f.path != "" && !strings.Contains(path, f.path)) {
			continue
		}
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

// SetRetryAfter sets the Retry-After header of Throttle and Unavailable
// answers, in seconds (default 1; 0 sends none).
func (s *Server) SetRetryAfter(seconds int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retryAfter = seconds
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

// Counts returns the request counts by operation.
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// Entry is one answered request: when the answer was written (real time),
// the operation and the status.
type Entry struct {
	Time   time.Time
	Op     string
	Status int
}

// Log returns the answered requests in order (a Hang is not answered).
func (s *Server) Log() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Entry(nil), s.log...)
}

// ResetRequests sets the request counters to zero and empties the log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
	s.counts = map[string]int{}
	s.total = 0
	s.namespaces = map[string]int{}
}
