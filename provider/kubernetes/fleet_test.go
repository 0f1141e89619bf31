package kubernetes_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/k8sfake"
	"github.com/hushlog/hush/provider/kubernetes"
)

// TestFleetEconomics measures, on the request counters of a loopback API
// server stand-in (internal/k8sfake) driven by the real client-go through a
// kubeconfig, what a replica costs the API server: its start (the
// informer's initial state: a streaming WATCH, or a LIST and a WATCH),
// a hundred listings (a Refresher's interval listings, served by the
// informer's store), and a rotation of 1 % of the Secrets (pushed on the
// open watch). A few replicas (separate Providers, each with its own
// client and informer) are simulated in full and their counts asserted; the
// fleet-wide figures for 1,000 replicas are extrapolated and logged (-v).
//
// By default 1,000 Secrets and 2 replicas; the README's table comes from
//
//	HUSH_FLEET_SECRETS=10000 HUSH_FLEET_REPLICAS=3 go test -run TestFleetEconomics -v
//
// Skipped with -short.
func TestFleetEconomics(t *testing.T) {
	if testing.Short() {
		t.Skip("fleet simulation: thousands of Secrets per replica")
	}
	env := func(name string, def int) int {
		if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
			return n
		}
		return def
	}
	const fleet = 1000
	replicas := env("HUSH_FLEET_REPLICAS", 2)
	total := env("HUSH_FLEET_SECRETS", 1000)
	rotate := max(1, total/100)
	api := k8sfake.New()
	defer api.Close()
	kubeconfig, err := api.Kubeconfig(t.TempDir())
	require.NoError(t, err)
	for i := range total {
		api.Put("prod", fmt.Sprintf("s%05d", i), "Opaque", map[string]string{"password": fmt.Sprintf("fleet-value-%05d-Zq8v4Lw2", i)}, nil)
	}
	requests := func() int { return api.Requests("list") + api.Requests("watch") + api.Requests("get") }
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	ps := make([]*kubernetes.Provider, replicas)
	var startTook []time.Duration
	for i := range ps {
		p, err := kubernetes.New(kubernetes.Config{Kubeconfig: kubeconfig, Namespaces: []string{"prod"}})
		require.NoError(t, err)
		defer func() { require.NoError(t, p.Close()) }()
		ps[i] = p
		before := requests()
		start := time.Now()
		ss, err := p.List(ctx)
		startTook = append(startTook, time.Since(start))
		require.NoError(t, err)
		require.Equal(t, total, len(ss), "secrets listed") // counts only: Len would print the values
		n := requests() - before
		require.True(t, n >= 1 && n <= 2, "replica %d: %d requests at start, want a streaming WATCH or a LIST and a WATCH", i, n)
	}
	started := requests()
	lists, watches := api.Requests("list"), api.Requests("watch")

	for _, p := range ps {
		for range 100 {
			ss, err := p.List(ctx)
			require.NoError(t, err)
			require.Equal(t, total, len(ss), "secrets listed")
		}
	}
	require.Equal(t, started, requests(), "interval listings asked the API server")

	for i := range rotate {
		api.Put("prod", fmt.Sprintf("s%05d", i), "Opaque", map[string]string{"password": fmt.Sprintf("fleet-rotated-%05d-Lw2Zq8v4", i)}, nil)
	}
	last := fmt.Sprintf("fleet-rotated-%05d-Lw2Zq8v4", rotate-1)
	for i, p := range ps {
		require.Eventually(t, func() bool {
			ss, err := p.List(ctx)
			return err == nil && hasValue(ss, fmt.Sprintf("k8s/prod/s%05d#password", rotate-1), last)
		}, eventually, 5*time.Millisecond, "replica %d never saw the rotation", i)
	}
	require.Equal(t, started, requests(), "the rotation cost requests")

	perReplica := float64(started) / float64(replicas)
	t.Logf("%d Secrets in one namespace, %d replicas simulated in full, %d extrapolated", total, replicas, fleet)
	t.Logf("| phase | LIST | WATCH | requests per replica | fleet-wide requests | loopback time to first listing (min-max) |")
	lo, hi := startTook[0], startTook[0]
	for _, d := range startTook {
		lo, hi = min(lo, d), max(hi, d)
	}
	t.Logf("| start | %d | %d | %.0f | %.0f | %v-%v |", lists/replicas, watches/replicas, perReplica, perReplica*fleet,
		lo.Round(time.Millisecond), hi.Round(time.Millisecond))
	t.Logf("| 100 interval listings | 0 | 0 | 0 | 0 | - |")
	t.Logf("| rotation of %d Secrets | 0 | 0 | 0 | 0 (%d events per watch) | - |", rotate, rotate)
}
