// Package leaktest is hush's single definition of a leak, and the
// conformance suite every front end runs against it.
//
// # What a leak is
//
// A secret leaks when its value can be read back from what a front end
// wrote. Find (and Check, its testing form) looks for every secret in two
// ways:
//
//   - every encoded form a producer really writes, generated here with the
//     standard library's encoders and independently of package redact: the
//     value itself, trimmed, and each line of a multi-line value (a line too
//     short to count alone counts joined to its neighbour, and, in a decode
//     of the output, as a line of its own); JSON string
//     escaping as encoding/json writes it (with and without HTML escaping,
//     \u003c style), with "/" as `\/`, with non-ASCII as \uXXXX in both hex
//     cases, and escaped twice; Go quoting (strconv.Quote and QuoteToASCII);
//     URL query, path and component escaping (JavaScript's
//     encodeURIComponent) in both hex cases, and userinfo as net/url writes
//     it; base64 standard and URL, padded or raw, at every byte alignment;
//     hex in both cases; HTML and XML entities;
//   - every standard decode of the output, searched again for the forms
//     above: base64 runs (also wrapped across lines) at every alignment,
//     hex runs, percent-decoding (with and without "+" as space), JSON and
//     Go string unescaping, and HTML unescaping, composed up to two levels
//     deep (a base64 token inside a URL, JSON inside JSON).
//
// A failure names the secret by its name and the form (and the decode that
// exposed it), never the value, and never the bytes around it.
//
// # The testify rule
//
// hush's tests use testify (require, assert) for structure, configuration,
// errors, counts and exit codes. They never pass a secret value, or output
// that may hold one, to a testify call: testify prints both sides of a
// failed assertion, so assert.NotContains(t, out, secret.Value) would print
// the secret (and the output) into the CI log. Leak assertions go through
// Check, which reports names and forms only. TestTestifyNeverSeesSecrets in
// this package enforces the rule over every _test.go file of the repository
// (see its comment for the exact heuristic).
//
// # Conformance suite
//
// Run is to hush's front ends what testing/slogtest is to slog handlers: a
// fixed set of scenarios (a secret in the message, a field value, a key, a
// group name, a nested object key, an error, a Stringer, panicking
// renderers, a LogValuer that changes its answer, bytes, a backslash right
// before the secret, control bytes and invalid UTF-8 around it, two
// secrets back to back, whitespace around one, a secret as both key and
// value, a logger name, a passphrase split into a list's words, a
// user:password pair split into a map's key and value, reflected structs,
// maps and raw JSON, wrapped, joined and verbose-only errors), written
// through a front end by an adapter the front end's own tests supply, and
// checked with Check. RunSecrets runs the scenarios with other secrets
// (MultilineSecrets: PEM keys with a short last line, LF and CRLF, and an
// AWS credentials file; EdgeSecrets: secrets holding the bytes loggers
// escape or quote; BinarySecrets); RunSecretsWith with Redactor options
// (TinySecrets, 4 to 7 bytes, under redact.WithMinLength(4), checked with
// CheckMin). An adapter returns ErrKnownGap for an entry that meets a gap
// DESIGN.md lists, and the scenario is skipped as such; a scenario that
// needs what a front end cannot express (Featured) is skipped too.
//
// RunExact (and RunExactUnquoted) runs the scenarios marked Exact through
// a front end and the same logger without hush, and checks with Faithful
// that the first wrote what the second did but for each secret's span:
// bytes outside a matched secret are never altered.
package leaktest
