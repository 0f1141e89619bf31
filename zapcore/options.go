package hushzap

import (
	"slices"

	"github.com/hushlog/hush/internal/keyrule"
)

// DefaultKeyPatterns are the key rules used unless WithKeyPatterns says
// otherwise. A field whose key contains one of them, ignoring ASCII case, is
// redacted whole.
var DefaultKeyPatterns = slices.Clone(keyrule.DefaultPatterns)

// Option configures NewCore, NewEncoder, Wrap and WrapCore.
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

// WithKeyPatterns replaces the key rules: a field whose key contains one of
// patterns, ignoring ASCII case, has its value replaced whole by the
// Redactor's replacement for that key (by default "[REDACTED:<key>]").
// WithKeyPatterns() with no patterns turns key rules off; known secret values
// are still scrubbed wherever they appear.
func WithKeyPatterns(patterns ...string) Option {
	p := append([]string(nil), patterns...)
	return optionFunc(func(c *config) { c.keyPatterns = p })
}
