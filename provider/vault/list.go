package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/vault/api"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// versionKey identifies an immutable KV v2 version. The creation time tells
// a version apart from the version of the same number of a secret that was
// deleted (metadata and all) and written again.
type versionKey struct {
	path    string
	version int
	created string
}

// detect finds the mount (its real path, which may have more segments than
// configured) and its KV version, once: from sys/internal/ui/mounts (what
// the Vault CLI asks; any token with a capability under the path may), else
// from sys/mounts. A failure is retried by the next call. No lock is held
// during the requests (concurrent first calls may both ask), so that no
// caller waits beyond its own context.
func (p *Provider) detect(ctx context.Context) error {
	p.mountMu.Lock()
	if p.detected || p.cfg.KVVersion != 0 {
		if !p.detected {
			p.version, p.detected = p.cfg.KVVersion, true
		}
		p.mountMu.Unlock()
		return nil
	}
	full := p.mount + "/" + p.prefix
	p.mountMu.Unlock()

	mount, version, err := discover(ctx, p, full)
	if err != nil {
		return err
	}
	p.mountMu.Lock()
	defer p.mountMu.Unlock()
	if !p.detected {
		p.mount, p.prefix = strings.TrimSuffix(mount, "/"), strings.TrimPrefix(full, mount)
		p.version, p.detected = version, true
	}
	return nil
}

// discover asks Vault which mount holds full ("secret/prod/") and its KV
// version; mount is returned with its trailing slash.
func discover(ctx context.Context, p *Provider, full string) (mount string, version int, err error) {
	s, err := p.read(ctx, "sys/internal/ui/mounts/"+escapePath(full), nil)
	if err == nil && s != nil {
		mp, _ := s.Data["path"].(string)
		typ, _ := s.Data["type"].(string)
		if mp != "" && strings.HasPrefix(full, mp) {
			if typ != "kv" && typ != "generic" {
				return "", 0, provider.NewError(providerName, "", provider.Permanent, fmt.Errorf("%s is a %q mount, not kv", mp, typ))
			}
			return mp, kvVersion(s.Data["options"]), nil
		}
		err = errMalformed
	}
	first := wrap("mount discovery (sys/internal/ui/mounts)", "", err)
	if first.Kind == provider.Transient {
		return "", 0, first
	}
	mounts, err := p.read(ctx, "sys/mounts", nil)
	if err == nil && mounts != nil {
		// The longest mount path holding the configured path.
		best := ""
		var info any
		for mp, v := range mounts.Data {
			if strings.HasPrefix(full, mp) && len(mp) > len(best) {
				best, info = mp, v
			}
		}
		if m, ok := info.(map[string]any); ok {
			if typ, _ := m["type"].(string); typ != "kv" && typ != "generic" {
				return "", 0, provider.NewError(providerName, "", provider.Permanent, fmt.Errorf("%s is a %q mount, not kv", best, typ))
			}
			return best, kvVersion(m["options"]), nil
		}
		err = fmt.Errorf("no mount holds %q", full)
	}
	e := wrap("mount discovery (sys/mounts)", "", err)
	e.Err = fmt.Errorf("%w (and %v); set kv_version to skip the discovery", e.Err, first.Err)
	return "", 0, e
}

// kvVersion reads a mount's options.version: "2" for KV v2, anything else
// (absent on old KV v1 mounts) for v1.
func kvVersion(opts any) int {
	if m, ok := opts.(map[string]any); ok {
		if v, _ := m["version"].(string); v == "2" {
			return 2
		}
	}
	return 1
}

// escapePath escapes each segment of a Vault path for a URL.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// read is one GET through the Retry-After gate.
func (p *Provider) read(ctx context.Context, path string, q map[string][]string) (*api.Secret, error) {
	if err := p.gate.wait(ctx); err != nil {
		return nil, err
	}
	return p.client.Logical().ReadWithDataWithContext(ctx, path, q)
}

// list is one LIST through the Retry-After gate.
func (p *Provider) list(ctx context.Context, path string) (*api.Secret, error) {
	if err := p.gate.wait(ctx); err != nil {
		return nil, err
	}
	return p.client.Logical().ListWithContext(ctx, path)
}

// readCurrent reads the current version of the secret at rel (a path inside
// the mount): its fields and version ("" on KV v1); nil data when it has no
// readable current version.
func (p *Provider) readCurrent(ctx context.Context, rel, name string) (map[string]any, string, error) {
	p.mountMu.Lock()
	mount, version := p.mount, p.version
	p.mountMu.Unlock()
	if version == 1 {
		s, err := p.read(ctx, mount+"/"+escapePath(rel), nil)
		if err != nil {
			return nil, "", wrap("read", name, err)
		}
		if s == nil {
			return nil, "", provider.NewError(providerName, name, provider.NotFound, errors.New("read: no secret"))
		}
		return s.Data, "", nil
	}
	s, err := p.read(ctx, mount+"/data/"+escapePath(rel), nil)
	if err != nil {
		return nil, "", wrap("read data", name, err)
	}
	if s == nil {
		return nil, "", provider.NewError(providerName, name, provider.NotFound, errors.New("read data: no secret"))
	}
	data, n, err := dataOf(s)
	if err != nil {
		return nil, "", wrap("read data", name, err)
	}
	return data, strconv.Itoa(n), nil
}

// dataOf takes a KV v2 data answer apart: the fields (nil for a deleted or
// destroyed version) and the version number.
func dataOf(s *api.Secret) (map[string]any, int, error) {
	meta, ok := s.Data["metadata"].(map[string]any)
	if !ok {
		return nil, 0, errMalformed
	}
	n, err := number(meta["version"])
	if err != nil {
		return nil, 0, errMalformed
	}
	switch d := s.Data["data"].(type) {
	case nil:
		return nil, n, nil
	case map[string]any:
		return d, n, nil
	}
	return nil, 0, errMalformed
}

func number(v any) (int, error) {
	switch x := v.(type) {
	case json.Number:
		n, err := x.Int64()
		return int(n), err
	case float64:
		return int(x), nil
	case string:
		return strconv.Atoi(x)
	}
	return 0, errMalformed
}

// entrySecrets turns the fields of one KV entry named name into the values
// to protect: an entry with a single field is that field's value, named
// name#field, whatever the field is called; an entry with several fields is
// passed as one JSON object named name, which the Redactor splits by its
// JSON policy (credential-like keys, each as name#key), exactly as a JSON
// secret of AWS Secrets Manager.
func entrySecrets(name, version string, data map[string]any) []redact.Secret {
	switch len(data) {
	case 0:
		return nil
	case 1:
		for k, v := range data {
			if v == nil {
				return nil
			}
			return []redact.Secret{{Name: name + "#" + k, Version: version, Value: scalar(v)}}
		}
	}
	b, err := json.Marshal(data)
	if err != nil {
		return nil // cannot happen with decoded JSON
	}
	return []redact.Secret{{Name: name, Version: version, Value: string(b)}}
}

// scalar renders a field's value: a string as is, a number as written, an
// object or a list as JSON.
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// listing is the state of one List call.
type listing struct {
	p       *Provider
	ctx     context.Context
	mount   string
	prefix  string
	version int
	sem     chan struct{}
	wg      sync.WaitGroup

	mu     sync.Mutex
	out    []redact.Secret
	errs   []error
	next   map[versionKey][]redact.Secret
	halted atomic.Pointer[provider.Error] // set when the rest of the listing is abandoned
	done   atomic.Int64                   // secrets handled
}

// List returns the values of every secret under the mount and prefix: on
// KV v2 the current version and the earlier versions superseded less than
// GracePeriod ago, neither deleted nor destroyed; on KV v1 the only
// version. Folders are listed recursively. Values of KV v2 versions are
// cached by version, so that a listing in which nothing changed costs the
// LIST requests and one metadata read per secret.
//
// Per-secret failures (access denied, a malformed answer) are joined
// *provider.Errors naming the secret. A failed LIST, throttling that
// outlasted the client's retries, or an unreachable Vault ends the listing
// with an error without a name (the values read so far are returned), so
// that a Refresher neither drops values nor keeps asking a Vault that
// asked for patience.
func (p *Provider) List(ctx context.Context) ([]redact.Secret, error) {
	if err := p.prepare(ctx); err != nil {
		return nil, err
	}
	p.mountMu.Lock()
	l := &listing{p: p, ctx: ctx, mount: p.mount, version: p.version, prefix: p.prefix}
	p.mountMu.Unlock()
	l.sem = make(chan struct{}, p.cfg.Concurrency)
	l.next = map[versionKey][]redact.Secret{}

	dir, partial := "", l.prefix
	if i := strings.LastIndexByte(l.prefix, '/'); i >= 0 {
		dir, partial = l.prefix[:i+1], l.prefix[i+1:]
	}
	l.walk(dir, partial)
	l.wg.Wait()

	if h := l.halted.Load(); h != nil {
		l.errs = append(l.errs, h)
	}
	if l.version == 2 && l.halted.Load() == nil {
		// Keep the cache to the versions still referred to.
		p.mu.Lock()
		p.versions = l.next
		p.mu.Unlock()
	} else if l.version == 2 {
		p.mu.Lock()
		for k, v := range l.next {
			p.versions[k] = v
		}
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

// run runs f with a slot of the concurrency limit, unless the listing halted.
func (l *listing) run(f func()) {
	if l.halted.Load() != nil {
		return
	}
	l.wg.Add(1)
	select {
	case l.sem <- struct{}{}:
	case <-l.ctx.Done():
		l.wg.Done()
		l.halt(provider.NewError(providerName, "", provider.Transient, l.ctx.Err()))
		return
	}
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
// retries and an unreachable Vault halt the listing, anything else is a
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

// walk lists folder dir (relative to the mount, "" or ending in "/") and
// handles the keys starting with partial: secrets are read, folders walked.
// The walking goroutine holds a slot of the concurrency limit only for its
// LIST request, so that walkers never wait for one another.
func (l *listing) walk(dir, partial string) {
	if l.halted.Load() != nil {
		return
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		keys, ok := l.listDir(dir)
		if !ok {
			return
		}
		for _, k := range keys {
			key, ok := k.(string)
			if !ok || key == "" || !strings.HasPrefix(key, partial) {
				continue
			}
			if strings.HasSuffix(key, "/") {
				l.walk(dir+key, "")
				continue
			}
			rel := dir + key
			l.run(func() { l.secret(rel) })
		}
	}()
}

// listDir is the LIST of one folder; ok is false when there is nothing to
// walk (an empty folder, or a failure, recorded).
func (l *listing) listDir(dir string) (keys []any, ok bool) {
	select {
	case l.sem <- struct{}{}:
	case <-l.ctx.Done():
		l.halt(provider.NewError(providerName, "", provider.Transient, l.ctx.Err()))
		return nil, false
	}
	defer func() { <-l.sem }()
	if l.halted.Load() != nil {
		return nil, false
	}
	path := l.mount + "/" + escapePath(dir)
	if l.version == 2 {
		path = l.mount + "/metadata/" + escapePath(dir)
	}
	s, err := l.p.list(l.ctx, path)
	if err != nil {
		// A folder that cannot be listed is not a secret: its failure is
		// the listing's, so that nothing under it is taken for deleted.
		l.halt(wrap("LIST "+l.mount+"/"+dir, "", err))
		return nil, false
	}
	if s == nil {
		return nil, false // an empty or absent folder
	}
	keys, ok = s.Data["keys"].([]any)
	if !ok {
		l.halt(wrap("LIST "+l.mount+"/"+dir, "", errMalformed))
		return nil, false
	}
	return keys, true
}

// secret reads one secret.
func (l *listing) secret(rel string) {
	defer l.done.Add(1)
	name := l.mount + "/" + rel
	if l.version == 1 {
		s, err := l.p.read(l.ctx, l.mount+"/"+escapePath(rel), nil)
		if err != nil {
			l.fail("read", name, err)
			return
		}
		if s != nil {
			l.add(entrySecrets(name, "", s.Data))
		}
		return
	}
	s, err := l.p.read(l.ctx, l.mount+"/metadata/"+escapePath(rel), nil)
	if err != nil {
		l.fail("read metadata", name, err)
		return
	}
	if s == nil {
		return // deleted since the LIST
	}
	versions, err := l.p.wanted(s)
	if err != nil {
		l.fail("read metadata", name, err)
		return
	}
	for _, v := range versions {
		key := versionKey{path: rel, version: v.n, created: v.created}
		l.p.mu.Lock()
		cached, ok := l.p.versions[key]
		l.p.mu.Unlock()
		if !ok {
			q := map[string][]string{"version": {strconv.Itoa(v.n)}}
			d, err := l.p.read(l.ctx, l.mount+"/data/"+escapePath(rel), q)
			if err != nil {
				l.fail("read data", name, err)
				return
			}
			if d == nil {
				continue // deleted since the metadata read
			}
			data, _, err := dataOf(d)
			if err != nil {
				l.fail("read data", name, err)
				return
			}
			if data == nil {
				// Deleted or destroyed since the metadata read. Not
				// cached: an undeleted version must be read again.
				continue
			}
			cached = entrySecrets(name, strconv.Itoa(v.n), data)
			if cached == nil {
				cached = []redact.Secret{} // remembered: nothing to protect
			}
		}
		l.mu.Lock()
		l.next[key] = cached
		l.mu.Unlock()
		l.add(cached)
	}
}

func (l *listing) add(ss []redact.Secret) {
	if len(ss) == 0 {
		return
	}
	l.mu.Lock()
	l.out = append(l.out, ss...)
	l.mu.Unlock()
}

// wantedVersion is a KV v2 version to protect.
type wantedVersion struct {
	n       int
	created string
}

// wanted picks, from a KV v2 metadata answer, the versions to protect: the
// current one and those a newer version replaced less than GracePeriod
// ago, neither deleted nor destroyed (their data cannot be read; a value
// already protected stays so for the Refresher's grace period).
func (p *Provider) wanted(s *api.Secret) ([]wantedVersion, error) {
	cur, err := number(s.Data["current_version"])
	if err != nil {
		return nil, errMalformed
	}
	raw, ok := s.Data["versions"].(map[string]any)
	if !ok {
		return nil, errMalformed
	}
	type ver struct {
		n         int
		created   string
		createdAt time.Time
		gone      bool
	}
	now := p.now()
	vs := make([]ver, 0, len(raw))
	for k, v := range raw {
		n, err := strconv.Atoi(k)
		m, ok := v.(map[string]any)
		if err != nil || !ok {
			return nil, errMalformed
		}
		created, _ := m["created_time"].(string)
		at, _ := time.Parse(time.RFC3339Nano, created)
		destroyed, _ := m["destroyed"].(bool)
		deletion, _ := m["deletion_time"].(string)
		gone := destroyed
		if deletion != "" {
			if t, err := time.Parse(time.RFC3339Nano, deletion); err != nil || !t.After(now) {
				gone = true // deleted (a future deletion_time is only scheduled)
			}
		}
		vs = append(vs, ver{n: n, created: created, createdAt: at, gone: gone})
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].n > vs[j].n }) // newest first
	var out []wantedVersion
	for i, v := range vs {
		if v.n > cur || v.gone {
			continue
		}
		if v.n < cur {
			if p.cfg.GracePeriod < 0 {
				continue
			}
			// Replaced when the next newer version was written; an
			// unreadable time keeps the version (protect rather than
			// miss).
			var replaced time.Time
			if i > 0 {
				replaced = vs[i-1].createdAt
			}
			if !replaced.IsZero() && now.Sub(replaced) >= p.cfg.GracePeriod {
				continue
			}
		}
		out = append(out, wantedVersion{n: v.n, created: v.created})
	}
	return out, nil
}
