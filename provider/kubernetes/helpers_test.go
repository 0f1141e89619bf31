package kubernetes_test

import (
	"context"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/hushlog/hush/provider/kubernetes"
	"github.com/hushlog/hush/redact"
)

// TestMain checks that no test leaves a goroutine behind: Close stops every
// informer. (klog's flush daemon, started by client-go's init, is there
// before any test and ignored.)
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent())
}

// eventually is how long a change may take to reach a listing: the watch
// delivers it in milliseconds; the bound only keeps a broken test from
// hanging on a loaded machine.
const eventually = 20 * time.Second

// cluster is client-go's fake clientset with counters of the LIST and
// WATCH requests per namespace and a signal when a watch has started (the
// fake's watch does not replay what changed between a LIST and its WATCH,
// so a test changes Secrets only once the watch is there).
type cluster struct {
	*fake.Clientset

	mu      sync.Mutex
	lists   map[string]int
	watches map[string]int
}

func newCluster(objs ...runtime.Object) *cluster {
	c := &cluster{Clientset: fake.NewClientset(objs...), lists: map[string]int{}, watches: map[string]int{}}
	c.PrependReactor("list", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		c.mu.Lock()
		c.lists[a.GetNamespace()]++
		c.mu.Unlock()
		return false, nil, nil
	})
	c.PrependWatchReactor("secrets", func(a k8stesting.Action) (bool, watch.Interface, error) {
		c.mu.Lock()
		c.watches[a.GetNamespace()]++
		c.mu.Unlock()
		return false, nil, nil
	})
	return c
}

func (c *cluster) counts(ns string) (lists, watches int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lists[ns], c.watches[ns]
}

// waitWatching waits until every namespace has a watch.
func (c *cluster) waitWatching(t *testing.T, nss ...string) {
	t.Helper()
	require.Eventually(t, func() bool {
		for _, ns := range nss {
			if _, w := c.counts(ns); w == 0 {
				return false
			}
		}
		return true
	}, eventually, 5*time.Millisecond, "no watch started on %v", nss)
}

// open returns a Provider on c, closed at the end of the test.
func open(t *testing.T, c *cluster, cfg kubernetes.Config) *kubernetes.Provider {
	t.Helper()
	cfg.Client = c
	p, err := kubernetes.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, p.Close()) })
	return p
}

func list(t *testing.T, p *kubernetes.Provider) ([]redact.Secret, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), eventually)
	defer cancel()
	return p.List(ctx)
}

func secret(ns, name string, typ corev1.SecretType, data map[string]string, lbls map[string]string) *corev1.Secret {
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: lbls},
		Type:       typ,
		Data:       map[string][]byte{},
	}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

// names returns the names and versions of ss, never the values, for
// failure messages.
func names(ss []redact.Secret) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Name
	}
	return out
}

// hasValue reports whether some listed secret named name holds value.
func hasValue(ss []redact.Secret, name, value string) bool {
	for _, s := range ss {
		if s.Name == name && s.Value == value {
			return true
		}
	}
	return false
}

// leaks reports whether text holds one of the values.
func leaks(text string, values ...string) bool {
	for _, v := range values {
		if strings.Contains(text, v) {
			return true
		}
	}
	return false
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
