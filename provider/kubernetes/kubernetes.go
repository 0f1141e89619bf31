package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// AllNamespaces in Config.Namespaces watches the Secrets of every namespace
// (which needs a ClusterRole; see README.md).
const AllNamespaces = "*"

// Config selects the Secrets and says how to reach the API server.
type Config struct {
	// Kubeconfig is a kubeconfig file; empty means $KUBECONFIG, else
	// ~/.kube/config, else the in-cluster configuration.
	Kubeconfig string
	// Context is the kubeconfig context to use; empty means the current
	// one.
	Context string
	// Namespaces are the namespaces to watch; at least one. AllNamespaces
	// ("*") watches every namespace with one informer.
	Namespaces []string
	// LabelSelector restricts the Secrets ("app=web,tier!=cache"); empty
	// selects all. The API server filters, so unselected Secrets are
	// neither sent nor stored.
	LabelSelector string
	// IncludeServiceAccountTokens protects the "token" of
	// kubernetes.io/service-account-token Secrets; default off.
	IncludeServiceAccountTokens bool
	// Client, when set, is used instead of a client made from the
	// kubeconfig (a program that has one already, or a test's fake
	// clientset); Kubeconfig and Context are then ignored.
	Client kubernetes.Interface
	// Logger receives watch failures (namespaces and kinds, never a
	// value); default none.
	Logger *zap.Logger
}

// Provider reads Kubernetes Secrets. It is a provider.Lister, a
// provider.Watcher and a provider.Getter, safe for concurrent use. Its
// informers start with the first List or Watch; Close stops them and waits
// for their goroutines.
type Provider struct {
	cfg      Config
	client   kubernetes.Interface
	hc       *http.Client // the client's, when made here; nil for Config.Client
	selector labels.Selector
	log      *zap.Logger

	mu       sync.Mutex
	started  bool
	closed   bool
	stop     chan struct{}
	nss      []*nsWatch
	watchers map[int]func() // Watch callbacks, by id
	nextID   int
	bump     chan struct{} // closed and replaced when a namespace's listing fails
}

// nsWatch is the informer of one namespace.
type nsWatch struct {
	ns       string // as configured; AllNamespaces for all
	factory  informers.SharedInformerFactory
	informer cache.SharedIndexInformer

	mu      sync.Mutex
	lastErr error // the last list or watch failure
}

var (
	_ provider.Getter  = (*Provider)(nil)
	_ provider.Lister  = (*Provider)(nil)
	_ provider.Watcher = (*Provider)(nil)
)

// New returns a Provider. It reads the kubeconfig (or the in-cluster
// configuration) but makes no request: the informers start with the first
// List or Watch, so that a process can start while the API server is
// unreachable.
func New(cfg Config) (*Provider, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	sel, err := labels.Parse(cfg.LabelSelector)
	if err != nil {
		return nil, fmt.Errorf("%s: label selector: %w", providerName, err)
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	client := cfg.Client
	var hc *http.Client
	if client == nil {
		rules := clientcmd.NewDefaultClientConfigLoadingRules()
		rules.ExplicitPath = cfg.Kubeconfig
		overrides := &clientcmd.ConfigOverrides{CurrentContext: cfg.Context}
		// With no kubeconfig at all, the deferred loader falls back to
		// the in-cluster configuration.
		rc, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("%s: no cluster configuration (kubeconfig or in-cluster): %w", providerName, err)
		}
		rc.UserAgent = "hush"
		rc.WarningHandlerWithContext = serverWarnings{cfg.Logger} // not klog's stderr (clientlog.go)
		if hc, err = rest.HTTPClientFor(rc); err != nil {
			return nil, fmt.Errorf("%s: %w", providerName, err)
		}
		if client, err = kubernetes.NewForConfigAndClient(rc, hc); err != nil {
			return nil, fmt.Errorf("%s: %w", providerName, err)
		}
	}
	return &Provider{cfg: cfg, client: client, hc: hc, selector: sel, log: cfg.Logger, watchers: map[int]func(){}, bump: make(chan struct{})}, nil
}

func (c Config) validate() error {
	var errs []error
	if len(c.Namespaces) == 0 {
		errs = append(errs, errors.New("no namespace: give at least one (or \"*\" for all)"))
	}
	seen := map[string]bool{}
	for _, ns := range c.Namespaces {
		switch {
		case ns == "":
			errs = append(errs, errors.New("empty namespace name"))
		case seen[ns]:
			errs = append(errs, fmt.Errorf("namespace %q given twice", ns))
		case ns == AllNamespaces && len(c.Namespaces) > 1:
			errs = append(errs, errors.New("\"*\" (all namespaces) given with other namespaces"))
		}
		seen[ns] = true
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s: %w", providerName, err)
	}
	return nil
}

// Name returns "k8s:NS1,NS2" with ":SELECTOR" appended when there is one.
func (p *Provider) Name() string {
	n := "k8s:" + strings.Join(p.cfg.Namespaces, ",")
	if p.cfg.LabelSelector != "" {
		n += ":" + p.cfg.LabelSelector
	}
	return n
}

// start starts the informers once.
func (p *Provider) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return provider.NewError(providerName, "", provider.Permanent, errors.New("provider closed"))
	}
	if p.started {
		return nil
	}
	p.started = true
	p.stop = make(chan struct{})
	// The informers log through the context's logger (clientlog.go), and
	// stop with p.stop.
	ctx, cancel := context.WithCancel(clientContext(context.Background(), p.log))
	go func(stop <-chan struct{}) { <-stop; cancel() }(p.stop)
	for _, ns := range p.cfg.Namespaces {
		w := &nsWatch{ns: ns}
		opts := []informers.SharedInformerOption{}
		if ns != AllNamespaces {
			opts = append(opts, informers.WithNamespace(ns))
		}
		if sel := p.cfg.LabelSelector; sel != "" {
			opts = append(opts, informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = sel }))
		}
		// No resync: the watch alone keeps the store current.
		w.factory = informers.NewSharedInformerFactoryWithOptions(p.client, 0, opts...)
		w.informer = w.factory.Core().V1().Secrets().Informer()
		// Keep only what a listing reads: kubectl's
		// last-applied-configuration annotation holds the data again,
		// and managed fields are large.
		_ = w.informer.SetTransform(func(obj any) (any, error) {
			if s, ok := obj.(*corev1.Secret); ok {
				s.ManagedFields = nil
				s.Annotations = nil
			}
			return obj, nil
		})
		_ = w.informer.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
			w.mu.Lock()
			w.lastErr = err
			w.mu.Unlock()
			p.log.Warn("kubernetes watch failed; the informer retries with backoff",
				zap.String("namespace", ns), zap.String("kind", classify(err).String()), zap.Error(wrap("list/watch secrets", nsName(ns), err)))
			p.signal()
		})
		_, _ = w.informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(any) { p.changed() },
			UpdateFunc: func(old, cur any) { p.changed() },
			DeleteFunc: func(any) { p.changed() },
		})
		p.nss = append(p.nss, w)
		w.factory.StartWithContext(ctx)
	}
	return nil
}

func nsName(ns string) string {
	if ns == AllNamespaces {
		return "k8s"
	}
	return "k8s/" + ns
}

// signal wakes the Lists waiting for a namespace.
func (p *Provider) signal() {
	p.mu.Lock()
	close(p.bump)
	p.bump = make(chan struct{})
	p.mu.Unlock()
}

// changed calls every Watch callback.
func (p *Provider) changed() {
	p.mu.Lock()
	fns := make([]func(), 0, len(p.watchers))
	for _, fn := range p.watchers {
		fns = append(fns, fn)
	}
	p.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// Watch calls changed whenever a watched Secret is added, updated or
// deleted (and once per Secret at the start), until ctx is done. It starts
// the informers if List has not.
func (p *Provider) Watch(ctx context.Context, changed func()) error {
	if err := p.start(); err != nil {
		return err
	}
	p.mu.Lock()
	id := p.nextID
	p.nextID++
	p.watchers[id] = changed
	stop := p.stop
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.watchers, id)
		p.mu.Unlock()
	}()
	select {
	case <-ctx.Done():
	case <-stop:
	}
	return nil
}

// List returns the values of every selected Secret, from the informers'
// stores. It waits for each namespace's first listing, until ctx is done or
// the namespace's listing fails; a namespace that has not been listed yet
// yields an error named "k8s/NS" (its kind from the last failure, Transient
// if it is still listing), joined with the per-secret errors of Secrets that
// could not be parsed.
func (p *Provider) List(ctx context.Context) ([]redact.Secret, error) {
	if err := p.start(); err != nil {
		return nil, err
	}
	pending := p.waitSynced(ctx)
	var out []redact.Secret
	var errs []error
	for _, w := range p.nss {
		if pending[w] {
			w.mu.Lock()
			err := w.lastErr
			w.mu.Unlock()
			switch {
			case err != nil:
			case ctx.Err() != nil:
				err = fmt.Errorf("not listed yet: %w", ctx.Err())
			default:
				err = errors.New("not listed yet: provider closed")
			}
			errs = append(errs, wrap("list secrets", nsName(w.ns), err))
			continue
		}
		items := w.informer.GetStore().List()
		secrets := make([]*corev1.Secret, 0, len(items))
		for _, it := range items {
			if s, ok := it.(*corev1.Secret); ok && p.selector.Matches(labels.Set(s.Labels)) {
				secrets = append(secrets, s)
			}
		}
		sort.Slice(secrets, func(i, j int) bool {
			if secrets[i].Namespace != secrets[j].Namespace {
				return secrets[i].Namespace < secrets[j].Namespace
			}
			return secrets[i].Name < secrets[j].Name
		})
		for _, s := range secrets {
			vals, serrs := extract(s, p.cfg.IncludeServiceAccountTokens)
			out = append(out, vals...)
			errs = append(errs, serrs...)
		}
	}
	return out, errors.Join(errs...)
}

// syncCheck is how often waitSynced looks at the informers' HasSynced.
const syncCheck = 20 * time.Millisecond

// waitSynced waits until every namespace has synced or has failed, or ctx
// is done, or the Provider is closed, and returns the namespaces not synced.
func (p *Provider) waitSynced(ctx context.Context) map[*nsWatch]bool {
	for {
		p.mu.Lock()
		bump, stop := p.bump, p.stop
		p.mu.Unlock()
		pending := map[*nsWatch]bool{}
		waiting := false
		for _, w := range p.nss {
			if w.informer.HasSynced() {
				continue
			}
			pending[w] = true
			w.mu.Lock()
			failed := w.lastErr != nil
			w.mu.Unlock()
			if !failed {
				waiting = true
			}
		}
		if !waiting {
			return pending
		}
		// A sync has no event to wait on: look at the stores again
		// shortly (memory only; no request).
		t := time.NewTimer(syncCheck)
		select {
		case <-ctx.Done():
			t.Stop()
			return pending
		case <-stop: // closed: nothing will sync any more
			t.Stop()
			return pending
		case <-bump:
		case <-t.C:
		}
		t.Stop()
	}
}

// Get returns one value of one Secret, read from the API server: name is
// "k8s/NAMESPACE/SECRET#KEY", KEY being a data key or, for a Docker config
// Secret, a part as List names it (".dockerconfigjson/REGISTRY/password").
// Without "#KEY", a Secret that protects a single value yields it.
func (p *Provider) Get(ctx context.Context, name string) (redact.Secret, error) {
	base, key, hasKey := strings.Cut(name, "#")
	rest, ok := strings.CutPrefix(base, "k8s/")
	ns, sname, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || ns == "" || sname == "" || strings.Contains(sname, "/") {
		return redact.Secret{}, provider.NewError(providerName, name, provider.Permanent, errors.New("want a name k8s/NAMESPACE/SECRET#KEY"))
	}
	s, err := p.client.CoreV1().Secrets(ns).Get(ctx, sname, metav1.GetOptions{})
	if err != nil {
		return redact.Secret{}, wrap("get secret", name, err)
	}
	// Get names a secret explicitly: protect what it asks for even when
	// the type would not (a service account token).
	vals, errs := extract(s, true)
	if !hasKey {
		if len(vals) == 1 {
			v := vals[0]
			v.Name = name
			return v, nil
		}
		return redact.Secret{}, provider.NewError(providerName, name, provider.NotFound,
			fmt.Errorf("the secret holds %d values: name one with #KEY", len(vals)))
	}
	for _, v := range vals {
		if v.Name == base+"#"+key {
			return v, nil
		}
	}
	if err := errors.Join(errs...); err != nil {
		return redact.Secret{}, err
	}
	if _, ok := s.Data[key]; ok {
		// A key the type does not protect (a certificate).
		return redact.Secret{Name: name, Version: s.ResourceVersion, Value: string(s.Data[key])}, nil
	}
	return redact.Secret{}, provider.NewError(providerName, name, provider.NotFound, fmt.Errorf("no key %q", key))
}

// Close stops the informers, waits for their goroutines and closes the
// client's idle connections. A later List or
// Watch fails.
func (p *Provider) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	started := p.started
	if started {
		close(p.stop)
	}
	nss := p.nss
	p.mu.Unlock()
	for _, w := range nss {
		w.factory.Shutdown()
	}
	if p.hc != nil {
		utilnet.CloseIdleConnectionsFor(p.hc.Transport)
	}
	return nil
}
