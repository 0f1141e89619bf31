package gcpsm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	secretmanager "cloud.google.com/go/secretmanager/apiv1"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// EndpointEnv names the variable that points the provider at an emulator
// or stand-in: host:port, reached over plaintext gRPC without credentials.
// It is meant for tests and local emulators only; Config.Endpoint is the
// way to a private (TLS) endpoint.
const EndpointEnv = "HUSH_GCP_ENDPOINT"

// The version selections of Config.Versions.
const (
	// VersionsEnabled lists each secret's enabled versions (one
	// ListSecretVersions per secret, a read request) and keeps the newest
	// and those replaced less than GracePeriod ago. Values are cached by
	// version name.
	VersionsEnabled = "enabled"
	// VersionsLatest accesses each secret's "latest" alias (one
	// AccessSecretVersion per secret, an access request, whose quota is
	// 150 times the read quota) and lists no versions: earlier versions
	// are protected only while the Refresher's grace period keeps them.
	VersionsLatest = "latest"
)

// Defaults, applied to zero fields of Config.
const (
	// DefaultConcurrency is how many requests a listing keeps in flight.
	DefaultConcurrency = 4
	// DefaultGracePeriod is how long an earlier version stays listed
	// after a newer one replaced it: the Refresher's default grace.
	DefaultGracePeriod = provider.DefaultGracePeriod
	// DefaultMaxRetries is how many times a throttled or unavailable
	// request is retried.
	DefaultMaxRetries = 3
	// DefaultMinRetryWait and DefaultMaxRetryWait bound the exponential
	// backoff between retries when the answer carries no RetryInfo.
	DefaultMinRetryWait = time.Second
	DefaultMaxRetryWait = 30 * time.Second
)

// Config selects the secrets of one project (or one region of it) and says
// how to reach Secret Manager.
type Config struct {
	// Project is the project id or number, with or without "projects/".
	Project string
	// Location selects the regional secrets of that location
	// ("europe-west1"), read through its regional endpoint
	// (secretmanager.LOCATION.rep.googleapis.com); empty means the global
	// secrets.
	Location string
	// Filter is a Secret Manager list filter ("labels.env=prod"); empty
	// lists every secret of the project.
	Filter string
	// Versions is VersionsEnabled (the default) or VersionsLatest.
	Versions string
	// GracePeriod is how long an earlier enabled version stays listed after
	// a newer version replaced it; default DefaultGracePeriod. Negative
	// lists the newest enabled version only.
	GracePeriod time.Duration
	// CredentialsFile is a credentials JSON file (service account,
	// external account for workload identity federation, authorized user);
	// empty means Application Default Credentials (GOOGLE_APPLICATION_
	// CREDENTIALS, gcloud's, or the metadata server: GKE workload identity).
	CredentialsFile string
	// Endpoint overrides the service endpoint (host:port, TLS), for a
	// Private Service Connect endpoint. EndpointEnv, when set, wins.
	Endpoint string
	// Concurrency is how many requests a listing keeps in flight; default
	// DefaultConcurrency.
	Concurrency int
	// MaxRetries is how many times a ResourceExhausted or Unavailable
	// answer is retried; default DefaultMaxRetries, negative means none.
	MaxRetries int
	// MinRetryWait and MaxRetryWait bound the backoff between retries; a
	// RetryInfo in the answer is honoured instead, and holds every other
	// request of the provider until it is over.
	MinRetryWait, MaxRetryWait time.Duration
	// Now is the clock of the grace period; default time.Now.
	Now func() time.Time
	// ClientOptions are added to the client's options last (tests point
	// the client at a stand-in with them).
	ClientOptions []option.ClientOption
}

// Provider reads secrets from Google Secret Manager. It is a
// provider.Getter and a provider.Lister, safe for concurrent use. Close it
// to release its connections.
type Provider struct {
	cfg    Config
	parent string // projects/P or projects/P/locations/L
	client *secretmanager.Client
	gate   gate

	mu     sync.Mutex
	values map[string][]byte // by version name: versions are immutable
}

var (
	_ provider.Getter = (*Provider)(nil)
	_ provider.Lister = (*Provider)(nil)
)

// New returns a Provider. It makes no request (the gRPC connection is
// made lazily), so that a process can start while Secret Manager is
// unreachable; credentials are looked up now, and their absence is an
// error.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Versions == "" {
		cfg.Versions = VersionsEnabled
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.GracePeriod == 0 {
		cfg.GracePeriod = DefaultGracePeriod
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.MinRetryWait <= 0 {
		cfg.MinRetryWait = DefaultMinRetryWait
	}
	if cfg.MaxRetryWait < cfg.MinRetryWait {
		cfg.MaxRetryWait = max(DefaultMaxRetryWait, cfg.MinRetryWait)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	project := strings.TrimPrefix(cfg.Project, "projects/")
	p := &Provider{cfg: cfg, parent: "projects/" + project, values: map[string][]byte{}}
	var opts []option.ClientOption
	if cfg.Location != "" {
		p.parent += "/locations/" + cfg.Location
		opts = append(opts, option.WithEndpoint("secretmanager."+cfg.Location+".rep.googleapis.com:443"))
	}
	if cfg.Endpoint != "" {
		opts = append(opts, option.WithEndpoint(cfg.Endpoint))
	}
	if cfg.CredentialsFile != "" {
		typ, err := credentialsType(cfg.CredentialsFile)
		if err != nil {
			return nil, fmt.Errorf("%s: credentials_file: %w", providerName, err)
		}
		opts = append(opts, option.WithAuthCredentialsFile(typ, cfg.CredentialsFile))
	}
	if ep := os.Getenv(EndpointEnv); ep != "" {
		opts = append(opts,
			option.WithEndpoint(ep),
			option.WithoutAuthentication(),
			option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	}
	opts = append(opts, cfg.ClientOptions...)
	client, err := secretmanager.NewClient(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (Application Default Credentials: set GOOGLE_APPLICATION_CREDENTIALS, run gcloud auth application-default login, or run on GCP with a service account)", providerName, err)
	}
	p.client = client
	return p, nil
}

// credentialsType reads the "type" of a credentials file, which the client
// wants said explicitly.
func credentialsType(file string) (option.CredentialsType, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return "", errors.New("not a JSON credentials file") // never quote it
	}
	switch t := option.CredentialsType(head.Type); t {
	case option.ServiceAccount, option.AuthorizedUser, option.ExternalAccount, option.ImpersonatedServiceAccount:
		return t, nil
	default:
		return "", fmt.Errorf("unsupported credentials type %q", head.Type)
	}
}

func (c Config) validate() error {
	var errs []error
	project := strings.TrimPrefix(c.Project, "projects/")
	if project == "" || strings.Contains(project, "/") {
		errs = append(errs, errors.New(`project: give the project id ("my-project" or "projects/my-project")`))
	}
	if strings.ContainsAny(c.Location, "/ ") {
		errs = append(errs, fmt.Errorf("location %q: want a region name (\"europe-west1\")", c.Location))
	}
	switch c.Versions {
	case "", VersionsEnabled, VersionsLatest:
	default:
		errs = append(errs, fmt.Errorf("versions %q: want %q or %q", c.Versions, VersionsEnabled, VersionsLatest))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s: %w", providerName, err)
	}
	return nil
}

// Name returns "gcp:projects/P[/locations/L]" and the filter, if any.
func (p *Provider) Name() string {
	n := "gcp:" + p.parent
	if p.cfg.Filter != "" {
		n += "?" + p.cfg.Filter
	}
	return n
}

// Close closes the client's connections. Calls in progress fail.
func (p *Provider) Close() error {
	return p.client.Close()
}

// Get returns the newest version of one secret: name is the secret id
// ("db-password") or its full resource name, optionally with
// "/versions/N" for a given version.
func (p *Provider) Get(ctx context.Context, name string) (redact.Secret, error) {
	full := name
	if !strings.HasPrefix(name, "projects/") {
		full = p.parent + "/secrets/" + name
	}
	if !strings.Contains(full, "/versions/") {
		full += "/versions/latest"
	}
	version, data, err := p.access(ctx, full, name)
	if err != nil {
		return redact.Secret{}, err
	}
	return redact.Secret{Name: name, Version: versionID(version), Value: string(data)}, nil
}
