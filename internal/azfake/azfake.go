// Package azfake is a loopback stand-in of the Azure Key Vault secrets REST
// API, as the azsecrets client uses it: the bearer challenge, the list of
// secrets and of a secret's versions (paged with nextLink) and the read of
// one version, with request counters and fault injection. It serves TLS
// (httptest): give the client Server.Client or the
// certificate of Server.CertPEM.
//
// Only what hush needs is modelled: secrets are created and versioned with
// Set, versions enabled or disabled with SetEnabled, and secrets deleted
// (purged) with Delete. It uses the standard library only.
package azfake

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"time"
)

// Token is the bearer token the stand-in accepts.
const Token = "azfake-access-token"

// Tenant is the tenant named by the challenge.
const Tenant = "00000000-0000-0000-0000-0000000000aa"

// The operations, for Fail and Requests.
const (
	OpChallenge   = "challenge"   // any request without a valid bearer token (answered 401)
	OpList        = "list"        // GET /secrets
	OpVersions    = "versions"    // GET /secrets/NAME/versions
	OpGet         = "get"         // GET /secrets/NAME[/VERSION]
	OpUnsupported = "unsupported" // anything else
)

// Server is a running stand-in. Its methods are safe for concurrent use.
type Server struct {
	ts   *httptest.Server
	quit chan struct{}

	mu       sync.Mutex
	now      func() time.Time
	secrets  map[string]*secret
	counts   map[string]int
	faults   []*fault
	denied   map[string]bool
	pageSize int
	resource string
	log      []Request

	retryAfter time.Duration
	challenge  string
}

type secret struct {
	name     string
	tags     map[string]string
	versions []*version // oldest first
}

type version struct {
	id               string
	value            string
	enabled          bool
	created, updated time.Time
}

// Request is one answered request, for tests of timing.
type Request struct {
	Op     string
	Status int
	At     time.Time
}

// New starts a stand-in on loopback. Close it.
func New() *Server {
	s := &Server{
		quit:     make(chan struct{}),
		now:      time.Now,
		secrets:  map[string]*secret{},
		counts:   map[string]int{},
		denied:   map[string]bool{},
		pageSize: 25,
		resource: "https://vault.azure.net",

		retryAfter: time.Second,
	}
	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	// Handshakes cut short by a client closing are expected here.
	s.ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.ts.StartTLS()
	return s
}

// URL is the vault's URL (https://127.0.0.1:PORT).
func (s *Server) URL() string { return s.ts.URL }

// Client returns an HTTP client that trusts the stand-in's certificate.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// CertPEM returns the stand-in's certificate in PEM form (for
// SSL_CERT_FILE).
func (s *Server) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ts.Certificate().Raw})
}

// CertPool returns a pool holding the stand-in's certificate.
func (s *Server) CertPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.ts.Certificate())
	return p
}

// Close releases every held request and stops the stand-in.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	s.mu.Unlock()
	s.ts.Close()
}

// SetClock sets the clock of creation and update times.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// SetPageSize sets how many items a page of a list holds (default 25, as
// Key Vault).
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = max(n, 1)
}

// SetChallengeResource sets the resource the challenge names (default
// https://vault.azure.net, as Azure's public cloud).
func (s *Server) SetChallengeResource(r string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resource = r
}

// SetChallenge sets the whole WWW-Authenticate header of the challenge
// (a malformed challenge); "" restores the default.
func (s *Server) SetChallenge(h string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.challenge = h
}

// Set writes a new enabled version of secret name with value and, when
// tags is not nil, sets the secret's tags. It returns the version id.
func (s *Server) Set(name, value string, tags map[string]string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec := s.secrets[name]
	if sec == nil {
		sec = &secret{name: name, tags: map[string]string{}}
		s.secrets[name] = sec
	}
	if tags != nil {
		sec.tags = tags
	}
	now := s.now().Truncate(time.Second) // Key Vault's times are Unix seconds
	id := fmt.Sprintf("%032x", rand.Uint64()<<32|uint64(len(sec.versions)+1))
	sec.versions = append(sec.versions, &version{id: id, value: value, enabled: true, created: now, updated: now})
	return id
}

// SetEnabled enables or disables one version (Key Vault's "update secret
// properties").
func (s *Server) SetEnabled(name, versionID string, enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sec := s.secrets[name]; sec != nil {
		for _, v := range sec.versions {
			if v.id == versionID {
				v.enabled = enabled
				v.updated = s.now().Truncate(time.Second)
			}
		}
	}
}

// Delete removes a secret and every version (a deletion and a purge).
func (s *Server) Delete(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.secrets, name)
}

// Deny makes every request about secret name answer 403 Forbidden (an
// identity without access to it); Heal undoes it.
func (s *Server) Deny(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied[name] = true
}

// Requests returns how many requests of op were answered.
func (s *Server) Requests(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[op]
}

// Counts returns the number of answered requests by operation.
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// Log returns the answered requests, oldest first.
func (s *Server) Log() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ResetRequests zeroes the counters and the log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[string]int{}
	s.log = nil
}

// sortedVersions returns a secret's versions, oldest first.
func (sec *secret) sortedVersions() []*version {
	vs := append([]*version(nil), sec.versions...)
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].created.Before(vs[j].created) })
	return vs
}
