package config

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/awssm"
	"github.com/hushlog/hush/provider/env"
	"github.com/hushlog/hush/provider/exec"
	"github.com/hushlog/hush/provider/file"
	"github.com/hushlog/hush/provider/vault"
	"github.com/hushlog/hush/redact"
)

// The defaults are declared once, by the package that applies them; these
// names are the same values, for readers of the configuration.
const (
	// DefaultRefreshInterval is how often the listers are asked for the
	// current set of secrets.
	DefaultRefreshInterval = provider.DefaultRefreshInterval
	// DefaultGracePeriod is how long a value that disappeared or was rotated
	// out stays protected.
	DefaultGracePeriod = provider.DefaultGracePeriod
	// DefaultExecTimeout bounds one run of the exec provider's command.
	DefaultExecTimeout = exec.DefaultTimeout
	// DefaultPollInterval is the files provider's backstop poll.
	DefaultPollInterval = file.DefaultPollInterval
)

// The AWS Secrets Manager staging labels that can be selected in
// AWSConfig.Stages.
const (
	StageCurrent  = awssm.StageCurrent
	StagePending  = awssm.StagePending
	StagePrevious = awssm.StagePrevious
)

// DefaultStages are the versions of an AWS secret that can appear in logs
// (see awssm.DefaultStages).
var DefaultStages = awssm.DefaultStages

// DefaultEnvPatterns are the glob patterns the env provider matches variable
// names against when EnvConfig.Patterns is empty.
var DefaultEnvPatterns = env.DefaultPatterns

// Config is the provider and redaction configuration shared by the
// Collector processor and the hush CLI. Start from Default, which spells out
// every default and selects no provider: its zero durations are refused by
// Validate (a zero written in a document would otherwise silently mean the
// default).
type Config struct {
	// MinLength is the shortest value (bytes, after trimming whitespace)
	// that is protected. 0 means redact.DefaultMinLength (8); values below
	// 4 are refused.
	MinLength int `mapstructure:"min_length"`
	// Encodings lists the encoded forms protected besides the raw value:
	// raw, json, url, base64, hex, html, shell, or all. Empty means all.
	Encodings []string `mapstructure:"encodings"`
	// Replacement is the text that replaces a secret. "{name}" expands to
	// the secret's name, "{hash}" to a keyed fingerprint of the name.
	// Empty means redact.DefaultReplacement ("[REDACTED:{name}]").
	Replacement string `mapstructure:"replacement"`
	// HashKey keys the "{hash}" fingerprint. Empty means a fixed
	// project-wide key (stable across processes, not private).
	HashKey Opaque `mapstructure:"hash_key"`
	// JSON says which fields of JSON object secrets are protected.
	JSON JSONConfig `mapstructure:"json"`
	// Detectors selects the token detectors, which find credentials hush
	// was never given (a GitHub token, a PEM private key) by their format.
	// The zero value is the default set; see DetectorsConfig.
	Detectors DetectorsConfig `mapstructure:"detectors"`

	// RefreshInterval is how often every provider is listed again (with
	// jitter). Default DefaultRefreshInterval; at least one second (0 is
	// refused).
	RefreshInterval time.Duration `mapstructure:"refresh_interval"`
	// GracePeriod is how long a value stays protected after it disappeared
	// or was rotated out. Default DefaultGracePeriod; 0 and negative
	// values are refused.
	GracePeriod time.Duration `mapstructure:"grace_period"`

	// AWS selects secrets from AWS Secrets Manager. It is used when at
	// least one of Names, Prefixes or Tags is given.
	AWS AWSConfig `mapstructure:"aws"`
	// Vault selects the secrets of a HashiCorp Vault or OpenBao KV mount.
	// It is used when Mount is set.
	Vault VaultConfig `mapstructure:"vault"`
	// GCP selects secrets from Google Secret Manager. It is used when
	// Project is set.
	GCP GCPConfig `mapstructure:"gcp"`
	// Azure selects the secrets of an Azure Key Vault. It is used when
	// VaultURL is set.
	Azure AzureConfig `mapstructure:"azure"`
	// Kubernetes watches the Secrets of Kubernetes namespaces. It is used
	// when Namespaces is set.
	Kubernetes KubernetesConfig `mapstructure:"kubernetes"`
	// Files reads directories holding one file per secret (Kubernetes
	// mounted secrets).
	Files FilesConfig `mapstructure:"files"`
	// EnvFiles are .env files (KEY=value lines, multi-line quoted values);
	// every variable in them is a secret named after its key.
	EnvFiles []string `mapstructure:"env_files"`
	// Env protects the values of this process's environment variables
	// whose names match patterns.
	Env EnvConfig `mapstructure:"env"`
	// Exec runs a command that prints secrets as JSON. It is used when
	// Command is set.
	Exec ExecConfig `mapstructure:"exec"`
	// Static lists secrets given in the configuration itself.
	Static []StaticSecret `mapstructure:"static"`
}

// JSONConfig is the policy for JSON object secrets (as AWS stores RDS
// credentials): which fields are protected, each under "name#key".
type JSONConfig struct {
	// AllFields protects every scalar field, not only credential-like ones.
	AllFields bool `mapstructure:"all_fields"`
	// CredentialKeys are the key patterns that make a key credential-like,
	// in the syntax of the zap and slog key rules ("api_key", "*_pwd",
	// "!page_token"; matched word by word against the end of a key). They
	// replace the defaults; empty means redact.DefaultCredentialKeys.
	CredentialKeys []string `mapstructure:"credential_keys"`
	// WholeValue also protects the whole JSON document as one value.
	WholeValue bool `mapstructure:"whole_value"`
	// Disabled treats JSON object secrets as plain strings.
	Disabled bool `mapstructure:"disabled"`
}

// AWSConfig selects secrets in AWS Secrets Manager. Credentials and region
// come from the AWS SDK's default chain (environment, shared config and
// credentials files, web identity / IRSA, ECS and EKS pod identity, IMDS), so
// no static credential belongs here. AWS_ENDPOINT_URL_SECRETS_MANAGER is
// honoured.
//
// A secret is selected when it is listed in Names, or when it matches the
// filters: its name starts with one of Prefixes (when Prefixes is given) and
// it carries every tag in Tags (when Tags is given).
type AWSConfig struct {
	// Region overrides the region of the default chain (AWS_REGION,
	// profile, IMDS).
	Region string `mapstructure:"region"`
	// Endpoint overrides the Secrets Manager endpoint URL (a VPC endpoint
	// or a local stand-in). Empty means the SDK's resolution, which honours
	// AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL.
	Endpoint string `mapstructure:"endpoint"`
	// Names are secret names or ARNs selected explicitly.
	Names []string `mapstructure:"names"`
	// Prefixes select every secret whose name starts with one of them.
	Prefixes []string `mapstructure:"prefixes"`
	// Tags select secrets carrying every one of these tags. A tag with an
	// empty value matches on the key alone.
	Tags []TagConfig `mapstructure:"tags"`
	// Stages are the staging labels whose versions are protected:
	// AWSCURRENT, AWSPENDING, AWSPREVIOUS. Empty means all three.
	Stages []string `mapstructure:"stages"`
}

// TagConfig is one tag filter of AWSConfig.
type TagConfig struct {
	// Key is the tag key; required.
	Key string `mapstructure:"key"`
	// Value is the tag value; empty matches any value.
	Value string `mapstructure:"value"`
}

// Enabled reports whether the AWS provider is configured.
func (c AWSConfig) Enabled() bool {
	return len(c.Names) > 0 || len(c.Prefixes) > 0 || len(c.Tags) > 0
}

// VaultConfig selects every secret under a prefix of one Vault (or OpenBao)
// KV mount, version 1 or 2. The address, token and namespace default to
// VAULT_ADDR, VAULT_TOKEN (else ~/.vault-token) and VAULT_NAMESPACE, as for
// the Vault CLI; no token belongs in the configuration.
type VaultConfig struct {
	// Address is Vault's URL. Empty means VAULT_ADDR.
	Address string `mapstructure:"address"`
	// Namespace is the Vault Enterprise namespace. Empty means
	// VAULT_NAMESPACE.
	Namespace string `mapstructure:"namespace"`
	// Mount is the KV mount's path ("secret"); setting it turns the
	// provider on.
	Mount string `mapstructure:"mount"`
	// Prefix selects the secrets under it ("prod/"), listed recursively.
	// Empty means the whole mount.
	Prefix string `mapstructure:"prefix"`
	// KVVersion is 1 or 2; 0 (the default) detects it from the mount.
	KVVersion int `mapstructure:"kv_version"`
	// Auth says how to log in; default the token method.
	Auth VaultAuthConfig `mapstructure:"auth"`
	// GracePeriod is how long an earlier version of a KV v2 secret stays
	// protected after a newer one replaced it. 0 means the top-level
	// grace_period.
	GracePeriod time.Duration `mapstructure:"grace_period"`
	// RateLimit caps the requests per second of this process to Vault,
	// spreading each listing out; 0 means VAULT_RATE_LIMIT, else no cap.
	RateLimit float64 `mapstructure:"rate_limit"`
}

// VaultAuthConfig is the login of VaultConfig.
type VaultAuthConfig struct {
	// Method is token (the default), kubernetes or approle.
	Method string `mapstructure:"method"`
	// MountPath is the auth method's mount; default kubernetes or approle.
	MountPath string `mapstructure:"mount_path"`
	// Role is the Kubernetes auth role.
	Role string `mapstructure:"role"`
	// ServiceAccountTokenPath is the Kubernetes service account token
	// file; default /var/run/secrets/kubernetes.io/serviceaccount/token.
	ServiceAccountTokenPath string `mapstructure:"service_account_token_path"`
	// RoleID is the AppRole role id.
	RoleID string `mapstructure:"role_id"`
	// SecretIDFile or SecretIDEnv say where the AppRole secret id is.
	SecretIDFile string `mapstructure:"secret_id_file"`
	SecretIDEnv  string `mapstructure:"secret_id_env"`
	// TokenFile is, for the token method, a file holding the token (a
	// Vault Agent sink), read at every listing.
	TokenFile string `mapstructure:"token_file"`
}

// KubernetesConfig selects the Secrets of Kubernetes namespaces, watched by
// an informer. The cluster is the kubeconfig's (Kubeconfig, else
// $KUBECONFIG, else ~/.kube/config), else the pod's in-cluster
// configuration.
type KubernetesConfig struct {
	// Kubeconfig is a kubeconfig file; empty means the default loading
	// rules, then in-cluster.
	Kubeconfig string `mapstructure:"kubeconfig"`
	// Context is the kubeconfig context; empty means the current one.
	Context string `mapstructure:"context"`
	// Namespaces are the namespaces watched; "*" watches all. Setting it
	// turns the provider on.
	Namespaces []string `mapstructure:"namespaces"`
	// LabelSelector restricts the Secrets ("hush.io/protect=true").
	LabelSelector string `mapstructure:"label_selector"`
	// IncludeServiceAccountTokens protects the tokens of
	// kubernetes.io/service-account-token Secrets too.
	IncludeServiceAccountTokens bool `mapstructure:"include_service_account_tokens"`
}

// Enabled reports whether the Kubernetes provider is configured.
func (c KubernetesConfig) Enabled() bool { return len(c.Namespaces) > 0 }

func (c KubernetesConfig) validate() []error {
	if !c.Enabled() {
		if c.Kubeconfig != "" || c.Context != "" || c.LabelSelector != "" || c.IncludeServiceAccountTokens {
			return []error{errors.New("kubernetes.namespaces: empty while other kubernetes settings are given")}
		}
		return nil
	}
	var errs []error
	seen := map[string]bool{}
	for i, ns := range c.Namespaces {
		switch {
		case strings.TrimSpace(ns) == "":
			errs = append(errs, fmt.Errorf("kubernetes.namespaces[%d]: empty", i))
		case seen[ns]:
			errs = append(errs, fmt.Errorf("kubernetes.namespaces[%d]: %q given twice", i, ns))
		case ns == "*" && len(c.Namespaces) > 1:
			errs = append(errs, fmt.Errorf("kubernetes.namespaces[%d]: \"*\" (all namespaces) with other namespaces", i))
		}
		seen[ns] = true
	}
	if _, err := labels.Parse(c.LabelSelector); err != nil {
		errs = append(errs, fmt.Errorf("kubernetes.label_selector: %w", err))
	}
	return errs
}

// Enabled reports whether the Vault provider is configured.
func (c VaultConfig) Enabled() bool { return c.Mount != "" }

func (c VaultConfig) validate() []error {
	var errs []error
	if c.Mount == "" {
		if c.Address != "" || c.Prefix != "" || c.Namespace != "" || c.Auth != (VaultAuthConfig{}) {
			errs = append(errs, errors.New("vault.mount: empty while other vault settings are given"))
		}
		return errs
	}
	if strings.Trim(c.Mount, "/") == "" {
		errs = append(errs, fmt.Errorf("vault.mount: %q is not a mount path", c.Mount))
	}
	if c.KVVersion < 0 || c.KVVersion > 2 {
		errs = append(errs, fmt.Errorf("vault.kv_version: %d is not 1 or 2 (0 detects it)", c.KVVersion))
	}
	if c.Address != "" && !strings.HasPrefix(c.Address, "http://") && !strings.HasPrefix(c.Address, "https://") {
		errs = append(errs, fmt.Errorf("vault.address: %q is not an http(s) URL", c.Address))
	}
	if c.GracePeriod < 0 {
		errs = append(errs, fmt.Errorf("vault.grace_period: %v is negative", c.GracePeriod))
	}
	if c.RateLimit < 0 {
		errs = append(errs, fmt.Errorf("vault.rate_limit: %v is negative", c.RateLimit))
	}
	a := c.Auth
	switch a.Method {
	case "", vault.AuthToken:
	case vault.AuthKubernetes:
		if a.Role == "" {
			errs = append(errs, errors.New("vault.auth.role: empty (the kubernetes method needs a role)"))
		}
	case vault.AuthAppRole:
		if a.RoleID == "" {
			errs = append(errs, errors.New("vault.auth.role_id: empty (the approle method needs a role id)"))
		}
		if (a.SecretIDFile == "") == (a.SecretIDEnv == "") {
			errs = append(errs, errors.New("vault.auth: give exactly one of secret_id_file and secret_id_env"))
		}
	default:
		errs = append(errs, fmt.Errorf("vault.auth.method: %q is not token, kubernetes or approle", a.Method))
	}
	return errs
}

// FilesConfig reads directories of one file per secret. A secret's name is
// the file's path relative to its directory; Kubernetes' "..data" symlink
// swap is followed, and dot-files are skipped.
type FilesConfig struct {
	// Dirs are the directories to read.
	Dirs []string `mapstructure:"dirs"`
	// PollInterval is the backstop poll of the directories besides the
	// file-system watch. Default DefaultPollInterval; must be positive.
	PollInterval time.Duration `mapstructure:"poll_interval"`
}

// EnvConfig protects environment variables of this process.
type EnvConfig struct {
	// Enabled turns the env provider on.
	Enabled bool `mapstructure:"enabled"`
	// Patterns are glob patterns (path.Match syntax, case-sensitive)
	// matched against variable names. Empty means DefaultEnvPatterns.
	Patterns []string `mapstructure:"patterns"`
}

// ExecConfig runs a command that prints secrets on standard output, either
// as an object {"name": "value", ...} or as an array
// [{"name": "...", "value": "..."}, ...].
type ExecConfig struct {
	// Command is the program to run (looked up in PATH). Empty disables
	// the exec provider.
	Command string `mapstructure:"command"`
	// Args are the program's arguments.
	Args []string `mapstructure:"args"`
	// Timeout bounds one run. Default DefaultExecTimeout; must be
	// positive.
	Timeout time.Duration `mapstructure:"timeout"`
}

// StaticSecret is one secret given in the configuration.
type StaticSecret struct {
	// Name identifies the secret in replacements and reports.
	Name string `mapstructure:"name"`
	// Value is the secret value. It is printed as [REDACTED] when the
	// configuration is marshalled or logged.
	Value Opaque `mapstructure:"value"`
}

// Default returns a configuration with every default spelled out and no
// provider selected.
func Default() *Config {
	return &Config{
		MinLength:       redact.DefaultMinLength,
		Encodings:       []string{"all"},
		Replacement:     redact.DefaultReplacement,
		RefreshInterval: DefaultRefreshInterval,
		GracePeriod:     DefaultGracePeriod,
		AWS:             AWSConfig{Stages: append([]string(nil), DefaultStages...)},
		Files:           FilesConfig{PollInterval: DefaultPollInterval},
		Exec:            ExecConfig{Timeout: DefaultExecTimeout},
	}
}

// Validate reports every problem of the configuration at once, from the
// document alone: values out of range, zero durations, unknown encodings
// and replacement placeholders, malformed AWS selectors. ValidateSources
// checks what needs this machine (directories, files, the exec command);
// CheckDurations, called before decoding, rejects durations without a
// unit. Errors name keys and paths, never a secret value.
func (c *Config) Validate() error {
	var errs []error
	if c.MinLength != 0 && c.MinLength < 4 {
		errs = append(errs, fmt.Errorf("min_length: %d is below 4", c.MinLength))
	}
	if _, err := c.encodings(); err != nil {
		errs = append(errs, fmt.Errorf("encodings: %w", err))
	}
	if err := validateReplacement(c.Replacement); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.Detectors.validate()...)
	switch {
	case c.RefreshInterval == 0:
		errs = append(errs, fmt.Errorf("refresh_interval: 0 would never refresh; omit the key for the default (%v) or give at least 1s", DefaultRefreshInterval))
	case c.RefreshInterval < time.Second:
		errs = append(errs, fmt.Errorf("refresh_interval: %v is below 1s", c.RefreshInterval))
	}
	switch {
	case c.GracePeriod == 0:
		errs = append(errs, fmt.Errorf("grace_period: 0 is not allowed (a rotated-out value would be unprotected at once); omit the key for the default (%v)", DefaultGracePeriod))
	case c.GracePeriod < 0:
		errs = append(errs, fmt.Errorf("grace_period: %v is negative", c.GracePeriod))
	}
	errs = append(errs, c.AWS.validate()...)
	errs = append(errs, c.Vault.validate()...)
	errs = append(errs, c.GCP.validate()...)
	errs = append(errs, c.Azure.validate()...)
	errs = append(errs, c.Kubernetes.validate()...)
	for i, d := range c.Files.Dirs {
		if strings.TrimSpace(d) == "" {
			errs = append(errs, fmt.Errorf("files.dirs[%d]: empty path", i))
		}
	}
	if c.Files.PollInterval <= 0 {
		errs = append(errs, fmt.Errorf("files.poll_interval: %v is not positive; omit the key for the default (%v)", c.Files.PollInterval, DefaultPollInterval))
	}
	for i, f := range c.EnvFiles {
		if strings.TrimSpace(f) == "" {
			errs = append(errs, fmt.Errorf("env_files[%d]: empty path", i))
		}
	}
	for i, p := range c.Env.Patterns {
		if _, err := path.Match(p, ""); err != nil || p == "" {
			errs = append(errs, fmt.Errorf("env.patterns[%d]: %q is not a valid glob", i, p))
		}
	}
	if c.Exec.Command == "" && len(c.Exec.Args) > 0 {
		errs = append(errs, errors.New("exec.args: set without exec.command"))
	}
	if c.Exec.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("exec.timeout: %v is not positive; omit the key for the default (%v)", c.Exec.Timeout, DefaultExecTimeout))
	}
	seen := map[string]bool{}
	for i, s := range c.Static {
		switch {
		case s.Name == "":
			errs = append(errs, fmt.Errorf("static[%d].name: empty", i))
		case seen[s.Name]:
			errs = append(errs, fmt.Errorf("static[%d].name: %q given twice", i, s.Name))
		}
		seen[s.Name] = true
		if s.Value == "" {
			errs = append(errs, fmt.Errorf("static[%d].value: empty", i))
		}
	}
	return errors.Join(errs...)
}

func (c AWSConfig) validate() []error {
	var errs []error
	for i, n := range c.Names {
		if strings.TrimSpace(n) == "" {
			errs = append(errs, fmt.Errorf("aws.names[%d]: empty", i))
		}
	}
	for i, p := range c.Prefixes {
		if p == "" {
			errs = append(errs, fmt.Errorf("aws.prefixes[%d]: empty (to select every secret, list the prefixes in use)", i))
		}
	}
	for i, t := range c.Tags {
		if t.Key == "" {
			errs = append(errs, fmt.Errorf("aws.tags[%d].key: empty", i))
		}
	}
	for i, s := range c.Stages {
		switch s {
		case StageCurrent, StagePending, StagePrevious:
		default:
			errs = append(errs, fmt.Errorf("aws.stages[%d]: %q is not one of %s, %s, %s", i, s, StageCurrent, StagePending, StagePrevious))
		}
	}
	if c.Endpoint != "" && !strings.HasPrefix(c.Endpoint, "http://") && !strings.HasPrefix(c.Endpoint, "https://") {
		errs = append(errs, fmt.Errorf("aws.endpoint: %q is not an http(s) URL", c.Endpoint))
	}
	return errs
}

func (c *Config) encodings() (redact.Encoding, error) {
	if len(c.Encodings) == 0 {
		return redact.AllEncodings, nil
	}
	return redact.ParseEncodings(strings.Join(c.Encodings, ","))
}

// RedactOptions returns the redact.Options this configuration asks for, to
// pass to redact.New.
func (c *Config) RedactOptions() ([]redact.Option, error) {
	enc, err := c.encodings()
	if err != nil {
		return nil, fmt.Errorf("encodings: %w", err)
	}
	opts := []redact.Option{redact.WithEncodings(enc)}
	if c.MinLength != 0 {
		opts = append(opts, redact.WithMinLength(c.MinLength))
	}
	if c.Replacement != "" {
		opts = append(opts, redact.WithReplacement(c.Replacement))
	}
	if c.HashKey != "" {
		opts = append(opts, redact.WithHashKey([]byte(c.HashKey)))
	}
	opts = append(opts, redact.WithJSONPolicy(redact.JSONPolicy{
		AllFields:      c.JSON.AllFields,
		CredentialKeys: c.JSON.CredentialKeys,
		WholeValue:     c.JSON.WholeValue,
		Disabled:       c.JSON.Disabled,
	}))
	set, err := c.Detectors.Set()
	if err != nil {
		return nil, err
	}
	if set.Len() == 0 {
		set = nil
	}
	opts = append(opts, redact.WithDetectors(set))
	if c.Detectors.Replacement != "" {
		opts = append(opts, redact.WithDetectedReplacement(c.Detectors.Replacement))
	}
	return opts, nil
}

// refreshInterval and gracePeriod apply the defaults to zero values.
func (c *Config) refreshInterval() time.Duration {
	if c.RefreshInterval == 0 {
		return DefaultRefreshInterval
	}
	return c.RefreshInterval
}

func (c *Config) gracePeriod() time.Duration {
	if c.GracePeriod == 0 {
		return DefaultGracePeriod
	}
	return c.GracePeriod
}
