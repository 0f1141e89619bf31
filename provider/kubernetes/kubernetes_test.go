package kubernetes_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stesting "k8s.io/client-go/testing"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/kubernetes"
	"github.com/hushlog/hush/redact"
)

var secretsResource = schema.GroupResource{Resource: "secrets"}

func TestConfigValidation(t *testing.T) {
	for name, cfg := range map[string]kubernetes.Config{
		"no namespace":    {},
		"empty namespace": {Namespaces: []string{""}},
		"twice":           {Namespaces: []string{"a", "a"}},
		"all and one":     {Namespaces: []string{"*", "a"}},
		"bad selector":    {Namespaces: []string{"a"}, LabelSelector: "a=(b"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg.Client = newCluster()
			_, err := kubernetes.New(cfg)
			require.Error(t, err)
		})
	}
}

func TestName(t *testing.T) {
	p := open(t, newCluster(), kubernetes.Config{Namespaces: []string{"a", "b"}, LabelSelector: "app=web"})
	require.Equal(t, "k8s:a,b:app=web", p.Name())
}

// TestListTyped lists one Secret of each type and checks what each
// protects: every key of an Opaque Secret, the credentials inside Docker
// configs, a basic-auth password, a TLS key (not the certificate), and
// service-account tokens only when asked.
func TestListTyped(t *testing.T) {
	dockerJSON := `{"auths":{"registry.example.com":{"username":"robot","password":"dj-password-1","auth":"` +
		b64("robot:dj-auth-password-2") + `"},"ghcr.io":{"identitytoken":"dj-identity-3"}}}`
	dockerCfg := `{"quay.io":{"username":"bot","password":"dc-password-4","auth":"` + b64("bot:dc-auth-password-5") + `"}}`
	c := newCluster(
		secret("app", "db", corev1.SecretTypeOpaque, map[string]string{"password": "opaque-pass-6", "url": "postgres://u:opaque-url-7@db"}, nil),
		secret("app", "pull", corev1.SecretTypeDockerConfigJson, map[string]string{".dockerconfigjson": dockerJSON}, nil),
		secret("app", "legacy-pull", corev1.SecretTypeDockercfg, map[string]string{".dockercfg": dockerCfg}, nil),
		secret("app", "basic", corev1.SecretTypeBasicAuth, map[string]string{"username": "admin-user", "password": "basic-pass-8"}, nil),
		secret("app", "cert", corev1.SecretTypeTLS, map[string]string{"tls.crt": "CERT-PUBLIC-9", "tls.key": "tls-private-key-10"}, nil),
		secret("app", "sa", corev1.SecretTypeServiceAccountToken, map[string]string{"token": "sa-token-11", "ca.crt": "CA", "namespace": "app"}, nil),
	)
	p := open(t, c, kubernetes.Config{Namespaces: []string{"app"}})
	got, err := list(t, p)
	require.NoError(t, err)
	want := map[string]string{
		"k8s/app/db#password": "opaque-pass-6",
		"k8s/app/db#url":      "postgres://u:opaque-url-7@db",
		"k8s/app/pull#.dockerconfigjson/registry.example.com/password":      "dj-password-1",
		"k8s/app/pull#.dockerconfigjson/registry.example.com/auth":          b64("robot:dj-auth-password-2"),
		"k8s/app/pull#.dockerconfigjson/registry.example.com/auth:password": "dj-auth-password-2",
		"k8s/app/pull#.dockerconfigjson/ghcr.io/identitytoken":              "dj-identity-3",
		"k8s/app/legacy-pull#.dockercfg/quay.io/password":                   "dc-password-4",
		"k8s/app/legacy-pull#.dockercfg/quay.io/auth":                       b64("bot:dc-auth-password-5"),
		"k8s/app/legacy-pull#.dockercfg/quay.io/auth:password":              "dc-auth-password-5",
		"k8s/app/basic#password":                                            "basic-pass-8",
		"k8s/app/cert#tls.key":                                              "tls-private-key-10",
	}
	require.ElementsMatch(t, keys(want), names(got))
	for name, v := range want {
		assert.True(t, hasValue(got, name, v), "%s: wrong value", name)
	}

	// Service-account tokens on request.
	p2 := open(t, c, kubernetes.Config{Namespaces: []string{"app"}, IncludeServiceAccountTokens: true})
	got, err = list(t, p2)
	require.NoError(t, err)
	require.True(t, hasValue(got, "k8s/app/sa#token", "sa-token-11"), "service-account token not listed: %v", names(got))
	require.Len(t, got, len(want)+1)
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestMalformedDockerConfig: a Docker config that is not JSON is protected
// whole and reported Malformed by name, without quoting it; a registry whose
// auth is not base64 of user:password keeps its other fields.
func TestMalformedDockerConfig(t *testing.T) {
	c := newCluster(
		secret("app", "broken", corev1.SecretTypeDockerConfigJson, map[string]string{".dockerconfigjson": `{"auths": {"r": {"password": "broken-pass-1"`}, nil),
		secret("app", "badauth", corev1.SecretTypeDockerConfigJson, map[string]string{".dockerconfigjson": `{"auths":{"r":{"password":"ok-pass-2","auth":"!!not-base64-secret-3"}}}`}, nil),
		secret("app", "ok", corev1.SecretTypeOpaque, map[string]string{"k": "fine-value-4"}, nil),
	)
	p := open(t, c, kubernetes.Config{Namespaces: []string{"app"}})
	got, err := list(t, p)
	require.Error(t, err)
	require.Equal(t, provider.Malformed, provider.Kind(err))
	failed, perSecret := provider.FailedSecrets(err)
	require.True(t, perSecret)
	require.ElementsMatch(t, []string{"k8s/app/broken#.dockerconfigjson", "k8s/app/badauth#.dockerconfigjson"}, failed)
	require.False(t, leaks(err.Error(), "broken-pass-1", "ok-pass-2", "not-base64-secret-3"), "the error quotes a value")
	require.Contains(t, err.Error(), "registry r")

	require.True(t, hasValue(got, "k8s/app/broken#.dockerconfigjson", `{"auths": {"r": {"password": "broken-pass-1"`), "the malformed document is not protected whole")
	require.True(t, hasValue(got, "k8s/app/badauth#.dockerconfigjson/r/password", "ok-pass-2"), "the password beside a bad auth is lost")
	require.True(t, hasValue(got, "k8s/app/badauth#.dockerconfigjson/r/auth", "!!not-base64-secret-3"), "the raw auth is lost")
	require.True(t, hasValue(got, "k8s/app/ok#k", "fine-value-4"), "the other secret is lost")
}

// TestWatch: a Secret added, updated and deleted reaches List through the
// watch, within seconds and with no further LIST request; Watch reports
// each change.
func TestWatch(t *testing.T) {
	ctx := context.Background()
	c := newCluster(secret("app", "a", corev1.SecretTypeOpaque, map[string]string{"k": "first-1"}, nil))
	p := open(t, c, kubernetes.Config{Namespaces: []string{"app"}})

	wctx, cancel := context.WithCancel(ctx)
	var events atomic.Int64
	done := make(chan error)
	go func() { done <- p.Watch(wctx, func() { events.Add(1) }) }()
	defer func() {
		cancel()
		require.NoError(t, <-done)
	}()

	got, err := list(t, p)
	require.NoError(t, err)
	require.True(t, hasValue(got, "k8s/app/a#k", "first-1"))
	c.waitWatching(t, "app")
	before := events.Load()

	secrets := c.CoreV1().Secrets("app")
	_, err = secrets.Create(ctx, secret("app", "b", corev1.SecretTypeOpaque, map[string]string{"k": "added-2"}, nil), metav1.CreateOptions{})
	require.NoError(t, err)
	eventuallyListed(t, p, "k8s/app/b#k", "added-2", true)

	_, err = secrets.Update(ctx, secret("app", "a", corev1.SecretTypeOpaque, map[string]string{"k": "rotated-3"}, nil), metav1.UpdateOptions{})
	require.NoError(t, err)
	eventuallyListed(t, p, "k8s/app/a#k", "rotated-3", true)
	eventuallyListed(t, p, "k8s/app/a#k", "first-1", false)

	require.NoError(t, secrets.Delete(ctx, "b", metav1.DeleteOptions{}))
	eventuallyListed(t, p, "k8s/app/b#k", "added-2", false)

	require.Eventually(t, func() bool { return events.Load() >= before+3 }, eventually, 5*time.Millisecond, "Watch did not report the three changes")
	lists, watches := c.counts("app")
	require.Equal(t, 1, lists, "a listing after the first one asked the API server")
	require.Equal(t, 1, watches)
}

func eventuallyListed(t *testing.T, p *kubernetes.Provider, name, value string, present bool) {
	t.Helper()
	require.Eventually(t, func() bool {
		got, err := list(t, p)
		return err == nil && hasValue(got, name, value) == present
	}, eventually, 5*time.Millisecond, "%s: value present=%v never reached the listing", name, present)
}

// TestRefresherWatch: through a Refresher whose interval is an hour, a
// rotated Secret is scrubbed within seconds: the watch, not the interval,
// triggers the listing.
func TestRefresherWatch(t *testing.T) {
	ctx := context.Background()
	c := newCluster(secret("app", "a", corev1.SecretTypeOpaque, map[string]string{"k": "before-rotation-1"}, nil))
	cfg := kubernetes.Config{Namespaces: []string{"app"}, Client: c}
	p, err := kubernetes.New(cfg)
	require.NoError(t, err)
	red, err := redact.New()
	require.NoError(t, err)
	f, err := provider.NewRefresher(red, []provider.Lister{p}, provider.RefresherOptions{Interval: time.Hour, GracePeriod: time.Hour})
	require.NoError(t, err)
	require.NoError(t, f.Start(ctx))
	defer func() { require.NoError(t, f.Close()) }() // closes p too
	require.Eventually(t, func() bool { return red.ScrubString("x before-rotation-1 x") != "x before-rotation-1 x" }, eventually, 5*time.Millisecond, "k8s/app/a#k not scrubbed")
	c.waitWatching(t, "app")

	_, err = c.CoreV1().Secrets("app").Update(ctx, secret("app", "a", corev1.SecretTypeOpaque, map[string]string{"k": "after-rotation-2"}, nil), metav1.UpdateOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return red.ScrubString("x after-rotation-2 x") != "x after-rotation-2 x" }, eventually, 5*time.Millisecond, "rotated k8s/app/a#k not scrubbed")
	// The old value is in its grace period.
	require.NotEqual(t, "x before-rotation-1 x", red.ScrubString("x before-rotation-1 x"), "old value of k8s/app/a#k dropped before its grace period")
}

// TestLabelSelector: only the selected Secrets are listed, and a Secret
// whose label changes leaves the listing.
func TestLabelSelector(t *testing.T) {
	ctx := context.Background()
	sel := map[string]string{"hush": "yes"}
	c := newCluster(
		secret("app", "in", corev1.SecretTypeOpaque, map[string]string{"k": "selected-1"}, sel),
		secret("app", "out", corev1.SecretTypeOpaque, map[string]string{"k": "unselected-2"}, nil),
	)
	p := open(t, c, kubernetes.Config{Namespaces: []string{"app"}, LabelSelector: "hush=yes"})
	got, err := list(t, p)
	require.NoError(t, err)
	require.Equal(t, []string{"k8s/app/in#k"}, names(got))
	c.waitWatching(t, "app")

	_, err = c.CoreV1().Secrets("app").Create(ctx, secret("app", "new", corev1.SecretTypeOpaque, map[string]string{"k": "selected-3"}, sel), metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = c.CoreV1().Secrets("app").Create(ctx, secret("app", "other", corev1.SecretTypeOpaque, map[string]string{"k": "unselected-4"}, nil), metav1.CreateOptions{})
	require.NoError(t, err)
	eventuallyListed(t, p, "k8s/app/new#k", "selected-3", true)
	_, err = c.CoreV1().Secrets("app").Update(ctx, secret("app", "in", corev1.SecretTypeOpaque, map[string]string{"k": "selected-1"}, nil), metav1.UpdateOptions{})
	require.NoError(t, err)
	eventuallyListed(t, p, "k8s/app/in#k", "selected-1", false)
	got, err = list(t, p)
	require.NoError(t, err)
	require.Equal(t, []string{"k8s/app/new#k"}, names(got))
}

// TestNamespacesForbidden: two namespaces are listed, a third refuses the
// service account: its error is AccessDenied and names the namespace, the
// others are listed, and a Refresher keeps what it had there.
func TestNamespacesForbidden(t *testing.T) {
	c := newCluster(
		secret("a", "s", corev1.SecretTypeOpaque, map[string]string{"k": "in-a-1"}, nil),
		secret("b", "s", corev1.SecretTypeOpaque, map[string]string{"k": "in-b-2"}, nil),
		secret("locked", "s", corev1.SecretTypeOpaque, map[string]string{"k": "in-locked-3"}, nil),
		secret("other", "s", corev1.SecretTypeOpaque, map[string]string{"k": "not-watched-4"}, nil),
	)
	c.PrependReactor("list", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.GetNamespace() == "locked" {
			return true, nil, apierrors.NewForbidden(secretsResource, "", errFor("User \"system:serviceaccount:obs:hush\" cannot list resource \"secrets\" in the namespace \"locked\""))
		}
		return false, nil, nil
	})
	p := open(t, c, kubernetes.Config{Namespaces: []string{"a", "b", "locked"}})
	got, err := list(t, p)
	require.Error(t, err)
	require.Equal(t, provider.AccessDenied, provider.Kind(err))
	failed, perSecret := provider.FailedSecrets(err)
	require.True(t, perSecret)
	require.Equal(t, []string{"k8s/locked"}, failed)
	require.Contains(t, err.Error(), `namespace "locked"`)
	require.ElementsMatch(t, []string{"k8s/a/s#k", "k8s/b/s#k"}, names(got))
}

type errFor string

func (e errFor) Error() string { return string(e) }

// TestThrottlingStorm: the API server answers 429 to the first LISTs; the
// listing reports Transient by namespace meanwhile, the informer backs off
// (a handful of LISTs, not a storm of its own) and then lists.
func TestThrottlingStorm(t *testing.T) {
	const storm = 2
	c := newCluster(secret("app", "s", corev1.SecretTypeOpaque, map[string]string{"k": "throttled-1"}, nil))
	var refused atomic.Int64
	c.PrependReactor("list", "secrets", func(k8stesting.Action) (bool, runtime.Object, error) {
		if refused.Add(1) <= storm {
			return true, nil, apierrors.NewTooManyRequests("too many requests, please try again later", 1)
		}
		return false, nil, nil
	})
	p := open(t, c, kubernetes.Config{Namespaces: []string{"app"}})
	_, err := list(t, p)
	require.Error(t, err)
	require.Equal(t, provider.Transient, provider.Kind(err))
	failed, _ := provider.FailedSecrets(err)
	require.Equal(t, []string{"k8s/app"}, failed)

	eventuallyListed(t, p, "k8s/app/s#k", "throttled-1", true)
	// The storm reactor sees every LIST: the refused ones and the one
	// that succeeded, and none after.
	require.Equal(t, int64(storm+1), refused.Load(), "LISTs during the storm")
}

// TestAllNamespaces watches every namespace with one informer.
func TestAllNamespaces(t *testing.T) {
	c := newCluster(
		secret("a", "s", corev1.SecretTypeOpaque, map[string]string{"k": "in-a-1"}, nil),
		secret("b", "s", corev1.SecretTypeOpaque, map[string]string{"k": "in-b-2"}, nil),
	)
	p := open(t, c, kubernetes.Config{Namespaces: []string{kubernetes.AllNamespaces}})
	got, err := list(t, p)
	require.NoError(t, err)
	require.Equal(t, []string{"k8s/a/s#k", "k8s/b/s#k"}, names(got))
}

// TestListCancelled: a listing that cannot finish before its context ends
// reports Transient by namespace, and Close still stops everything.
func TestListCancelled(t *testing.T) {
	c := newCluster()
	block := make(chan struct{})
	defer close(block)
	c.PrependReactor("list", "secrets", func(k8stesting.Action) (bool, runtime.Object, error) {
		<-block
		return false, nil, nil
	})
	p, err := kubernetes.New(kubernetes.Config{Namespaces: []string{"slow"}, Client: c})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = p.List(ctx)
	require.Equal(t, provider.Transient, provider.Kind(err))
	failed, _ := provider.FailedSecrets(err)
	require.Equal(t, []string{"k8s/slow"}, failed)
	block <- struct{}{} // let the informer's LIST return, so Close can wait for it
	require.NoError(t, p.Close())
	_, err = p.List(context.Background())
	require.Error(t, err)
}

func TestGet(t *testing.T) {
	ctx := context.Background()
	c := newCluster(
		secret("app", "db", corev1.SecretTypeOpaque, map[string]string{"password": "get-pass-1", "user": "u"}, nil),
		secret("app", "one", corev1.SecretTypeOpaque, map[string]string{"token": "single-2"}, nil),
		secret("app", "pull", corev1.SecretTypeDockerConfigJson, map[string]string{".dockerconfigjson": `{"auths":{"r":{"password":"get-docker-3"}}}`}, nil),
	)
	c.PrependReactor("get", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.GetNamespace() == "locked" {
			return true, nil, apierrors.NewForbidden(secretsResource, "s", errFor("denied"))
		}
		return false, nil, nil
	})
	p := open(t, c, kubernetes.Config{Namespaces: []string{"app"}})

	s, err := p.Get(ctx, "k8s/app/db#password")
	require.NoError(t, err)
	require.True(t, s.Value == "get-pass-1", "k8s/app/db#password: wrong value")
	s, err = p.Get(ctx, "k8s/app/one")
	require.NoError(t, err)
	require.True(t, s.Value == "single-2", "k8s/app/one: wrong value")
	s, err = p.Get(ctx, "k8s/app/pull#.dockerconfigjson/r/password")
	require.NoError(t, err)
	require.True(t, s.Value == "get-docker-3", "docker password: wrong value")

	_, err = p.Get(ctx, "k8s/app/db")
	require.Equal(t, provider.NotFound, provider.Kind(err), "a secret of two values without #KEY")
	_, err = p.Get(ctx, "k8s/app/missing#k")
	require.Equal(t, provider.NotFound, provider.Kind(err))
	_, err = p.Get(ctx, "k8s/app/db#nokey")
	require.Equal(t, provider.NotFound, provider.Kind(err))
	_, err = p.Get(ctx, "k8s/locked/s#k")
	require.Equal(t, provider.AccessDenied, provider.Kind(err))
	var pe *provider.Error
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "k8s/locked/s#k", pe.Name)
	_, err = p.Get(ctx, "app/db")
	require.Equal(t, provider.Permanent, provider.Kind(err))
}
