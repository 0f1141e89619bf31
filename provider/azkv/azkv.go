package azkv

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// Defaults, applied to zero fields of Config.
const (
	// DefaultConcurrency is how many secrets a listing reads at once.
	DefaultConcurrency = 4
	// DefaultGracePeriod is how long an earlier version stays listed
	// after a newer one replaced it: the Refresher's default grace.
	DefaultGracePeriod = provider.DefaultGracePeriod
	// DefaultVersionsMaxAge is how long a versions listing is reused for
	// a secret whose entry in the secrets list did not change.
	DefaultVersionsMaxAge = time.Hour
	// DefaultMaxRetries is how many times a throttled (429), unavailable
	// (5xx) or timed-out request is retried: azcore's default.
	DefaultMaxRetries = 3
	// DefaultRetryDelay is the first wait between retries when the answer
	// names no Retry-After; it doubles at every retry, with jitter.
	DefaultRetryDelay = 800 * time.Millisecond
	// DefaultMaxRetryDelay caps the wait between retries; a Retry-After
	// longer than it is not waited for (the listing fails as throttled and
	// the Refresher retries later).
	DefaultMaxRetryDelay = 60 * time.Second
)

// TokenEnv names an environment variable that, when set, holds a bearer
// token for Key Vault used instead of DefaultAzureCredential. It is meant
// for tests against a stand-in and for a one-off run with a token from
// `az account get-access-token --resource https://vault.azure.net`; a
// token so given is never refreshed.
const TokenEnv = "HUSH_AZURE_ACCESS_TOKEN"

// Config selects the secrets of one vault and says how to reach it.
type Config struct {
	// VaultURL is the vault's URL, https://NAME.vault.azure.net (or a
	// sovereign cloud's vault domain).
	VaultURL string
	// Tags keeps only the secrets carrying every one of these tags with
	// these values; empty keeps every secret. Tags are read from the list
	// answer: filtering costs no request.
	Tags map[string]string
	// GracePeriod is how long an earlier enabled version stays listed
	// after a newer enabled version replaced it; default
	// DefaultGracePeriod. Negative lists the current versions only.
	GracePeriod time.Duration
	// VersionsMaxAge is how long a secret's versions listing is reused
	// while the secret's entry in the secrets list (its current version's
	// creation and update times and enabled flag) is unchanged; default
	// DefaultVersionsMaxAge; negative lists every secret's versions at
	// every listing. Adding a version or changing the current one changes
	// the entry and is seen at the next listing; enabling or disabling an
	// earlier version does not, and is seen within VersionsMaxAge. A
	// secret changed less than a minute before its versions were listed
	// has them listed again (Key Vault's times are whole seconds).
	VersionsMaxAge time.Duration
	// Concurrency is how many secrets a listing reads at once; default 4.
	Concurrency int
	// MaxRetries, RetryDelay and MaxRetryDelay configure azcore's retry
	// policy; zero means DefaultMaxRetries, DefaultRetryDelay and
	// DefaultMaxRetryDelay; a negative MaxRetries means none.
	MaxRetries                int
	RetryDelay, MaxRetryDelay time.Duration
	// Credential gets the tokens; nil means TokenEnv's token when it is
	// set, else azidentity's DefaultAzureCredential (environment, workload
	// identity, managed identity, Azure CLI, ...).
	Credential azcore.TokenCredential
	// HTTPClient sends the requests; nil means a client of this provider
	// (the system's trust store, SSL_CERT_FILE honoured), whose idle
	// connections Close closes.
	HTTPClient *http.Client
	// DisableChallengeResourceVerification lets the vault's
	// authentication challenge name a resource outside the vault's domain
	// (a stand-in on loopback); keep it false in production.
	DisableChallengeResourceVerification bool
	// Now is the clock of the grace period; default time.Now.
	Now func() time.Time
}

// Provider reads the secrets of one Azure Key Vault. It is a
// provider.Getter and a provider.Lister, safe for concurrent use. Close it
// to release its connections.
type Provider struct {
	cfg    Config
	client *azsecrets.Client
	http   *http.Client
	own    bool // http is ours to close
	gate   *gate
	host   string

	mu       sync.Mutex
	versions map[versionKey]string  // values of immutable versions
	lists    map[string]versionList // versions listings, by secret
}

var (
	_ provider.Getter = (*Provider)(nil)
	_ provider.Lister = (*Provider)(nil)
)

// versionKey identifies one version of one secret.
type versionKey struct{ name, version string }

// New returns a Provider. It makes no request: the credential is first
// asked for a token by the first Get or List, so that a process can start
// while the vault or the identity endpoint is unreachable.
func New(cfg Config) (*Provider, error) {
	u, err := url.Parse(cfg.VaultURL)
	switch {
	case cfg.VaultURL == "":
		return nil, fmt.Errorf("%s: no vault URL: give https://NAME.vault.azure.net", providerName)
	case err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil:
		return nil, fmt.Errorf("%s: vault URL %q: want https://NAME.vault.azure.net", providerName, cfg.VaultURL)
	case cfg.Concurrency < 0:
		return nil, fmt.Errorf("%s: negative concurrency", providerName)
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.GracePeriod == 0 {
		cfg.GracePeriod = DefaultGracePeriod
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.VersionsMaxAge == 0 {
		cfg.VersionsMaxAge = DefaultVersionsMaxAge
	}
	retry := policy.RetryOptions{MaxRetries: DefaultMaxRetries, RetryDelay: DefaultRetryDelay, MaxRetryDelay: DefaultMaxRetryDelay}
	switch {
	case cfg.MaxRetries > 0:
		retry.MaxRetries = int32(min(cfg.MaxRetries, 100))
	case cfg.MaxRetries < 0:
		retry.MaxRetries = -1 // azcore: none
	}
	if cfg.RetryDelay > 0 {
		retry.RetryDelay = cfg.RetryDelay
	}
	if cfg.MaxRetryDelay > 0 {
		retry.MaxRetryDelay = cfg.MaxRetryDelay
	}
	p := &Provider{cfg: cfg, http: cfg.HTTPClient, gate: &gate{}, host: u.Host, versions: map[versionKey]string{}, lists: map[string]versionList{}}
	if p.http == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		p.http, p.own = &http.Client{Transport: tr}, true
	}
	cred := cfg.Credential
	if cred == nil {
		if tok := strings.TrimSpace(os.Getenv(TokenEnv)); tok != "" {
			cred = staticToken(tok)
			// The challenge's resource chooses the token's audience; a
			// given token has one already and is sent to VaultURL
			// whatever the challenge says, so verifying it protects
			// nothing (and would refuse a stand-in on loopback).
			cfg.DisableChallengeResourceVerification = true
		} else {
			dac, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
				ClientOptions: azcore.ClientOptions{Transport: p.http},
			})
			if err != nil {
				return nil, fmt.Errorf("%s: DefaultAzureCredential: %w", providerName, err)
			}
			cred = dac
		}
	}
	client, err := azsecrets.NewClient(strings.TrimSuffix(cfg.VaultURL, "/"), tokenErrors{cred}, &azsecrets.ClientOptions{
		ClientOptions: azcore.ClientOptions{
			Transport:        p.http,
			Retry:            retry,
			PerRetryPolicies: []policy.Policy{p.gate},
		},
		DisableChallengeResourceVerification: cfg.DisableChallengeResourceVerification,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", providerName, err)
	}
	p.client = client
	return p, nil
}

// Name returns "azure:HOST", the vault's host name.
func (p *Provider) Name() string { return "azure:" + p.host }

// Close closes the provider's idle connections. Calls in progress fail.
func (p *Provider) Close() error {
	if p.own {
		p.http.CloseIdleConnections()
	}
	return nil
}

// Get returns the current value of one secret: name is "NAME", or
// "NAME/VERSION" for one version.
func (p *Provider) Get(ctx context.Context, name string) (redact.Secret, error) {
	base, version, _ := strings.Cut(name, "/")
	if base == "" {
		return redact.Secret{}, provider.NewError(providerName, name, provider.NotFound, errors.New("empty secret name"))
	}
	value, id, err := p.read(ctx, base, version)
	if err != nil {
		return redact.Secret{}, wrap("get", name, err)
	}
	return redact.Secret{Name: name, Version: id, Value: value}, nil
}

// read returns one version's value and version id ("" for the current).
func (p *Provider) read(ctx context.Context, name, version string) (value, id string, err error) {
	resp, err := p.client.GetSecret(ctx, name, version, nil)
	if err != nil {
		return "", "", err
	}
	if resp.Value == nil {
		return "", "", errMalformed
	}
	if resp.ID != nil {
		id = resp.ID.Version()
	}
	return *resp.Value, id, nil
}

// staticToken is a credential of one token (TokenEnv).
type staticToken string

func (t staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	// Valid for an hour from every call: the token is what was given, and
	// its real expiry is the vault's to judge.
	return azcore.AccessToken{Token: string(t), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// tokenErrors marks the credential's failures, so that they are told apart
// from the vault's answers.
type tokenErrors struct{ azcore.TokenCredential }

func (c tokenErrors) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tok, err := c.TokenCredential.GetToken(ctx, o)
	if err != nil && ctx.Err() == nil {
		err = &authError{err}
	}
	return tok, err
}

// gate is a pipeline policy holding every request of the provider while a
// Retry-After (of a 429 or 503 answer) runs, so that a throttled listing
// does not go on asking with its other requests. azcore's retry policy
// waits for the Retry-After of the request that got it. It sits between
// the challenge policy and the transport, so it also refuses a challenge
// that policy cannot parse.
type gate struct {
	mu    sync.Mutex
	until time.Time
}

func (g *gate) Do(req *policy.Request) (*http.Response, error) {
	if err := g.wait(req.Raw().Context()); err != nil {
		return nil, err
	}
	resp, err := req.Next()
	if err == nil && resp.StatusCode == http.StatusUnauthorized && !challengeParsable(resp.Header.Get("WWW-Authenticate")) {
		// azsecrets' challenge policy (keyvault/internal v1.2.0) indexes
		// the authorization URL's path without checking its length: such
		// a challenge would crash the process.
		_ = resp.Body.Close()
		return nil, errBadChallenge{}
	}
	if err == nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d := retryAfter(resp.Header); d > 0 {
			g.hold(d)
		}
	}
	return resp, err
}

// errBadChallenge is a challenge the client cannot parse: malformed, and
// not worth a retry (azcore retries an error unless it is NonRetriable).
type errBadChallenge struct{}

func (errBadChallenge) Error() string        { return "authentication challenge: " + errMalformed.Error() }
func (errBadChallenge) Is(target error) bool { return target == errMalformed }
func (errBadChallenge) NonRetriable()        {}

// challengeParsable reports whether the challenge policy can parse a
// WWW-Authenticate header: it splits the header as that policy does and
// checks that an authorization URL has a path segment after the host
// (https://login.microsoftonline.com/TENANT).
func challengeParsable(h string) bool {
	h = strings.ReplaceAll(h, "Bearer ", "")
	for _, part := range strings.Split(h, " ") {
		kv := strings.Split(part, "=")
		if len(kv) != 2 || kv[0] != "authorization" {
			continue
		}
		v := strings.TrimSuffix(strings.ReplaceAll(kv[1], `"`, ""), ",")
		if v != "" && len(strings.Split(v, "/")) < 4 {
			return false
		}
	}
	return true
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

// retryAfter reads the headers azcore's retry policy reads, in its order:
// retry-after-ms, x-ms-retry-after-ms, then Retry-After in seconds or as
// an HTTP date.
func retryAfter(h http.Header) time.Duration {
	for _, k := range []string{"Retry-After-Ms", "X-Ms-Retry-After-Ms"} {
		if v := h.Get(k); v != "" {
			var ms int64
			if _, err := fmt.Sscan(v, &ms); err == nil && ms > 0 {
				return time.Duration(ms) * time.Millisecond
			}
		}
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	var s int64
	if _, err := fmt.Sscan(v, &s); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}
