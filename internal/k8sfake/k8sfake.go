// Package k8sfake is a loopback stand-in for the part of the Kubernetes API
// server that a Secrets informer uses: LIST and WATCH of secrets in a
// namespace (or in all namespaces) with a label selector, the streaming
// list of a WATCH with sendInitialEvents=true, and GET of one Secret. It
// lets the real client-go, configured by a kubeconfig pointing at its URL,
// run end to end in tests (the provider's own tests use client-go's fake
// clientset). It speaks JSON only and has no authentication: a namespace
// can be made to answer 403.
package k8sfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is the stand-in. It is safe for concurrent use.
type Server struct {
	// URL is the server's base URL (http://127.0.0.1:PORT).
	URL string

	srv *httptest.Server

	mu      sync.Mutex
	rv      int
	secrets map[string]map[string]*object // namespace, name
	events  []event
	denied  map[string]bool
	counts  map[string]int // "list", "watch", "get"
	wake    chan struct{}  // closed and replaced on every change
	closed  chan struct{}
	warning string // sent as a Warning header with every response (Warn)
}

// Warn makes every later response carry a Warning header (RFC 7234, code
// 299, as the API server sends for deprecations and admission warnings)
// with text.
func (s *Server) Warn(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.warning = text
}

type object struct {
	ns, name, typ string
	labels        map[string]string
	data          map[string][]byte
	rv            int
}

type event struct {
	typ string // ADDED, MODIFIED, DELETED
	obj *object
}

// New starts a stand-in; Close stops it.
func New() *Server {
	s := &Server{secrets: map[string]map[string]*object{}, denied: map[string]bool{}, counts: map[string]int{},
		wake: make(chan struct{}), closed: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close ends the open watches and stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
	s.mu.Unlock()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Kubeconfig writes a kubeconfig for the stand-in into dir and returns its
// path; its context is "standin".
func (s *Server) Kubeconfig(dir string) (string, error) {
	path := filepath.Join(dir, "kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: standin
  cluster:
    server: %s
users:
- name: standin
  user:
    token: standin-token
contexts:
- name: standin
  context:
    cluster: standin
    user: standin
current-context: standin
`, s.URL)
	return path, os.WriteFile(path, []byte(cfg), 0o600)
}

// Put creates or replaces a Secret of type typ ("Opaque",
// "kubernetes.io/tls", ...).
func (s *Server) Put(ns, name, typ string, data map[string]string, labels map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rv++
	o := &object{ns: ns, name: name, typ: typ, labels: labels, data: map[string][]byte{}, rv: s.rv}
	for k, v := range data {
		o.data[k] = []byte(v)
	}
	if s.secrets[ns] == nil {
		s.secrets[ns] = map[string]*object{}
	}
	et := "ADDED"
	if _, ok := s.secrets[ns][name]; ok {
		et = "MODIFIED"
	}
	s.secrets[ns][name] = o
	s.events = append(s.events, event{et, o})
	s.notify()
}

// Delete deletes a Secret.
func (s *Server) Delete(ns, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.secrets[ns][name]
	if !ok {
		return
	}
	delete(s.secrets[ns], name)
	s.rv++
	gone := *o
	gone.rv = s.rv
	s.events = append(s.events, event{"DELETED", &gone})
	s.notify()
}

// Deny makes every request about the namespace answer 403 Forbidden.
func (s *Server) Deny(ns string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied[ns] = true
}

// Requests returns how many requests of a verb ("list", "watch", "get")
// the stand-in has answered.
func (s *Server) Requests(verb string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[verb]
}

func (s *Server) notify() {
	close(s.wake)
	s.wake = make(chan struct{})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.warning != "" {
		w.Header().Add("Warning", `299 - "`+strings.ReplaceAll(s.warning, `"`, `\"`)+`"`)
	}
	s.mu.Unlock()
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	var ns, name string
	switch {
	case len(parts) == 3 && parts[0] == "api" && parts[1] == "v1" && parts[2] == "secrets":
	case len(parts) >= 5 && parts[0] == "api" && parts[1] == "v1" && parts[2] == "namespaces" && parts[4] == "secrets" && len(parts) <= 6:
		ns = parts[3]
		if len(parts) == 6 {
			name = parts[5]
		}
	default:
		status(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource")
		return
	}
	if r.Method != http.MethodGet {
		status(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "only GET is served")
		return
	}
	q := r.URL.Query()
	verb := "list"
	switch {
	case name != "":
		verb = "get"
	case q.Get("watch") == "true" || q.Get("watch") == "1":
		verb = "watch"
	}
	s.mu.Lock()
	s.counts[verb]++
	denied := s.denied[ns]
	s.mu.Unlock()
	if denied {
		status(w, http.StatusForbidden, "Forbidden", fmt.Sprintf(`secrets is forbidden: User "system:serviceaccount:test:hush" cannot %s resource "secrets" in API group "" in the namespace %q`, verb, ns))
		return
	}
	sel, err := parseSelector(q.Get("labelSelector"))
	if err != nil {
		status(w, http.StatusBadRequest, "BadRequest", "unable to parse the label selector")
		return
	}
	switch verb {
	case "get":
		s.mu.Lock()
		o, ok := s.secrets[ns][name]
		s.mu.Unlock()
		if !ok {
			status(w, http.StatusNotFound, "NotFound", fmt.Sprintf("secrets %q not found", name))
			return
		}
		writeJSON(w, o.json())
	case "list":
		s.mu.Lock()
		items := s.matching(ns, sel)
		rv := s.rv
		s.mu.Unlock()
		list := map[string]any{"kind": "SecretList", "apiVersion": "v1", "metadata": map[string]any{"resourceVersion": strconv.Itoa(rv)}, "items": items}
		writeJSON(w, list)
	case "watch":
		s.watch(w, r, ns, sel)
	}
}

// matching returns the Secrets of ns ("" for all) that sel selects, sorted.
func (s *Server) matching(ns string, sel map[string]string) []any {
	var objs []*object
	for n, byName := range s.secrets {
		if ns != "" && n != ns {
			continue
		}
		for _, o := range byName {
			if selects(sel, o.labels) {
				objs = append(objs, o)
			}
		}
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].rv < objs[j].rv })
	items := make([]any, len(objs))
	for i, o := range objs {
		items[i] = o.json()
	}
	return items
}

// watch streams the events after the request's resourceVersion (or, with
// sendInitialEvents=true, the current Secrets then a bookmark) until the
// client leaves, the timeout ends or the server closes.
func (s *Server) watch(w http.ResponseWriter, r *http.Request, ns string, sel map[string]string) {
	q := r.URL.Query()
	timeout := 5 * time.Minute
	if t, err := strconv.Atoi(q.Get("timeoutSeconds")); err == nil && t > 0 {
		timeout = time.Duration(t) * time.Second
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	enc := json.NewEncoder(w)
	send := func(typ string, obj any) bool {
		if err := enc.Encode(map[string]any{"type": typ, "object": obj}); err != nil {
			return false
		}
		if fl != nil {
			fl.Flush()
		}
		return true
	}
	s.mu.Lock()
	since, _ := strconv.Atoi(q.Get("resourceVersion"))
	if q.Get("sendInitialEvents") == "true" {
		items := s.matching(ns, sel)
		rv := s.rv
		s.mu.Unlock()
		for _, it := range items {
			if !send("ADDED", it) {
				return
			}
		}
		if !send("BOOKMARK", map[string]any{"kind": "Secret", "apiVersion": "v1", "metadata": map[string]any{
			"resourceVersion": strconv.Itoa(rv), "annotations": map[string]string{"k8s.io/initial-events-end": "true"}}}) {
			return
		}
		since = rv
		s.mu.Lock()
	}
	for {
		var out []event
		for _, e := range s.events {
			if e.obj.rv > since && (ns == "" || e.obj.ns == ns) {
				out = append(out, e)
			}
		}
		wake := s.wake
		s.mu.Unlock()
		for _, e := range out {
			since = e.obj.rv
			if !selects(sel, e.obj.labels) {
				continue
			}
			if !send(e.typ, e.obj.json()) {
				return
			}
		}
		select {
		case <-wake:
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		case <-deadline.C:
			return
		}
		s.mu.Lock()
	}
}

func (o *object) json() map[string]any {
	meta := map[string]any{"name": o.name, "namespace": o.ns, "resourceVersion": strconv.Itoa(o.rv)}
	if len(o.labels) > 0 {
		meta["labels"] = o.labels
	}
	return map[string]any{"kind": "Secret", "apiVersion": "v1", "metadata": meta, "type": o.typ, "data": o.data}
}

// parseSelector reads an equality selector "k=v,k2==v2,k3" (k3: the label
// exists).
func parseSelector(s string) (map[string]string, error) {
	sel := map[string]string{}
	for _, term := range strings.Split(s, ",") {
		term = strings.TrimSpace(term)
		if term == "" {
			continue
		}
		if strings.ContainsAny(term, "!()") {
			return nil, fmt.Errorf("unsupported selector term")
		}
		k, v, ok := strings.Cut(strings.Replace(term, "==", "=", 1), "=")
		if !ok {
			v = "\x00exists"
		}
		sel[k] = v
	}
	return sel, nil
}

func selects(sel, labels map[string]string) bool {
	for k, v := range sel {
		got, ok := labels[k]
		if !ok || (v != "\x00exists" && got != v) {
			return false
		}
	}
	return true
}

func status(w http.ResponseWriter, code int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
		"status": "Failure", "message": msg, "reason": reason, "code": code})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
