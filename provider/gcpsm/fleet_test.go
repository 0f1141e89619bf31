package gcpsm_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/gcpsm"
	"github.com/hushlog/hush/provider/gcpsm/internal/gcpfake"
)

// Secret Manager's published request quotas (per project, per minute; see
// README.md for the source): AccessSecretVersion is an access request,
// every other non-mutating call (ListSecrets, ListSecretVersions, GetSecret,
// GetSecretVersion) a read request.
const (
	accessQuotaPerMinute = 90000
	readQuotaPerMinute   = 600
)

// TestFleetEconomics measures, on the stand-in's request counters, what a
// replica costs Secret Manager per refresh in each version mode: the first
// listing, a listing in which nothing changed and one after 1 % of the
// secrets were rotated. A few replicas (separate Providers, each with its
// own client and cache) are simulated in full and their counts must agree
// exactly with the expected formula; the fleet-wide rate of 1,000
// replicas is extrapolated from them and logged (-v) next to the quotas.
// The counts are asserted, the durations only reported.
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
	ctx := context.Background()

	for _, mode := range []string{gcpsm.VersionsEnabled, gcpsm.VersionsLatest} {
		sf := standin(t)
		names := make([]string, total)
		for i := range total {
			names[i] = sf.Create(project, fmt.Sprintf("s%05d", i), map[string]string{"env": "prod"})
			sf.AddVersion(names[i], fmt.Appendf(nil, "fleet-value-%05d-Zq8v4Lw2", i))
		}
		type phase struct {
			name   string
			counts map[string]int
			took   time.Duration
		}
		measure := func(p *gcpsm.Provider, name string, want int) phase {
			t.Helper()
			sf.ResetCounts()
			start := time.Now()
			ss, err := p.List(ctx)
			took := time.Since(start)
			require.NoError(t, err)
			require.Len(t, ss, want, name)
			return phase{name, sf.Counts(), took}
		}
		ps := make([]*gcpsm.Provider, replicas)
		var first, unchanged, rotated []phase
		for i := range ps {
			ps[i] = open(t, sf, gcpsm.Config{Versions: mode, Filter: "labels.env=prod"})
			first = append(first, measure(ps[i], "first listing", total))
			unchanged = append(unchanged, measure(ps[i], "unchanged refresh", total))
		}
		for i := range rotate {
			sf.AddVersion(names[i], fmt.Appendf(nil, "fleet-rotated-%05d-Lw2Zq8v4", i))
		}
		inGrace := total + rotate // the replaced versions are within the grace period
		if mode == gcpsm.VersionsLatest {
			inGrace = total
		}
		for _, p := range ps {
			rotated = append(rotated, measure(p, "refresh after 1% rotated", inGrace))
		}

		want := map[string]map[string]int{
			"first listing":            {gcpfake.ListSecrets: 1, gcpfake.ListSecretVersions: total, gcpfake.AccessSecretVersion: total},
			"unchanged refresh":        {gcpfake.ListSecrets: 1, gcpfake.ListSecretVersions: total},
			"refresh after 1% rotated": {gcpfake.ListSecrets: 1, gcpfake.ListSecretVersions: total, gcpfake.AccessSecretVersion: rotate},
		}
		if mode == gcpsm.VersionsLatest {
			for _, c := range want {
				delete(c, gcpfake.ListSecretVersions)
				c[gcpfake.AccessSecretVersion] = total
			}
		}
		t.Logf("versions: %s; %d secrets, %d replicas simulated in full, %d extrapolated, refresh interval %v",
			mode, total, replicas, fleet, interval)
		t.Logf("| phase | ListSecrets | ListSecretVersions | AccessSecretVersion | read requests per replica | access requests per replica | fleet read/min (quota %d) | fleet access/min (quota %d) | loopback time per listing (min-max) |",
			readQuotaPerMinute, accessQuotaPerMinute)
		for _, rows := range [][]phase{first, unchanged, rotated} {
			var lo, hi time.Duration
			for i, r := range rows {
				require.Equal(t, want[r.name], r.counts, "%s: replica %d, %s", mode, i, r.name)
				if i == 0 || r.took < lo {
					lo = r.took
				}
				hi = max(hi, r.took)
			}
			c := rows[0].counts
			reads := c[gcpfake.ListSecrets] + c[gcpfake.ListSecretVersions] + c[gcpfake.GetSecret] + c[gcpfake.GetSecretVersion]
			access := c[gcpfake.AccessSecretVersion]
			perMinute := func(n int) float64 { return float64(fleet*n) / interval.Minutes() }
			t.Logf("| %s | %d | %d | %d | %d | %d | %.0f | %.0f | %v-%v |", rows[0].name,
				c[gcpfake.ListSecrets], c[gcpfake.ListSecretVersions], access, reads, access,
				perMinute(reads), perMinute(access), lo.Round(time.Millisecond), hi.Round(time.Millisecond))
		}
	}
}
