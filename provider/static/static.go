// Package static is a provider of secrets given in code or configuration,
// for the provider layer of hush (see package provider).
package static // import "github.com/hushlog/hush/provider/static"

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// Provider serves a fixed set of secrets, replaceable with Set. It is a
// provider.Getter and a provider.Lister, safe for concurrent use.
type Provider struct {
	set atomic.Pointer[set]
}

type set struct {
	list   []redact.Secret
	byName map[string]redact.Secret
}

var (
	_ provider.Getter = (*Provider)(nil)
	_ provider.Lister = (*Provider)(nil)
)

// New returns a Provider serving secrets. Names must be unique and values
// non-empty.
func New(secrets ...redact.Secret) (*Provider, error) {
	p := &Provider{}
	if err := p.Set(secrets...); err != nil {
		return nil, err
	}
	return p, nil
}

// Set replaces the secrets served.
func (p *Provider) Set(secrets ...redact.Secret) error {
	s := &set{list: append([]redact.Secret(nil), secrets...), byName: make(map[string]redact.Secret, len(secrets))}
	var errs []error
	for _, sec := range secrets {
		switch {
		case sec.Name == "":
			errs = append(errs, errors.New("static: secret without a name"))
		case sec.Value == "":
			errs = append(errs, fmt.Errorf("static: secret %q has an empty value", sec.Name))
		}
		if _, dup := s.byName[sec.Name]; dup {
			errs = append(errs, fmt.Errorf("static: secret %q given twice", sec.Name))
		}
		s.byName[sec.Name] = sec
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	p.set.Store(s)
	return nil
}

// Name returns "static".
func (p *Provider) Name() string { return "static" }

// List returns the secrets.
func (p *Provider) List(context.Context) ([]redact.Secret, error) {
	return append([]redact.Secret(nil), p.set.Load().list...), nil
}

// Get returns the secret with this name, or a NotFound error.
func (p *Provider) Get(_ context.Context, name string) (redact.Secret, error) {
	if s, ok := p.set.Load().byName[name]; ok {
		return s, nil
	}
	return redact.Secret{}, provider.NewError("static", name, provider.NotFound, nil)
}
