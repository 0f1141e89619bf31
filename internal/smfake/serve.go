package smfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The operations the stand-in implements.
const (
	OpGetSecretValue       = "GetSecretValue"
	OpBatchGetSecretValue  = "BatchGetSecretValue"
	OpListSecrets          = "ListSecrets"
	OpListSecretVersionIDs = "ListSecretVersionIds"
	OpDescribeSecret       = "DescribeSecret"
)

const contentType = "application/x-amz-json-1.1"

// apiError is an AWS JSON error answer.
type apiError struct {
	status int
	typ    string
	msg    string
}

func errNotFound(msg string) *apiError {
	return &apiError{http.StatusBadRequest, "ResourceNotFoundException", msg}
}

func errInvalidParam(format string, a ...any) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameterException", fmt.Sprintf(format, a...)}
}

const (
	msgNoSecret = "Secrets Manager can't find the specified secret."
	msgDecrypt  = "Secrets Manager can't decrypt the protected secret text using the provided KMS key."
)

func deniedMsg(op, arn string) string {
	return fmt.Sprintf("User: arn:aws:sts::%s:assumed-role/hush-test/session is not authorized to perform: secretsmanager:%s on resource: %s because no identity-based policy allows the secretsmanager:%s action", Account, op, arn, op)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, "secretsmanager.")
	if r.Method != http.MethodPost || !ok {
		writeError(w, &apiError{http.StatusBadRequest, "UnknownOperationException", "unknown operation " + strconv.Quote(target)})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, &apiError{http.StatusBadRequest, "SerializationException", "cannot read the request body"})
		return
	}

	s.mu.Lock()
	s.counts[op]++
	s.total++
	if s.bodies[op] == nil {
		s.bodies[op] = map[string]bool{}
	}
	s.bodies[op][string(body)] = true
	latency := s.latency
	kind := s.takeFault(op)
	s.mu.Unlock()

	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		writeError(w, &apiError{http.StatusBadRequest, "MissingAuthenticationTokenException", "Missing Authentication Token"})
		return
	}
	switch kind {
	case Throttle:
		writeError(w, &apiError{http.StatusBadRequest, "ThrottlingException", "Rate exceeded"})
		return
	case Internal:
		writeError(w, &apiError{http.StatusInternalServerError, "InternalServiceError", "An error occurred on the server side."})
		return
	case Unavailable:
		writeError(w, &apiError{http.StatusServiceUnavailable, "ServiceUnavailable", "Service is unavailable."})
		return
	case Denied:
		writeError(w, &apiError{http.StatusBadRequest, "AccessDeniedException", deniedMsg(op, "*")})
		return
	case WrongShape:
		writeBody(w, []byte(`{"SecretValues":"x","SecretList":"x","Versions":"x","VersionIdsToStages":"x","SecretString":17,"Errors":"x","ARN":[]}`))
		return
	}

	var resp any
	var aerr *apiError
	s.mu.Lock()
	switch op {
	case OpGetSecretValue:
		resp, aerr = s.getSecretValue(body)
	case OpBatchGetSecretValue:
		resp, aerr = s.batchGetSecretValue(body)
	case OpListSecrets:
		resp, aerr = s.listSecrets(body)
	case OpListSecretVersionIDs:
		resp, aerr = s.listSecretVersionIDs(body)
	case OpDescribeSecret:
		resp, aerr = s.describeSecret(body)
	default:
		aerr = &apiError{http.StatusBadRequest, "UnknownOperationException", "operation " + op + " is not supported by the stand-in"}
	}
	s.mu.Unlock()
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	out, err := json.Marshal(resp)
	if err != nil {
		writeError(w, &apiError{http.StatusInternalServerError, "InternalServiceError", "stand-in: " + err.Error()})
		return
	}
	if kind == Malformed {
		out = out[:len(out)/2]
	}
	writeBody(w, out)
}

func writeBody(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-Requestid", newUUID())
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, e *apiError) {
	b, _ := json.Marshal(map[string]string{"__type": e.typ, "Message": e.msg})
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-Requestid", newUUID())
	w.WriteHeader(e.status)
	_, _ = w.Write(b)
}

func decode(body []byte, v any) *apiError {
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &apiError{http.StatusBadRequest, "SerializationException", "the request body is not valid JSON"}
	}
	return nil
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

type filter struct {
	Key    string   `json:"Key"`
	Values []string `json:"Values"`
}

type tagJSON struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type secretValueJSON struct {
	ARN           string   `json:"ARN"`
	Name          string   `json:"Name"`
	VersionID     string   `json:"VersionId"`
	SecretString  *string  `json:"SecretString,omitempty"`
	SecretBinary  []byte   `json:"SecretBinary,omitempty"`
	VersionStages []string `json:"VersionStages"`
	CreatedDate   float64  `json:"CreatedDate"`
}

func valueJSON(sec *secret, v *version) secretValueJSON {
	return secretValueJSON{
		ARN: sec.arn, Name: sec.name, VersionID: v.id, SecretString: v.str, SecretBinary: v.bin,
		VersionStages: append([]string{}, v.stages...), CreatedDate: epoch(v.created),
	}
}

func tagsJSON(tags []Tag) []tagJSON {
	out := make([]tagJSON, len(tags))
	for i, t := range tags {
		out[i] = tagJSON(t)
	}
	return out
}

// readable returns the error AWS gives when reading sec is not possible.
func readable(sec *secret, op string) *apiError {
	switch {
	case sec.denied:
		return &apiError{http.StatusBadRequest, "AccessDeniedException", deniedMsg(op, sec.arn)}
	case sec.decryptFail:
		return &apiError{http.StatusBadRequest, "DecryptionFailure", msgDecrypt}
	}
	return nil
}

func (s *Server) getSecretValue(body []byte) (any, *apiError) {
	var req struct {
		SecretID     string `json:"SecretId"`
		VersionID    string `json:"VersionId"`
		VersionStage string `json:"VersionStage"`
	}
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	sec := s.lookup(req.SecretID)
	if sec == nil {
		return nil, errNotFound(msgNoSecret)
	}
	if e := readable(sec, OpGetSecretValue); e != nil {
		return nil, e
	}
	var v *version
	switch {
	case req.VersionID != "":
		v = sec.versions[req.VersionID]
		if v == nil {
			return nil, errNotFound("Secrets Manager can't find the specified secret value for VersionId: " + req.VersionID)
		}
		if req.VersionStage != "" && !has(v.stages, req.VersionStage) {
			return nil, errInvalidParam("You provided a VersionStage that is not associated to the provided VersionId.")
		}
	default:
		stage := req.VersionStage
		if stage == "" {
			stage = StageCurrent
		}
		v = sec.holder(stage)
		if v == nil {
			return nil, errNotFound("Secrets Manager can't find the specified secret value for staging label: " + stage)
		}
	}
	return valueJSON(sec, v), nil
}

type batchErrorJSON struct {
	SecretID  string `json:"SecretId"`
	ErrorCode string `json:"ErrorCode"`
	Message   string `json:"Message"`
}

func (s *Server) batchGetSecretValue(body []byte) (any, *apiError) {
	var req struct {
		SecretIDList []string `json:"SecretIdList"`
		Filters      []filter `json:"Filters"`
		MaxResults   *int     `json:"MaxResults"`
		NextToken    string   `json:"NextToken"`
	}
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	type response struct {
		SecretValues []secretValueJSON `json:"SecretValues"`
		Errors       []batchErrorJSON  `json:"Errors"`
		NextToken    string            `json:"NextToken,omitempty"`
	}
	resp := response{SecretValues: []secretValueJSON{}, Errors: []batchErrorJSON{}}
	add := func(id string, sec *secret) {
		if sec == nil {
			resp.Errors = append(resp.Errors, batchErrorJSON{id, "ResourceNotFoundException", msgNoSecret})
			return
		}
		if e := readable(sec, OpGetSecretValue); e != nil {
			resp.Errors = append(resp.Errors, batchErrorJSON{id, e.typ, e.msg})
			return
		}
		if v := sec.holder(StageCurrent); v != nil {
			resp.SecretValues = append(resp.SecretValues, valueJSON(sec, v))
		}
	}
	switch {
	case len(req.SecretIDList) > 0 && len(req.Filters) > 0, len(req.SecretIDList) == 0 && len(req.Filters) == 0:
		return nil, errInvalidParam("Either SecretIdList or Filters must be provided, but not both.")
	case len(req.SecretIDList) > 0:
		if len(req.SecretIDList) > 20 {
			return nil, errInvalidParam("SecretIdList can contain at most 20 items.")
		}
		if req.MaxResults != nil {
			return nil, errInvalidParam("MaxResults can only be used with Filters.")
		}
		for _, id := range req.SecretIDList {
			add(id, s.lookup(id))
		}
		return resp, nil
	}
	max := 20
	if req.MaxResults != nil {
		if *req.MaxResults < 1 || *req.MaxResults > 20 {
			return nil, errInvalidParam("MaxResults must be between 1 and 20.")
		}
		max = *req.MaxResults
	}
	matched, e := s.filtered(req.Filters)
	if e != nil {
		return nil, e
	}
	page, next, e := paginate(matched, req.NextToken, max)
	if e != nil {
		return nil, e
	}
	for _, sec := range page {
		add(sec.name, sec)
	}
	resp.NextToken = next
	return resp, nil
}

type listEntryJSON struct {
	ARN                    string              `json:"ARN"`
	Name                   string              `json:"Name"`
	Description            string              `json:"Description,omitempty"`
	Tags                   []tagJSON           `json:"Tags,omitempty"`
	SecretVersionsToStages map[string][]string `json:"SecretVersionsToStages"`
	CreatedDate            float64             `json:"CreatedDate"`
	LastChangedDate        float64             `json:"LastChangedDate"`
}

func (s *Server) listSecrets(body []byte) (any, *apiError) {
	var req struct {
		Filters    []filter `json:"Filters"`
		MaxResults *int     `json:"MaxResults"`
		NextToken  string   `json:"NextToken"`
	}
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	max := 100
	if req.MaxResults != nil {
		if *req.MaxResults < 1 || *req.MaxResults > 100 {
			return nil, errInvalidParam("MaxResults must be between 1 and 100.")
		}
		max = *req.MaxResults
	}
	matched, e := s.filtered(req.Filters)
	if e != nil {
		return nil, e
	}
	page, next, e := paginate(matched, req.NextToken, max)
	if e != nil {
		return nil, e
	}
	type response struct {
		SecretList []listEntryJSON `json:"SecretList"`
		NextToken  string          `json:"NextToken,omitempty"`
	}
	resp := response{SecretList: make([]listEntryJSON, 0, len(page)), NextToken: next}
	for _, sec := range page {
		resp.SecretList = append(resp.SecretList, listEntryJSON{
			ARN: sec.arn, Name: sec.name, Description: sec.description, Tags: tagsJSON(sec.tags),
			SecretVersionsToStages: sec.stagesMap(), CreatedDate: epoch(sec.created), LastChangedDate: epoch(sec.changed),
		})
	}
	return resp, nil
}

func (s *Server) listSecretVersionIDs(body []byte) (any, *apiError) {
	var req struct {
		SecretID          string `json:"SecretId"`
		MaxResults        *int   `json:"MaxResults"`
		NextToken         string `json:"NextToken"`
		IncludeDeprecated bool   `json:"IncludeDeprecated"`
	}
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	sec := s.lookup(req.SecretID)
	if sec == nil {
		return nil, errNotFound(msgNoSecret)
	}
	if sec.denied {
		return nil, readable(sec, OpListSecretVersionIDs)
	}
	max := 100
	if req.MaxResults != nil {
		if *req.MaxResults < 1 || *req.MaxResults > 100 {
			return nil, errInvalidParam("MaxResults must be between 1 and 100.")
		}
		max = *req.MaxResults
	}
	var vs []*version
	for _, id := range sec.order {
		if v := sec.versions[id]; len(v.stages) > 0 || req.IncludeDeprecated {
			vs = append(vs, v)
		}
	}
	page, next, e := paginate(vs, req.NextToken, max)
	if e != nil {
		return nil, e
	}
	type versionJSON struct {
		VersionID     string   `json:"VersionId"`
		VersionStages []string `json:"VersionStages"`
		CreatedDate   float64  `json:"CreatedDate"`
	}
	type response struct {
		ARN       string        `json:"ARN"`
		Name      string        `json:"Name"`
		Versions  []versionJSON `json:"Versions"`
		NextToken string        `json:"NextToken,omitempty"`
	}
	resp := response{ARN: sec.arn, Name: sec.name, Versions: []versionJSON{}, NextToken: next}
	for _, v := range page {
		resp.Versions = append(resp.Versions, versionJSON{v.id, append([]string{}, v.stages...), epoch(v.created)})
	}
	return resp, nil
}

func (s *Server) describeSecret(body []byte) (any, *apiError) {
	var req struct {
		SecretID string `json:"SecretId"`
	}
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	sec := s.lookup(req.SecretID)
	if sec == nil {
		return nil, errNotFound(msgNoSecret)
	}
	if sec.denied {
		return nil, readable(sec, OpDescribeSecret)
	}
	type response struct {
		ARN                string              `json:"ARN"`
		Name               string              `json:"Name"`
		Description        string              `json:"Description,omitempty"`
		Tags               []tagJSON           `json:"Tags,omitempty"`
		VersionIdsToStages map[string][]string `json:"VersionIdsToStages"`
		CreatedDate        float64             `json:"CreatedDate"`
		LastChangedDate    float64             `json:"LastChangedDate"`
	}
	return response{
		ARN: sec.arn, Name: sec.name, Description: sec.description, Tags: tagsJSON(sec.tags),
		VersionIdsToStages: sec.stagesMap(), CreatedDate: epoch(sec.created), LastChangedDate: epoch(sec.changed),
	}, nil
}

// filtered returns the secrets matching every filter, sorted by name.
func (s *Server) filtered(filters []filter) ([]*secret, *apiError) {
	for _, f := range filters {
		switch f.Key {
		case "name", "tag-key", "tag-value", "description", "all", "primary-region", "owning-service":
		default:
			return nil, errInvalidParam("Invalid filter key: %s", f.Key)
		}
		if len(f.Values) == 0 || len(f.Values) > 10 {
			return nil, errInvalidParam("A filter must have between 1 and 10 values.")
		}
	}
	var out []*secret
	for _, sec := range s.all() {
		ok := true
		for _, f := range filters {
			if !matchFilter(sec, f) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, sec)
		}
	}
	return out, nil
}

// matchFilter applies one filter: any of its values matches; a value
// starting with "!" matches when the prefix does not.
func matchFilter(sec *secret, f filter) bool {
	for _, v := range f.Values {
		neg := strings.HasPrefix(v, "!")
		v = strings.TrimPrefix(v, "!")
		var m bool
		switch f.Key {
		case "name":
			m = strings.HasPrefix(sec.name, v)
		case "description":
			m = strings.HasPrefix(strings.ToLower(sec.description), strings.ToLower(v))
		case "tag-key":
			for _, t := range sec.tags {
				m = m || strings.HasPrefix(t.Key, v)
			}
		case "tag-value":
			for _, t := range sec.tags {
				m = m || strings.HasPrefix(t.Value, v)
			}
		case "primary-region":
			m = v == Region
		case "owning-service":
			m = false
		case "all":
			lv := strings.ToLower(v)
			m = strings.Contains(strings.ToLower(sec.name), lv) || strings.Contains(strings.ToLower(sec.description), lv)
			for _, t := range sec.tags {
				m = m || strings.Contains(strings.ToLower(t.Key), lv) || strings.Contains(strings.ToLower(t.Value), lv)
			}
		}
		if m != neg {
			return true
		}
	}
	return false
}

func paginate[T any](all []T, token string, max int) ([]T, string, *apiError) {
	start := 0
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(raw), "offset:") || n < 0 || n > len(all) {
			return nil, "", &apiError{http.StatusBadRequest, "InvalidNextTokenException", "The NextToken value is invalid."}
		}
		start = n
	}
	end := min(start+max, len(all))
	next := ""
	if end < len(all) {
		next = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
	}
	return all[start:end], next, nil
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
