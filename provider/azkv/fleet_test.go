package azkv_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/azfake"
	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/azkv"
)

// TestFleetEconomics measures, on the stand-in's request counters, what a
// replica costs Key Vault per refresh: the first listing, a listing in which
// nothing changed (secrets settled: last changed more than a minute before
// the versions were listed), one after 1 % of the secrets were rotated, and
// one after VersionsMaxAge. A few replicas (separate Providers, each with
// its own client and caches) are simulated in full and their counts must
// agree exactly with the expected formula; the fleet-wide rate of 1,000
// replicas is extrapolated from them and logged (-v). Counts are asserted,
// durations only reported.
//
// By default 1,000 secrets and 2 replicas, so that `make test` stays quick;
// the README's table comes from
//
//	HUSH_FLEET_SECRETS=10000 HUSH_FLEET_REPLICAS=3 go test -run TestFleetEconomics -v
//
// Skipped with -short.
func TestFleetEconomics(t *testing.T) {
	if testing.Short() {
		t.Skip("fleet simulation")
	}
	const (
		fleet    = 1000
		interval = provider.DefaultRefreshInterval
		page     = 25 // Key Vault's page of a list
	)
	env := func(name string, def int) int {
		if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
			return n
		}
		return def
	}
	replicas := env("HUSH_FLEET_REPLICAS", 2)
	total := env("HUSH_FLEET_SECRETS", 1000)
	rotate := max(1, total/100)
	s := standin(t)
	clk := newClock()
	s.SetClock(clk.Now)
	for i := range total {
		s.Set(fmt.Sprintf("s%05d", i), fmt.Sprintf("fleet-value-%05d-Zq8v4Lw2", i), map[string]string{"env": "prod"})
	}
	clk.Advance(2 * time.Minute) // settled
	ctx := context.Background()
	type phase struct {
		name   string
		counts map[string]int
		took   time.Duration
	}
	measure := func(p *azkv.Provider, name string, want int) phase {
		t.Helper()
		s.ResetRequests()
		start := time.Now()
		ss, err := p.List(ctx)
		took := time.Since(start)
		require.NoError(t, err)
		require.Len(t, ss, want, name)
		return phase{name, s.Counts(), took}
	}
	ps := make([]*azkv.Provider, replicas)
	var first, unchanged, rotated, aged []phase
	for i := range ps {
		ps[i] = open(t, s, azkv.Config{Tags: map[string]string{"env": "prod"}, Now: clk.Now})
		first = append(first, measure(ps[i], "first listing", total))
		unchanged = append(unchanged, measure(ps[i], "unchanged refresh", total))
	}
	for i := range rotate {
		s.Set(fmt.Sprintf("s%05d", i), fmt.Sprintf("fleet-rotated-%05d-Lw2Zq8v4", i), nil)
	}
	clk.Advance(2 * time.Minute)
	for _, p := range ps {
		// The rotated secrets now have two versions in the grace period.
		rotated = append(rotated, measure(p, "refresh after 1% rotated", total+rotate))
	}
	clk.Advance(azkv.DefaultVersionsMaxAge)
	for _, p := range ps {
		aged = append(aged, measure(p, "refresh after VersionsMaxAge", total+rotate))
	}

	lists := (total + page - 1) / page
	want := map[string]map[string]int{
		"first listing":                {azfake.OpChallenge: 1, azfake.OpList: lists, azfake.OpVersions: total, azfake.OpGet: total},
		"unchanged refresh":            {azfake.OpList: lists},
		"refresh after 1% rotated":     {azfake.OpList: lists, azfake.OpVersions: rotate, azfake.OpGet: rotate},
		"refresh after VersionsMaxAge": {azfake.OpList: lists, azfake.OpVersions: total},
	}
	t.Logf("%d secrets, %d replicas simulated in full, %d extrapolated, refresh interval %v", total, replicas, fleet, interval)
	t.Logf("| phase | list pages | versions lists | gets | other | requests per replica | fleet-wide requests per second | per 10 s | loopback time per listing (min-max) |")
	for _, rows := range [][]phase{first, unchanged, rotated, aged} {
		var lo, hi time.Duration
		for i, r := range rows {
			require.Equal(t, want[r.name], r.counts, "replica %d, %s", i, r.name)
			if i == 0 || r.took < lo {
				lo = r.took
			}
			hi = max(hi, r.took)
		}
		c := rows[0].counts
		sum := 0
		for _, n := range c {
			sum += n
		}
		other := sum - c[azfake.OpList] - c[azfake.OpVersions] - c[azfake.OpGet]
		perSecond := float64(fleet*sum) / interval.Seconds()
		t.Logf("| %s | %d | %d | %d | %d | %d | %.0f | %.0f | %v-%v |", rows[0].name, c[azfake.OpList], c[azfake.OpVersions],
			c[azfake.OpGet], other, sum, perSecond, 10*perSecond, lo.Round(time.Millisecond), hi.Round(time.Millisecond))
	}
}
