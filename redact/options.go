package redact

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/internal/keyrule"
)

// Encoding is a family of encoded forms under which a secret is protected.
// Encodings combine as a bit set.
type Encoding uint16

// The encoding families. Each covers the variants real services produce; the
// repository's DESIGN.md ("Encoded forms") lists every form.
const (
	// Raw is the value itself (and, for multi-line values, each line).
	Raw Encoding = 1 << iota
	// JSON is backslash escaping, decoded by the scan: JSON strings in
	// every variant (\uXXXX in either case, HTML-safe \u003c, \/, JSON
	// inside JSON) and the quoting of Go, Python, JavaScript, Ruby, PHP,
	// Java and C# (\xHH, \UXXXXXXXX, \'); and invalid UTF-8 as U+FFFD.
	JSON
	// URL is percent-encoding, decoded by the scan (any set of literal
	// characters, either hex case, up to two levels), and form encoding's
	// + for space.
	URL
	// Base64 is standard and URL-safe base64, padded or not, at all three
	// byte alignments (so base64("user:"+password) is caught), base64 of
	// base64 (decoded by the scan in runs of 64 characters or more), and
	// base64 wrapped at 64 or 76 columns.
	Base64
	// Hex is lower and upper case hex.
	Hex
	// HTML is XML/HTML entity escaping, as Go, Python, PHP and Ruby write
	// it (&lt; &#34; &quot; &#39; &#x27; &#039; &apos;, XML's &#xA;).
	HTML
	// Shell is the escaping of quotes in quoted strings: the shell's
	// single quotes ('\'' and '"'"'), and doubling (SQL's and
	// PowerShell's '', CSV's and VB's "").
	Shell

	encodingEnd
)

// AllEncodings is every encoding family; it is the default.
const AllEncodings = encodingEnd - 1

var encodingNames = [...]string{"raw", "json", "url", "base64", "hex", "html", "shell"}

// NumEncodings is the number of encoding families.
const NumEncodings = len(encodingNames)

// String returns the family name ("base64"), or a "|"-joined list for a set.
func (e Encoding) String() string {
	if e == 0 {
		return "none"
	}
	var parts []string
	for i, n := range encodingNames {
		if e&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, "|")
}

// index returns the position of a single-family Encoding in encodingNames.
func (e Encoding) index() int {
	for i := range encodingNames {
		if e == 1<<i {
			return i
		}
	}
	return -1
}

// ParseEncodings parses a comma-separated list of family names ("raw,json,
// base64") or "all".
func ParseEncodings(s string) (Encoding, error) {
	var e Encoding
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		if f == "all" {
			e |= AllEncodings
			continue
		}
		found := false
		for i, n := range encodingNames {
			if n == f {
				e |= 1 << i
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("redact: unknown encoding %q (want one of %s, all)", f, strings.Join(encodingNames[:], ", "))
		}
	}
	if e == 0 {
		return 0, errors.New("redact: no encoding selected")
	}
	return e, nil
}

// DefaultMinLength is the shortest value indexed unless WithMinLength says
// otherwise.
const DefaultMinLength = 8

// minMinLength is the floor for WithMinLength: shorter values would match
// ordinary text everywhere.
const minMinLength = 4

// DefaultReplacement is the default replacement template.
const DefaultReplacement = "[REDACTED:{name}]"

// DefaultCredentialKeys are the key patterns that mark a field of a JSON
// or configuration-file secret as credential-like, unless
// JSONPolicy.CredentialKeys says otherwise. They are the zap and slog front
// ends' key rules (internal/keyrule; the README's key-rule section), judged
// the same way: word by word, on what the key names, so "pin", "otp",
// "cvv" and "bearer" are credentials and "token_count" or "secret_name" are
// not, plus the words for connection strings ("dsn",
// "connection_string"), which name a credential in a secret document.
var DefaultCredentialKeys = append(slices.Clone(keyrule.DefaultPatterns),
	"dsn", "connection_string", "connectionstring", "conn_str")

// JSONPolicy says which fields of a JSON object secret, and which settings
// of a configuration-file secret, are protected.
type JSONPolicy struct {
	// AllFields protects every scalar field, not just credential-like ones.
	AllFields bool
	// CredentialKeys are the key patterns that make a key credential-like,
	// in the syntax of the zap and slog key rules: a word or phrase written
	// as keys are ("api_key", "apiKey" and "API-KEY" are alike) matches a
	// key that ends with it, "*" stands for any one word ("*_pwd"), and a
	// leading "!" makes an exception ("!page_token"). They replace the
	// defaults; nil means DefaultCredentialKeys, and to add to them:
	//
	//	keys := append(slices.Clone(redact.DefaultCredentialKeys), "ssn")
	//
	// Under a credential-like key every string and number is protected
	// (numbers as written in the document: a secret's number is a known
	// value, cheap to protect), and so is everything nested under it;
	// booleans and nulls never are.
	CredentialKeys []string
	// WholeValue also protects the raw JSON document as one value.
	WholeValue bool
	// Disabled treats JSON object secrets as plain strings.
	Disabled bool
}

type options struct {
	minLength   int
	encodings   Encoding
	replacement string
	hashKey     []byte
	json        JSONPolicy
	// keys judges the keys of structured secrets: JSONPolicy.CredentialKeys
	// compiled (see credentialKey).
	keys *keyrule.Matcher
	// detectors and detectedReplacement: see detect.go.
	detectors           *detect.Set
	detectedReplacement string
}

// defaultKeys is DefaultCredentialKeys compiled.
var defaultKeys = keyrule.New(DefaultCredentialKeys)

func defaultOptions() options {
	return options{
		minLength:   DefaultMinLength,
		encodings:   AllEncodings,
		replacement: DefaultReplacement,
		hashKey:     []byte("hush-default-name-key"),
		keys:        defaultKeys,

		detectors:           detect.Default(),
		detectedReplacement: DefaultDetectedReplacement,
	}
}

// Option configures a Redactor.
type Option func(*options) error

// WithMinLength sets the shortest value (in bytes, after trimming
// whitespace) that is indexed; shorter values are skipped and reported.
// Values below 4 are refused.
func WithMinLength(n int) Option {
	return func(o *options) error {
		if n < minMinLength {
			return fmt.Errorf("redact: minimum length %d is below %d", n, minMinLength)
		}
		o.minLength = n
		return nil
	}
}

// WithEncodings selects the encoding families to protect. Raw is always
// included.
func WithEncodings(e Encoding) Option {
	return func(o *options) error {
		if e&^AllEncodings != 0 {
			return fmt.Errorf("redact: unknown encoding bits %#x", uint16(e&^AllEncodings))
		}
		o.encodings = e | Raw
		return nil
	}
}

// WithReplacement sets the replacement template. "{name}" expands to the
// secret's name, "{hash}" to a keyed fingerprint of the name (16 hex digits)
// for those who don't want names in their logs, "{rule}" to nothing (it
// names a detector's rule in WithDetectedReplacement). Anything else is
// literal.
func WithReplacement(template string) Option {
	return func(o *options) error {
		o.replacement = template
		return nil
	}
}

// WithHashKey sets the key of the "{hash}" fingerprint. Without it a fixed
// project-wide key is used, so hashes are stable across processes but not
// private.
func WithHashKey(key []byte) Option {
	return func(o *options) error {
		if len(key) == 0 {
			return errors.New("redact: empty hash key")
		}
		o.hashKey = append([]byte(nil), key...)
		return nil
	}
}

// WithJSONPolicy sets how JSON object secrets are split into fields.
func WithJSONPolicy(p JSONPolicy) Option {
	return func(o *options) error {
		o.json = p
		o.keys = defaultKeys
		if p.CredentialKeys != nil {
			o.keys = keyrule.New(p.CredentialKeys)
		}
		return nil
	}
}
