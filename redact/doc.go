// Package redact is the public face of hush's engine: a Redactor knows the
// secret values that are live right now and removes every occurrence of
// them, raw or in any encoding a service really produces, from bytes,
// strings and streams.
//
// In the flow described in the repository's DESIGN.md ("The flow"; "The
// matching contract" is this package's contract in full) it sits between
// the providers (which call Set and Add as values are fetched and rotated)
// and the front ends (the zap core, the slog handler, the Collector
// processor and the hush CLI, which call Scrub, ScrubString, Contains, Find
// and NewWriter).
//
// # Matching contract
//
//   - A Secret is a name, a version and a value. Names are not secret and
//     appear in replacements and statistics; values never appear anywhere
//     hush writes.
//   - Protected forms: the value trimmed of surrounding whitespace; each
//     line of a multi-line value (PEM armour lines excepted); JSON string
//     escaping (plain, \uXXXX, HTML-safe, \/, and doubly escaped); URL
//     query, path and component escaping in both hex cases; base64 std and
//     URL, padded or not, at all three byte alignments; hex in both cases;
//     XML/HTML entities; shell single-quote escaping. WithEncodings narrows
//     the set.
//   - JSON object secrets are split into credential-like fields, each
//     protected as name#key (see JSONPolicy).
//   - Values shorter than the minimum length (8 by default) or common words
//     are skipped and reported by name in Stats().Skipped.
//   - Overlapping and adjacent matches merge into one replacement named
//     after the longest match. Bytes outside a match are never changed:
//     whitespace and line breaks around a secret, CRLF, invalid UTF-8 and
//     NUL bytes all pass through.
//   - Scrubbing is idempotent: a secret that occurs in a replacement text
//     (for example in a secret's name) is not indexed, and reported.
//
// # Performance
//
// Scrub, ScrubString and Contains do one atomic load and no allocation on
// text that holds no secret; the scan runs at several GB/s on one core and
// its speed barely depends on the number of secrets (see package
// fingerprint). Set and Add rebuild the index off the hot path.
package redact
