// Package config is the one provider and redaction configuration shared by
// the hush Collector processor (otelprocessor) and the hush CLI's config
// file. It is unmarshalled by the Collector's confmap (mapstructure tags,
// snake_case keys), validated with Validate, turned into redact.Options with
// RedactOptions, into provider.Listers with Listers, and into a running
// provider.Refresher with NewRefresher (or all at once with Build).
//
// In the flow described in the repository's DESIGN.md ("The flow", "Module
// map") it is the composition root, in front of everything: it says where
// the secrets come from (AWS Secrets Manager, Vault/OpenBao, Google Secret
// Manager, Azure Key Vault, Kubernetes Secrets, files, .env files,
// environment variables, a command, static values), how often they are
// refreshed, how long a vanished value stays protected, and how the index
// protects them.
//
// A full example, every option shown (defaults noted):
//
//	# redaction
//	min_length: 8                  # shortest protected value, bytes (default 8, at least 4)
//	encodings: [all]               # raw, json, url, base64, hex, html, shell, or all (default all)
//	replacement: "[REDACTED:{name}]"  # {name} = secret name, {hash} = keyed name fingerprint
//	hash_key: ${env:HUSH_HASH_KEY} # key of {hash}; default: a fixed project-wide key
//	json:                          # JSON object secrets, protected per field as name#key
//	  all_fields: false            # protect every scalar field, not only credential-like keys
//	  credential_keys: []          # key patterns, as the zap/slog key rules (default: redact.DefaultCredentialKeys: password, pin, api_key, token, ...)
//	  whole_value: false           # also protect the whole JSON document
//	  disabled: false              # treat JSON object secrets as plain strings
//	detectors:                     # tokens found by their format, never given to hush (package detect)
//	  enabled: [default]           # rule ids and the sets default, all, none (default [default]);
//	                               # [default, jwt] adds JWTs, [none] turns detection off
//	  disabled: []                 # rule ids taken out, e.g. [aws-access-key-id]
//	  replacement: "[REDACTED:detected:{rule}]"  # {rule} = the rule id, {name} = detected:<rule>, {hash}
//
//	# refresh
//	refresh_interval: 5m           # how often providers are listed, with jitter (default 5m, at least 1s)
//	grace_period: 24h              # how long a vanished or rotated-out value stays protected (default 24h)
//	                               # every duration needs a unit ("10" would be 10 ns: refused, see
//	                               # CheckDurations); 0 is refused (omit the key for the default)
//
//	# providers (any combination; each is off until configured)
//	aws:                           # AWS Secrets Manager; credentials from the SDK's default chain
//	  region: us-east-1            # default: AWS_REGION / profile / IMDS
//	  endpoint: ""                 # default: SDK resolution (AWS_ENDPOINT_URL_SECRETS_MANAGER honoured)
//	  names: [prod/db/password, "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api-AbCdEf"]
//	  prefixes: [prod/]            # name prefixes
//	  tags:                        # every tag must match; an empty value matches the key alone
//	    - {key: hush, value: "true"}
//	  stages: [AWSCURRENT, AWSPENDING, AWSPREVIOUS]  # default: all three
//	vault:                         # HashiCorp Vault / OpenBao KV v1 or v2 (VAULT_ADDR, VAULT_TOKEN, VAULT_NAMESPACE honoured)
//	  address: ""                  # default: VAULT_ADDR
//	  namespace: ""                # default: VAULT_NAMESPACE
//	  mount: secret                # the KV mount; setting it turns the provider on
//	  prefix: prod/                # every secret under it, listed recursively (default: the whole mount)
//	  kv_version: 0                # 1 or 2; 0 detects it (default)
//	  grace_period: 0s             # earlier versions replaced less than this ago are protected (default: grace_period)
//	  rate_limit: 0                # requests per second to Vault, per process (default: VAULT_RATE_LIMIT, else none)
//	  auth:
//	    method: kubernetes         # token (default: VAULT_TOKEN / ~/.vault-token / token_file), kubernetes, approle
//	    role: hush                 # kubernetes: the role; service_account_token_path defaults to the pod's token
//	    mount_path: kubernetes     # the auth mount (default kubernetes / approle)
//	    # approle: role_id: ..., secret_id_file: /run/secrets/secret-id (or secret_id_env: VAR)
//	gcp:                           # Google Secret Manager (Application Default Credentials: workload identity)
//	  project: my-project          # setting it turns the provider on
//	  location: ""                 # regional secrets of this location (default: the global secrets)
//	  filter: labels.env=prod      # a Secret Manager list filter (default: every secret)
//	  versions: enabled            # enabled (versions within grace_period) or latest (fewer read requests)
//	  grace_period: 0s             # earlier versions replaced less than this ago are protected (default: grace_period)
//	  credentials_file: ""         # default: Application Default Credentials
//	azure:                         # Azure Key Vault; credentials from DefaultAzureCredential (workload identity, managed identity, az CLI)
//	  vault_url: https://NAME.vault.azure.net  # setting it turns the provider on
//	  tags: {env: prod}            # every tag must match (default: every secret of the vault)
//	  grace_period: 0s             # earlier enabled versions replaced less than this ago are protected (default: grace_period)
//	  versions_max_age: 1h         # a secret's versions are listed again after this even if its list entry did not change
//	kubernetes:                    # Kubernetes Secrets, watched (one LIST + one WATCH per namespace, no polling)
//	  kubeconfig: ""               # default: $KUBECONFIG, ~/.kube/config, else the pod's in-cluster configuration
//	  context: ""                  # default: the kubeconfig's current context
//	  namespaces: [payments, web]  # setting it turns the provider on; "*" for all (needs a ClusterRole)
//	  label_selector: ""           # e.g. hush.io/protect=true
//	  include_service_account_tokens: false
//	files:
//	  dirs: [/var/run/secrets/app] # one file per secret, name = relative path; Kubernetes ..data swaps followed
//	  poll_interval: 45s           # backstop poll besides the file-system watch (default 45s)
//	env_files: [/etc/app/.env]     # every KEY=value is a secret named KEY
//	env:
//	  enabled: true
//	  patterns: ["*_PASSWORD", "*_SECRET", "*_TOKEN", "*_KEY", "*_API_KEY", "*_PRIVATE_KEY", "*_CONNECTION_STRING"]  # the default
//	exec:
//	  command: /usr/local/bin/fetch-secrets  # prints {"name":"value",...} or [{"name":..,"value":..}]
//	  args: [--format, json]
//	  timeout: 30s                 # default 30s
//	static:
//	  - name: legacy/api-key
//	    value: ${env:LEGACY_API_KEY}
//
// Validate checks the document; ValidateSources checks the sources on this
// machine (directories and env files exist, the exec command can be found).
//
// The Collector processor embeds Config in its own configuration with
// `mapstructure:",squash"`, so these keys sit directly under the processor's
// name; the CLI's config file is the same document at its top level.
package config // import "github.com/hushlog/hush/config"
