package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"

	"github.com/hushlog/hush/config"
	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// DefaultTimeout bounds how long one secret source may take to answer.
const DefaultTimeout = 30 * time.Second

// sourceResult is what one secret source gave.
type sourceResult struct {
	name    string // the source, as providers name themselves: aws, file:DIR, exec, ...
	secrets []redact.Secret
	err     error
}

// errTimeout marks a source that did not answer in time.
var errTimeout = errors.New("timed out")

// listSources asks every configured source for its secrets, once (the CLI
// runs over files that exist now, so it needs no refresher), each within
// timeout. It returns what each source gave; err is set when a source
// could not even be set up, or the run was interrupted. Each source's
// values, even those of one that failed part-way, are given to learn as
// soon as it answers, before any error is described.
func listSources(ctx context.Context, cfg *config.Config, timeout time.Duration, learn func(...redact.Secret)) ([]sourceResult, error) {
	if cfg.AWS.Enabled() {
		if err := withTimeout(ctx, timeout, "secret source aws", func(ctx context.Context) error {
			return awsPreflight(ctx, cfg.AWS.Region)
		}); err != nil {
			return nil, err
		}
	}
	var ls []provider.Lister
	if err := withTimeout(ctx, timeout, "the secret sources", func(ctx context.Context) error {
		var err error
		ls, err = cfg.Listers(ctx)
		return err
	}); err != nil {
		return nil, err
	}
	defer func() {
		for _, l := range ls {
			if c, ok := l.(interface{ Close() error }); ok {
				c.Close()
			}
		}
	}()
	var out []sourceResult
	for _, l := range ls {
		// What the source gives is handed over on a channel: one that
		// answers after its time was up writes where no one reads.
		got := make(chan []redact.Secret, 1)
		err := withTimeout(ctx, timeout, "secret source "+l.Name(), func(ctx context.Context) error {
			s, err := l.List(ctx)
			got <- s
			return err
		})
		var secrets []redact.Secret
		select {
		case secrets = <-got:
		default: // timed out or interrupted
		}
		if errors.Is(err, errTimeout) || errors.Is(err, context.Canceled) {
			secrets = nil
		}
		learn(secrets...)
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		if err != nil && !errors.Is(err, errTimeout) {
			err = describeListError(l, err)
		}
		out = append(out, sourceResult{name: l.Name(), secrets: secrets, err: err})
	}
	return out, nil
}

// listSecrets returns the secrets of every source. Any failure, even of
// one secret, fails the run: a scan with a partial set would call a file
// clean that is not.
func listSecrets(ctx context.Context, cfg *config.Config, timeout time.Duration, learn func(...redact.Secret)) ([]redact.Secret, error) {
	res, err := listSources(ctx, cfg, timeout, learn)
	if err != nil {
		return nil, err
	}
	var out []redact.Secret
	var errs []error
	for _, r := range res {
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		out = append(out, r.secrets...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// withTimeout runs f with a deadline of timeout and returns its error, or,
// if f has not returned by then (a source that accepted a connection and
// never answered, a command that hangs, a file on a dead network mount),
// an error saying so at once. A cancelled run returns errInterrupted.
func withTimeout(ctx context.Context, timeout time.Duration, what string, f func(context.Context) error) error {
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f(tctx) }()
	var err error
	select {
	case err = <-done:
	case <-tctx.Done():
	}
	switch {
	case ctx.Err() != nil:
		return errInterrupted
	case tctx.Err() == context.DeadlineExceeded:
		return fmt.Errorf("%s did not answer within %s (--timeout): %w; is it reachable? raise --timeout if it is only slow", what, timeout, errTimeout)
	}
	return err
}

// awsPreflight checks, before any secret is asked for, that the AWS SDK
// finds a region and credentials, so that a missing one is reported as
// such (the SDK would report it as a failed request, which reads like a
// network problem).
func awsPreflight(ctx context.Context, region string) error {
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithLogger(logging.Nop{})}
	if region != "" {
		opts = append(opts, awsconfig.WithRegion(region))
	}
	c, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		var pe awsconfig.SharedConfigProfileNotExistError
		if errors.As(err, &pe) {
			return fmt.Errorf("secret source aws: AWS profile %q not found in the shared config files (check --profile or AWS_PROFILE, and AWS_CONFIG_FILE)", pe.Profile)
		}
		return fmt.Errorf("secret source aws: cannot load the AWS configuration: %w", err)
	}
	if c.Region == "" {
		return errors.New("secret source aws: no AWS region: give --region, set AWS_REGION, or use a profile with a region")
	}
	if _, err := c.Credentials.Retrieve(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("secret source aws: no AWS credentials found: set AWS_PROFILE (or --profile) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with a role (IRSA, an instance or task role) (the AWS SDK said: %w)", err)
	}
	return nil
}

// describeListError says which source failed and, for the common causes,
// what to do; the advice depends on the kind of source. Provider errors
// never hold a value.
func describeListError(l provider.Lister, err error) error {
	var hint string
	switch {
	case l.Name() == "aws":
		switch provider.Kind(err) {
		case provider.AccessDenied:
			hint = " (check the credentials the AWS SDK found and the policy on the secret and its KMS key)"
		case provider.NotFound:
			hint = " (check the name, the region (--region) and the account)"
		case provider.Transient:
			hint = " (a network problem or throttling; try again)"
		}
	case strings.HasPrefix(l.Name(), "vault:"):
		switch provider.Kind(err) {
		case provider.AccessDenied:
			hint = " (check VAULT_TOKEN or the login, and that the policy grants list on MOUNT/metadata/* and read on MOUNT/data/* and MOUNT/metadata/*)"
		case provider.NotFound:
			hint = " (check the mount, VAULT_ADDR and VAULT_NAMESPACE)"
		case provider.Transient:
			hint = " (a network problem or throttling; try again)"
		}
	case strings.HasPrefix(l.Name(), "gcp:"):
		switch provider.Kind(err) {
		case provider.AccessDenied:
			hint = " (check the Application Default Credentials, and that they hold roles/secretmanager.viewer on the project and roles/secretmanager.secretAccessor on the secrets)"
		case provider.NotFound:
			hint = " (check the project and the location)"
		case provider.Transient:
			hint = " (a network problem or throttling (quota); try again)"
		}
	case strings.HasPrefix(l.Name(), "azure:"):
		switch provider.Kind(err) {
		case provider.AccessDenied:
			hint = " (check the identity DefaultAzureCredential found and that it holds the Key Vault Secrets User role, or an access policy with get and list on secrets)"
		case provider.NotFound:
			hint = " (check the vault URL)"
		case provider.Transient:
			hint = " (a network problem or throttling; try again)"
		}
	case strings.HasPrefix(l.Name(), "k8s:"):
		switch provider.Kind(err) {
		case provider.AccessDenied:
			hint = " (check the kubeconfig's user or the pod's service account, and that a Role grants get, list and watch on secrets in the namespace)"
		case provider.Transient:
			hint = " (the API server did not answer in time, or throttled; check KUBECONFIG and the context, and try again)"
		}
	}
	return fmt.Errorf("secret source %s: %w%s", l.Name(), err, hint)
}

// setAWSProfile makes the AWS SDK use a named profile, as AWS_PROFILE does.
func setAWSProfile(profile string) error {
	if profile == "" {
		return nil
	}
	return os.Setenv("AWS_PROFILE", profile)
}
