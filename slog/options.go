package hushslog

import (
	"slices"

	"github.com/hushlog/hush/internal/keyrule"
)

// DefaultKeyPatterns are the key rules used unless WithKeyPatterns says
// otherwise: credential words and phrases ("password", "api_key",
// "*_pwd", ...) and exceptions ("!page_token"). An attribute whose key names a
// credential, judged word by word on what the key names ("db_password",
// "accessToken", "Set-Cookie"; not "token_count" or "cookie_policy"), has
// its value redacted whole; see the README's key-rule section for the
// words, the examples both ways and the type policy (a number keeps its
// type unless the key names a secret that can be all digits; a boolean
// always does).
var DefaultKeyPatterns = slices.Clone(keyrule.DefaultPatterns)

// Option configures NewHandler, NewJSONHandler and NewTextHandler.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	keyPatterns []string
}

func newConfig(opts []Option) config {
	c := config{keyPatterns: DefaultKeyPatterns}
	for _, o := range opts {
		o.apply(&c)
	}
	return c
}

// WithKeyPatterns replaces the key rules. Each pattern is a word or phrase
// written as keys are ("api_key", "apiKey" and "API-KEY" are alike); a key
// ending with it (after qualifiers such as "_hash" or "_value") names a
// credential, and the value of an attribute with that key is replaced whole
// by the Redactor's replacement for the key (by default "[REDACTED:<key>]"). "*"
// stands for any one word ("*_pwd"); a leading "!" makes an exception
// ("!page_token"). A pattern from DefaultKeyPatterns keeps its type policy;
// under a pattern of your own, numbers are redacted too. Booleans are never
// redacted. To add to the defaults:
//
//	hushslog.WithKeyPatterns(append(slices.Clone(hushslog.DefaultKeyPatterns), "ssn")...)
//
// WithKeyPatterns() with no patterns turns key rules off; known secret values
// are still scrubbed wherever they appear.
func WithKeyPatterns(patterns ...string) Option {
	p := append([]string(nil), patterns...)
	return optionFunc(func(c *config) { c.keyPatterns = p })
}
