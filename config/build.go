package config

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/awssm"
	"github.com/hushlog/hush/provider/env"
	"github.com/hushlog/hush/provider/exec"
	"github.com/hushlog/hush/provider/file"
	"github.com/hushlog/hush/provider/kubernetes"
	"github.com/hushlog/hush/provider/static"
	"github.com/hushlog/hush/provider/vault"
	"github.com/hushlog/hush/redact"
)

// Settings are what the host process (the Collector, the CLI) gives the
// builders besides the configuration. Every field is optional.
type Settings struct {
	// Observer receives the Refresher's listing events, for metrics (see
	// package github.com/hushlog/hush/provider/otelmetric).
	Observer provider.Observer
	// Logger receives the Refresher's failures and set changes.
	Logger *zap.Logger
	// Now is the clock of the grace period; default time.Now.
	Now func() time.Time
}

// Listers builds one provider.Lister per configured source, in a fixed
// order: aws, vault, gcp, azure, kubernetes, files (one per directory),
// env_files (one per file), env, exec, static. It validates the
// configuration first. The AWS provider loads the SDK's default
// configuration here, the Vault provider reads the VAULT_* environment, the
// Google provider finds its Application Default Credentials and the
// Kubernetes provider its kubeconfig (no request to a secret store is made
// until the first listing). Listers that hold resources implement
// io.Closer; a Refresher made from them closes them.
func (c *Config) Listers(ctx context.Context) ([]provider.Lister, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var out []provider.Lister
	if c.AWS.Enabled() {
		tags := make([]awssm.Tag, len(c.AWS.Tags))
		for i, t := range c.AWS.Tags {
			tags[i] = awssm.Tag{Key: t.Key, Value: t.Value}
		}
		p, err := awssm.New(ctx, awssm.Config{
			Region:   c.AWS.Region,
			Endpoint: c.AWS.Endpoint,
			Names:    c.AWS.Names,
			Prefixes: c.AWS.Prefixes,
			Tags:     tags,
			Stages:   c.AWS.Stages,
		})
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if c.Vault.Enabled() {
		p, err := c.vaultProvider()
		if err != nil {
			return nil, closeAll(out, err)
		}
		out = append(out, p)
	}
	if c.GCP.Enabled() {
		p, err := c.gcpProvider(ctx)
		if err != nil {
			return nil, closeAll(out, err)
		}
		out = append(out, p)
	}
	if c.Azure.Enabled() {
		p, err := c.azureProvider()
		if err != nil {
			return nil, closeAll(out, err)
		}
		out = append(out, p)
	}
	if k := c.Kubernetes; k.Enabled() {
		p, err := kubernetes.New(kubernetes.Config{
			Kubeconfig:                  k.Kubeconfig,
			Context:                     k.Context,
			Namespaces:                  k.Namespaces,
			LabelSelector:               k.LabelSelector,
			IncludeServiceAccountTokens: k.IncludeServiceAccountTokens,
		})
		if err != nil {
			return nil, closeAll(out, err)
		}
		out = append(out, p)
	}
	fopts := file.Options{PollInterval: c.Files.PollInterval}
	for _, d := range c.Files.Dirs {
		p, err := file.NewDir(d, fopts)
		if err != nil {
			return nil, closeAll(out, err)
		}
		out = append(out, p)
	}
	for _, f := range c.EnvFiles {
		p, err := file.NewEnvFile(f, fopts)
		if err != nil {
			return nil, closeAll(out, err)
		}
		out = append(out, p)
	}
	if c.Env.Enabled {
		p, err := env.New(c.Env.Patterns...)
		if err != nil {
			return nil, closeAll(out, err)
		}
		out = append(out, p)
	}
	if c.Exec.Command != "" {
		p, err := exec.New(exec.Config{Command: c.Exec.Command, Args: c.Exec.Args, Timeout: c.Exec.Timeout})
		if err != nil {
			return nil, closeAll(out, err)
		}
		out = append(out, p)
	}
	if len(c.Static) > 0 {
		secrets := make([]redact.Secret, len(c.Static))
		for i, s := range c.Static {
			secrets[i] = redact.Secret{Name: s.Name, Value: string(s.Value)}
		}
		p, err := static.New(secrets...)
		if err != nil {
			return nil, closeAll(out, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// HasSources reports whether any secret source is configured.
func (c *Config) HasSources() bool {
	return c.AWS.Enabled() || c.Vault.Enabled() || c.GCP.Enabled() || c.Azure.Enabled() || c.Kubernetes.Enabled() ||
		len(c.Files.Dirs) > 0 || len(c.EnvFiles) > 0 || c.Env.Enabled ||
		c.Exec.Command != "" || len(c.Static) > 0
}

func closeAll(ls []provider.Lister, err error) error {
	for _, l := range ls {
		if c, ok := l.(interface{ Close() error }); ok {
			_ = c.Close()
		}
	}
	return err
}

// RefresherOptions returns the provider.RefresherOptions of this
// configuration and the host's settings.
func (c *Config) RefresherOptions(s Settings) provider.RefresherOptions {
	return provider.RefresherOptions{
		Interval:    c.refreshInterval(),
		GracePeriod: c.gracePeriod(),
		Now:         s.Now,
		Observer:    s.Observer,
		Logger:      s.Logger,
	}
}

// NewRefresher returns a Refresher keeping r current from listers, with this
// configuration's interval and grace period. It does not start it.
func (c *Config) NewRefresher(r *redact.Redactor, listers []provider.Lister, s Settings) (*provider.Refresher, error) {
	return provider.NewRefresher(r, listers, c.RefresherOptions(s))
}

// Build is the whole assembly: a Redactor with RedactOptions, the Listers,
// and a Refresher over them (not started; call Refresh for a first
// synchronous round, or Start). Close the Refresher when done. With no
// source configured (see HasSources) the Refresher has nothing to list and
// the Redactor stays empty.
func (c *Config) Build(ctx context.Context, s Settings) (*redact.Redactor, *provider.Refresher, error) {
	opts, err := c.RedactOptions()
	if err != nil {
		return nil, nil, err
	}
	r, err := redact.New(opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("redactor: %w", err)
	}
	listers, err := c.Listers(ctx)
	if err != nil {
		return nil, nil, err
	}
	f, err := c.NewRefresher(r, listers, s)
	if err != nil {
		return nil, nil, closeAll(listers, err)
	}
	return r, f, nil
}

// vaultProvider builds the Vault provider; its earlier versions are kept for
// the configuration's grace period unless vault.grace_period says otherwise.
func (c *Config) vaultProvider() (*vault.Provider, error) {
	v := c.Vault
	grace := v.GracePeriod
	if grace == 0 {
		grace = c.gracePeriod()
	}
	return vault.New(vault.Config{
		Address:     v.Address,
		Namespace:   v.Namespace,
		Mount:       v.Mount,
		Prefix:      v.Prefix,
		KVVersion:   v.KVVersion,
		GracePeriod: grace,
		RateLimit:   v.RateLimit,
		Auth: vault.Auth{
			Method:                  v.Auth.Method,
			MountPath:               v.Auth.MountPath,
			Role:                    v.Auth.Role,
			ServiceAccountTokenPath: v.Auth.ServiceAccountTokenPath,
			RoleID:                  v.Auth.RoleID,
			SecretIDFile:            v.Auth.SecretIDFile,
			SecretIDEnv:             v.Auth.SecretIDEnv,
			TokenFile:               v.Auth.TokenFile,
		},
	})
}
