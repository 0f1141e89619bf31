package smfake

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"
)

// Region and Account are the region and account id in the ARNs the
// stand-in makes.
const (
	Region  = "us-east-1"
	Account = "123456789012"
)

// The staging labels.
const (
	StageCurrent  = "AWSCURRENT"
	StagePending  = "AWSPENDING"
	StagePrevious = "AWSPREVIOUS"
)

// Tag is a secret's tag.
type Tag struct {
	Key, Value string
}

// Server is a running stand-in. Its methods are safe for concurrent use,
// also while requests are being served.
type Server struct {
	// URL is the endpoint, "http://127.0.0.1:port".
	URL string

	srv *httptest.Server

	mu      sync.Mutex
	secrets map[string]*secret // by name
	byARN   map[string]*secret
	sorted  []*secret // by name; nil when it must be rebuilt
	faults  []*fault
	latency time.Duration
	counts  map[string]int
	bodies  map[string]map[string]bool // distinct request bodies per operation
	total   int
	conns   int
	now     func() time.Time
	closed  bool
}

type secret struct {
	name, arn   string
	description string
	tags        []Tag
	versions    map[string]*version
	order       []string // version ids, oldest first
	created     time.Time
	changed     time.Time
	denied      bool
	decryptFail bool
}

type version struct {
	id      string
	str     *string
	bin     []byte
	stages  []string
	created time.Time
}

// New starts a stand-in on 127.0.0.1. Close it when done.
func New() *Server {
	s := &Server{
		secrets: map[string]*secret{},
		byARN:   map[string]*secret{},
		counts:  map[string]int{},
		bodies:  map[string]map[string]bool{},
		now:     time.Now,
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
		}
	}
	s.srv.Start()
	s.URL = s.srv.URL
	return s
}

// Close shuts the stand-in down, closing every connection.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Put stores value as the new AWSCURRENT version of name, creating the
// secret (with tags) if needed; for an existing secret, tags given are added
// or replaced, the previous AWSCURRENT version becomes AWSPREVIOUS and the
// previous AWSPREVIOUS loses its label (it stays readable by version id). It
// returns the new version id.
func (s *Server) Put(name, value string, tags ...Tag) string {
	return s.put(name, &value, nil, tags)
}

// PutBinary is Put for a SecretBinary value.
func (s *Server) PutBinary(name string, value []byte, tags ...Tag) string {
	return s.put(name, nil, append([]byte(nil), value...), tags)
}

func (s *Server) put(name string, str *string, bin []byte, tags []Tag) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec := s.secrets[name]
	now := s.now()
	if sec == nil {
		sec = &secret{
			name:     name,
			arn:      fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-%s", Region, Account, name, randSuffix()),
			versions: map[string]*version{},
			created:  now,
		}
		s.secrets[name] = sec
		s.byARN[sec.arn] = sec
		s.sorted = nil
	}
	for _, t := range tags {
		sec.setTag(t)
	}
	v := sec.addVersion(str, bin, now)
	sec.moveStage(StagePrevious, sec.holder(StageCurrent))
	sec.moveStage(StageCurrent, v)
	sec.changed = now
	return v.id
}

// PutPending stages value as the AWSPENDING version of an existing secret,
// as a rotation's createSecret step does, and returns its version id.
func (s *Server) PutPending(name, value string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec := s.secrets[name]
	if sec == nil {
		return "", fmt.Errorf("smfake: no secret %q", name)
	}
	now := s.now()
	v := sec.addVersion(&value, nil, now)
	sec.moveStage(StagePending, v)
	sec.changed = now
	return v.id, nil
}

// FinishRotation completes a rotation as the finishSecret step does: the
// AWSPENDING version becomes AWSCURRENT (losing AWSPENDING), the old
// AWSCURRENT becomes AWSPREVIOUS.
func (s *Server) FinishRotation(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec := s.secrets[name]
	if sec == nil {
		return fmt.Errorf("smfake: no secret %q", name)
	}
	p := sec.holder(StagePending)
	if p == nil {
		return fmt.Errorf("smfake: secret %q has no %s version", name, StagePending)
	}
	sec.moveStage(StagePending, nil)
	sec.moveStage(StagePrevious, sec.holder(StageCurrent))
	sec.moveStage(StageCurrent, p)
	sec.changed = s.now()
	return nil
}

// Delete removes a secret at once (as DeleteSecret with
// ForceDeleteWithoutRecovery).
func (s *Server) Delete(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sec := s.secrets[name]; sec != nil {
		delete(s.secrets, name)
		delete(s.byARN, sec.arn)
		s.sorted = nil
	}
}

// SetTags adds or replaces tags of an existing secret.
func (s *Server) SetTags(name string, tags ...Tag) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sec := s.secrets[name]; sec != nil {
		for _, t := range tags {
			sec.setTag(t)
		}
	}
}

// SetDescription sets the description of an existing secret.
func (s *Server) SetDescription(name, description string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sec := s.secrets[name]; sec != nil {
		sec.description = description
	}
}

// ARN returns the ARN of a secret, or "" if there is none.
func (s *Server) ARN(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sec := s.secrets[name]; sec != nil {
		return sec.arn
	}
	return ""
}

// VersionID returns the id of the version of name holding stage, or "".
func (s *Server) VersionID(name, stage string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sec := s.secrets[name]; sec != nil {
		if v := sec.holder(stage); v != nil {
			return v.id
		}
	}
	return ""
}

// Names returns the names of all secrets, sorted.
func (s *Server) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.secrets))
	for n := range s.secrets {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (sec *secret) setTag(t Tag) {
	for i := range sec.tags {
		if sec.tags[i].Key == t.Key {
			sec.tags[i].Value = t.Value
			return
		}
	}
	sec.tags = append(sec.tags, t)
}

func (sec *secret) addVersion(str *string, bin []byte, now time.Time) *version {
	v := &version{id: newUUID(), str: str, bin: bin, created: now}
	sec.versions[v.id] = v
	sec.order = append(sec.order, v.id)
	return v
}

// holder returns the version holding stage, or nil.
func (sec *secret) holder(stage string) *version {
	for _, id := range sec.order {
		v := sec.versions[id]
		for _, st := range v.stages {
			if st == stage {
				return v
			}
		}
	}
	return nil
}

// moveStage takes stage from whichever version holds it and gives it to to
// (nil: to none).
func (sec *secret) moveStage(stage string, to *version) {
	if old := sec.holder(stage); old != nil {
		kept := old.stages[:0]
		for _, st := range old.stages {
			if st != stage {
				kept = append(kept, st)
			}
		}
		old.stages = kept
	}
	if to != nil {
		to.stages = append(to.stages, stage)
	}
}

// stagesMap is the version-to-stages map of the labelled versions.
func (sec *secret) stagesMap() map[string][]string {
	m := map[string][]string{}
	for _, id := range sec.order {
		if v := sec.versions[id]; len(v.stages) > 0 {
			m[id] = append([]string(nil), v.stages...)
		}
	}
	return m
}

// all returns every secret sorted by name. It is called with s.mu held.
func (s *Server) all() []*secret {
	if s.sorted == nil {
		s.sorted = make([]*secret, 0, len(s.secrets))
		for _, sec := range s.secrets {
			s.sorted = append(s.sorted, sec)
		}
		sort.Slice(s.sorted, func(i, j int) bool { return s.sorted[i].name < s.sorted[j].name })
	}
	return s.sorted
}

// lookup finds a secret by name or by full or partial ARN.
func (s *Server) lookup(id string) *secret {
	if sec := s.secrets[id]; sec != nil {
		return sec
	}
	if sec := s.byARN[id]; sec != nil {
		return sec
	}
	if strings.HasPrefix(id, "arn:") {
		// A partial ARN, without the random suffix.
		for arn, sec := range s.byARN {
			if strings.HasPrefix(arn, id+"-") && len(arn) == len(id)+7 {
				return sec
			}
		}
	}
	return nil
}

func randSuffix() string {
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b)
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
