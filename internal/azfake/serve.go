package azfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// answer is a response before it is written: a status, a JSON document and
// extra headers.
type answer struct {
	status int
	body   any
	header http.Header
}

// errAnswer is Key Vault's error document.
func errAnswer(status int, code, inner, msg string) answer {
	e := map[string]any{"code": code, "message": msg}
	if inner != "" {
		e["innererror"] = map[string]any{"code": inner}
	}
	return answer{status: status, body: map[string]any{"error": e}}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	op, name, rest := route(r)
	if r.Header.Get("Authorization") != "Bearer "+Token {
		// The bearer challenge: the first request of a client carries no
		// token, and learns the tenant and resource from this answer.
		ch := fmt.Sprintf(`Bearer authorization="https://login.microsoftonline.com/%s", resource="%s"`, Tenant, s.resource)
		if s.challenge != "" {
			ch = s.challenge
		}
		w.Header().Set("WWW-Authenticate", ch)
		s.record(OpChallenge, http.StatusUnauthorized)
		s.mu.Unlock()
		s.write(w, errAnswer(http.StatusUnauthorized, "Unauthorized", "", "AKV10000: Request is missing a Bearer or PoP token."))
		return
	}
	kind := 0
	if op != OpUnsupported {
		kind = int(s.takeFault(op, name))
	}
	var a answer
	switch FaultKind(kind) {
	case Hang:
		s.mu.Unlock()
		select {
		case <-r.Context().Done():
		case <-s.quit:
		}
		return
	case Forbidden:
		a = forbidden(name)
	case NotFound:
		a = notFound(name)
	case Throttle:
		a = errAnswer(http.StatusTooManyRequests, "Throttled", "", "Request was not processed because too many requests were received. Reason: A generic throttling exceeded.")
		a.header = s.retryHeader()
	case Unavailable:
		a = errAnswer(http.StatusServiceUnavailable, "ServiceUnavailable", "", "The service is unavailable.")
		a.header = s.retryHeader()
	default:
		a = s.handle(op, name, rest, r)
	}
	if FaultKind(kind) == Malformed || FaultKind(kind) == WrongShape {
		if a.status == http.StatusOK {
			b, _ := json.Marshal(a.body)
			if FaultKind(kind) == Malformed {
				a.body = json.RawMessage(b[:len(b)/2])
			} else {
				a.body = "unexpected"
			}
		}
	}
	s.record(op, a.status)
	s.mu.Unlock()
	s.write(w, a)
}

// record counts an answered request; s.mu is held.
func (s *Server) record(op string, status int) {
	s.counts[op]++
	s.log = append(s.log, Request{Op: op, Status: status, At: time.Now()})
}

// retryHeader is the Retry-After of a throttled answer; s.mu is held.
func (s *Server) retryHeader() http.Header {
	h := http.Header{}
	secs := int((s.retryAfter + time.Second - 1) / time.Second)
	h.Set("Retry-After", strconv.Itoa(max(secs, 1)))
	if s.retryAfter < time.Second {
		h.Set("Retry-After-Ms", strconv.FormatInt(s.retryAfter.Milliseconds(), 10))
	}
	return h
}

func (s *Server) write(w http.ResponseWriter, a answer) {
	for k, vs := range a.header {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(a.status)
	if raw, ok := a.body.(json.RawMessage); ok {
		_, _ = w.Write(raw)
		return
	}
	_ = json.NewEncoder(w).Encode(a.body)
}

// route names a request's operation, its secret and the rest of its path
// (a version id).
func route(r *http.Request) (op, name, rest string) {
	if r.Method != http.MethodGet {
		return OpUnsupported, "", ""
	}
	p := strings.TrimSuffix(r.URL.Path, "/")
	if p == "/secrets" {
		return OpList, "", ""
	}
	after, ok := strings.CutPrefix(p, "/secrets/")
	if !ok || after == "" {
		return OpUnsupported, "", ""
	}
	name, rest, _ = strings.Cut(after, "/")
	if rest == "versions" {
		return OpVersions, name, ""
	}
	if strings.Contains(rest, "/") {
		return OpUnsupported, "", ""
	}
	return OpGet, name, rest
}

func forbidden(name string) answer {
	return errAnswer(http.StatusForbidden, "Forbidden", "ForbiddenByRbac",
		fmt.Sprintf("Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action' Resource: 'secrets/%s'", name))
}

func notFound(name string) answer {
	return errAnswer(http.StatusNotFound, "SecretNotFound", "",
		fmt.Sprintf("A secret with (name/id) %s was not found in this key vault.", name))
}

// handle answers an authenticated request without a fault; s.mu is held.
func (s *Server) handle(op, name, rest string, r *http.Request) answer {
	switch op {
	case OpList:
		names := make([]string, 0, len(s.secrets))
		for n, sec := range s.secrets {
			if len(sec.versions) > 0 {
				names = append(names, n)
			}
		}
		sortStrings(names)
		return s.page(r, len(names), func(i int) any {
			sec := s.secrets[names[i]]
			vs := sec.sortedVersions()
			return s.props(sec, vs[len(vs)-1], false)
		})
	case OpVersions:
		if s.denied[name] {
			return forbidden(name)
		}
		sec := s.secrets[name]
		if sec == nil {
			return notFound(name)
		}
		vs := sec.sortedVersions()
		return s.page(r, len(vs), func(i int) any { return s.props(sec, vs[i], true) })
	case OpGet:
		if s.denied[name] {
			return forbidden(name)
		}
		sec := s.secrets[name]
		if sec == nil {
			return notFound(name)
		}
		vs := sec.sortedVersions()
		v := vs[len(vs)-1]
		if rest != "" {
			v = nil
			for _, x := range vs {
				if x.id == rest {
					v = x
				}
			}
			if v == nil {
				return notFound(name + "/" + rest)
			}
		}
		if !v.enabled {
			return errAnswer(http.StatusForbidden, "Forbidden", "SecretDisabled", "Operation get is not allowed on a disabled secret.")
		}
		doc := s.props(sec, v, true)
		doc["value"] = v.value
		return answer{status: http.StatusOK, body: doc}
	}
	return errAnswer(http.StatusBadRequest, "BadParameter", "", "unsupported request")
}

// props is a secret's (or a version's, withVersion) item of a list.
func (s *Server) props(sec *secret, v *version, withVersion bool) map[string]any {
	id := s.ts.URL + "/secrets/" + sec.name
	if withVersion {
		id += "/" + v.id
	}
	tags := map[string]string{}
	for k, x := range sec.tags {
		tags[k] = x
	}
	return map[string]any{
		"id":   id,
		"tags": tags,
		"attributes": map[string]any{
			"enabled": v.enabled, "created": v.created.Unix(), "updated": v.updated.Unix(),
			"recoveryLevel": "Recoverable+Purgeable", "recoverableDays": 90,
		},
	}
}

// page answers one page of n items, item(i) making the i-th: $skiptoken is
// the offset, maxresults the page size (at most the stand-in's).
func (s *Server) page(r *http.Request, n int, item func(int) any) answer {
	q := r.URL.Query()
	off, _ := strconv.Atoi(q.Get("$skiptoken"))
	off = min(max(off, 0), n)
	size := s.pageSize
	if m, err := strconv.Atoi(q.Get("maxresults")); err == nil && m > 0 && m < size {
		size = m
	}
	end := min(off+size, n)
	items := make([]any, 0, end-off)
	for i := off; i < end; i++ {
		items = append(items, item(i))
	}
	doc := map[string]any{"value": items}
	if end < n {
		nq := url.Values{}
		nq.Set("api-version", q.Get("api-version"))
		nq.Set("$skiptoken", strconv.Itoa(end))
		if q.Get("maxresults") != "" {
			nq.Set("maxresults", q.Get("maxresults"))
		}
		doc["nextLink"] = s.ts.URL + r.URL.Path + "?" + nq.Encode()
	} else {
		doc["nextLink"] = nil
	}
	return answer{status: http.StatusOK, body: doc}
}

func sortStrings(a []string) { sort.Strings(a) }
