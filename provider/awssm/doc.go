// Package awssm reads secrets from AWS Secrets Manager, for the provider
// layer of hush (see package provider and the repository's DESIGN.md,
// "Refresh, rotation and failure").
//
// Credentials and region come from the AWS SDK's default configuration
// chain (environment, shared config and credentials files and profiles, web
// identity / IRSA, ECS and EKS pod identity, IMDS), so a workload identity
// needs no static secret; AWS_ENDPOINT_URL_SECRETS_MANAGER (and
// AWS_ENDPOINT_URL) are honoured, as is AWS_MAX_ATTEMPTS.
//
// A Provider is both a provider.Getter (GetSecretValue of AWSCURRENT, for an
// application behind a provider.Cache) and a provider.Lister (every selected
// secret, for a provider.Refresher). A listing:
//
//  1. discovers the secrets matching the prefix and tag filters with
//     ListSecrets (100 per page), whose SecretVersionsToStages map tells
//     which version holds AWSCURRENT, AWSPENDING and AWSPREVIOUS, and
//     describes explicitly named secrets with DescribeSecret (only when a
//     stage other than AWSCURRENT is wanted);
//  2. reads the AWSCURRENT values with BatchGetSecretValue, 20 secrets per
//     call, a few calls in flight;
//  3. reads AWSPENDING and AWSPREVIOUS versions with GetSecretValue by
//     version id, once: versions are immutable, so values are cached by
//     version id for as long as a listing still refers to them.
//
// Throttling and 5xx answers are retried by the SDK's retryer (exponential
// backoff with jitter). Access denied, not found and decryption failures
// are reported per secret as *provider.Error values naming the secret,
// without failing the others. No error contains a secret value; a malformed
// response is reported without quoting it.
//
// JSON object secrets are passed through whole under the secret's name; the
// Redactor splits them by its JSON policy. SecretBinary values are passed as
// their bytes.
package awssm // import "github.com/hushlog/hush/provider/awssm"
