package config

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hushlog/hush/provider/gcpsm"
)

// GCPConfig selects the secrets of one Google Cloud project (or one region
// of it) in Google Secret Manager, authenticated by Application Default
// Credentials (GKE workload identity, GOOGLE_APPLICATION_CREDENTIALS,
// gcloud) unless credentials_file is given. HUSH_GCP_ENDPOINT points it at
// an emulator (host:port, plaintext, no credentials).
type GCPConfig struct {
	// Project is the project id ("my-project" or "projects/my-project");
	// setting it turns the provider on.
	Project string `mapstructure:"project"`
	// Location selects the regional secrets of that location
	// ("europe-west1"); empty means the global secrets.
	Location string `mapstructure:"location"`
	// Filter is a Secret Manager list filter ("labels.env=prod"); empty
	// means every secret of the project.
	Filter string `mapstructure:"filter"`
	// Versions is "enabled" (the default: every enabled version replaced
	// less than GracePeriod ago, one version listing per secret) or
	// "latest" (the latest version only, one access per secret; see
	// provider/gcpsm/README.md for the quotas).
	Versions string `mapstructure:"versions"`
	// GracePeriod is how long an earlier enabled version stays protected
	// after a newer one replaced it. 0 means the top-level grace_period.
	GracePeriod time.Duration `mapstructure:"grace_period"`
	// CredentialsFile is a credentials JSON file (service account,
	// external account); empty means Application Default Credentials.
	CredentialsFile string `mapstructure:"credentials_file"`
	// Endpoint overrides the service endpoint (host:port, TLS), for a
	// Private Service Connect endpoint.
	Endpoint string `mapstructure:"endpoint"`
}

// Enabled reports whether the Google Secret Manager provider is configured.
func (c GCPConfig) Enabled() bool { return c.Project != "" }

func (c GCPConfig) validate() []error {
	var errs []error
	if c.Project == "" {
		if c != (GCPConfig{}) {
			errs = append(errs, errors.New("gcp.project: empty while other gcp settings are given"))
		}
		return errs
	}
	if p := strings.TrimPrefix(c.Project, "projects/"); p == "" || strings.Contains(p, "/") {
		errs = append(errs, fmt.Errorf("gcp.project: %q is not a project id (\"my-project\" or \"projects/my-project\")", c.Project))
	}
	if strings.ContainsAny(c.Location, "/ ") {
		errs = append(errs, fmt.Errorf("gcp.location: %q is not a region name (\"europe-west1\")", c.Location))
	}
	switch c.Versions {
	case "", gcpsm.VersionsEnabled, gcpsm.VersionsLatest:
	default:
		errs = append(errs, fmt.Errorf("gcp.versions: %q is not %s or %s", c.Versions, gcpsm.VersionsEnabled, gcpsm.VersionsLatest))
	}
	if c.GracePeriod < 0 {
		errs = append(errs, fmt.Errorf("gcp.grace_period: %v is negative", c.GracePeriod))
	}
	return errs
}

// gcpProvider builds the Google Secret Manager provider; its earlier
// versions are kept for the configuration's grace period unless
// gcp.grace_period says otherwise.
func (c *Config) gcpProvider(ctx context.Context) (*gcpsm.Provider, error) {
	g := c.GCP
	grace := g.GracePeriod
	if grace == 0 {
		grace = c.gracePeriod()
	}
	return gcpsm.New(ctx, gcpsm.Config{
		Project:         g.Project,
		Location:        g.Location,
		Filter:          g.Filter,
		Versions:        g.Versions,
		GracePeriod:     grace,
		CredentialsFile: g.CredentialsFile,
		Endpoint:        g.Endpoint,
	})
}
