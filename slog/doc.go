// Package hushslog keeps secret values out of log/slog output: every record
// is scrubbed of the values a redact.Redactor currently holds, raw or
// encoded, before it is written.
//
// The package lives in the slog/ directory of the hush module and is named
// hushslog, so it never clashes with log/slog:
//
//	import hushslog "github.com/hushlog/hush/slog"
//
// There are two ways in:
//
//   - NewJSONHandler and NewTextHandler build slog's own handlers over a
//     writer that scrubs each encoded record as bytes. They cover
//     everything the handler prints (message, attributes, groups, WithAttrs
//     context, errors, any value, source), against the secret set current at
//     write time, and cost one scan of the record's bytes. Prefer them.
//   - NewHandler is middleware for any slog.Handler (a third-party JSON
//     handler, an OpenTelemetry bridge): it scrubs the record's message and
//     attribute values before the next handler sees them. See NewHandler
//     for exactly what it covers.
//
// Both apply key rules, at any group depth: the value of an attribute whose
// key names a credential (judged word by word: "db_password",
// "accessToken", "AWS_SECRET_ACCESS_KEY" and "Set-Cookie" do; "token_count",
// "max_tokens" and "cookie_policy" do not; see DefaultKeyPatterns) is
// replaced whole, even when it is not a known secret. Strings, []byte,
// groups and Any values are always replaced; a number (or duration or
// time) only under a key naming a secret that can be all digits (a
// password, a PIN, an API key), so "token": 4096 stays a number; a boolean
// never. A LogValuer is judged by what it resolves to.
//
// Tokens hush was never given but that identify themselves (a GitHub
// token, an AWS access key id, a PEM private key, a URL's password) are
// redacted wherever known secrets are, as "[REDACTED:detected:<rule>]":
// the Redactor's detectors do it, in the same pass. They are the
// Redactor's policy, shared by every front end using it, so there is no
// option here: build the Redactor with redact.WithDetectors (a
// detect.Parse set, or nil for known secrets only); by default it uses
// detect.Default().
//
// On a record without secrets NewJSONHandler and NewTextHandler allocate
// nothing beyond what slog does (but for a record holding a LogValuer,
// which is resolved once, for the key rules, and passed on resolved). Neither does NewHandler for strings, groups,
// errors, []byte and plain data; a value with its own rendering (a
// fmt.Stringer, a json.Marshaler) is rendered to be checked, which allocates.
package hushslog
