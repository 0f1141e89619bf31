package azkv_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hushlog/hush/internal/azfake"
	"github.com/hushlog/hush/provider/azkv"
)

// BenchmarkListUnchanged measures one refresh in which nothing changed, of
// 1,000 settled secrets, against the loopback TLS stand-in: the client's and
// the provider's cost per refresh (the stand-in's own work is in the same
// process and counted too), with requests per refresh reported. The
// versions listings are reused (VersionsMaxAge not reached on the fake
// clock), so a refresh is the 40 pages of the secrets list.
func BenchmarkListUnchanged(b *testing.B) {
	s := azfake.New()
	defer s.Close()
	clk := newClock()
	s.SetClock(clk.Now)
	const secrets = 1000
	for i := range secrets {
		s.Set(fmt.Sprintf("s%04d", i), fmt.Sprintf("bench-value-%04d-Zq8v4Lw2", i), nil)
	}
	clk.Advance(2 * time.Minute)
	p, err := azkv.New(azkv.Config{VaultURL: s.URL(), HTTPClient: s.Client(), Credential: &fakeCredential{},
		DisableChallengeResourceVerification: true, Now: clk.Now})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	if _, err := p.List(ctx); err != nil {
		b.Fatal(err)
	}
	s.ResetRequests()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.List(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(s.Requests(azfake.OpList))/float64(b.N), "requests/op")
	if n := s.Requests(azfake.OpVersions) + s.Requests(azfake.OpGet); n != 0 {
		b.Fatalf("an unchanged refresh made %d versions or value requests", n)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*secrets), "ns/secret")
}
