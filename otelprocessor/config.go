package hushprocessor

import (
	"crypto/fips140"
	"encoding"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap"

	"github.com/hushlog/hush/config"
)

// Config is the configuration of the hush processor.
//
// The provider and redaction settings (where the secrets come from, how often
// they are refreshed, how long a rotated-out value stays protected, which
// encodings are protected, the replacement template) are the shared hush
// configuration, squashed so that its keys sit directly under the processor's
// name. The remaining fields say what happens before the first index is
// built, and offer what the contrib redactionprocessor offers (key rules,
// regular-expression values, hashing, summary attributes) so that a pipeline
// needs only one redaction stage.
//
// Known secret values are removed wherever they occur, whatever the key
// rules say: ignored_keys, allowed_values and allow_all_keys only exempt data
// from the other rules, never from the live secrets.
type Config struct {
	config.Config `mapstructure:",squash"`

	// WhenNotReady is what the processor does with data that arrives before
	// the first successful index build: refuse (the default; a retryable
	// error, so senders retry and nothing is lost or leaked), wait (hold the
	// data up to WaitTimeout for the index, then refuse), pass (forward it
	// with only the rules below applied) or drop (discard it).
	WhenNotReady NotReadyAction `mapstructure:"when_not_ready"`
	// WaitTimeout bounds how long "wait" holds a batch. Default 5s.
	WaitTimeout time.Duration `mapstructure:"wait_timeout"`
	// AllowNoSources accepts a configuration without any secret source
	// (aws, files, env_files, env, exec, static) and with the detectors
	// turned off, for a processor that only applies the key and value
	// rules below. Without it such a configuration is refused: a hush
	// processor with nothing to protect is nearly always a mistake (a
	// missing provider block). With the detectors on (the default), a
	// configuration without sources is accepted: the processor redacts the
	// tokens they find, and applies the rules.
	AllowNoSources bool `mapstructure:"allow_no_sources"`

	// AllowAllKeys disables the AllowedKeys list.
	AllowAllKeys bool `mapstructure:"allow_all_keys"`
	// AllowedKeys, when not empty, is the list of attribute keys that are
	// kept: any other attribute (and, in log bodies, any other map key) is
	// removed. Unlike redactionprocessor, an empty list allows every key:
	// removing every attribute is never what a secret scrubber should do by
	// default.
	AllowedKeys []string `mapstructure:"allowed_keys"`
	// IgnoredKeys are attribute keys exempt from the key and value rules
	// (they are still scrubbed of known secrets).
	IgnoredKeys []string `mapstructure:"ignored_keys"`
	// IgnoredKeyPatterns are regular expressions; matching keys are treated
	// as IgnoredKeys.
	IgnoredKeyPatterns []string `mapstructure:"ignored_key_patterns"`
	// BlockedKeyPatterns are regular expressions; the whole value of an
	// attribute whose key matches is masked (or hashed).
	BlockedKeyPatterns []string `mapstructure:"blocked_key_patterns"`
	// BlockedValues are regular expressions; matching parts of attribute
	// values and log bodies are masked (or hashed). Use them for values
	// that have a shape (card numbers); live secrets need no pattern.
	BlockedValues []string `mapstructure:"blocked_values"`
	// AllowedValues are regular expressions; a value matching one is exempt
	// from BlockedValues and BlockedKeyPatterns (not from known secrets).
	AllowedValues []string `mapstructure:"allowed_values"`
	// RedactAllTypes applies BlockedValues to the string form of non-string
	// attribute values too. (Known secrets are always looked for in
	// non-string values: integers, doubles, bytes, maps and slices.)
	RedactAllTypes bool `mapstructure:"redact_all_types"`
	// HashFunction replaces what BlockedValues and BlockedKeyPatterns match
	// with a hex digest instead of MaskingString: sha1, sha3 (SHA3-256),
	// sha256, sha512, md5, hmac-sha256 or hmac-sha512. Known secrets are
	// always replaced by the replacement template, never hashed: an
	// unkeyed digest of a secret is a way to check guesses against it (use
	// "{hash}" in the template for a stable keyed tag instead).
	HashFunction HashFunction `mapstructure:"hash_function"`
	// HMACKey keys hmac-sha256 (at least 32 bytes) and hmac-sha512 (at
	// least 64 bytes).
	HMACKey configopaque.String `mapstructure:"hmac_key"`
	// MaskingString replaces what BlockedValues and BlockedKeyPatterns
	// match. Default "****"; not allowed together with HashFunction.
	MaskingString string `mapstructure:"masking_string"`
	// Summary adds attributes describing what was changed, with the names
	// and merge-across-passes semantics of redactionprocessor: silent (the
	// default) adds none, info adds counts (redaction.masked.count, ...),
	// debug adds the keys as well (redaction.masked.keys, ...).
	Summary SummaryLevel `mapstructure:"summary"`
}

// NotReadyAction is what the processor does with data before the first
// successful index build.
type NotReadyAction string

// The actions of Config.WhenNotReady.
const (
	// NotReadyRefuse returns a retryable error to the sender.
	NotReadyRefuse NotReadyAction = "refuse"
	// NotReadyWait holds the data until the index is ready or WaitTimeout
	// passes, then refuses it.
	NotReadyWait NotReadyAction = "wait"
	// NotReadyPass forwards the data with only the key and value rules
	// applied.
	NotReadyPass NotReadyAction = "pass"
	// NotReadyDrop discards the data.
	NotReadyDrop NotReadyAction = "drop"
)

// DefaultWaitTimeout is the default of Config.WaitTimeout.
const DefaultWaitTimeout = 5 * time.Second

// SummaryLevel is the verbosity of the summary attributes.
type SummaryLevel string

// The summary levels.
const (
	SummarySilent SummaryLevel = "silent"
	SummaryInfo   SummaryLevel = "info"
	SummaryDebug  SummaryLevel = "debug"
)

// HashFunction names a digest for BlockedValues and BlockedKeyPatterns.
type HashFunction string

// The hash functions. The empty HashFunction masks with MaskingString.
const (
	HashNone       HashFunction = ""
	HashSHA1       HashFunction = "sha1"
	HashSHA3       HashFunction = "sha3"
	HashSHA256     HashFunction = "sha256"
	HashSHA512     HashFunction = "sha512"
	HashMD5        HashFunction = "md5"
	HashHMACSHA256 HashFunction = "hmac-sha256"
	HashHMACSHA512 HashFunction = "hmac-sha512"
)

var hashFunctions = []HashFunction{HashSHA1, HashSHA3, HashSHA256, HashSHA512, HashMD5, HashHMACSHA256, HashHMACSHA512}

var (
	_ encoding.TextUnmarshaler = (*HashFunction)(nil)
	_ encoding.TextUnmarshaler = (*SummaryLevel)(nil)
	_ encoding.TextUnmarshaler = (*NotReadyAction)(nil)
)

// UnmarshalText accepts a hash function name in any case; empty means none.
func (h *HashFunction) UnmarshalText(text []byte) error {
	s := HashFunction(strings.ToLower(strings.TrimSpace(string(text))))
	if s == HashNone {
		*h = HashNone
		return nil
	}
	for _, f := range hashFunctions {
		if s == f {
			*h = f
			return nil
		}
	}
	names := make([]string, len(hashFunctions))
	for i, f := range hashFunctions {
		names[i] = string(f)
	}
	return fmt.Errorf("unknown hash_function %q (want one of %s)", string(text), strings.Join(names, ", "))
}

// UnmarshalText accepts silent, info or debug in any case; empty means
// silent.
func (l *SummaryLevel) UnmarshalText(text []byte) error {
	switch s := SummaryLevel(strings.ToLower(strings.TrimSpace(string(text)))); s {
	case "", SummarySilent:
		*l = SummarySilent
	case SummaryInfo, SummaryDebug:
		*l = s
	default:
		return fmt.Errorf("unknown summary %q (want silent, info or debug)", string(text))
	}
	return nil
}

// UnmarshalText accepts refuse, wait, pass or drop in any case; empty means
// refuse.
func (a *NotReadyAction) UnmarshalText(text []byte) error {
	switch s := NotReadyAction(strings.ToLower(strings.TrimSpace(string(text)))); s {
	case "", NotReadyRefuse:
		*a = NotReadyRefuse
	case NotReadyWait, NotReadyPass, NotReadyDrop:
		*a = s
	default:
		return fmt.Errorf("unknown when_not_ready %q (want refuse, wait, pass or drop)", string(text))
	}
	return nil
}

var _ confmap.Unmarshaler = (*Config)(nil)

// Unmarshal decodes the processor's configuration, refusing durations
// written without a unit first (see config.CheckDurations): the Collector's
// decoder would read "grace_period: 10" as 10 nanoseconds.
func (cfg *Config) Unmarshal(conf *confmap.Conf) error {
	if err := config.CheckDurations(conf.ToStringMap(), cfg); err != nil {
		return err
	}
	return conf.Unmarshal(cfg)
}

// Validate reports every problem of the processor's own fields at once, and
// of the sources on this machine (config.Config.ValidateSources: secrets
// directories and env files exist, the exec command can be found), and
// refuses a configuration without any source and without detectors unless
// AllowNoSources is set.
// The embedded shared configuration has its own Validate, which the
// Collector (confmap.Validate) calls as it walks the struct; call
// confmap.Validate to check everything, as `otelcol-hush validate` does.
// Errors never quote a secret value.
func (cfg *Config) Validate() error {
	var errs []error
	if !cfg.HasSources() && !cfg.AllowNoSources && cfg.Detectors.Off() {
		errs = append(errs, errors.New("no secret source configured and the detectors are off: add aws, vault, gcp, azure, kubernetes, "+
			"files, env_files, env, exec or static, or turn detectors on (or set allow_no_sources: true to apply only the key and value rules)"))
	}
	if err := cfg.ValidateSources(); err != nil {
		errs = append(errs, err)
	}
	switch cfg.WhenNotReady {
	case "", NotReadyRefuse, NotReadyWait, NotReadyPass, NotReadyDrop:
	default:
		errs = append(errs, fmt.Errorf("when_not_ready: %q is not refuse, wait, pass or drop", string(cfg.WhenNotReady)))
	}
	switch cfg.Summary {
	case "", SummarySilent, SummaryInfo, SummaryDebug:
	default:
		errs = append(errs, fmt.Errorf("summary: %q is not silent, info or debug", string(cfg.Summary)))
	}
	if cfg.HashFunction != HashNone && !slices.Contains(hashFunctions, cfg.HashFunction) {
		errs = append(errs, fmt.Errorf("hash_function: %q is not supported", string(cfg.HashFunction)))
	}
	if cfg.WaitTimeout <= 0 {
		errs = append(errs, fmt.Errorf("wait_timeout: %v is not positive; omit the key for the default (%v)", cfg.WaitTimeout, DefaultWaitTimeout))
	}
	for _, l := range []struct {
		name     string
		patterns []string
	}{
		{"ignored_key_patterns", cfg.IgnoredKeyPatterns},
		{"blocked_key_patterns", cfg.BlockedKeyPatterns},
		{"blocked_values", cfg.BlockedValues},
		{"allowed_values", cfg.AllowedValues},
	} {
		for i, p := range l.patterns {
			if _, err := regexp.Compile(p); err != nil {
				errs = append(errs, fmt.Errorf("%s[%d]: %w", l.name, i, err))
			}
		}
	}
	switch cfg.HashFunction {
	case HashHMACSHA256, HashHMACSHA512:
		minLen := 32
		if cfg.HashFunction == HashHMACSHA512 {
			minLen = 64
		}
		if n := len(cfg.HMACKey); n < minLen {
			errs = append(errs, fmt.Errorf("hmac_key: %d bytes, %s needs at least %d", n, cfg.HashFunction, minLen))
		}
	case HashMD5, HashSHA1:
		if fips140.Enabled() {
			errs = append(errs, fmt.Errorf("hash_function: %s is not allowed in FIPS 140-3 mode", cfg.HashFunction))
		}
	}
	if cfg.MaskingString != "" && cfg.HashFunction != HashNone {
		errs = append(errs, errors.New("masking_string: not allowed together with hash_function"))
	}
	return errors.Join(errs...)
}

// keyRulesActive reports whether any key or value rule is configured, which
// selects the full attribute walk over the fast path.
func (cfg *Config) keyRulesActive() bool {
	return cfg.allowListActive() || len(cfg.IgnoredKeys) > 0 || len(cfg.IgnoredKeyPatterns) > 0 ||
		len(cfg.BlockedKeyPatterns) > 0 || len(cfg.BlockedValues) > 0 || len(cfg.AllowedValues) > 0
}

func (cfg *Config) allowListActive() bool {
	return !cfg.AllowAllKeys && len(cfg.AllowedKeys) > 0
}
