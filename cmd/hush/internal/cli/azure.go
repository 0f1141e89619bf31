package cli

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/hushlog/hush/config"
)

// azureHelp is the --azure paragraph of the sources help.
const azureHelp = `  --azure https://NAME.vault.azure.net|tag:K=V
                         Azure Key Vault: every secret of the vault (the
                         URL, given once), or those carrying every tag
                         given (repeatable); the current enabled versions
                         and those replaced within the last 24 hours.
                         Credentials from DefaultAzureCredential
                         (AZURE_* variables, workload identity, managed
                         identity, az login).
`

// applyAzure applies the --azure flags to cfg: the vault URL and the tag
// filter. It checks them too (cfg nil: check only).
func applyAzure(flags []string, cfg *config.Config) error {
	var vaultURL string
	tags := map[string]string{}
	for _, a := range flags {
		if t, ok := strings.CutPrefix(a, "tag:"); ok {
			k, v, found := strings.Cut(t, "=")
			if k == "" || !found {
				return fmt.Errorf("--azure %s: a tag filter is tag:KEY=VALUE", a)
			}
			tags[k] = v
			continue
		}
		u, err := url.Parse(a)
		if err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return fmt.Errorf("--azure %q: want the vault's URL (https://NAME.vault.azure.net) or tag:KEY=VALUE", a)
		}
		if vaultURL != "" {
			return errors.New("--azure: one vault URL at most (use --config for more)")
		}
		vaultURL = a
	}
	if len(flags) > 0 && vaultURL == "" {
		return errors.New("--azure: give the vault's URL (https://NAME.vault.azure.net)")
	}
	if cfg == nil || vaultURL == "" {
		return nil
	}
	if cfg.Azure.VaultURL != "" {
		return errors.New("--azure: the configuration file has an azure vault already")
	}
	cfg.Azure.VaultURL = vaultURL
	if len(tags) > 0 {
		cfg.Azure.Tags = tags
	}
	return nil
}
