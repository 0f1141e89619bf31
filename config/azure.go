package config

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/hushlog/hush/provider/azkv"
)

// AzureConfig selects the secrets of one Azure Key Vault. Credentials come
// from azidentity's DefaultAzureCredential (environment, workload
// identity, managed identity, Azure CLI); none belongs in the
// configuration.
type AzureConfig struct {
	// VaultURL is the vault's URL, https://NAME.vault.azure.net; setting
	// it turns the provider on.
	VaultURL string `mapstructure:"vault_url"`
	// Tags keeps only the secrets carrying every one of these tags with
	// these values; empty keeps every secret of the vault.
	Tags map[string]string `mapstructure:"tags"`
	// GracePeriod is how long an earlier enabled version stays protected
	// after a newer one replaced it; 0 means the configuration's
	// grace_period.
	GracePeriod time.Duration `mapstructure:"grace_period"`
	// VersionsMaxAge is how long a secret's versions listing is reused
	// while its entry in the secrets list is unchanged; 0 means
	// azkv.DefaultVersionsMaxAge (1h), negative lists every secret's
	// versions at every refresh.
	VersionsMaxAge time.Duration `mapstructure:"versions_max_age"`
}

// Enabled reports whether the Azure Key Vault provider is configured.
func (c AzureConfig) Enabled() bool { return c.VaultURL != "" }

func (c AzureConfig) validate() []error {
	var errs []error
	if !c.Enabled() {
		if len(c.Tags) > 0 || c.GracePeriod != 0 || c.VersionsMaxAge != 0 {
			errs = append(errs, errors.New("azure.vault_url: empty while other azure settings are given"))
		}
		return errs
	}
	if u, err := url.Parse(c.VaultURL); err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		errs = append(errs, fmt.Errorf("azure.vault_url: %q is not https://NAME.vault.azure.net", c.VaultURL))
	}
	for k := range c.Tags {
		if k == "" {
			errs = append(errs, errors.New("azure.tags: empty tag name"))
		}
	}
	if c.GracePeriod < 0 {
		errs = append(errs, fmt.Errorf("azure.grace_period: %v is negative", c.GracePeriod))
	}
	return errs
}

// azureProvider builds the Azure Key Vault provider; its earlier versions
// are kept for the configuration's grace period unless azure.grace_period
// says otherwise.
func (c *Config) azureProvider() (*azkv.Provider, error) {
	grace := c.Azure.GracePeriod
	if grace == 0 {
		grace = c.gracePeriod()
	}
	return azkv.New(azkv.Config{
		VaultURL:       c.Azure.VaultURL,
		Tags:           c.Azure.Tags,
		GracePeriod:    grace,
		VersionsMaxAge: c.Azure.VersionsMaxAge,
	})
}
