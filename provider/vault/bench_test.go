package vault_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hushlog/hush/internal/vaultfake"
	"github.com/hushlog/hush/provider/vault"
)

// BenchmarkListUnchanged measures one refresh in which nothing changed, of
// 1,000 secrets in 10 folders, against the loopback stand-in: the client's
// and the provider's cost per refresh (the stand-in's own work is in the
// same process and counted too), with requests per refresh reported.
func BenchmarkListUnchanged(b *testing.B) {
	vf := vaultfake.New()
	defer vf.Close()
	for _, kv := range vf.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		b.Setenv(k, v)
	}
	b.Setenv("HOME", b.TempDir())
	vf.Mount("secret", 2)
	const secrets = 1000
	for i := range secrets {
		vf.Put(fmt.Sprintf("secret/prod/f%02d/s%04d", i%10, i), map[string]any{"password": fmt.Sprintf("bench-value-%04d-Zq8v4Lw2", i)})
	}
	p, err := vault.New(vault.Config{Mount: "secret", Prefix: "prod/"})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	if _, err := p.List(ctx); err != nil {
		b.Fatal(err)
	}
	vf.ResetRequests()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.List(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(vf.Requests(""))/float64(b.N), "requests/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*secrets), "ns/secret")
}
