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
// Both apply key rules: the value of an attribute whose key contains one of
// the configured patterns (DefaultKeyPatterns: password, secret, token,
// authorization, cookie, api_key, ...; ASCII case-insensitive) is replaced
// whole, whatever its kind, at any group depth.
//
// On a record without secrets NewJSONHandler and NewTextHandler allocate
// nothing beyond what slog does. Neither does NewHandler for strings, groups,
// errors, []byte and plain data; a value with its own rendering (a
// fmt.Stringer, a json.Marshaler) is rendered to be checked, which allocates.
package hushslog
