// Package vault reads secrets from a HashiCorp Vault or OpenBao KV secrets
// engine (version 1 or 2), for the provider layer of hush (see package
// provider and DESIGN.md, "Providers").
//
// The client is github.com/hashicorp/vault/api, configured as the Vault CLI
// is: VAULT_ADDR, VAULT_TOKEN (else ~/.vault-token), VAULT_NAMESPACE and the
// client's other VAULT_* variables (TLS, VAULT_MAX_RETRIES, VAULT_RATE_LIMIT,
// ...). It logs in with the token method, Kubernetes (a service account
// token, read at every login) or AppRole (a secret id from a file or a
// variable), and renews the token at two thirds of its lifetime, logging in
// again when a login's token reaches its maximum TTL.
//
// A Provider is both a provider.Getter (the current version of one secret,
// for an application behind a provider.Cache) and a provider.Lister (every
// secret under a mount and prefix, for a provider.Refresher). A listing:
//
//  1. discovers the mount's KV version once (sys/internal/ui/mounts, as the
//     Vault CLI does, else sys/mounts; or Config.KVVersion);
//  2. lists the folders recursively (LIST on <mount>/metadata/<folder>);
//  3. reads each secret's metadata (KV v2), which gives every version's
//     created_time, deletion_time and destroyed flag, and picks the current
//     version and the earlier ones replaced less than GracePeriod ago,
//     neither deleted nor destroyed;
//  4. reads the data of the picked versions not read before: a version is
//     immutable, so values are cached by version, and a listing in which
//     nothing changed costs only the LISTs and the metadata reads. A KV v1
//     mount has no versions: each listing reads every secret.
//
// A KV entry with a single field is protected whatever the field is called,
// under "PATH#FIELD" ("secret/prod/api#value"). An entry with several fields
// is handed over as one JSON object under "PATH", which the Redactor splits
// by its JSON policy exactly as a JSON secret of AWS Secrets Manager: the
// credential-like fields, each as "PATH#KEY" ("secret/prod/db#password").
//
// Errors are *provider.Error values naming the secret, never a value: 403
// is AccessDenied, 404 NotFound, 429, 412 and 5xx Transient, an answer that
// cannot be decoded Malformed (described without quoting it). The client
// retries 429 and 5xx answers, honouring Retry-After; a Retry-After also
// holds every other request of the Provider. Throttling that outlasts the
// retries, an unreachable Vault or a folder that cannot be listed ends the
// listing with a listing-level error, so that a Refresher keeps every value
// it had and retries later with backoff.
package vault // import "github.com/hushlog/hush/provider/vault"
