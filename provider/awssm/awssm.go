package awssm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go/logging"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// The staging labels.
const (
	StageCurrent  = "AWSCURRENT"
	StagePending  = "AWSPENDING"
	StagePrevious = "AWSPREVIOUS"
)

// DefaultStages are the versions that can appear in logs, listed when
// Config.Stages is empty: the current one, the pending one (live in the
// target before it becomes current) and the previous one (still used by
// clients that have not reloaded).
var DefaultStages = []string{StageCurrent, StagePending, StagePrevious}

// DefaultConcurrency is how many calls a listing keeps in flight.
const DefaultConcurrency = 4

// Tag is a tag filter: a secret matches when it carries the key with this
// value, or with any value when Value is empty.
type Tag struct {
	Key, Value string
}

// Config selects secrets and says how to reach Secrets Manager.
//
// A secret is listed when it is named in Names, or when it matches the
// filters: its name starts with one of Prefixes (if any are given) and it
// carries every tag in Tags (if any are given).
type Config struct {
	// Region overrides the region of the default chain.
	Region string
	// Endpoint overrides the endpoint URL; empty means the SDK's
	// resolution (AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL, the
	// regional endpoint).
	Endpoint string
	// Names are secret names or ARNs listed explicitly.
	Names []string
	// Prefixes select secrets by name prefix.
	Prefixes []string
	// Tags select secrets carrying every one of these tags.
	Tags []Tag
	// Stages are the staging labels whose versions are listed; empty means
	// AWSCURRENT, AWSPENDING and AWSPREVIOUS.
	Stages []string
	// CacheCurrent lets a listing take the AWSCURRENT value from the
	// version cache when ListSecrets shows the same version as before, so
	// that a steady-state listing of discovered secrets costs only the
	// ListSecrets pages. By default AWSCURRENT values are read with
	// BatchGetSecretValue on every listing, which also notices revoked
	// access and disabled keys.
	CacheCurrent bool
	// Concurrency is how many calls a listing keeps in flight; default 4.
	Concurrency int
	// RetryMaxAttempts and RetryMaxBackoff tune the SDK's standard
	// retryer; zero keeps the SDK defaults (3 attempts, AWS_MAX_ATTEMPTS
	// honoured; 20 s).
	RetryMaxAttempts int
	RetryMaxBackoff  time.Duration
	// Client, when set, is used as is: Region, Endpoint and the retry
	// settings are then ignored.
	Client *secretsmanager.Client
}

// api is the part of the Secrets Manager client a Provider uses.
type api interface {
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
	BatchGetSecretValue(context.Context, *secretsmanager.BatchGetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.BatchGetSecretValueOutput, error)
	ListSecrets(context.Context, *secretsmanager.ListSecretsInput, ...func(*secretsmanager.Options)) (*secretsmanager.ListSecretsOutput, error)
	DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
}

var _ api = (*secretsmanager.Client)(nil)

// Provider reads secrets from AWS Secrets Manager. It is a provider.Getter
// and a provider.Lister, safe for concurrent use.
type Provider struct {
	client api
	cfg    Config
	stages map[string]bool
	conns  *connTracker // ours to close, nil for a given Client

	mu       sync.Mutex
	versions map[string]string // version id -> value
}

var (
	_ provider.Getter = (*Provider)(nil)
	_ provider.Lister = (*Provider)(nil)
)

// New returns a Provider using the SDK's default configuration chain.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	p := &Provider{cfg: cfg, versions: map[string]string{}}
	stages := cfg.Stages
	if len(stages) == 0 {
		stages = DefaultStages
	}
	p.stages = map[string]bool{}
	for _, s := range stages {
		p.stages[s] = true
	}
	if p.cfg.Concurrency <= 0 {
		p.cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Client != nil {
		p.client = cfg.Client
		return p, nil
	}
	// The SDK's own buildable client (so AWS_CA_BUNDLE and the defaults
	// mode still apply), dialing through a tracker so that Close can
	// release its connections.
	p.conns = &connTracker{conns: map[net.Conn]struct{}{}}
	hc := awshttp.NewBuildableClient()
	dialer := hc.GetDialer()
	hc = hc.WithTransportOptions(func(tr *http.Transport) { tr.DialContext = p.conns.dial(dialer) })
	opts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithHTTPClient(hc),
		// The SDK would print its own warnings on stderr; failures reach
		// the caller as errors instead.
		awsconfig.WithLogger(logging.Nop{}),
	}
	if cfg.Region != "" {
		opts = append(opts, awsconfig.WithRegion(cfg.Region))
	}
	if cfg.RetryMaxAttempts > 0 || cfg.RetryMaxBackoff > 0 {
		opts = append(opts, awsconfig.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				if cfg.RetryMaxAttempts > 0 {
					o.MaxAttempts = cfg.RetryMaxAttempts
				}
				if cfg.RetryMaxBackoff > 0 {
					o.MaxBackoff = cfg.RetryMaxBackoff
				}
			})
		}))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		p.conns.close()
		return nil, fmt.Errorf("%s: loading the AWS configuration: %w", providerName, err)
	}
	if awsCfg.Region == "" {
		p.conns.close()
		return nil, fmt.Errorf("%s: no region: set aws.region, AWS_REGION or a profile's region", providerName)
	}
	p.client = secretsmanager.NewFromConfig(awsCfg, func(o *secretsmanager.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
	})
	return p, nil
}

func (c Config) validate() error {
	var errs []error
	for _, s := range c.Stages {
		switch s {
		case StageCurrent, StagePending, StagePrevious:
		default:
			errs = append(errs, fmt.Errorf("unknown stage %q", s))
		}
	}
	for _, t := range c.Tags {
		if t.Key == "" {
			errs = append(errs, errors.New("tag filter without a key"))
		}
	}
	for _, p := range c.Prefixes {
		if p == "" {
			errs = append(errs, errors.New("empty prefix"))
		}
	}
	if len(c.Names) == 0 && len(c.Prefixes) == 0 && len(c.Tags) == 0 {
		errs = append(errs, errors.New("no secret selected: give names, prefixes or tags"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s: %w", providerName, err)
	}
	return nil
}

// Name returns "aws".
func (p *Provider) Name() string { return "aws" }

// Get returns the AWSCURRENT value of the secret with this name or ARN.
func (p *Provider) Get(ctx context.Context, name string) (redact.Secret, error) {
	out, err := p.client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(name)})
	if err != nil {
		return redact.Secret{}, wrap("GetSecretValue", name, err)
	}
	return redact.Secret{Name: name, Version: aws.ToString(out.VersionId), Value: valueOf(out.SecretString, out.SecretBinary)}, nil
}

// Close closes the connections of the HTTP client the Provider made (not
// those of a Config.Client). Calls in progress fail; later calls dial anew.
func (p *Provider) Close() error {
	if p.conns != nil {
		p.conns.close()
	}
	return nil
}

// connTracker remembers the connections it dialed until they are closed.
type connTracker struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func (t *connTracker) dial(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		tc := &trackedConn{Conn: c, t: t}
		t.mu.Lock()
		t.conns[tc] = struct{}{}
		t.mu.Unlock()
		return tc, nil
	}
}

func (t *connTracker) close() {
	t.mu.Lock()
	conns := t.conns
	t.conns = map[net.Conn]struct{}{}
	t.mu.Unlock()
	for c := range conns {
		_ = c.(*trackedConn).Conn.Close()
	}
}

type trackedConn struct {
	net.Conn
	t    *connTracker
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.t.mu.Lock()
		delete(c.t.conns, c)
		c.t.mu.Unlock()
	})
	return c.Conn.Close()
}

func valueOf(s *string, b []byte) string {
	if s != nil {
		return *s
	}
	return string(b)
}
