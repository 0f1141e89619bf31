package redact

import (
	"fmt"
	"strings"
)

// Secret is one value to protect. Name and Version are not secret and may
// appear in output, errors and metrics; Value never does.
//
// A Name may carry a JSON field suffix ("prod/rds/app#password") when the
// value came from a field of a JSON object secret.
type Secret struct {
	// Name identifies the secret ("prod/db/password"). It is what the
	// default replacement template prints.
	Name string
	// Version is the provider's version label or id (an AWS version id,
	// a file's modification time); informational.
	Version string
	// Value is the secret material. It is never logged or printed.
	Value string
}

// String returns the name and version only, so that a Secret printed by
// mistake with %v or %s does not leak its value.
func (s Secret) String() string {
	if s.Version == "" {
		return s.Name
	}
	return s.Name + "@" + s.Version
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string {
	return fmt.Sprintf("redact.Secret{Name:%q, Version:%q, Value:<%d bytes>}", s.Name, s.Version, len(s.Value))
}

// Skipped names a secret (or part of one) that the last build did not index,
// and why. It never carries the value.
type Skipped struct {
	Name   string
	Reason string
}

func (s Skipped) String() string { return s.Name + ": " + s.Reason }

// Skip reasons reported in Stats.Skipped.
const (
	ReasonTooShort       = "shorter than the minimum length"
	ReasonCommonWord     = "a common word"
	ReasonEmpty          = "empty"
	ReasonInReplacement  = "occurs in the replacement text"
	ReasonNoSecretFields = "JSON object without credential-like keys"
)

// commonWords are values too common to index even when long enough: they
// would redact ordinary log text and tell an attacker nothing anyway.
var commonWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`password passw0rd password1 password123 changeme changeit
		secret secret123 admin123 administrator 12345678 123456789 1234567890 qwerty123 qwertyuiop
		letmein welcome1 iloveyou sunshine football baseball superman trustno1 abcdefgh
		00000000 11111111 88888888 redacted localhost undefined example default placeholder
		your-secret your_secret yourpassword mypassword notasecret`) {
		commonWords[w] = true
	}
}

func isCommonWord(v string) bool {
	return commonWords[strings.ToLower(v)]
}
