package kubernetes_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"k8s.io/klog/v2"

	"github.com/hushlog/hush/internal/k8sfake"
	"github.com/hushlog/hush/provider/kubernetes"
)

// TestClientGoSaysNothingUnfiltered: what client-go would write through
// klog to the process's stderr (the API server's Warning headers, the
// informers' complaints) reaches the provider's logger instead, filtered
// by provider.ServerText: a warning that echoes a value (a proxy or an
// admission webhook in the way) is logged without it, and klog's global
// logger hears nothing of it.
func TestClientGoSaysNothingUnfiltered(t *testing.T) {
	var mu sync.Mutex
	var global bytes.Buffer
	klog.SetLogger(funcr.New(func(prefix, args string) {
		mu.Lock()
		defer mu.Unlock()
		global.WriteString(prefix + " " + args + "\n")
	}, funcr.Options{Verbosity: 10}))
	defer klog.ClearLogger()

	api := k8sfake.New()
	defer api.Close()
	kubeconfig, err := api.Kubeconfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	values := []string{"Zq8v-4Lw2-9pXc-7yTb", "tok_9f8e7d6c5b4a3210fedc", "dGhpcyBpcyBhIHNlY3JldA=="}
	api.Put("prod", "db", "Opaque", map[string]string{"password": values[0]}, nil)
	api.Warn("admission: value " + values[0] + " and " + values[1] + " (" + values[2] + ") is deprecated")

	core, logs := observer.New(zapcore.DebugLevel)
	p, err := kubernetes.New(kubernetes.Config{Kubeconfig: kubeconfig, Namespaces: []string{"prod"}, Logger: zap.New(core)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := p.List(ctx); err != nil {
		t.Fatal(err)
	}
	p.Close()

	var warned bool
	var logged strings.Builder
	for _, e := range logs.All() {
		logged.WriteString(e.Message)
		for k, v := range e.ContextMap() {
			logged.WriteString(" " + k + "=" + fmt.Sprint(v))
		}
		logged.WriteString("\n")
		if e.Message == "kubernetes API server warning" {
			warned = true
		}
	}
	if !warned {
		t.Errorf("the API server's warning was not logged to the provider's logger (%d entries)", logs.Len())
	}
	mu.Lock()
	g := global.String()
	mu.Unlock()
	for i, v := range values {
		if strings.Contains(logged.String(), v) {
			t.Errorf("value %d is in the provider's log", i)
		}
		if strings.Contains(g, v) {
			t.Errorf("value %d reached klog's global logger (the process's stderr by default)", i)
		}
	}
	if !strings.Contains(logged.String(), "deprecated") {
		t.Errorf("the warning's own words were not kept")
	}
}
