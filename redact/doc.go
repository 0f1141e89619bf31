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
// and NewWriter; the zap and slog front ends that scrub a value before their
// logger writes it call ScrubValue and ContainsValue, which also read the
// value as an escaping logger writes it: see value.go).
//
// # Matching contract
//
//   - A Secret is a name, a version and a value. Names are not secret and
//     appear in replacements and statistics; values never appear anywhere
//     hush writes.
//   - Protected forms, indexed: the value trimmed of surrounding
//     whitespace; each line of a multi-line value (PEM armour lines
//     excepted); each invalid UTF-8 byte as U+FFFD; space as + (form
//     encoding); base64 std and URL, padded or not, at all three byte
//     alignments, and base64 of base64 standing alone; hex in both cases; XML/HTML
//     entities (&lt; &#34; &quot; &#39; &#x27; &#039; &apos;); quote
//     doubling (a SQL literal's doubled apostrophe, a CSV field's doubled
//     double quote); shell single-quote escaping.
//   - Protected forms, decoded by the scan (decode.go): a line holding a
//     percent-escape (%XX) or a backslash escape (\" \n \xHH \uXXXX
//     \UXXXXXXXX ..., as JSON, Go, Python, JavaScript, Ruby, PHP, Java and
//     C# write them) is decoded, up to two escapings deep, and the index searched in the decoded text; a
//     match redacts the escape sequences it came from. That covers JSON
//     string escaping in every variant (\uXXXX in either case, HTML-safe
//     \u003c, \/, JSON inside JSON), every language's choice of literal
//     characters and hex case in percent-encoding, and
//     compositions (base64 in a query string, URL-escaped twice, JSON in
//     JSON). Base64 wrapped at 64 or 76 columns (PEM, MIME, the base64
//     command) is searched with its line breaks removed; a match redacts
//     its part of each line and keeps the breaks. Base64 of base64 (a
//     Kubernetes .dockerconfigjson) at every alignment: a run of 64 or
//     more standard base64 characters (also wrapped) is decoded, and the
//     stretches of its decoding that are base64 characters are searched
//     for base64 forms (nested.go); the stretches that are text holding an
//     escape (a form or JSON body logged as bytes) are decoded once more
//     and searched. WithEncodings narrows the set.
//   - JSON document secrets (objects and arrays) are split into fields,
//     each protected as name#key: credential-like keys (see JSONPolicy),
//     and values that look secret by themselves (URLs and DSNs and their
//     passwords, random-looking tokens). Numbers stay as written.
//   - Multi-line secrets that are configuration files (every line a key
//     and value, a [section] or a comment: AWS credentials, INI, YAML,
//     .properties, .env) protect their credential-like and random-looking
//     values, never a harmless line such as "region = us-east-1"; the
//     whole file is protected in its escaped forms.
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
// Scrub, ScrubString and Contains do one atomic load and, in the steady
// state, no allocation on text that holds no secret (decoding a line with
// escapes uses pooled scratch); the scan runs at several GB/s on one core and
// its speed barely depends on the number of secrets (see package
// fingerprint). Set and Add index off the hot path, and only what changed: a
// change goes to a small delta index beside the large one, removed values
// are masked at once, and a background goroutine merges the two when the
// delta grows (DESIGN.md, "Refreshing the set"). Each change is published
// with one atomic swap, so a reader sees the set before it or after it.
package redact
