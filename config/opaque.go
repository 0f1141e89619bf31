package config

import "fmt"

// Opaque is a string that never shows its value when printed or marshalled:
// fmt's verbs, JSON, YAML and text encoders all see "[REDACTED]". It is the
// type of every configuration field that holds key material (hash keys,
// static secret values), so a configuration dumped for debugging — by the
// CLI, the Collector's "print-config", or a panic — carries no secret.
//
// It plays the role of the Collector's configopaque.String without the
// dependency, so the configuration schema needs no Collector module.
type Opaque string

const opaqueMask = "[REDACTED]"

// String returns "[REDACTED]".
func (Opaque) String() string { return opaqueMask }

// GoString returns "[REDACTED]" for %#v.
func (Opaque) GoString() string { return opaqueMask }

// Format prints "[REDACTED]" for every verb, so %q, %x and %v of a value or
// a struct holding one cannot print the value.
func (Opaque) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(opaqueMask)) }

// MarshalText returns "[REDACTED]"; encoding/json and YAML encoders use it.
func (Opaque) MarshalText() ([]byte, error) { return []byte(opaqueMask), nil }
