// Package gcpsm reads secrets from Google Secret Manager, for the provider
// layer of hush (see package provider and DESIGN.md, "Providers").
//
// The client is cloud.google.com/go/secretmanager over gRPC, authenticated
// by Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS,
// gcloud's credentials, or the metadata server: GKE workload identity) or
// a credentials file. Regional secrets are read through the location's
// endpoint (secretmanager.LOCATION.rep.googleapis.com). The variable
// HUSH_GCP_ENDPOINT (host:port) points the provider at an emulator or a
// stand-in over plaintext gRPC without credentials.
//
// A Provider is both a provider.Getter (the newest version of one secret,
// for an application behind a provider.Cache) and a provider.Lister (every
// secret of a project or region matching a list filter, for a
// provider.Refresher). A listing with Versions "enabled" (the default):
//
//  1. lists the secrets (ListSecrets with the filter, 25,000 a page);
//  2. lists each secret's enabled versions (ListSecretVersions, filter
//     state:ENABLED) and picks the newest and those replaced by a newer
//     enabled version less than GracePeriod ago;
//  3. accesses the picked versions not read before (AccessSecretVersion):
//     a version is immutable, so values are cached by version name, and a
//     listing in which nothing changed costs only the list requests.
//
// With Versions "latest", a listing lists the secrets and accesses each
// secret's "latest" alias: no version listing (a read request, whose
// quota is small), one access request per secret instead. See README.md
// for the request counts and the quotas.
//
// A secret is named by its id ("db-password"). A JSON object is handed over
// whole; the Redactor splits it by its JSON policy exactly as a JSON secret
// of AWS Secrets Manager ("db-creds#password"). A payload that is not valid
// UTF-8 is a secret all the same, byte for byte.
//
// Errors are *provider.Error values naming the secret, never a value:
// PermissionDenied is AccessDenied, NotFound NotFound, ResourceExhausted,
// Unavailable and a deadline Transient, a payload whose CRC32C does not
// match Malformed. ResourceExhausted and Unavailable answers are retried
// with backoff, after the answer's RetryInfo delay when it has one (which
// also holds every other request of the Provider). Throttling that
// outlasts the retries, an unreachable service or missing credentials
// ends the listing with a listing-level error, so that a Refresher keeps
// every value it had and retries later with backoff.
package gcpsm // import "github.com/hushlog/hush/provider/gcpsm"
