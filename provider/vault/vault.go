package vault

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/vault/api"
	"go.uber.org/zap"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// The authentication methods of Auth.Method.
const (
	AuthToken      = "token"
	AuthKubernetes = "kubernetes"
	AuthAppRole    = "approle"
)

// Defaults, applied to zero fields of Config.
const (
	// DefaultConcurrency is how many requests a listing keeps in flight.
	DefaultConcurrency = 4
	// DefaultGracePeriod is how long an earlier version stays listed
	// after a newer one replaced it: the Refresher's default grace.
	DefaultGracePeriod = provider.DefaultGracePeriod
	// DefaultServiceAccountTokenPath is where Kubernetes mounts a pod's
	// service account token.
	DefaultServiceAccountTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token"
)

// Auth says how the provider logs in.
type Auth struct {
	// Method is "token" (the default), "kubernetes" or "approle".
	Method string
	// MountPath is the auth method's mount; default "kubernetes" or
	// "approle".
	MountPath string
	// Role is the Kubernetes auth role.
	Role string
	// ServiceAccountTokenPath is the Kubernetes service account token
	// file, read at every login (projected tokens rotate); default
	// DefaultServiceAccountTokenPath.
	ServiceAccountTokenPath string
	// RoleID is the AppRole role id (not a secret).
	RoleID string
	// SecretIDFile and SecretIDEnv say where the AppRole secret id is:
	// a file, or an environment variable, read at every login.
	SecretIDFile string
	SecretIDEnv  string
	// TokenFile, for the token method, is a file holding the token (a
	// Vault Agent sink), read at every listing. Without it the token is
	// VAULT_TOKEN, else ~/.vault-token, as for the Vault CLI.
	TokenFile string
}

// Config selects the secrets of one KV mount and says how to reach Vault.
type Config struct {
	// Address is Vault's URL; empty means VAULT_ADDR, else
	// https://127.0.0.1:8200, as for the Vault CLI. The other VAULT_*
	// variables of the client (VAULT_CACERT, VAULT_CLIENT_CERT,
	// VAULT_SKIP_VERIFY, VAULT_MAX_RETRIES, VAULT_RATE_LIMIT,
	// VAULT_CLIENT_TIMEOUT, ...) are honoured.
	Address string
	// Namespace is the Vault Enterprise namespace; empty means
	// VAULT_NAMESPACE.
	Namespace string
	// Mount is the KV mount's path ("secret"). When the mount path has
	// more segments than given ("kv" for a mount at "kv/team-a"), the
	// mount discovery finds the real one.
	Mount string
	// Prefix selects the secrets under it ("prod/" for a folder,
	// "prod/db" for every name starting so); empty means the whole mount.
	Prefix string
	// KVVersion is 1 or 2; 0 detects it from the mount's options.
	KVVersion int
	// Auth says how to log in; default the token method.
	Auth Auth
	// GracePeriod is how long an earlier version of a KV v2 secret stays
	// listed after a newer version replaced it; default
	// DefaultGracePeriod. Negative lists the current versions only.
	GracePeriod time.Duration
	// Concurrency is how many requests a listing keeps in flight;
	// default 4.
	Concurrency int
	// MinRetryWait and MaxRetryWait bound the client's wait between
	// retries of a 5xx answer or a 429 without Retry-After; zero keeps the
	// client's (1 s and 1.5 s). A Retry-After header is always honoured.
	MinRetryWait, MaxRetryWait time.Duration
	// MaxRetries is how many times the client retries a request; 0 keeps
	// the client's (2, or VAULT_MAX_RETRIES), negative means none.
	MaxRetries int
	// RateLimit caps this provider's requests per second (token bucket,
	// burst Concurrency), so that a fleet stays inside a Vault rate-limit
	// quota (applied per client IP and node) and a listing is spread over
	// time instead of arriving in a burst; 0 keeps the client's
	// (VAULT_RATE_LIMIT, else none).
	RateLimit float64
	// Now is the clock of the grace period; default time.Now.
	Now func() time.Time
	// Logger receives token renewals and logins (never a token or a
	// value); default none.
	Logger *zap.Logger
}

// Provider reads secrets from a Vault (or OpenBao) KV mount. It is a
// provider.Getter and a provider.Lister, safe for concurrent use. Close it
// to stop its token renewal and release its connections.
type Provider struct {
	cfg    Config
	client *api.Client
	tr     *http.Transport
	auth   *authenticator
	gate   gate
	now    func() time.Time

	mountMu  sync.Mutex
	detected bool   // mount and KV version known
	mount    string // without the trailing slash
	prefix   string
	version  int

	mu       sync.Mutex
	versions map[versionKey][]redact.Secret // values of immutable KV v2 versions
}

var (
	_ provider.Getter = (*Provider)(nil)
	_ provider.Lister = (*Provider)(nil)
)

// New returns a Provider. It makes no request: the login, the mount
// discovery and the token renewal start with the first Get or List, so that
// a process can start while Vault is unreachable.
func New(cfg Config) (*Provider, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.GracePeriod == 0 {
		cfg.GracePeriod = DefaultGracePeriod
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.RateLimit < 0 {
		return nil, fmt.Errorf("%s: negative rate limit", providerName)
	}
	if cfg.Auth.Method == "" {
		cfg.Auth.Method = AuthToken
	}
	vc := api.DefaultConfig() // VAULT_ADDR and the TLS variables
	if vc.Error != nil {
		return nil, fmt.Errorf("%s: reading the VAULT_* environment: %w", providerName, vc.Error)
	}
	if cfg.Address != "" {
		vc.Address = cfg.Address
	}
	if cfg.MinRetryWait > 0 {
		vc.MinRetryWait = cfg.MinRetryWait
	}
	if cfg.MaxRetryWait > 0 {
		vc.MaxRetryWait = cfg.MaxRetryWait
	}
	if vc.MaxRetryWait < vc.MinRetryWait {
		vc.MaxRetryWait = vc.MinRetryWait
	}
	switch {
	case cfg.MaxRetries > 0:
		vc.MaxRetries = cfg.MaxRetries
	case cfg.MaxRetries < 0:
		vc.MaxRetries = 0
	}
	p := &Provider{cfg: cfg, now: cfg.Now, mount: strings.Trim(cfg.Mount, "/"), prefix: strings.TrimPrefix(cfg.Prefix, "/"), versions: map[versionKey][]redact.Secret{}}
	p.tr, _ = vc.HttpClient.Transport.(*http.Transport)
	// The client's rate-limit aware backoff (Retry-After on 429 and 503),
	// which also holds every other request of this provider until then.
	vc.Backoff = p.backoff
	client, err := api.NewClient(vc) // VAULT_TOKEN, VAULT_NAMESPACE
	if err != nil {
		return nil, fmt.Errorf("%s: %w", providerName, err)
	}
	if cfg.Namespace != "" {
		client.SetNamespace(cfg.Namespace)
	}
	if cfg.RateLimit > 0 {
		client.SetLimiter(cfg.RateLimit, cfg.Concurrency)
	}
	p.client = client
	p.auth = &authenticator{p: p, cfg: cfg.Auth, sem: make(chan struct{}, 1)}
	p.auth.ctx, p.auth.cancel = context.WithCancel(context.Background())
	if cfg.Auth.Method == AuthToken && cfg.Auth.TokenFile == "" && client.Token() == "" {
		if tok := homeToken(); tok != "" {
			client.SetToken(tok)
		} else {
			return nil, fmt.Errorf("%s: no token: set VAULT_TOKEN, write ~/.vault-token or choose the kubernetes or approle auth method", providerName)
		}
	}
	return p, nil
}

// homeToken reads ~/.vault-token, the Vault CLI's default token helper.
func homeToken() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	b, err := os.ReadFile(filepath.Join(home, ".vault-token"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func (c Config) validate() error {
	var errs []error
	if strings.Trim(c.Mount, "/") == "" {
		errs = append(errs, errors.New("no mount: give the KV mount's path (\"secret\")"))
	}
	switch c.KVVersion {
	case 0, 1, 2:
	default:
		errs = append(errs, fmt.Errorf("kv_version %d: want 1 or 2 (0 detects it)", c.KVVersion))
	}
	switch c.Auth.Method {
	case "", AuthToken:
	case AuthKubernetes:
		if c.Auth.Role == "" {
			errs = append(errs, errors.New("kubernetes auth without a role"))
		}
	case AuthAppRole:
		if c.Auth.RoleID == "" {
			errs = append(errs, errors.New("approle auth without a role_id"))
		}
		if (c.Auth.SecretIDFile == "") == (c.Auth.SecretIDEnv == "") {
			errs = append(errs, errors.New("approle auth needs exactly one of secret_id_file and secret_id_env"))
		}
	default:
		errs = append(errs, fmt.Errorf("unknown auth method %q: want token, kubernetes or approle", c.Auth.Method))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s: %w", providerName, err)
	}
	return nil
}

// Name returns "vault:MOUNT/PREFIX" as configured.
func (p *Provider) Name() string {
	return "vault:" + strings.Trim(p.cfg.Mount, "/") + "/" + strings.TrimPrefix(p.cfg.Prefix, "/")
}

// Close stops the token renewal and closes the client's idle connections.
// Calls in progress fail; a later call logs in again if it must.
func (p *Provider) Close() error {
	p.auth.close()
	if p.tr != nil {
		p.tr.CloseIdleConnections()
	}
	return nil
}

// Get returns the current value of one secret: name is "MOUNT/PATH"
// ("secret/prod/db") or a path inside the configured mount ("prod/db"),
// optionally with "#FIELD" for one field. Without a field, an entry with a
// single field yields that field's value and an entry with several yields
// the entry as a JSON object (which a Redactor splits by its JSON policy).
func (p *Provider) Get(ctx context.Context, name string) (redact.Secret, error) {
	if err := p.prepare(ctx); err != nil {
		return redact.Secret{}, err
	}
	base, field, _ := strings.Cut(name, "#")
	rel := strings.TrimPrefix(strings.TrimPrefix(base, p.mountPath()+"/"), "/")
	data, version, err := p.readCurrent(ctx, rel, name)
	if err != nil {
		return redact.Secret{}, err
	}
	if data == nil {
		return redact.Secret{}, provider.NewError(providerName, name, provider.NotFound, errors.New("no current version"))
	}
	if field != "" {
		v, ok := data[field]
		if !ok {
			return redact.Secret{}, provider.NewError(providerName, name, provider.NotFound, fmt.Errorf("no field %q", field))
		}
		return redact.Secret{Name: name, Version: version, Value: scalar(v)}, nil
	}
	ss := entrySecrets(base, version, data)
	if len(ss) == 0 {
		return redact.Secret{}, provider.NewError(providerName, name, provider.NotFound, errors.New("entry without fields"))
	}
	ss[0].Name = name // as asked: "PATH", not the "PATH#FIELD" of a single field
	return ss[0], nil
}

// mountPath returns the mount, as discovered.
func (p *Provider) mountPath() string {
	p.mountMu.Lock()
	defer p.mountMu.Unlock()
	return p.mount
}

// prepare logs in or renews as needed and discovers the mount once.
func (p *Provider) prepare(ctx context.Context) error {
	if err := p.auth.ensure(ctx); err != nil {
		return err
	}
	return p.detect(ctx)
}

// backoff is the client's retry wait: Retry-After on a 429 or 503 (as
// retryablehttp.RateLimitLinearJitterBackoff), else a linear backoff with
// jitter. A Retry-After also holds every other request of this provider
// (see gate), so that a throttled listing does not go on asking.
func (p *Provider) backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	d := retryablehttp.RateLimitLinearJitterBackoff(min, max, attempt, resp)
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) &&
		resp.Header.Get("Retry-After") != "" {
		p.gate.hold(d)
	}
	return d
}

// gate holds requests until a time a Retry-After named.
type gate struct {
	mu    sync.Mutex
	until time.Time
}

func (g *gate) hold(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t := time.Now().Add(d); t.After(g.until) {
		g.until = t
	}
}

// wait returns when the gate is open or ctx is done.
func (g *gate) wait(ctx context.Context) error {
	g.mu.Lock()
	d := time.Until(g.until)
	g.mu.Unlock()
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
