package vaultfake

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"
)

// RootToken is the token the stand-in accepts from the start. It never
// expires and is not renewable, like a Vault root token.
const RootToken = "hvs.hush-test-root-token-0001"

// Server is a running stand-in. Its methods are safe for concurrent use,
// also while requests are being served.
type Server struct {
	// URL is the address, "http://127.0.0.1:port" (VAULT_ADDR).
	URL string

	srv  *httptest.Server
	quit chan struct{} // closed by Close: releases hanging requests

	mu         sync.Mutex
	now        func() time.Time
	mounts     map[string]*mount // by path without the trailing slash
	tokens     map[string]*token
	k8sRoles   map[string]map[string]k8sRole // auth mount -> role -> binding
	appRoles   map[string]map[string]string  // auth mount -> role_id -> secret_id
	tokenTTL   time.Duration
	tokenMax   time.Duration
	faults     []*fault
	denied     map[string]bool // secret paths ("secret/prod/db") answering 403
	counts     map[string]int
	total      int
	namespaces map[string]int // X-Vault-Namespace values seen
	noUIMounts bool
	log        []Entry
	retryAfter int // seconds
}

type mount struct {
	path    string // without the trailing slash
	version int    // 1 or 2
	entries map[string]*entry
}

type entry struct {
	versions []*version // versions[i] is version i+1
	created  time.Time
	updated  time.Time
}

type version struct {
	data    map[string]any
	created time.Time
	deleted time.Time // zero unless deleted
	destroy bool
	number  int
}

type token struct {
	expires   time.Time // zero: never
	renewable bool
	maxUntil  time.Time // zero: no maximum
	ttl       time.Duration
	policies  []string
}

type k8sRole struct {
	jwt string
}

// New starts a stand-in on 127.0.0.1 with no mount. Close it when done.
func New() *Server {
	s := &Server{
		quit:       make(chan struct{}),
		now:        time.Now,
		mounts:     map[string]*mount{},
		tokens:     map[string]*token{RootToken: {policies: []string{"root"}}},
		k8sRoles:   map[string]map[string]k8sRole{},
		appRoles:   map[string]map[string]string{},
		tokenTTL:   time.Hour,
		tokenMax:   24 * time.Hour,
		denied:     map[string]bool{},
		counts:     map[string]int{},
		namespaces: map[string]int{},
		retryAfter: 1,
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close releases requests held by a Hang fault and shuts the server down.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	s.mu.Unlock()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// SetClock sets the clock of created_time, deletion_time and token TTLs;
// default time.Now.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// Environ returns VAULT_ADDR and VAULT_TOKEN (the root token) for the
// stand-in, and empties the other VAULT_* variables the client reads, so
// that nothing on the machine is consulted.
func (s *Server) Environ() []string {
	return []string{
		"VAULT_ADDR=" + s.URL,
		"VAULT_TOKEN=" + RootToken,
		"VAULT_NAMESPACE=",
		"VAULT_CACERT=", "VAULT_CAPATH=", "VAULT_CLIENT_CERT=", "VAULT_CLIENT_KEY=",
		"VAULT_SKIP_VERIFY=", "VAULT_TLS_SERVER_NAME=", "VAULT_AGENT_ADDR=",
		"VAULT_MAX_RETRIES=", "VAULT_CLIENT_TIMEOUT=", "VAULT_RATE_LIMIT=",
		"VAULT_SRV_LOOKUP=", "VAULT_PROXY_ADDR=", "VAULT_HTTP_PROXY=",
		"VAULT_DISABLE_REDIRECTS=",
	}
}

// Mount adds a KV mount at path ("secret", "kv/team-a") of version 1 or 2.
func (s *Server) Mount(path string, version int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	path = strings.Trim(path, "/")
	s.mounts[path] = &mount{path: path, version: version, entries: map[string]*entry{}}
}

// DisableUIMounts makes sys/internal/ui/mounts answer 403, as a Vault whose
// token may not use it would, so that a client must fall back to sys/mounts.
func (s *Server) DisableUIMounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noUIMounts = true
}

// find returns the mount holding path ("secret/prod/db") and the path
// inside it, by longest mount prefix. It is called with s.mu held.
func (s *Server) find(path string) (*mount, string) {
	path = strings.TrimPrefix(path, "/")
	var best *mount
	for p, m := range s.mounts {
		if (path == p || strings.HasPrefix(path, p+"/")) && (best == nil || len(p) > len(best.path)) {
			best = m
		}
	}
	if best == nil {
		return nil, ""
	}
	return best, strings.TrimPrefix(strings.TrimPrefix(path, best.path), "/")
}

// Put writes a new version of the secret at path ("secret/prod/db": mount
// and path inside it). On a KV v1 mount it overwrites the only version.
// It panics when no mount holds path.
func (s *Server) Put(path string, data map[string]any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, p := s.find(path)
	if m == nil || p == "" {
		panic(fmt.Sprintf("vaultfake: no mount for %q", path))
	}
	now := s.now().UTC()
	e := m.entries[p]
	if e == nil {
		e = &entry{created: now}
		m.entries[p] = e
	}
	cp := make(map[string]any, len(data))
	for k, v := range data {
		cp[k] = v
	}
	v := &version{data: cp, created: now}
	if m.version == 1 {
		e.versions = []*version{v}
	} else {
		e.versions = append(e.versions, v)
	}
	v.number = len(e.versions)
	e.updated = now
	return v.number
}

// DeleteVersion soft-deletes one version of a KV v2 secret (its data reads
// answer 404; its metadata shows the deletion_time), as `vault kv delete
// -versions=N` does. Version 0 means the current one.
func (s *Server) DeleteVersion(path string, n int) {
	s.editVersion(path, n, func(v *version, now time.Time) { v.deleted = now })
}

// UndeleteVersion restores a soft-deleted version (`vault kv undelete`).
// Version 0 means the current one.
func (s *Server) UndeleteVersion(path string, n int) {
	s.editVersion(path, n, func(v *version, _ time.Time) {
		if !v.destroy {
			v.deleted = time.Time{}
		}
	})
}

// DestroyVersion destroys one version of a KV v2 secret for good, as `vault
// kv destroy -versions=N` does. Version 0 means the current one.
func (s *Server) DestroyVersion(path string, n int) {
	s.editVersion(path, n, func(v *version, _ time.Time) { v.destroy = true; v.data = nil })
}

func (s *Server) editVersion(path string, n int, f func(*version, time.Time)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, p := s.find(path)
	if m == nil {
		return
	}
	e := m.entries[p]
	if e == nil || len(e.versions) == 0 {
		return
	}
	if n <= 0 {
		n = len(e.versions)
	}
	if n <= len(e.versions) {
		f(e.versions[n-1], s.now().UTC())
	}
}

// DeleteMetadata removes a secret and every version of it (`vault kv
// metadata delete`), or on a KV v1 mount the secret.
func (s *Server) DeleteMetadata(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, p := s.find(path); m != nil {
		delete(m.entries, p)
	}
}

// DenyPath makes every request about the secret at path ("secret/prod/db")
// answer 403 permission denied; it is still listed in its folder, as with a
// policy granting list on the folder but not read on the secret.
func (s *Server) DenyPath(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied[strings.Trim(path, "/")] = true
}

// SetTokenTTL sets the TTL and maximum TTL of the tokens logins issue from
// now on and renewals grant (default one hour and 24 hours).
func (s *Server) SetTokenTTL(ttl, max time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenTTL, s.tokenMax = ttl, max
}

// AddToken makes token valid with this TTL (0: never expires), renewable or
// not, up to the maximum TTL set by SetTokenTTL.
func (s *Server) AddToken(tok string, ttl time.Duration, renewable bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	t := &token{renewable: renewable, ttl: ttl, policies: []string{"hush"}}
	if ttl > 0 {
		t.expires = now.Add(ttl)
		t.maxUntil = now.Add(s.tokenMax)
	}
	s.tokens[tok] = t
}

// RevokeToken makes tok invalid.
func (s *Server) RevokeToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, tok)
}

// AddKubernetesRole lets a Kubernetes login on auth mount authMount
// ("kubernetes") with role and this service account token (jwt) succeed.
func (s *Server) AddKubernetesRole(authMount, role, jwt string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.k8sRoles[authMount] == nil {
		s.k8sRoles[authMount] = map[string]k8sRole{}
	}
	s.k8sRoles[authMount][role] = k8sRole{jwt: jwt}
}

// AddAppRole lets an AppRole login on auth mount authMount ("approle") with
// roleID and secretID succeed.
func (s *Server) AddAppRole(authMount, roleID, secretID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.appRoles[authMount] == nil {
		s.appRoles[authMount] = map[string]string{}
	}
	s.appRoles[authMount][roleID] = secretID
}

// issue makes a new renewable token with the configured TTL. It is called
// with s.mu held.
func (s *Server) issue() (string, *token) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	tok := "hvs.issued-" + hex.EncodeToString(b[:])
	now := s.now()
	t := &token{expires: now.Add(s.tokenTTL), renewable: true, maxUntil: now.Add(s.tokenMax), ttl: s.tokenTTL, policies: []string{"default", "hush"}}
	s.tokens[tok] = t
	return tok, t
}

// TokenValid reports whether tok is a live token.
func (s *Server) TokenValid(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authorized(tok)
}

// Tokens returns how many tokens logins have issued and are still valid.
func (s *Server) Tokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	n := 0
	for tok, t := range s.tokens {
		if tok != RootToken && (t.expires.IsZero() || now.Before(t.expires)) {
			n++
		}
	}
	return n
}

// Paths returns the paths ("secret/prod/db") of the secrets of every mount,
// sorted.
func (s *Server) Paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, m := range s.mounts {
		for p := range m.entries {
			out = append(out, m.path+"/"+p)
		}
	}
	sort.Strings(out)
	return out
}

// Namespaces returns how many requests carried each X-Vault-Namespace value
// ("" for none).
func (s *Server) Namespaces() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.namespaces))
	for k, v := range s.namespaces {
		out[k] = v
	}
	return out
}
