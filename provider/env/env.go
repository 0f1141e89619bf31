// Package env is a provider of this process's environment variables whose
// names match glob patterns (*_PASSWORD, *_TOKEN, ...), for the provider
// layer of hush (see package provider). A secret is named after its
// variable.
package env // import "github.com/hushlog/hush/provider/env"

import (
	"context"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// DefaultPatterns are matched when New is given none.
var DefaultPatterns = []string{
	"*_PASSWORD", "*_SECRET", "*_TOKEN", "*_KEY", "*_API_KEY", "*_PRIVATE_KEY", "*_CONNECTION_STRING",
}

// Provider reads environment variables. It is a provider.Getter and a
// provider.Lister, safe for concurrent use.
type Provider struct {
	patterns []string
	environ  func() []string
}

var (
	_ provider.Getter = (*Provider)(nil)
	_ provider.Lister = (*Provider)(nil)
)

// New returns a Provider of the variables whose names match one of patterns
// (path.Match syntax, case-sensitive); none means DefaultPatterns.
func New(patterns ...string) (*Provider, error) {
	if len(patterns) == 0 {
		patterns = DefaultPatterns
	}
	for _, p := range patterns {
		if _, err := path.Match(p, ""); err != nil || p == "" {
			return nil, fmt.Errorf("env: %q is not a valid pattern", p)
		}
	}
	return &Provider{patterns: append([]string(nil), patterns...), environ: os.Environ}, nil
}

// Name returns "env".
func (p *Provider) Name() string { return "env" }

func (p *Provider) match(name string) bool {
	for _, pat := range p.patterns {
		if ok, _ := path.Match(pat, name); ok {
			return true
		}
	}
	return false
}

// List returns the non-empty matching variables, sorted by name.
func (p *Provider) List(context.Context) ([]redact.Secret, error) {
	var out []redact.Secret
	for _, kv := range p.environ() {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || v == "" || !p.match(k) {
			continue
		}
		out = append(out, redact.Secret{Name: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Get returns the variable name if it is set, matches a pattern and is not
// empty; otherwise a NotFound error.
func (p *Provider) Get(_ context.Context, name string) (redact.Secret, error) {
	if p.match(name) {
		for _, kv := range p.environ() {
			if k, v, ok := strings.Cut(kv, "="); ok && k == name && v != "" {
				return redact.Secret{Name: k, Value: v}, nil
			}
		}
	}
	return redact.Secret{}, provider.NewError("env", name, provider.NotFound, nil)
}
