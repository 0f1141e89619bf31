package awssm_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hushlog/hush/internal/smfake"
	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/awssm"
	"github.com/hushlog/hush/redact"
)

// BenchmarkRefresh10k lists 10,000 secrets from the stand-in: 100
// ListSecrets pages and 500 BatchGetSecretValue calls per listing (20
// secrets each), or only the 100 ListSecrets pages with CacheCurrent. It
// reports the requests per refresh next to the time.
func BenchmarkRefresh10k(b *testing.B) {
	sm := standIn(b)
	const n = 10000
	for i := 0; i < n; i++ {
		sm.Put(fmt.Sprintf("prod/svc%05d/password", i), value(i, "bnch"))
	}
	ctx := context.Background()
	report := func(b *testing.B) {
		b.ReportMetric(float64(sm.Requests(""))/float64(b.N), "requests/op")
		b.ReportMetric(float64(sm.Requests(smfake.OpListSecrets))/float64(b.N), "ListSecrets/op")
		b.ReportMetric(float64(sm.Requests(smfake.OpBatchGetSecretValue))/float64(b.N), "BatchGet/op")
	}
	for _, bc := range []struct {
		name         string
		cacheCurrent bool
	}{{"List", false}, {"List/cache_current", true}} {
		b.Run(bc.name, func(b *testing.B) {
			p := newProvider(b, awssm.Config{Prefixes: []string{"prod/"}, CacheCurrent: bc.cacheCurrent})
			if s, err := p.List(ctx); err != nil || len(s) != n {
				b.Fatalf("warm-up listing: %d secrets, %v", len(s), err)
			}
			sm.ResetRequests()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := p.List(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			report(b)
		})
	}
	b.Run("Refresher", func(b *testing.B) {
		p := newProvider(b, awssm.Config{Prefixes: []string{"prod/"}})
		r, _ := redact.New()
		f, err := provider.NewRefresher(r, []provider.Lister{p}, provider.RefresherOptions{})
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := f.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
		sm.ResetRequests()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := f.Refresh(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		report(b)
		if st := f.Status(); st.Rebuilds != 1 || st.Secrets != n {
			b.Fatalf("status: %d rebuilds, %d secrets", st.Rebuilds, st.Secrets)
		}
	})
}
