// Package azkv is the Azure Key Vault source of hush: a provider.Getter and
// provider.Lister over the secrets of one vault, read with the Azure SDK's
// azsecrets client.
//
// A listing pages through the vault's secrets (one LIST request per page of
// 25), keeps those whose tags match Config.Tags, pages through each kept
// secret's versions, and protects every enabled version that is the
// current one or was replaced less than Config.GracePeriod ago. Values are
// cached by version id (a Key Vault version is immutable), and a secret's
// versions listing is reused while the secret's entry in the secrets list
// is unchanged (see Config.VersionsMaxAge), so a listing in which nothing
// changed costs one request per page of 25 secrets.
//
// JSON object values are passed through whole under the secret's name; the
// Redactor splits them by its JSON policy, as for AWS Secrets Manager.
//
// Failures are *provider.Error values naming the secret, never holding a
// value: Key Vault's error answers are reduced to their HTTP status and
// error code (azcore's own messages quote the response body). Throttling
// (429) and unavailability (503) are retried by azcore's retry policy,
// which honours Retry-After; while a Retry-After runs, every other request
// of the provider waits too. See README.md for the configuration, the
// least-privilege role and the fleet's request budget.
package azkv
