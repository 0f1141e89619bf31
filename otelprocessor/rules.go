package hushprocessor

import (
	"crypto/hmac"
	"crypto/md5"  //nolint:gosec // offered for parity with redactionprocessor; refused in FIPS mode
	"crypto/sha1" //nolint:gosec // same
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"regexp"
)

// defaultMaskingString replaces what the value rules match, as in
// redactionprocessor.
const defaultMaskingString = "****"

// rules are the redactionprocessor-style key and value rules. They are
// immutable after newRules and safe for concurrent use. A nil *rules means
// no rule is configured; every method is nil-safe and then says "no".
type rules struct {
	allowList      map[string]struct{} // nil when every key is allowed
	ignored        map[string]struct{}
	ignoredRE      []*regexp.Regexp
	blockedKeyRE   []*regexp.Regexp
	blockedValueRE []*regexp.Regexp
	allowedValueRE []*regexp.Regexp
	masking        string
	newHash        func() hash.Hash // nil: mask with masking
	hashName       HashFunction
}

// newRules compiles the rules of cfg; it returns nil when none is set.
func newRules(cfg *Config) (*rules, error) {
	if !cfg.keyRulesActive() {
		return nil, nil
	}
	r := &rules{masking: defaultMaskingString, hashName: cfg.HashFunction}
	if cfg.MaskingString != "" {
		r.masking = cfg.MaskingString
	}
	if cfg.allowListActive() {
		r.allowList = make(map[string]struct{}, len(cfg.AllowedKeys))
		for _, k := range cfg.AllowedKeys {
			r.allowList[k] = struct{}{}
		}
	}
	if len(cfg.IgnoredKeys) > 0 {
		r.ignored = make(map[string]struct{}, len(cfg.IgnoredKeys))
		for _, k := range cfg.IgnoredKeys {
			r.ignored[k] = struct{}{}
		}
	}
	var err error
	if r.ignoredRE, err = compileAll("ignored_key_patterns", cfg.IgnoredKeyPatterns); err != nil {
		return nil, err
	}
	if r.blockedKeyRE, err = compileAll("blocked_key_patterns", cfg.BlockedKeyPatterns); err != nil {
		return nil, err
	}
	if r.blockedValueRE, err = compileAll("blocked_values", cfg.BlockedValues); err != nil {
		return nil, err
	}
	if r.allowedValueRE, err = compileAll("allowed_values", cfg.AllowedValues); err != nil {
		return nil, err
	}
	key := []byte(string(cfg.HMACKey))
	switch cfg.HashFunction {
	case HashSHA1:
		r.newHash = sha1.New
	case HashSHA3:
		r.newHash = func() hash.Hash { return sha3.New256() }
	case HashSHA256:
		r.newHash = sha256.New
	case HashSHA512:
		r.newHash = sha512.New
	case HashMD5:
		r.newHash = md5.New
	case HashHMACSHA256:
		r.newHash = func() hash.Hash { return hmac.New(sha256.New, key) }
	case HashHMACSHA512:
		r.newHash = func() hash.Hash { return hmac.New(sha512.New, key) }
	}
	return r, nil
}

func compileAll(field string, patterns []string) ([]*regexp.Regexp, error) {
	out := make([]*regexp.Regexp, 0, len(patterns))
	for i, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", field, i, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// removeKey reports whether an allow list is in force and k is not on it.
func (r *rules) removeKey(k string) bool {
	if r == nil || r.allowList == nil {
		return false
	}
	_, ok := r.allowList[k]
	return !ok
}

// ignoreKey reports whether k is exempt from the key and value rules.
func (r *rules) ignoreKey(k string) bool {
	if r == nil {
		return false
	}
	if _, ok := r.ignored[k]; ok {
		return true
	}
	return matchAny(r.ignoredRE, k)
}

// maskKey reports whether the value of k is masked whole.
func (r *rules) maskKey(k string) bool {
	return r != nil && matchAny(r.blockedKeyRE, k)
}

// allowValue reports whether s is exempt from the value rules.
func (r *rules) allowValue(s string) bool {
	return r != nil && matchAny(r.allowedValueRE, s)
}

// hasValueRules reports whether blockValues can change anything.
func (r *rules) hasValueRules() bool {
	return r != nil && len(r.blockedValueRE) > 0
}

func matchAny(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// maskWhole returns the replacement of a whole value under a blocked key.
func (r *rules) maskWhole(s string) string {
	return r.mask(s)
}

// blockValues masks every match of the blocked value patterns in s, in
// configuration order, as redactionprocessor does.
func (r *rules) blockValues(s string) string {
	if r == nil {
		return s
	}
	for _, re := range r.blockedValueRE {
		if re.MatchString(s) {
			s = re.ReplaceAllStringFunc(s, r.mask)
		}
	}
	return s
}

// mask returns the digest of s, or the masking string.
func (r *rules) mask(s string) string {
	if r.newHash == nil {
		return r.masking
	}
	h := r.newHash()
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil))
}
