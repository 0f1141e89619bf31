package vaultfake

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// answer is a response before it is written: a status and a JSON document.
type answer struct {
	status int
	body   any
}

func errAnswer(status int, msgs ...string) answer {
	if msgs == nil {
		msgs = []string{}
	}
	return answer{status, map[string]any{"errors": msgs}}
}

var (
	errDenied   = errAnswer(http.StatusForbidden, "permission denied")
	errNotFound = errAnswer(http.StatusNotFound)
)

// secretAnswer wraps data the way Vault wraps every logical response.
func secretAnswer(data any) answer {
	return answer{http.StatusOK, map[string]any{
		"request_id": "00000000-0000-0000-0000-000000000000", "lease_id": "", "renewable": false,
		"lease_duration": 0, "data": data, "wrap_info": nil, "warnings": nil, "auth": nil,
	}}
}

func authAnswer(tok string, t *token, now time.Time) answer {
	return answer{http.StatusOK, map[string]any{
		"request_id": "00000000-0000-0000-0000-000000000000", "lease_id": "", "renewable": false,
		"lease_duration": 0, "data": nil, "wrap_info": nil, "warnings": nil,
		"auth": map[string]any{
			"client_token": tok, "accessor": "acc-" + tok[len(tok)-6:], "policies": t.policies,
			"token_policies": t.policies, "metadata": map[string]any{},
			"lease_duration": int(t.remaining(now).Seconds()), "renewable": t.renewable,
			"entity_id": "", "token_type": "service", "orphan": true,
		},
	}}
}

func (t *token) remaining(now time.Time) time.Duration {
	if t.expires.IsZero() {
		return 0
	}
	return t.expires.Sub(now)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// route names the operation of a request and the secret path it concerns
// ("secret/prod/db", for DenyPath and faults). It is called with s.mu held.
func (s *Server) route(r *http.Request) (op, secretPath string, m *mount, rest string) {
	p := strings.TrimPrefix(r.URL.Path, "/v1/")
	list := r.Method == "LIST" || (r.Method == http.MethodGet && r.URL.Query().Get("list") == "true")
	switch {
	case strings.HasPrefix(p, "sys/internal/ui/mounts/"):
		return OpUIMounts, "", nil, strings.TrimPrefix(p, "sys/internal/ui/mounts/")
	case p == "sys/mounts":
		return OpSysMounts, "", nil, ""
	case p == "auth/token/lookup-self":
		return OpLookupSelf, "", nil, ""
	case p == "auth/token/renew-self":
		return OpRenewSelf, "", nil, ""
	case strings.HasPrefix(p, "auth/") && strings.HasSuffix(p, "/login"):
		return OpLogin, "", nil, strings.TrimSuffix(strings.TrimPrefix(p, "auth/"), "/login")
	}
	m, rest = s.find(p)
	if m == nil {
		return OpUnsupported, "", nil, ""
	}
	if m.version == 1 {
		if list {
			return OpList, m.path + "/" + rest, m, rest
		}
		return OpReadV1, m.path + "/" + rest, m, rest
	}
	switch {
	case list && (strings.HasPrefix(rest, "metadata/") || rest == "metadata"):
		rest = strings.TrimPrefix(strings.TrimPrefix(rest, "metadata"), "/")
		return OpList, m.path + "/" + rest, m, rest
	case strings.HasPrefix(rest, "metadata/"):
		rest = strings.TrimPrefix(rest, "metadata/")
		return OpMetadata, m.path + "/" + rest, m, rest
	case strings.HasPrefix(rest, "data/"):
		rest = strings.TrimPrefix(rest, "data/")
		return OpData, m.path + "/" + rest, m, rest
	}
	return OpUnsupported, "", nil, ""
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))

	s.mu.Lock()
	op, secretPath, m, rest := s.route(r)
	s.counts[op]++
	s.total++
	s.namespaces[r.Header.Get("X-Vault-Namespace")]++
	kind := s.takeFault(op, strings.TrimPrefix(r.URL.Path, "/v1/"))
	retryAfter := s.retryAfter
	var a answer
	switch {
	case kind == Hang:
	case op != OpLogin && !s.authorized(r.Header.Get("X-Vault-Token")):
		a = errDenied
	case secretPath != "" && s.denied[strings.Trim(secretPath, "/")]:
		a = errDenied
	default:
		a = s.handle(r, op, m, rest, body)
	}
	s.mu.Unlock()

	switch kind {
	case Hang:
		select {
		case <-r.Context().Done():
		case <-s.quit:
		}
		return
	case Denied:
		a = errDenied
	case Throttle:
		if retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		}
		a = errAnswer(http.StatusTooManyRequests, "request path \"/v1/"+strings.TrimPrefix(r.URL.Path, "/v1/")+"\": rate limit quota exceeded")
	case Internal:
		a = errAnswer(http.StatusInternalServerError, "internal error")
	case Unavailable:
		if retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		}
		a = errAnswer(http.StatusServiceUnavailable, "Vault is sealed")
	case WrongShape:
		a = answer{http.StatusOK, map[string]any{"data": "not an object", "auth": "not an object"}}
	case Echo:
		real, _ := json.Marshal(a.body)
		a = errAnswer(http.StatusBadRequest, "cannot handle "+string(real))
	}
	s.mu.Lock()
	s.log = append(s.log, Entry{Time: time.Now(), Op: op, Status: a.status})
	s.mu.Unlock()
	b, _ := json.Marshal(a.body)
	if kind == Malformed {
		b = b[:len(b)/2]
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(a.status)
	_, _ = w.Write(b)
}

// authorized reports whether tok is a live token. It is called with s.mu
// held.
func (s *Server) authorized(tok string) bool {
	t := s.tokens[tok]
	return t != nil && (t.expires.IsZero() || s.now().Before(t.expires))
}

// handle answers a request that passed the token check. It is called with
// s.mu held.
func (s *Server) handle(r *http.Request, op string, m *mount, rest string, body []byte) answer {
	now := s.now()
	switch op {
	case OpUIMounts:
		if s.noUIMounts {
			return errDenied
		}
		mm, _ := s.find(rest)
		if mm == nil {
			return errAnswer(http.StatusBadRequest, "no mount entry found for path \""+rest+"\"")
		}
		return secretAnswer(mountInfo(mm))
	case OpSysMounts:
		all := map[string]any{}
		for p, mm := range s.mounts {
			all[p+"/"] = mountInfo(mm)
		}
		return secretAnswer(all)
	case OpLookupSelf:
		tok := r.Header.Get("X-Vault-Token")
		t := s.tokens[tok]
		ttl := int(t.remaining(now).Seconds())
		return secretAnswer(map[string]any{
			"id": tok, "accessor": "acc", "policies": t.policies, "renewable": t.renewable,
			"ttl": ttl, "creation_ttl": int(t.ttl.Seconds()), "expire_time": nilIfEmpty(stamp(t.expires)),
			"type": "service", "orphan": true, "path": "auth/token/create",
		})
	case OpRenewSelf:
		tok := r.Header.Get("X-Vault-Token")
		t := s.tokens[tok]
		if !t.renewable || t.expires.IsZero() {
			return errAnswer(http.StatusBadRequest, "lease is not renewable")
		}
		var req struct {
			Increment any `json:"increment"`
		}
		_ = json.Unmarshal(body, &req)
		inc := s.tokenTTL
		switch v := req.Increment.(type) {
		case float64:
			if v > 0 {
				inc = time.Duration(v) * time.Second
			}
		case string:
			if d, err := time.ParseDuration(v); err == nil && d > 0 {
				inc = d
			} else if n, err := strconv.Atoi(v); err == nil && n > 0 {
				inc = time.Duration(n) * time.Second
			}
		}
		exp := now.Add(inc)
		if !t.maxUntil.IsZero() && exp.After(t.maxUntil) {
			exp = t.maxUntil
		}
		t.expires = exp
		return authAnswer(tok, t, now)
	case OpLogin:
		return s.login(rest, body, now)
	case OpList:
		return s.list(m, rest)
	case OpMetadata:
		e := m.entries[rest]
		if e == nil {
			return errNotFound
		}
		versions := map[string]any{}
		for _, v := range e.versions {
			versions[strconv.Itoa(v.number)] = map[string]any{
				"created_time": stamp(v.created), "deletion_time": stamp(v.deleted), "destroyed": v.destroy,
			}
		}
		return secretAnswer(map[string]any{
			"cas_required": false, "created_time": stamp(e.created), "current_version": len(e.versions),
			"custom_metadata": nil, "delete_version_after": "0s", "max_versions": 0, "oldest_version": 0,
			"updated_time": stamp(e.updated), "versions": versions,
		})
	case OpData:
		e := m.entries[rest]
		if e == nil || len(e.versions) == 0 {
			return errNotFound
		}
		n := len(e.versions)
		if q := r.URL.Query().Get("version"); q != "" && q != "0" {
			var err error
			if n, err = strconv.Atoi(q); err != nil || n < 1 {
				return errAnswer(http.StatusBadRequest, "invalid version")
			}
			if n > len(e.versions) {
				return errNotFound
			}
		}
		v := e.versions[n-1]
		meta := map[string]any{
			"created_time": stamp(v.created), "custom_metadata": nil, "deletion_time": stamp(v.deleted),
			"destroyed": v.destroy, "version": v.number,
		}
		if v.destroy || !v.deleted.IsZero() {
			// Vault answers 404 with the version's metadata and no data.
			a := secretAnswer(map[string]any{"data": nil, "metadata": meta})
			a.status = http.StatusNotFound
			return a
		}
		return secretAnswer(map[string]any{"data": v.data, "metadata": meta})
	case OpReadV1:
		e := m.entries[rest]
		if e == nil || len(e.versions) == 0 {
			return errNotFound
		}
		return secretAnswer(e.versions[0].data)
	}
	return errAnswer(http.StatusNotFound, "unsupported path")
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func mountInfo(m *mount) map[string]any {
	return map[string]any{
		"accessor": "kv_" + strings.ReplaceAll(m.path, "/", "_"), "config": map[string]any{"default_lease_ttl": 0, "max_lease_ttl": 0},
		"description": "", "external_entropy_access": false, "local": false,
		"options": map[string]any{"version": strconv.Itoa(m.version)}, "path": m.path + "/",
		"seal_wrap": false, "type": "kv", "uuid": "00000000-0000-0000-0000-" + strconv.Itoa(100000000000+len(m.path)),
	}
}

// list answers a LIST of folder rest ("" or "prod/") of m: the keys right
// under it, folders with a trailing slash, sorted; 404 when there is none.
func (s *Server) list(m *mount, rest string) answer {
	dir := strings.TrimSuffix(rest, "/")
	if dir != "" {
		dir += "/"
	}
	seen := map[string]bool{}
	var keys []string
	for p, e := range m.entries {
		if !strings.HasPrefix(p, dir) {
			continue
		}
		if len(e.versions) == 0 {
			continue
		}
		k := strings.TrimPrefix(p, dir)
		if i := strings.IndexByte(k, '/'); i >= 0 {
			k = k[:i+1]
		}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return errNotFound
	}
	sort.Strings(keys)
	return secretAnswer(map[string]any{"keys": keys})
}

// login answers auth/<authMount>/login for a Kubernetes or AppRole method.
// It is called with s.mu held.
func (s *Server) login(authMount string, body []byte, now time.Time) answer {
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		return errAnswer(http.StatusBadRequest, "failed to parse JSON input")
	}
	str := func(k string) string { v, _ := req[k].(string); return v }
	if roles, ok := s.k8sRoles[authMount]; ok {
		role, ok := roles[str("role")]
		if !ok {
			return errAnswer(http.StatusBadRequest, "invalid role name \""+str("role")+"\"")
		}
		if str("jwt") == "" || str("jwt") != role.jwt {
			return errDenied
		}
		tok, t := s.issue()
		return authAnswer(tok, t, now)
	}
	if roles, ok := s.appRoles[authMount]; ok {
		secretID, ok := roles[str("role_id")]
		if !ok || str("secret_id") != secretID {
			return errAnswer(http.StatusBadRequest, "invalid role or secret ID")
		}
		tok, t := s.issue()
		return authAnswer(tok, t, now)
	}
	return errAnswer(http.StatusBadRequest, "no handler for route \"auth/"+authMount+"/login\". route entry not found.")
}
