package azkv

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// List returns the values of every secret of the vault whose tags match:
// the current (newest enabled) version and the enabled versions a newer
// enabled version replaced less than GracePeriod ago. Disabled versions are
// not listed (Key Vault refuses to read them; a value already protected
// stays so for the Refresher's grace period). Values are cached by version
// id, so that a listing in which nothing changed costs the list requests
// only.
//
// Per-secret failures (access denied, a malformed answer) are joined
// *provider.Errors naming the secret. A failed page of the secrets list,
// throttling that outlasted the client's retries, or an unreachable vault
// ends the listing with an error without a name (the values read so far
// are returned), so that a Refresher neither drops values nor keeps asking
// a vault that asked for patience.
func (p *Provider) List(ctx context.Context) ([]redact.Secret, error) {
	l := &listing{p: p, ctx: ctx, now: p.cfg.Now(), next: map[versionKey]string{}, nextLists: map[string]versionList{}}
	l.sem = make(chan struct{}, p.cfg.Concurrency)

	pager := p.client.NewListSecretPropertiesPager(nil)
	for pager.More() && l.halted.Load() == nil {
		page, err := pager.NextPage(ctx)
		if err != nil {
			l.halt(wrap("list secrets", "", err))
			break
		}
		for _, sp := range page.Value {
			if sp == nil || sp.ID == nil {
				l.halt(wrap("list secrets", "", errMalformed))
				break
			}
			if !p.tagsMatch(sp.Tags) {
				continue
			}
			name := sp.ID.Name()
			if name == "" {
				l.halt(wrap("list secrets", "", errMalformed))
				break
			}
			st := stampOf(sp)
			l.run(func() { l.secret(name, st) })
		}
	}
	l.wg.Wait()

	if h := l.halted.Load(); h != nil {
		l.errs = append(l.errs, h)
		// Keep what was cached: the versions not reached are still wanted.
		p.mu.Lock()
		for k, v := range l.next {
			p.versions[k] = v
		}
		for k, v := range l.nextLists {
			p.lists[k] = v
		}
		p.mu.Unlock()
	} else {
		// Keep the cache to the versions still referred to.
		p.mu.Lock()
		p.versions, p.lists = l.next, l.nextLists
		p.mu.Unlock()
	}
	sort.Slice(l.out, func(i, j int) bool {
		if l.out[i].Name != l.out[j].Name {
			return l.out[i].Name < l.out[j].Name
		}
		return l.out[i].Version < l.out[j].Version
	})
	return l.out, errors.Join(l.errs...)
}

// tagsMatch reports whether tags hold every tag of the filter.
func (p *Provider) tagsMatch(tags map[string]*string) bool {
	for k, want := range p.cfg.Tags {
		v, ok := tags[k]
		if !ok || v == nil || *v != want {
			return false
		}
	}
	return true
}

// listing is the state of one List call.
type listing struct {
	p   *Provider
	ctx context.Context
	now time.Time
	sem chan struct{}
	wg  sync.WaitGroup

	mu   sync.Mutex
	out  []redact.Secret
	errs []error
	next map[versionKey]string
	// nextLists holds the versions listings of this listing, by secret.
	nextLists map[string]versionList
	halted    atomic.Pointer[provider.Error] // set when the rest of the listing is abandoned
	done      atomic.Int64                   // secrets handled
}

// run runs f in a goroutine holding a slot of the concurrency limit,
// unless the listing halted.
func (l *listing) run(f func()) {
	select {
	case l.sem <- struct{}{}:
	case <-l.ctx.Done():
		l.halt(wrap("list", "", l.ctx.Err()))
		return
	}
	l.wg.Add(1)
	go func() {
		defer func() { <-l.sem; l.wg.Done() }()
		if l.halted.Load() != nil {
			return
		}
		f()
	}()
}

// halt abandons the rest of the listing with a listing-level error.
func (l *listing) halt(e *provider.Error) {
	l.halted.CompareAndSwap(nil, e)
}

// fail records a failure about secret name: throttling past the client's
// retries and an unreachable vault halt the listing, anything else is a
// per-secret error.
func (l *listing) fail(op, name string, err error) {
	if throttled(err) || unreachable(err) {
		e := wrap(op, "", err)
		e.Err = fmt.Errorf("%w (about %q; listing abandoned after %d secrets)", e.Err, name, l.done.Load())
		l.halt(e)
		return
	}
	l.mu.Lock()
	l.errs = append(l.errs, wrap(op, name, err))
	l.mu.Unlock()
}

// versionList is a secret's versions listing, reused while the secret's
// entry in the secrets list is unchanged (see stampOf) and the listing is
// younger than Config.VersionsMaxAge.
type versionList struct {
	stamp    stamp
	listedAt time.Time
	versions []*azsecrets.SecretProperties
}

// settle is how long after a secret's last change (by its list entry's
// times) its versions listing starts being reused. Key Vault's times are
// whole seconds, so a version added in the same second as the one before
// leaves the list entry as it was; a listing taken a minute after the last
// change cannot be followed by such a twin (up to a minute of clock skew
// between this host and Key Vault).
const settle = time.Minute

// stamp is what the secrets list says of a secret's current version.
type stamp struct {
	key     string    // "" when the entry has no attributes: never reused
	changed time.Time // the later of its creation and update times
}

// stampOf is what the secrets list says of a secret's current version: its
// id is not given, but its creation and update times and its enabled flag
// change whenever a version is added or the current one is changed.
func stampOf(sp *azsecrets.SecretProperties) stamp {
	a := sp.Attributes
	if a == nil || a.Created == nil || a.Updated == nil {
		return stamp{}
	}
	enabled := a.Enabled != nil && *a.Enabled
	changed := *a.Updated
	if a.Created.After(changed) {
		changed = *a.Created
	}
	return stamp{key: fmt.Sprintf("e=%t;c=%d;u=%d", enabled, a.Created.UnixNano(), a.Updated.UnixNano()), changed: changed}
}

// versionsOf returns a secret's versions: the previous listing's when the
// secret's stamp is unchanged and that listing is young enough, else a new
// versions listing. notFound is true when the secret was deleted since the
// secrets list.
func (l *listing) versionsOf(name string, st stamp) (vs []*azsecrets.SecretProperties, notFound bool, err error) {
	p := l.p
	if st.key != "" && p.cfg.VersionsMaxAge > 0 {
		p.mu.Lock()
		prev, ok := p.lists[name]
		p.mu.Unlock()
		if ok && prev.stamp.key == st.key && prev.listedAt.Sub(st.changed) >= settle &&
			!l.now.Before(prev.listedAt) && l.now.Sub(prev.listedAt) < p.cfg.VersionsMaxAge {
			l.mu.Lock()
			l.nextLists[name] = prev
			l.mu.Unlock()
			return prev.versions, false, nil
		}
	}
	pager := p.client.NewListSecretPropertiesVersionsPager(name, nil)
	for pager.More() {
		page, err := pager.NextPage(l.ctx)
		if err != nil {
			if classify(err) == provider.NotFound {
				return nil, true, nil
			}
			return nil, false, err
		}
		vs = append(vs, page.Value...)
	}
	if st.key != "" {
		l.mu.Lock()
		l.nextLists[name] = versionList{stamp: st, listedAt: l.now, versions: vs}
		l.mu.Unlock()
	}
	return vs, false, nil
}

// secret lists the versions of one secret and reads those not cached.
func (l *listing) secret(name string, st stamp) {
	defer l.done.Add(1)
	versions, gone, err := l.versionsOf(name, st)
	if err != nil {
		l.fail("list versions", name, err)
		return
	}
	if gone {
		return // deleted since the secrets list
	}
	wanted, err := l.p.wanted(versions, l.now)
	if err != nil {
		l.fail("list versions", name, err)
		return
	}
	for _, v := range wanted {
		key := versionKey{name: name, version: v}
		l.p.mu.Lock()
		value, ok := l.p.versions[key]
		l.p.mu.Unlock()
		if !ok {
			if l.halted.Load() != nil {
				return
			}
			value, _, err = l.p.read(l.ctx, name, v)
			if err != nil {
				if classify(err) == provider.NotFound {
					continue // deleted since its versions were listed
				}
				l.fail("get", name, err)
				return
			}
		}
		l.mu.Lock()
		l.next[key] = value
		if value != "" {
			l.out = append(l.out, redact.Secret{Name: name, Version: v, Value: value})
		}
		l.mu.Unlock()
	}
}

// wanted picks, from a secret's versions, the ids of those to protect: the
// newest enabled one and the enabled ones a newer enabled version replaced
// less than GracePeriod ago. A version's age is its creation time (Key
// Vault versions are immutable; Updated changes with its attributes only).
// An enabled version without a creation time is kept (protect rather than
// miss).
func (p *Provider) wanted(vs []*azsecrets.SecretProperties, now time.Time) ([]string, error) {
	type ver struct {
		id      string
		created time.Time
	}
	var enabled []ver
	for _, v := range vs {
		if v == nil || v.ID == nil || v.ID.Version() == "" {
			return nil, errMalformed
		}
		if v.Attributes == nil || v.Attributes.Enabled == nil || !*v.Attributes.Enabled {
			continue
		}
		var created time.Time
		if v.Attributes.Created != nil {
			created = *v.Attributes.Created
		}
		enabled = append(enabled, ver{id: v.ID.Version(), created: created})
	}
	// Newest first; an unknown creation time sorts as newest.
	sort.SliceStable(enabled, func(i, j int) bool {
		a, b := enabled[i].created, enabled[j].created
		if a.IsZero() != b.IsZero() {
			return a.IsZero()
		}
		return a.After(b)
	})
	var out []string
	for i, v := range enabled {
		if i > 0 {
			if p.cfg.GracePeriod < 0 {
				break
			}
			// Replaced when the next newer enabled version was created.
			if replaced := enabled[i-1].created; !replaced.IsZero() && now.Sub(replaced) >= p.cfg.GracePeriod {
				break
			}
		}
		out = append(out, v.id)
	}
	return out, nil
}
