// Package gcpfake is an in-process stand-in of Google Secret Manager for
// tests: a gRPC server on loopback implementing the parts of
// secretmanagerpb.SecretManagerServiceServer a reader uses (ListSecrets,
// GetSecret, ListSecretVersions, GetSecretVersion, AccessSecretVersion),
// with request counters and fault injection (access denied on one secret,
// a ResourceExhausted storm with RetryInfo, Unavailable, a server that
// never answers). The real client (cloud.google.com/go/secretmanager)
// talks to it through ClientOptions.
package gcpfake

import (
	"context"
	"fmt"
	"hash/crc32"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
	"google.golang.org/api/option"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// The methods, as counted by Count.
const (
	ListSecrets         = "ListSecrets"
	GetSecret           = "GetSecret"
	ListSecretVersions  = "ListSecretVersions"
	GetSecretVersion    = "GetSecretVersion"
	AccessSecretVersion = "AccessSecretVersion"
)

// Server is the stand-in. Its methods are safe for concurrent use.
type Server struct {
	secretmanagerpb.UnimplementedSecretManagerServiceServer

	srv  *grpc.Server
	lis  net.Listener
	done chan struct{}

	mu      sync.Mutex
	now     func() time.Time
	secrets map[string]*secret // by full name
	counts  map[string]int
	denied  map[string]bool // secret ids answered PermissionDenied
	fail    []fault         // the next requests' faults, in order
	hang    bool
	badCRC  map[string]bool // version names answered with a wrong checksum
}

type secret struct {
	pb       *secretmanagerpb.Secret
	versions []*version
}

type version struct {
	pb   *secretmanagerpb.SecretVersion
	data []byte
}

type fault struct {
	method     string // "" for any
	code       codes.Code
	retryDelay time.Duration
}

// New starts a stand-in on 127.0.0.1. Close it.
func New() *Server {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("gcpfake: listen: %v", err))
	}
	s := &Server{
		srv:     grpc.NewServer(),
		lis:     lis,
		done:    make(chan struct{}),
		now:     time.Now,
		secrets: map[string]*secret{},
		counts:  map[string]int{},
		denied:  map[string]bool{},
		badCRC:  map[string]bool{},
	}
	secretmanagerpb.RegisterSecretManagerServiceServer(s.srv, s)
	go func() { _ = s.srv.Serve(lis) }()
	return s
}

// Addr returns the server's host:port.
func (s *Server) Addr() string { return s.lis.Addr().String() }

// ClientOptions returns the options that point a secretmanager client at
// the stand-in: its endpoint, no authentication, plaintext gRPC.
func (s *Server) ClientOptions() []option.ClientOption {
	return []option.ClientOption{
		option.WithEndpoint(s.Addr()),
		option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())),
	}
}

// Close stops the server; a request held by Hang returns Unavailable.
func (s *Server) Close() {
	select {
	case <-s.done:
	default:
		close(s.done)
	}
	s.srv.Stop()
}

// SetClock sets the clock of create and destroy times.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// Create creates the secret id under parent ("projects/p" or
// "projects/p/locations/l") with labels, and returns its full name.
func (s *Server) Create(parent, id string, labels map[string]string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := parent + "/secrets/" + id
	s.secrets[name] = &secret{pb: &secretmanagerpb.Secret{
		Name:       name,
		CreateTime: timestamppb.New(s.now()),
		Labels:     labels,
		Etag:       `"1"`,
	}}
	return name
}

// AddVersion adds an enabled version holding data to the secret (full
// name), creating the secret if needed, and returns the version's number.
func (s *Server) AddVersion(name string, data []byte) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec := s.secrets[name]
	if sec == nil {
		sec = &secret{pb: &secretmanagerpb.Secret{Name: name, CreateTime: timestamppb.New(s.now()), Etag: `"1"`}}
		s.secrets[name] = sec
	}
	n := len(sec.versions) + 1
	sec.versions = append(sec.versions, &version{
		pb: &secretmanagerpb.SecretVersion{
			Name:       name + "/versions/" + strconv.Itoa(n),
			CreateTime: timestamppb.New(s.now()),
			State:      secretmanagerpb.SecretVersion_ENABLED,
			Etag:       `"1"`,
		},
		data: append([]byte(nil), data...),
	})
	return n
}

// SetState disables, enables or destroys version n of the secret.
func (s *Server) SetState(name string, n int, state secretmanagerpb.SecretVersion_State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.secrets[name].versions[n-1]
	v.pb.State = state
	if state == secretmanagerpb.SecretVersion_DESTROYED {
		v.pb.DestroyTime = timestamppb.New(s.now())
		v.data = nil
	}
}

// Delete deletes the secret and its versions.
func (s *Server) Delete(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.secrets, name)
}

// Deny answers PermissionDenied to every request about the secret id (its
// versions' listing and access), as IAM does for a caller without a role
// on that secret.
func (s *Server) Deny(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied[id] = true
}

// CorruptChecksum answers the version (full name) with a data_crc32c that
// does not match its data.
func (s *Server) CorruptChecksum(versionName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.badCRC[versionName] = true
}

// Fail answers the next n requests of the method ("" for any) with code;
// the answer carries a RetryInfo of retryDelay when it is positive.
func (s *Server) Fail(method string, n int, code codes.Code, retryDelay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fail = append(s.fail, fault{method: method, code: code, retryDelay: retryDelay})
	}
}

// Heal drops the pending faults.
func (s *Server) Heal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = nil
}

// Hang makes every request wait until its context ends or the server
// closes: a server that never answers.
func (s *Server) Hang(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hang = on
}

// Count returns how many requests of the method arrived (faults included).
func (s *Server) Count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[method]
}

// Counts returns the request counts by method.
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// ResetCounts zeroes the counters.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.counts)
}

// enter counts a request and applies the faults: it returns a non-nil
// error to answer instead, with the lock released.
func (s *Server) enter(ctx context.Context, method, secretID string) error {
	s.mu.Lock()
	s.counts[method]++
	hang := s.hang
	var f *fault
	for i := range s.fail {
		if m := s.fail[i].method; m == "" || m == method {
			ff := s.fail[i]
			f = &ff
			s.fail = append(s.fail[:i], s.fail[i+1:]...)
			break
		}
	}
	denied := secretID != "" && s.denied[secretID]
	s.mu.Unlock()
	if hang {
		select {
		case <-ctx.Done():
			return status.FromContextError(ctx.Err()).Err()
		case <-s.done:
			return status.Error(codes.Unavailable, "server closed")
		}
	}
	if f != nil {
		st := status.New(f.code, "injected "+f.code.String())
		if f.retryDelay > 0 {
			if d, err := st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(f.retryDelay)}); err == nil {
				st = d
			}
		}
		return st.Err()
	}
	if denied {
		return status.Errorf(codes.PermissionDenied, "Permission 'secretmanager.versions.access' denied for resource '%s' (or it may not exist).", secretID)
	}
	return nil
}

// secretID returns the id of a secret or version name
// (".../secrets/ID[/versions/N]").
func secretID(name string) string {
	_, rest, ok := strings.Cut(name, "/secrets/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}

// ListSecrets lists the secrets directly under the parent, by name, paged,
// filtered by "labels.K=V", "labels.K:V" and "name:X" terms (ANDed).
func (s *Server) ListSecrets(ctx context.Context, req *secretmanagerpb.ListSecretsRequest) (*secretmanagerpb.ListSecretsResponse, error) {
	if err := s.enter(ctx, ListSecrets, ""); err != nil {
		return nil, err
	}
	match, err := parseFilter(req.GetFilter())
	if err != nil {
		return nil, err
	}
	if req.GetPageSize() > 25000 {
		return nil, status.Error(codes.InvalidArgument, "page_size over 25000")
	}
	s.mu.Lock()
	var all []*secretmanagerpb.Secret
	for name, sec := range s.secrets {
		if strings.HasPrefix(name, req.GetParent()+"/secrets/") && match(sec.pb) {
			all = append(all, cloneSecret(sec.pb))
		}
	}
	s.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	lo, hi, next, err := page(len(all), req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	return &secretmanagerpb.ListSecretsResponse{Secrets: all[lo:hi], NextPageToken: next, TotalSize: int32(len(all))}, nil
}

// GetSecret returns a secret's metadata.
func (s *Server) GetSecret(ctx context.Context, req *secretmanagerpb.GetSecretRequest) (*secretmanagerpb.Secret, error) {
	if err := s.enter(ctx, GetSecret, secretID(req.GetName())); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sec := s.secrets[req.GetName()]
	if sec == nil {
		return nil, status.Errorf(codes.NotFound, "Secret [%s] not found.", req.GetName())
	}
	return cloneSecret(sec.pb), nil
}

// ListSecretVersions lists a secret's versions, newest first, paged,
// filtered by "state:S".
func (s *Server) ListSecretVersions(ctx context.Context, req *secretmanagerpb.ListSecretVersionsRequest) (*secretmanagerpb.ListSecretVersionsResponse, error) {
	if err := s.enter(ctx, ListSecretVersions, secretID(req.GetParent())); err != nil {
		return nil, err
	}
	want := secretmanagerpb.SecretVersion_STATE_UNSPECIFIED
	if f := strings.TrimSpace(req.GetFilter()); f != "" {
		st, ok := strings.CutPrefix(f, "state:")
		v, known := secretmanagerpb.SecretVersion_State_value[st]
		if !ok || !known {
			return nil, status.Errorf(codes.InvalidArgument, "unsupported filter %q", f)
		}
		want = secretmanagerpb.SecretVersion_State(v)
	}
	s.mu.Lock()
	sec := s.secrets[req.GetParent()]
	if sec == nil {
		s.mu.Unlock()
		return nil, status.Errorf(codes.NotFound, "Secret [%s] not found.", req.GetParent())
	}
	var all []*secretmanagerpb.SecretVersion
	for i := len(sec.versions) - 1; i >= 0; i-- {
		v := sec.versions[i]
		if want == secretmanagerpb.SecretVersion_STATE_UNSPECIFIED || v.pb.State == want {
			all = append(all, cloneVersion(v.pb))
		}
	}
	s.mu.Unlock()
	lo, hi, next, err := page(len(all), req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	return &secretmanagerpb.ListSecretVersionsResponse{Versions: all[lo:hi], NextPageToken: next, TotalSize: int32(len(all))}, nil
}

// GetSecretVersion returns a version's metadata ("latest" resolves to the
// newest version).
func (s *Server) GetSecretVersion(ctx context.Context, req *secretmanagerpb.GetSecretVersionRequest) (*secretmanagerpb.SecretVersion, error) {
	if err := s.enter(ctx, GetSecretVersion, secretID(req.GetName())); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.lookup(req.GetName())
	if err != nil {
		return nil, err
	}
	return cloneVersion(v.pb), nil
}

// AccessSecretVersion returns a version's data with its CRC32C, if the
// version is enabled.
func (s *Server) AccessSecretVersion(ctx context.Context, req *secretmanagerpb.AccessSecretVersionRequest) (*secretmanagerpb.AccessSecretVersionResponse, error) {
	if err := s.enter(ctx, AccessSecretVersion, secretID(req.GetName())); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.lookup(req.GetName())
	if err != nil {
		return nil, err
	}
	if v.pb.State != secretmanagerpb.SecretVersion_ENABLED {
		return nil, status.Errorf(codes.FailedPrecondition, "%s is in %s state.", v.pb.Name, v.pb.State)
	}
	crc := int64(crc32.Checksum(v.data, crc32.MakeTable(crc32.Castagnoli)))
	if s.badCRC[v.pb.Name] {
		crc++
	}
	return &secretmanagerpb.AccessSecretVersionResponse{
		Name:    v.pb.Name,
		Payload: &secretmanagerpb.SecretPayload{Data: append([]byte(nil), v.data...), DataCrc32C: &crc},
	}, nil
}

// lookup finds a version by name; the caller holds the lock.
func (s *Server) lookup(name string) (*version, error) {
	parent, id, ok := strings.Cut(name, "/versions/")
	sec := s.secrets[parent]
	if !ok || sec == nil {
		return nil, status.Errorf(codes.NotFound, "Secret [%s] not found or has no versions.", parent)
	}
	if id == "latest" {
		if len(sec.versions) == 0 {
			return nil, status.Errorf(codes.NotFound, "Secret [%s] has no versions.", parent)
		}
		return sec.versions[len(sec.versions)-1], nil
	}
	n, err := strconv.Atoi(id)
	if err != nil || n < 1 || n > len(sec.versions) {
		return nil, status.Errorf(codes.NotFound, "Secret Version [%s] not found.", name)
	}
	return sec.versions[n-1], nil
}

// page returns the bounds of one page of total items and the next token.
func page(total int, size int32, token string) (lo, hi int, next string, err error) {
	if token != "" {
		lo, err = strconv.Atoi(token)
		if err != nil || lo < 0 || lo > total {
			return 0, 0, "", status.Error(codes.InvalidArgument, "bad page token")
		}
	}
	n := int(size)
	if n <= 0 {
		n = 25000
	}
	hi = min(lo+n, total)
	if hi < total {
		next = strconv.Itoa(hi)
	}
	return lo, hi, next, nil
}

// parseFilter understands the filter terms a reader uses: "labels.K=V",
// "labels.K:V", "labels.K:*" and "name:X", separated by spaces or AND.
func parseFilter(f string) (func(*secretmanagerpb.Secret) bool, error) {
	var tests []func(*secretmanagerpb.Secret) bool
	for _, term := range strings.Fields(f) {
		if term == "AND" {
			continue
		}
		switch {
		case strings.HasPrefix(term, "labels."):
			kv := strings.TrimPrefix(term, "labels.")
			i := strings.IndexAny(kv, "=:")
			if i <= 0 {
				return nil, status.Errorf(codes.InvalidArgument, "invalid filter term %q", term)
			}
			k, v := kv[:i], strings.Trim(kv[i+1:], `"`)
			tests = append(tests, func(s *secretmanagerpb.Secret) bool {
				got, ok := s.Labels[k]
				return ok && (v == "*" || got == v)
			})
		case strings.HasPrefix(term, "name:"):
			v := strings.TrimPrefix(term, "name:")
			tests = append(tests, func(s *secretmanagerpb.Secret) bool { return strings.Contains(secretID(s.Name), v) })
		default:
			return nil, status.Errorf(codes.InvalidArgument, "invalid filter term %q", term)
		}
	}
	return func(s *secretmanagerpb.Secret) bool {
		for _, t := range tests {
			if !t(s) {
				return false
			}
		}
		return true
	}, nil
}

func cloneSecret(s *secretmanagerpb.Secret) *secretmanagerpb.Secret {
	return &secretmanagerpb.Secret{Name: s.Name, CreateTime: s.CreateTime, Labels: s.Labels, Etag: s.Etag}
}

func cloneVersion(v *secretmanagerpb.SecretVersion) *secretmanagerpb.SecretVersion {
	return &secretmanagerpb.SecretVersion{Name: v.Name, CreateTime: v.CreateTime, DestroyTime: v.DestroyTime, State: v.State, Etag: v.Etag}
}
