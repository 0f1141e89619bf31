package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hushlog/hush/detect"
)

// DetectorsConfig selects the token detectors (package detect): credentials
// hush was never told about but that identify themselves (a GitHub token,
// an AWS access key id, a PEM private key, the password of a URL), found in
// the same pass as the known secrets and replaced by Replacement.
//
// The zero value is the default set (detect.Default: the checksummed and
// long-prefix formats, not JWTs).
type DetectorsConfig struct {
	// Enabled lists rule ids ("github-token", "jwt"; see detect.Rules) and
	// the sets "default", "all" and "none", in any case. Empty means
	// [default]. A list
	// without "default" or "all" selects exactly the rules it names:
	// [default, jwt] adds JWTs to the default set, [jwt] looks for JWTs
	// alone, [none] turns detection off.
	Enabled []string `mapstructure:"enabled"`
	// Disabled lists rule ids taken out of Enabled ("aws-access-key-id").
	Disabled []string `mapstructure:"disabled"`
	// Replacement is the text that replaces a detected token; "{rule}"
	// expands to the rule id, "{name}" to "detected:" and the rule id,
	// "{hash}" to a keyed fingerprint of that name. Empty means
	// redact.DefaultDetectedReplacement ("[REDACTED:detected:{rule}]").
	Replacement string `mapstructure:"replacement"`
}

// The words of DetectorsConfig.Enabled that name sets of rules rather than
// one rule.
const (
	DetectorsDefault = "default"
	DetectorsAll     = "all"
	DetectorsNone    = "none"
)

// Spec returns the selection in detect.Parse's syntax
// ("default,jwt,-aws-access-key-id"), without validating it.
func (d DetectorsConfig) Spec() string {
	parts := make([]string, 0, len(d.Enabled)+len(d.Disabled)+1)
	if len(d.Enabled) == 0 {
		parts = append(parts, DetectorsDefault)
	}
	for _, e := range d.Enabled {
		parts = append(parts, strings.TrimSpace(e))
	}
	for _, e := range d.Disabled {
		parts = append(parts, "-"+strings.TrimSpace(e))
	}
	return strings.Join(parts, ",")
}

// Set returns the selected detectors, validated; an empty set (not nil)
// when detection is off.
func (d DetectorsConfig) Set() (*detect.Set, error) {
	if errs := d.validate(); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	s, err := detect.Parse(d.Spec())
	if err != nil {
		return nil, fmt.Errorf("detectors: %w", err)
	}
	return s, nil
}

// Off reports whether the configuration turns every detector off. It does
// not validate.
func (d DetectorsConfig) Off() bool {
	s, err := d.Set()
	return err == nil && s.Len() == 0
}

func (d DetectorsConfig) validate() []error {
	var errs []error
	for i, e := range d.Enabled {
		e = strings.ToLower(strings.TrimSpace(e))
		switch {
		case e == DetectorsDefault || e == DetectorsAll:
		case e == DetectorsNone:
			if len(d.Enabled) > 1 {
				errs = append(errs, fmt.Errorf("detectors.enabled[%d]: %q with other entries (none alone turns detection off)", i, e))
			}
		default:
			if err := checkRuleID(e); err != nil {
				errs = append(errs, fmt.Errorf("detectors.enabled[%d]: %w", i, err))
			}
		}
	}
	for i, e := range d.Disabled {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == DetectorsDefault || e == DetectorsAll || e == DetectorsNone {
			errs = append(errs, fmt.Errorf("detectors.disabled[%d]: %q is a set, not a rule (to turn detection off, set enabled: [none])", i, e))
			continue
		}
		if err := checkRuleID(e); err != nil {
			errs = append(errs, fmt.Errorf("detectors.disabled[%d]: %w", i, err))
		}
	}
	if err := validateTemplate("detectors.replacement", d.Replacement, detectedPlaceholders); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// checkRuleID reports an id that names no rule, with the known ones.
func checkRuleID(id string) error {
	if id == "" {
		return errors.New("empty rule id")
	}
	if _, ok := detect.Lookup(strings.ToLower(id)); ok {
		return nil
	}
	return fmt.Errorf("unknown detector rule %q (the rules: %s; the sets: default, all, none)", id, strings.Join(RuleIDs(), ", "))
}

// RuleIDs returns the id of every known detector rule, in detect.Rules'
// order.
func RuleIDs() []string {
	rules := detect.Rules()
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return ids
}
