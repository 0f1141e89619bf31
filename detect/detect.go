package detect

import (
	"fmt"
	"slices"
	"strings"
)

// Confidence says how strongly a finding is known to be a credential.
type Confidence uint8

// The confidence levels, weakest first.
const (
	// Prefix: a fixed prefix and a strict body (length, alphabet).
	Prefix Confidence = iota + 1
	// Structure: structurally checked (a PEM block with its END line, a
	// JWT whose header decodes, the password of a URL's userinfo).
	Structure
	// Checksum: the token's own checksum verified; near-zero false
	// positives.
	Checksum
)

// String returns "prefix", "structure" or "checksum".
func (c Confidence) String() string {
	switch c {
	case Prefix:
		return "prefix"
	case Structure:
		return "structure"
	case Checksum:
		return "checksum"
	}
	return fmt.Sprintf("confidence(%d)", uint8(c))
}

// Rule describes one detector.
type Rule struct {
	// ID is stable and kebab-case: "github-token", "aws-access-key-id".
	ID string
	// Name is a human title: "GitHub token".
	Name string
	// Confidence is the best confidence this rule can give.
	Confidence Confidence
	// Default says whether the rule is in the default set.
	Default bool
	// Remediation says what to do with a leaked token: where to revoke or
	// rotate it, with the owner's URL.
	Remediation string
	// Prefixes are the fixed beginnings the detector looks for (empty for
	// the structural rules that have none: url-password).
	Prefixes []string
	// Format describes the token format checked, and Source where its
	// owner describes it.
	Format string
	Source string
}

// Finding is one detected token: text[Start:End] is the whole token to
// redact.
type Finding struct {
	Start, End int
	Rule       *Rule
	// Confidence of this finding. A checksummed family whose checksum does
	// not verify is not reported at all.
	Confidence Confidence
	// Base64: the token was found base64-decoded (FindEncoded);
	// text[Start:End] is the part of the base64 run that encodes it.
	Base64 bool
}

// Rules returns every known rule, in a stable order. The Rules are shared:
// do not modify them.
func Rules() []*Rule {
	out := make([]*Rule, len(detectors))
	for i := range detectors {
		out[i] = detectors[i].rule
	}
	return out
}

// Lookup returns the rule with the given ID.
func Lookup(id string) (*Rule, bool) {
	for i := range detectors {
		if detectors[i].rule.ID == id {
			return detectors[i].rule, true
		}
	}
	return nil, false
}

var defaultSet = func() *Set {
	var ids []string
	for i := range detectors {
		if detectors[i].rule.Default {
			ids = append(ids, detectors[i].rule.ID)
		}
	}
	s, err := New(ids...)
	if err != nil {
		panic(err)
	}
	return s
}()

// Default returns the default set: the checksummed and long-prefix
// formats, PEM private keys and URL passwords; not JWT (most JWTs in logs
// are short-lived and many are not secrets).
func Default() *Set { return defaultSet }

// New returns a Set of exactly the rules named; an unknown ID is an error
// that names it. New() is the empty set.
func New(ids ...string) (*Set, error) {
	var on [numDetectors]bool
	for _, id := range ids {
		k := indexOf(id)
		if k < 0 {
			return nil, fmt.Errorf("detect: unknown rule %q", id)
		}
		on[k] = true
	}
	return compile(on), nil
}

func indexOf(id string) int {
	for i := range detectors {
		if detectors[i].rule.ID == id {
			return i
		}
	}
	return -1
}

// Parse builds a Set from a comma-separated spec: "default", "all" and
// "none" name sets, a rule ID adds the rule and "-id" removes it, applied
// left to right ("default,jwt,-aws-access-key-id"). An empty spec is the
// empty set.
func Parse(spec string) (*Set, error) {
	var on [numDetectors]bool
	for _, f := range strings.Split(spec, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		switch strings.ToLower(f) {
		case "default":
			for i := range detectors {
				on[i] = on[i] || detectors[i].rule.Default
			}
			continue
		case "all":
			for i := range on {
				on[i] = true
			}
			continue
		case "none":
			on = [numDetectors]bool{}
			continue
		}
		neg := strings.HasPrefix(f, "-")
		id := strings.ToLower(strings.TrimPrefix(f, "-"))
		k := indexOf(id)
		if k < 0 {
			return nil, fmt.Errorf("detect: unknown rule %q (want a rule ID, default, all or none)", id)
		}
		on[k] = !neg
	}
	return compile(on), nil
}

// Rules returns the rules of the set, in the order of the package's
// Rules. A nil or empty Set has none.
func (s *Set) Rules() []*Rule {
	if s == nil {
		return nil
	}
	return slices.Clone(s.rules)
}

// Len returns the number of rules in the set.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.rules)
}

// Has reports whether the set holds the rule with the given ID.
func (s *Set) Has(id string) bool {
	if s == nil {
		return false
	}
	k := indexOf(id)
	return k >= 0 && s.on[k]
}

// String returns the set's rule IDs, comma-separated: a spec Parse
// accepts.
func (s *Set) String() string {
	if s.Len() == 0 {
		return "none"
	}
	ids := make([]string, len(s.rules))
	for i, r := range s.rules {
		ids[i] = r.ID
	}
	return strings.Join(ids, ",")
}
