// Package provider fetches secret values, caches them, follows rotation and
// keeps a *redact.Redactor current. It is the "provider" box of the flow in
// the repository's DESIGN.md, everything above the fingerprint index; its
// section "Refresh, rotation and failure" describes the model.
//
// Two uses, two interfaces:
//
//   - An application that reads secrets calls a Getter. Wrap it in a Cache:
//     values are cached with a jittered TTL, a failed refresh serves the
//     stale value, failures back off with full jitter, not-found is cached
//     briefly, concurrent Gets of one name share one fetch, and every value
//     read is added to the Redactor, so a secret your code uses is a secret
//     your logs never show.
//
//   - A process that only redacts (the Collector, the CLI) lists every
//     secret it must protect through Listers. A Refresher lists them on an
//     interval with jitter, keeps values that disappeared or were rotated out
//     protected for a grace period, never shrinks the set on a failed or
//     partial listing, and rebuilds the Redactor only when the set changed.
//
// The sources live in subpackages: awssm (AWS Secrets Manager), file
// (directories of one file per secret, .env files), env (environment
// variables), exec (a command printing JSON) and static. Package config
// turns the shared YAML configuration into Listers and a Refresher.
//
// Errors from providers are *Error values carrying an ErrorKind (Transient,
// AccessDenied, NotFound, Decryption, Malformed, Permanent) and, for
// per-secret failures, the secret's name; Kind classifies any error. No
// error produced here contains a secret value.
package provider // import "github.com/hushlog/hush/provider"
