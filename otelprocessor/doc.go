// Package hushprocessor is an OpenTelemetry Collector processor (component
// type "hush") that removes the live values of your secrets from logs,
// traces, metrics and profiles in flight.
//
// It is the Collector front end of the flow described in the repository's
// DESIGN.md ("The flow", "Front ends"): the shared provider configuration
// (config) says where the secrets come from; a provider.Refresher lists
// them on an interval, follows rotation and keeps a redact.Redactor's index
// current in the background; the processor scrubs every string it can reach
// with that index, raw and encoded forms alike, and leaves everything else
// untouched.
//
// Coverage: log bodies (strings, and maps and slices at any depth, keys
// included), log attributes, severity text and event name; span names,
// attributes, status messages, events' names and attributes, links'
// attributes; metric descriptions, data point and exemplar attributes; and
// every string of a profiles batch (its dictionary's string table:
// function, file and mapping names, attribute keys and units, sample and
// period types; its attribute table; each profile's original payload,
// inside gzip too); and resource and scope attributes (and scope name and
// version, and the resource's entity references) of all four.
// Numbers whose decimal form holds a secret become strings, and byte values
// are scrubbed as bytes and read as the base64 OTLP/JSON writes them in (a
// value whose base64 holds a secret becomes that base64, scrubbed).
//
// It also offers the key and value rules of the contrib redactionprocessor
// (allowed, ignored and blocked keys, regular-expression values, hashing,
// summary attributes with the same names and merge semantics), so a
// pipeline needs one redaction stage, not two.
//
// Before the first index is built the processor refuses data with a
// retryable error (configurable: wait, pass, drop); after that a provider
// outage keeps the last index. See README.md for a fully commented
// configuration.
package hushprocessor // import "github.com/hushlog/hush/otelprocessor"
