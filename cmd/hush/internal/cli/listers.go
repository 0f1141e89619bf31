package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hushlog/hush/config"
	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// listSecrets asks every configured source for its secrets, once: the CLI
// runs over files that exist now, so it needs no refresher. Any failure,
// even of one secret, fails the run: a scan with a partial set would call
// a file clean that is not.
func listSecrets(ctx context.Context, cfg *config.Config) ([]redact.Secret, error) {
	ls, err := cfg.Listers(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, l := range ls {
			if c, ok := l.(interface{ Close() error }); ok {
				c.Close()
			}
		}
	}()
	var out []redact.Secret
	var errs []error
	for _, l := range ls {
		secrets, err := l.List(ctx)
		if err != nil {
			errs = append(errs, describeListError(l, err))
			continue
		}
		out = append(out, secrets...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// describeListError says which source failed and, for the common causes,
// what to do. Provider errors never hold a value.
func describeListError(l provider.Lister, err error) error {
	var hint string
	vault := strings.HasPrefix(l.Name(), "vault:")
	switch provider.Kind(err) {
	case provider.AccessDenied:
		hint = " (check the credentials the AWS SDK found and the policy on the secret and its KMS key)"
		if vault {
			hint = " (check VAULT_TOKEN or the login, and that the policy grants list on MOUNT/metadata/* and read on MOUNT/data/* and MOUNT/metadata/*)"
		}
	case provider.NotFound:
		hint = " (check the name, the region and the account)"
		if vault {
			hint = " (check the mount, VAULT_ADDR and VAULT_NAMESPACE)"
		}
	case provider.Transient:
		hint = " (a network problem or throttling; try again)"
	}
	return fmt.Errorf("secret source %s: %w%s", l.Name(), err, hint)
}
