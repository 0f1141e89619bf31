package vault_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/vaultfake"
	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/vault"
)

// TestFleetEconomics measures, on the stand-in's request counters, what a
// replica costs Vault per refresh: the first listing, a listing in which
// nothing changed and one after 1 % of the secrets were rotated, with 100
// secrets per folder. A few replicas (separate Providers, each with its own
// client and version cache) are simulated in full and their counts must
// agree exactly with the expected formula; the fleet-wide rate of 1,000
// replicas is extrapolated from them and logged (-v). The counts are
// asserted, the durations only reported.
//
// By default 1,000 secrets and 2 replicas, so that `make test` stays quick;
// the README's table comes from
//
//	HUSH_FLEET_SECRETS=10000 HUSH_FLEET_REPLICAS=3 go test -run TestFleetEconomics -v
//
// Skipped with -short.
func TestFleetEconomics(t *testing.T) {
	if testing.Short() {
		t.Skip("fleet simulation: 10,000 secrets per replica")
	}
	const (
		fleet    = 1000
		interval = provider.DefaultRefreshInterval
	)
	env := func(name string, def int) int {
		if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
			return n
		}
		return def
	}
	replicas := env("HUSH_FLEET_REPLICAS", 2)
	total := env("HUSH_FLEET_SECRETS", 1000)
	folders := max(1, total/100)
	rotate := max(1, total/100)
	vf := standin(t)
	for i := range total {
		vf.Put(fmt.Sprintf("secret/prod/f%03d/s%05d", i%folders, i), map[string]any{"password": fmt.Sprintf("fleet-value-%05d-Zq8v4Lw2", i)})
	}
	ctx := context.Background()
	type phase struct {
		name   string
		counts map[string]int
		took   time.Duration
	}
	measure := func(p *vault.Provider, name string, want int) phase {
		t.Helper()
		vf.ResetRequests()
		start := time.Now()
		ss, err := p.List(ctx)
		took := time.Since(start)
		require.NoError(t, err)
		require.Len(t, ss, want, name)
		return phase{name, vf.Counts(), took}
	}
	ps := make([]*vault.Provider, replicas)
	var first, unchanged, rotated []phase
	for i := range ps {
		ps[i] = open(t, vault.Config{Prefix: "prod/"})
		first = append(first, measure(ps[i], "first listing", total))
		unchanged = append(unchanged, measure(ps[i], "unchanged refresh", total))
	}
	for i := range rotate {
		vf.Put(fmt.Sprintf("secret/prod/f%03d/s%05d", i%folders, i), map[string]any{"password": fmt.Sprintf("fleet-rotated-%05d-Lw2Zq8v4", i)})
	}
	for _, p := range ps {
		// The rotated secrets now have two versions in the grace period.
		rotated = append(rotated, measure(p, "refresh after 1% rotated", total+rotate))
	}

	lists := folders + 1 // prod/ and its folders
	want := map[string]map[string]int{
		"first listing":            {vaultfake.OpLookupSelf: 1, vaultfake.OpUIMounts: 1, vaultfake.OpList: lists, vaultfake.OpMetadata: total, vaultfake.OpData: total},
		"unchanged refresh":        {vaultfake.OpList: lists, vaultfake.OpMetadata: total},
		"refresh after 1% rotated": {vaultfake.OpList: lists, vaultfake.OpMetadata: total, vaultfake.OpData: rotate},
	}
	t.Logf("%d secrets in %d folders, %d replicas simulated in full, %d extrapolated, refresh interval %v",
		total, folders, replicas, fleet, interval)
	t.Logf("| phase | LIST | metadata | data | other | requests per replica | fleet-wide requests per second | loopback time per listing (min-max) |")
	for _, rows := range [][]phase{first, unchanged, rotated} {
		var lo, hi time.Duration
		for i, r := range rows {
			require.Equal(t, want[r.name], r.counts, "replica %d, %s", i, r.name)
			if i == 0 || r.took < lo {
				lo = r.took
			}
			hi = max(hi, r.took)
		}
		c := rows[0].counts
		total := 0
		for _, n := range c {
			total += n
		}
		other := total - c[vaultfake.OpList] - c[vaultfake.OpMetadata] - c[vaultfake.OpData]
		perSecond := float64(fleet*total) / interval.Seconds()
		t.Logf("| %s | %d | %d | %d | %d | %d | %.0f | %v-%v |", rows[0].name, c[vaultfake.OpList], c[vaultfake.OpMetadata],
			c[vaultfake.OpData], other, total, perSecond, lo.Round(time.Millisecond), hi.Round(time.Millisecond))
	}
}
