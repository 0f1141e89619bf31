package gcpsm

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"path"
	"sort"
	"strings"
	"sync"

	"cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
	"google.golang.org/api/iterator"
	"google.golang.org/grpc/codes"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// Page sizes: the service's maximum for secrets (one request lists 25,000),
// and enough versions that one page almost always holds the ones in grace.
const (
	secretsPageSize  = 25000
	versionsPageSize = 100
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// List returns the values of the selected secrets: for each secret, its
// newest enabled version and the enabled versions replaced less than
// GracePeriod ago (Versions "enabled"), or its "latest" version (Versions
// "latest"). Secrets are named by their id ("db-password"); a JSON object
// is handed over whole, and the Redactor splits it by its JSON policy
// ("db-creds#password").
//
// Errors about one secret (access denied, a malformed answer) are joined
// and returned with the other secrets' values. Throttling that outlasts
// the retries, an unreachable service or the end of ctx ends the listing
// with a listing-level error and the values read so far.
func (p *Provider) List(ctx context.Context) ([]redact.Secret, error) {
	secrets, err := p.listSecrets(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		mu     sync.Mutex
		out    []redact.Secret
		errs   []error
		fatal  error
		used   = map[string]bool{} // version names listed
		failed = map[string]bool{} // secrets (full names) that failed
	)
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range min(p.cfg.Concurrency, max(len(secrets), 1)) {
		wg.Go(func() {
			for name := range jobs {
				ss, versions, err := p.listSecret(ctx, name)
				mu.Lock()
				out = append(out, ss...)
				for _, v := range versions {
					used[v] = true
				}
				if err != nil {
					failed[name] = true
					if unreachable(err) {
						if fatal == nil {
							fatal = err
							cancel()
						}
					} else {
						errs = append(errs, err)
					}
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, name := range secrets {
		select {
		case jobs <- name:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()

	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Version < out[j].Version
	})
	if fatal != nil {
		// The listing stopped: a listing-level error (no name), so that a
		// Refresher marks nothing gone, saying at which secret.
		var pe *provider.Error
		if errors.As(fatal, &pe) && pe.Name != "" {
			return out, provider.NewError(providerName, "", pe.Kind, fmt.Errorf("listing %s stopped at secret %q: %w", p.parent, pe.Name, pe.Err))
		}
		return out, wrap("listing "+p.parent, "", fatal)
	}
	if err := ctx.Err(); err != nil {
		return out, wrap("listing "+p.parent, "", err)
	}
	p.prune(used, failed)
	return out, errors.Join(errs...)
}

// listSecrets returns the full names of the selected secrets.
func (p *Provider) listSecrets(ctx context.Context) ([]string, error) {
	req := &secretmanagerpb.ListSecretsRequest{Parent: p.parent, Filter: p.cfg.Filter, PageSize: secretsPageSize}
	if err := p.gate.wait(ctx); err != nil {
		return nil, wrap("listing secrets", "", err)
	}
	it := p.client.ListSecrets(ctx, req, p.callOptions()...)
	var names []string
	for {
		s, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return names, nil
		}
		if err != nil {
			return nil, wrap("listing secrets of "+p.parent, "", err)
		}
		if s.GetName() == "" {
			return nil, wrap("listing secrets of "+p.parent, "", errMalformed)
		}
		names = append(names, s.GetName())
	}
}

// listSecret reads one secret (full name): its picked versions' values and
// the names of those versions.
func (p *Provider) listSecret(ctx context.Context, name string) ([]redact.Secret, []string, error) {
	id := path.Base(name)
	if p.cfg.Versions == VersionsLatest {
		version, data, err := p.access(ctx, name+"/versions/latest", id)
		if err != nil {
			if gone(err) {
				return nil, nil, nil
			}
			return nil, nil, err
		}
		return []redact.Secret{{Name: id, Version: versionID(version), Value: string(data)}}, nil, nil
	}
	versions, err := p.pick(ctx, name)
	if err != nil {
		if code(err) == codes.NotFound {
			return nil, nil, nil // deleted since the listing of secrets
		}
		return nil, nil, wrap("listing versions", id, err)
	}
	var out []redact.Secret
	var names []string
	for _, v := range versions {
		data, ok := p.cached(v)
		if !ok {
			_, data, err = p.access(ctx, v, id)
			if err != nil {
				if gone(err) {
					continue // disabled or destroyed since its listing
				}
				return out, names, err
			}
			p.store(v, data)
		}
		names = append(names, v)
		out = append(out, redact.Secret{Name: id, Version: versionID(v), Value: string(data)})
	}
	return out, names, nil
}

// gone reports whether an access error says the version is no longer
// there to read: not found (deleted, destroyed) or not enabled.
func gone(err error) bool {
	c := code(err)
	return c == codes.NotFound || c == codes.FailedPrecondition
}

// pick lists the enabled versions of the secret and returns the names of
// the newest and of those replaced (by the next newer enabled version)
// less than GracePeriod ago, newest first.
func (p *Provider) pick(ctx context.Context, secret string) ([]string, error) {
	if err := p.gate.wait(ctx); err != nil {
		return nil, err
	}
	req := &secretmanagerpb.ListSecretVersionsRequest{Parent: secret, Filter: "state:ENABLED", PageSize: versionsPageSize}
	it := p.client.ListSecretVersions(ctx, req, p.callOptions()...)
	var vs []*secretmanagerpb.SecretVersion
	for {
		v, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			return nil, err
		}
		if v.GetState() != secretmanagerpb.SecretVersion_ENABLED {
			continue
		}
		if !strings.HasPrefix(v.GetName(), secret+"/versions/") || v.GetCreateTime() == nil {
			return nil, errMalformed
		}
		vs = append(vs, v)
		// Versions listed newest first: once a page ends with a version
		// replaced before the grace period, later pages hold none in it.
		if it.PageInfo().Remaining() == 0 && len(vs) > 1 && p.replacedBefore(vs) {
			break
		}
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].GetCreateTime().AsTime().After(vs[j].GetCreateTime().AsTime()) })
	if len(vs) == 0 {
		return nil, nil
	}
	now := p.cfg.Now()
	names := []string{vs[0].GetName()}
	for i := 1; i < len(vs) && p.cfg.GracePeriod > 0; i++ {
		replaced := vs[i-1].GetCreateTime().AsTime()
		if now.Sub(replaced) >= p.cfg.GracePeriod {
			break
		}
		names = append(names, vs[i].GetName())
	}
	return names, nil
}

// replacedBefore reports whether vs came newest first and its oldest
// version was replaced before the grace period. The order is checked, not
// assumed: listed in any other order, every page is read.
func (p *Provider) replacedBefore(vs []*secretmanagerpb.SecretVersion) bool {
	for i := 1; i < len(vs); i++ {
		if vs[i].GetCreateTime().AsTime().After(vs[i-1].GetCreateTime().AsTime()) {
			return false
		}
	}
	replaced := vs[len(vs)-2].GetCreateTime().AsTime()
	return p.cfg.GracePeriod <= 0 || p.cfg.Now().Sub(replaced) >= p.cfg.GracePeriod
}

// access reads a version (full name or alias) and returns its resolved
// name and payload, checking the payload's CRC32C when the answer has one.
// name names the secret in errors.
func (p *Provider) access(ctx context.Context, version, name string) (string, []byte, error) {
	if err := p.gate.wait(ctx); err != nil {
		return "", nil, wrap("accessing a version", name, err)
	}
	resp, err := p.client.AccessSecretVersion(ctx, &secretmanagerpb.AccessSecretVersionRequest{Name: version}, p.callOptions()...)
	if err != nil {
		return "", nil, wrap("accessing "+versionID(version), name, err)
	}
	data := resp.GetPayload().GetData()
	if c := resp.GetPayload().DataCrc32C; c != nil && int64(crc32.Checksum(data, castagnoli)) != *c {
		return "", nil, wrap("accessing "+versionID(version), name, fmt.Errorf("%w: payload checksum mismatch", errMalformed))
	}
	resolved := resp.GetName()
	if resolved == "" {
		resolved = version
	}
	return resolved, data, nil
}

// versionID returns the version part of a version name ("3" of
// ".../versions/3").
func versionID(name string) string {
	if _, v, ok := strings.Cut(name, "/versions/"); ok {
		return v
	}
	return name
}

func (p *Provider) cached(version string) ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ok := p.values[version]
	return v, ok
}

func (p *Provider) store(version string, data []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.values[version] = data
}

// prune drops the cached values of versions a complete listing no longer
// picked, except those of secrets that failed.
func (p *Provider) prune(used, failed map[string]bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for v := range p.values {
		secret, _, _ := strings.Cut(v, "/versions/")
		if !used[v] && !failed[secret] {
			delete(p.values, v)
		}
	}
}
