package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/file"
	"github.com/hushlog/hush/provider/static"
	"github.com/hushlog/hush/redact"
)

// A complete service: its secrets come from files (a Kubernetes secret
// volume; here a temporary directory), it reads them through a Cache and
// uses them with Cache.Value, and its logs, scrubbed by the same Redactor,
// never show them. Swap the source for awssm.New(ctx, awssm.Config{...})
// and nothing else changes.
func Example_service() {
	dir, _ := os.MkdirTemp("", "secrets")
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, "prod", "db"), 0o700)
	// Written with a line break at the end, as `echo` and editors do.
	os.WriteFile(filepath.Join(dir, "prod", "db", "password"), []byte("Zq8v-4Lw2-9pXc-7yTb\n"), 0o600)

	r, _ := redact.New() // give it to the logger: hushzap.NewCore, hushslog.NewJSONHandler
	src, _ := file.NewDir(dir, file.Options{TrimNewline: true})
	cache, _ := provider.NewCache(src, r, provider.CacheOptions{})
	defer cache.Close()

	// Value, not Get: a Secret formats as "name@version" with %s.
	pw, err := cache.Value(context.Background(), "prod/db/password")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	dsn := fmt.Sprintf("postgres://app:%s@db.internal:5432/app", pw)

	fmt.Println(r.ScrubString("connecting to " + dsn))
	// Output: connecting to postgres://app:[REDACTED:prod/db/password]@db.internal:5432/app
}

// An application reads its secrets through a Cache: each value it reads is
// protected in its logs from then on.
func ExampleCache() {
	r, _ := redact.New()
	// In production: awssm.New(ctx, awssm.Config{...}).
	src, _ := static.New(redact.Secret{Name: "prod/db/password", Value: "Zq8v-4Lw2-9pXc-7yTb"})
	cache, _ := provider.NewCache(src, r, provider.CacheOptions{TTL: 5 * time.Minute})
	defer cache.Close()

	pw, err := cache.Get(context.Background(), "prod/db/password")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(r.ScrubString("connecting with password " + pw.Value))
	// Output: connecting with password [REDACTED:prod/db/password]
}

// A process that only redacts keeps its Redactor current with a Refresher.
func ExampleRefresher() {
	r, _ := redact.New()
	src, _ := static.New(
		redact.Secret{Name: "prod/api/token", Value: "mN3k-Qr7s-Vw2x-Yz5a"},
	)
	f, _ := provider.NewRefresher(r, []provider.Lister{src}, provider.RefresherOptions{
		Interval:    5 * time.Minute,
		GracePeriod: 24 * time.Hour,
	})
	defer f.Close()

	// One synchronous round, then background refreshes until Close.
	if err := f.Refresh(context.Background()); err != nil {
		fmt.Println("error:", err)
	}
	_ = f.Start(context.Background())
	<-f.Ready()

	fmt.Println(r.ScrubString(`{"auth":"Bearer mN3k-Qr7s-Vw2x-Yz5a"}`))
	fmt.Println(f.Status().Secrets, "secret protected")
	// Output:
	// {"auth":"Bearer [REDACTED:prod/api/token]"}
	// 1 secret protected
}

// Errors say what failed and how, never the value.
func ExampleKind() {
	err := provider.NewError("aws secrets manager", "prod/db", provider.AccessDenied, fmt.Errorf("GetSecretValue: AccessDeniedException"))
	fmt.Println(provider.Kind(err), "-", err)
	// Output: access_denied - aws secrets manager: secret "prod/db": access denied: GetSecretValue: AccessDeniedException
}
