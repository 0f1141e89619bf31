package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hushlog/hush/config"
	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/redact"
)

const sourcesHelp = `Secret sources (any combination; at least one, unless detection is on):
  --secrets-dir DIR      one file per secret, named by its path below DIR
                         (Kubernetes mounted secrets; dot-files skipped)
  --env-file FILE        a .env file: every KEY=value is a secret named KEY
  --from-env GLOB        this process's environment variables whose names
                         match GLOB (e.g. '*_PASSWORD'); repeatable
  --aws NAME|prefix:P|tag:K[=V]
                         AWS Secrets Manager, with the SDK's default
                         credential chain and region (AWS_REGION, profiles,
                         IRSA, IMDS; --region and --profile choose them);
                         AWSCURRENT, AWSPENDING and AWSPREVIOUS versions.
                         Names are taken as given; prefix: and tag: filters
                         select secrets matching all of them. Repeatable.
  --vault MOUNT/PREFIX   every secret under PREFIX of the KV mount MOUNT of
                         HashiCorp Vault or OpenBao (e.g. secret/prod/),
                         listed recursively; KV v1 or v2 detected; the
                         current versions and those replaced within the
                         last 24 hours. VAULT_ADDR, VAULT_TOKEN (else
                         ~/.vault-token) and VAULT_NAMESPACE as for the
                         Vault CLI; other logins through --config (vault:).
                         A KV entry with one field is protected whatever
                         the field is called (PATH#FIELD); with several,
                         its credential-like fields (PATH#password, ...).
  --gcp projects/P[/locations/L][?FILTER]
                         Google Secret Manager: every secret of project P
                         (of location L: regional secrets) matching the
                         list FILTER (e.g. projects/p?labels.env=prod); the
                         newest enabled version and the enabled versions
                         replaced within the last 24 hours. Application
                         Default Credentials (GOOGLE_APPLICATION_CREDENTIALS,
                         gcloud, workload identity); HUSH_GCP_ENDPOINT
                         points it at an emulator. A JSON secret's
                         credential-like fields are protected (ID#password).
  --k8s NAMESPACE[:SELECTOR]
                         the Secrets of a Kubernetes namespace ("*" for
                         all), optionally with a label selector
                         (payments:hush.io/protect=true); repeatable, one
                         selector for all. Every key of data; the
                         credentials inside dockerconfigjson; basic-auth
                         passwords; tls.key, not the certificate. The
                         cluster of KUBECONFIG (else ~/.kube/config, else
                         in-cluster); needs get, list and watch on secrets.
` + azureHelp + `  --exec CMD             run CMD with sh -c; it prints {"name":"value",...} or
                         [{"name":...,"value":...},...] on standard output
  --config FILE          a YAML file in the schema of the Collector
                         processor (aws, vault, gcp, azure, kubernetes,
                         files, env_files, env, exec, static,
                         min_length, encodings, replacement, json):
                         the hush block alone, copied with its "hush:" key,
                         or a whole Collector configuration. Keys for the
                         processor only (when_not_ready, blocked_values,
                         ...) are ignored with a notice. ${env:VAR} is
                         expanded. Flags add to it.

Each source must answer within --timeout (default 30s), or hush stops with
exit code 3 and says which one did not.

Detected tokens (scrub and scan): besides the secrets of the sources, hush
finds credentials it was never given by their format, validated by code
(checksums where the format has one): GitHub, GitLab, npm, PyPI, Slack,
Stripe, AWS access key ids, Google, OpenAI, Anthropic, Vault and other
tokens, PEM private keys, passwords in URLs; JWTs when asked. They are on by
default, replaced by "[REDACTED:detected:RULE]", and need no source:
  --detect[=SPEC]        which detectors: rule ids and the sets default,
                         all and none, a leading - takes a rule out
                         (--detect=default,jwt,-aws-access-key-id); bare
                         --detect is the default set. Write it with "=".
  --no-detect            only the secrets of the sources (which are then
                         required)
A configuration file's detectors: block (enabled, disabled, replacement)
applies unless a flag is given.`

// sourceFlags are the flags that say where the secrets come from and how
// they are matched.
type sourceFlags struct {
	dirs        []string
	envFiles    []string
	fromEnv     []string
	aws         []string
	vault       string
	gcp         string
	azure       []string
	k8s         []string
	exec        string
	configFile  string
	encodings   string
	minLength   int
	replacement string
	scrub       bool
	timeout     time.Duration
	region      string
	profile     string

	// detectOn says the command has the detector flags (scrub, scan).
	detectOn bool
	detect   string // --detect[=SPEC]; "" when not given
	noDetect bool   // --no-detect
	// set is the detectors in use, once the redactor is built.
	set *detect.Set
	// longest is the length of the longest value, once the sources are
	// read.
	longest int
}

func (s *sourceFlags) register(c *cobra.Command, scrub bool) {
	s.scrub = scrub
	f := c.Flags()
	f.StringArrayVar(&s.dirs, "secrets-dir", nil, "read secrets from `DIR`, one file per secret (repeatable)")
	f.StringArrayVar(&s.envFiles, "env-file", nil, "read secrets from a .env `FILE` (repeatable)")
	f.StringArrayVar(&s.fromEnv, "from-env", nil, "protect environment variables whose names match `GLOB` (repeatable)")
	f.StringArrayVar(&s.aws, "aws", nil, "AWS Secrets Manager: `NAME`, prefix:P or tag:K[=V] (repeatable)")
	f.StringVar(&s.vault, "vault", "", "HashiCorp Vault / OpenBao: every secret under `MOUNT/PREFIX` of a KV mount (VAULT_ADDR, VAULT_TOKEN, VAULT_NAMESPACE)")
	f.StringVar(&s.gcp, "gcp", "", "Google Secret Manager: every secret of `projects/P[/locations/L][?FILTER]` (Application Default Credentials)")
	f.StringArrayVar(&s.azure, "azure", nil, "Azure Key Vault: the vault's `URL` (https://NAME.vault.azure.net) or tag:K=V (repeatable)")
	f.StringArrayVar(&s.k8s, "k8s", nil, "Kubernetes Secrets of `NAMESPACE[:SELECTOR]` (repeatable; kubeconfig or in-cluster)")
	f.StringVar(&s.exec, "exec", "", "run `CMD` (with sh -c) that prints secrets as JSON")
	f.DurationVar(&s.timeout, "timeout", DefaultTimeout, "give up on a secret source that has not answered after `DURATION` (exit 3)")
	f.StringVar(&s.region, "region", "", "AWS `REGION` for --aws (default: the SDK's chain: AWS_REGION, the profile)")
	f.StringVar(&s.profile, "profile", "", "AWS shared config `PROFILE` for --aws (as AWS_PROFILE)")
	f.StringVar(&s.configFile, "config", "", "read sources and options from a YAML `FILE` (the Collector processor's schema)")
	f.StringVar(&s.encodings, "encodings", "", "encoded forms to find besides the raw value: `LIST` of raw,json,url,base64,hex,html,shell or all (default all)")
	f.IntVar(&s.minLength, "min-length", 0, "shortest value protected, in bytes (default 8)")
	if scrub {
		f.StringVar(&s.replacement, "replacement", "", "replacement `TEMPLATE`: {name} is the secret's name, {hash} a keyed fingerprint of it (default \"[REDACTED:{name}]\")")
	}
}

// registerDetect adds the detector flags (scrub and scan).
func (s *sourceFlags) registerDetect(c *cobra.Command) {
	s.detectOn = true
	f := c.Flags()
	f.StringVar(&s.detect, "detect", "", "find tokens hush was not given by their format (the default): `SPEC` is rule ids and the sets default, all, none, a leading - takes a rule out (--detect=default,jwt,-aws-access-key-id)")
	f.Lookup("detect").NoOptDefVal = config.DetectorsDefault
	f.BoolVar(&s.noDetect, "no-detect", false, "find only the secrets of the sources, no detected tokens")
}

// detectors returns the detector selection the flags give, and whether
// they give one (else the configuration file's, by default the default
// set, applies).
func (s *sourceFlags) detectors() (config.DetectorsConfig, bool) {
	var d config.DetectorsConfig
	switch {
	case s.noDetect:
		d.Enabled = []string{config.DetectorsNone}
	case s.detect != "":
		for _, p := range strings.Split(s.detect, ",") {
			p = strings.TrimSpace(p)
			if id, ok := strings.CutPrefix(p, "-"); ok {
				d.Disabled = append(d.Disabled, id)
			} else {
				d.Enabled = append(d.Enabled, p)
			}
		}
	default:
		return d, false
	}
	return d, true
}

// detectOff reports whether the flags turn detection off; a configuration
// file may too, which is known only once it is read.
func (s *sourceFlags) detectOff() bool {
	if !s.detectOn {
		return true
	}
	d, ok := s.detectors()
	return ok && d.Off()
}

// hasSourceFlag reports whether any secret source is given on the command
// line (a configuration file counts).
func (s *sourceFlags) hasSourceFlag() bool {
	return len(s.dirs)+len(s.envFiles)+len(s.fromEnv)+len(s.aws)+len(s.k8s)+len(s.azure) > 0 ||
		s.vault != "" || s.gcp != "" || s.exec != "" || s.configFile != ""
}

// errNoSource is the usage error of a run with nothing to look for.
var errNoSource = errors.New("no secret source: give --secrets-dir, --env-file, --from-env, --aws, --vault, --gcp, --azure, --k8s, --exec or --config")

// check validates the flags that need no I/O.
func (s *sourceFlags) check(cmd *cobra.Command) error {
	if s.detectOn {
		if s.noDetect && cmd.Flags().Changed("detect") {
			return usageError(errors.New("--detect and --no-detect cannot be used together"))
		}
		if s.detect != "" {
			if _, err := detect.Parse(s.detect); err != nil {
				return usageError(fmt.Errorf("--detect: %w", err))
			}
		}
	}
	if !s.hasSourceFlag() && s.detectOff() {
		if s.detectOn {
			return usageError(fmt.Errorf("%w (or leave detection on to look for tokens by their format alone)", errNoSource))
		}
		return usageError(errNoSource)
	}
	if err := applyAzure(s.azure, nil); err != nil {
		return usageError(err)
	}
	if cmd.Flags().Changed("vault") {
		if _, _, err := parseVault(s.vault); err != nil {
			return usageError(err)
		}
	}
	if cmd.Flags().Changed("gcp") {
		if _, err := parseGCP(s.gcp); err != nil {
			return usageError(err)
		}
	}
	if _, _, err := parseK8s(s.k8s); err != nil {
		return usageError(err)
	}
	if s.timeout <= 0 {
		return usageError(fmt.Errorf("--timeout %s: want a positive duration, such as 30s or 2m", s.timeout))
	}
	if cmd.Flags().Changed("min-length") && s.minLength < 4 {
		return usageError(fmt.Errorf("--min-length %d: want at least 4", s.minLength))
	}
	if s.encodings != "" {
		if _, err := redact.ParseEncodings(s.encodings); err != nil {
			return usageError(fmt.Errorf("--encodings: %w", err))
		}
	}
	for _, a := range s.aws {
		if _, err := parseAWS(a); err != nil {
			return usageError(err)
		}
	}
	for _, g := range s.fromEnv {
		if g == "" {
			return usageError(errors.New("--from-env: empty pattern"))
		}
	}
	return nil
}

// awsSelector is one --aws flag.
type awsSelector struct {
	name, prefix string
	tag          *config.TagConfig
}

func parseAWS(s string) (awsSelector, error) {
	switch {
	case strings.HasPrefix(s, "prefix:"):
		p := strings.TrimPrefix(s, "prefix:")
		if p == "" {
			return awsSelector{}, errors.New("--aws prefix: needs a prefix (prefix:prod/)")
		}
		return awsSelector{prefix: p}, nil
	case strings.HasPrefix(s, "tag:"):
		k, v, _ := strings.Cut(strings.TrimPrefix(s, "tag:"), "=")
		if k == "" {
			return awsSelector{}, errors.New("--aws tag: needs a key (tag:team or tag:team=payments)")
		}
		return awsSelector{tag: &config.TagConfig{Key: k, Value: v}}, nil
	case strings.TrimSpace(s) == "":
		return awsSelector{}, errors.New("--aws: empty secret name")
	}
	return awsSelector{name: s}, nil
}

// parseVault splits a --vault MOUNT/PREFIX at its first slash. A mount
// whose path has more segments ("kv/team-a") is found by the provider's
// mount discovery, so "kv/team-a/app/" works too.
func parseVault(s string) (mount, prefix string, err error) {
	mount, prefix, _ = strings.Cut(strings.TrimPrefix(strings.TrimSpace(s), "/"), "/")
	if mount == "" {
		return "", "", errors.New("--vault: needs MOUNT/PREFIX (secret/prod/, or secret/ for the whole mount)")
	}
	return mount, prefix, nil
}

// parseGCP reads a --gcp projects/P[/locations/L][?FILTER] ("projects/"
// may be left out).
func parseGCP(s string) (config.GCPConfig, error) {
	sel, filter, _ := strings.Cut(strings.TrimSpace(s), "?")
	parts := strings.Split(strings.TrimPrefix(strings.Trim(sel, "/"), "projects/"), "/")
	var g config.GCPConfig
	switch {
	case len(parts) == 1 && parts[0] != "":
		g.Project = parts[0]
	case len(parts) == 3 && parts[0] != "" && parts[1] == "locations" && parts[2] != "":
		g.Project, g.Location = parts[0], parts[2]
	default:
		return g, errors.New("--gcp: needs projects/PROJECT, projects/PROJECT/locations/LOCATION, optionally ?FILTER (projects/my-project?labels.env=prod)")
	}
	g.Filter = strings.TrimSpace(filter)
	return g, nil
}

// parseK8s splits the --k8s NAMESPACE[:SELECTOR] flags into namespaces and
// the one label selector they share.
func parseK8s(flags []string) (namespaces []string, selector string, err error) {
	for _, f := range flags {
		ns, sel, hasSel := strings.Cut(strings.TrimSpace(f), ":")
		if ns == "" {
			return nil, "", errors.New("--k8s: needs NAMESPACE[:SELECTOR] (payments, or payments:hush.io/protect=true)")
		}
		if hasSel {
			if sel == "" {
				return nil, "", fmt.Errorf("--k8s %s: empty label selector after the colon", f)
			}
			if selector != "" && sel != selector {
				return nil, "", errors.New("--k8s: different label selectors; one selector applies to every namespace")
			}
			selector = sel
		}
		namespaces = append(namespaces, ns)
	}
	return namespaces, selector, nil
}

// config returns the configuration file (if any) with the flags added.
func (s *sourceFlags) config(ctx context.Context, con *console) (*config.Config, error) {
	cfg := config.Default()
	if s.configFile != "" {
		c, err := loadConfig(ctx, s.configFile, s.timeout, func(msg string) { con.notice("", msg) }, con.learn)
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		if err != nil {
			return nil, usageError(err)
		}
		cfg = c
	}
	cfg.Files.Dirs = append(cfg.Files.Dirs, s.dirs...)
	cfg.EnvFiles = append(cfg.EnvFiles, s.envFiles...)
	if len(s.fromEnv) > 0 {
		if !cfg.Env.Enabled {
			cfg.Env.Patterns = nil
		}
		cfg.Env.Enabled = true
		cfg.Env.Patterns = append(cfg.Env.Patterns, s.fromEnv...)
	}
	for _, a := range s.aws {
		sel, _ := parseAWS(a)
		switch {
		case sel.name != "":
			cfg.AWS.Names = append(cfg.AWS.Names, sel.name)
		case sel.prefix != "":
			cfg.AWS.Prefixes = append(cfg.AWS.Prefixes, sel.prefix)
		default:
			cfg.AWS.Tags = append(cfg.AWS.Tags, *sel.tag)
		}
	}
	if s.region != "" {
		cfg.AWS.Region = s.region
	}
	if s.vault != "" {
		if cfg.Vault.Mount != "" {
			return nil, usageError(errors.New("--vault: the configuration file has a vault mount already"))
		}
		cfg.Vault.Mount, cfg.Vault.Prefix, _ = parseVault(s.vault)
	}
	if s.gcp != "" {
		if cfg.GCP.Project != "" {
			return nil, usageError(errors.New("--gcp: the configuration file has a gcp project already"))
		}
		g, _ := parseGCP(s.gcp)
		cfg.GCP.Project, cfg.GCP.Location, cfg.GCP.Filter = g.Project, g.Location, g.Filter
	}
	if err := applyAzure(s.azure, cfg); err != nil {
		return nil, usageError(err)
	}
	if len(s.k8s) > 0 {
		nss, sel, _ := parseK8s(s.k8s)
		k := &cfg.Kubernetes
		if sel != "" && k.LabelSelector != "" && sel != k.LabelSelector {
			return nil, usageError(errors.New("--k8s: the configuration file has another kubernetes.label_selector"))
		}
		if sel != "" {
			k.LabelSelector = sel
		}
		k.Namespaces = append(k.Namespaces, nss...)
	}
	if s.exec != "" {
		if cfg.Exec.Command != "" {
			return nil, usageError(errors.New("--exec: the configuration file has an exec command already"))
		}
		// The command has --timeout to answer, as every source has.
		cfg.Exec.Command, cfg.Exec.Args, cfg.Exec.Timeout = "/bin/sh", []string{"-c", s.exec}, s.timeout
	}
	if s.encodings != "" {
		cfg.Encodings = strings.Split(s.encodings, ",")
	}
	if s.minLength != 0 {
		cfg.MinLength = s.minLength
	}
	if s.replacement != "" {
		cfg.Replacement = s.replacement
	}
	if d, ok := s.detectors(); ok {
		d.Replacement = cfg.Detectors.Replacement
		cfg.Detectors = d
	}
	if err := cfg.Validate(); err != nil {
		return nil, usageError(fmt.Errorf("configuration: %w", err))
	}
	return cfg, nil
}

// redactor loads every secret and builds the Redactor. It also returns the
// longest match that can cross a chunk cut.
func (s *sourceFlags) redactor(ctx context.Context, con *console) (*redact.Redactor, int, error) {
	cfg, err := s.config(ctx, con)
	if err != nil {
		return nil, 0, err
	}
	opts, err := cfg.RedactOptions()
	if err != nil {
		return nil, 0, usageError(fmt.Errorf("configuration: %w", err))
	}
	con.guard.configure(opts)
	r, err := redact.New(opts...)
	if err != nil {
		return nil, 0, usageError(err)
	}
	if err := setAWSProfile(s.profile); err != nil {
		return nil, 0, usageError(fmt.Errorf("--profile: %w", err))
	}
	set, err := cfg.Detectors.Set()
	if err != nil {
		return nil, 0, usageError(fmt.Errorf("configuration: %w", err))
	}
	s.set = set
	look := detectLookahead(set)
	if !cfg.HasSources() && set.Len() > 0 {
		// A standalone scanner: the tokens the detectors recognise, and
		// no known secret.
		con.printf("hush: no secret source: looking only for the tokens %s recognise by their format\n", plural(set.Len(), "detector"))
		return r, look, nil
	}
	secrets, err := listSecrets(ctx, cfg, s.timeout, con.learn)
	if errors.Is(err, context.Canceled) {
		return nil, 0, err
	}
	if err != nil {
		return nil, 0, sourceError(err)
	}
	if err := r.Set(secrets); err != nil {
		return nil, 0, sourceError(fmt.Errorf("index the secrets: %w", err))
	}
	con.guard.adopt(r)
	st := r.Stats()
	for _, sk := range st.Skipped {
		con.notice("", fmt.Sprintf("secret %q not protected: %s", sk.Name, sk.Reason))
	}
	if st.Secrets == 0 {
		return nil, 0, sourceError(fmt.Errorf("no secret to look for: the sources gave %d values, none indexable", len(secrets)))
	}
	longest := 0
	for _, sec := range secrets {
		longest = max(longest, len(sec.Value))
	}
	s.longest = longest
	return r, max(look, lookahead(longest)), nil
}
