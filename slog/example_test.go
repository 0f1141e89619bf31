package hushslog_test

import (
	"errors"
	"log/slog"
	"os"

	"github.com/hushlog/hush/redact"
	hushslog "github.com/hushlog/hush/slog"
)

func exampleRedactor() *redact.Redactor {
	r, err := redact.New()
	if err != nil {
		panic(err)
	}
	// In a service the set comes from a provider; see package redact.
	if err := r.Set([]redact.Secret{{Name: "prod/db/password", Value: "Zq8rT2vLx9-s3cr3t"}}); err != nil {
		panic(err)
	}
	return r
}

// withoutTime drops the time attribute for a stable example.
var withoutTime = &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}}

// One line: replace slog.NewJSONHandler(w, opts) with
// hushslog.NewJSONHandler(w, r, opts).
func ExampleNewJSONHandler() {
	r := exampleRedactor()

	logger := slog.New(hushslog.NewJSONHandler(os.Stdout, r, withoutTime))

	logger.Info("connecting", "dsn", "postgres://app:Zq8rT2vLx9-s3cr3t@db:5432/app")
	logger.Error("login failed", "err", errors.New("password Zq8rT2vLx9-s3cr3t rejected"))
	logger.Info("user signed up", slog.Group("form", "user", "ann", "password", "hunter2")) // key rule
	// Output:
	// {"level":"INFO","msg":"connecting","dsn":"postgres://app:[REDACTED:prod/db/password]@db:5432/app"}
	// {"level":"ERROR","msg":"login failed","err":"password [REDACTED:prod/db/password] rejected"}
	// {"level":"INFO","msg":"user signed up","form":{"user":"ann","password":"[REDACTED:password]"}}
}

// NewTextHandler is the same for slog.NewTextHandler.
func ExampleNewTextHandler() {
	r := exampleRedactor()

	logger := slog.New(hushslog.NewTextHandler(os.Stdout, r, withoutTime))

	logger.With("config", map[string]string{"db_url": "postgres://app:Zq8rT2vLx9-s3cr3t@db"}).Info("started")
	// Output:
	// level=INFO msg=started config=map[db_url:postgres://app:[REDACTED:prod/db/password]@db]
}

// NewHandler wraps any handler, here the default logger's.
func ExampleNewHandler() {
	r := exampleRedactor()

	logger := slog.New(hushslog.NewHandler(slog.NewJSONHandler(os.Stdout, withoutTime), r))

	type dbConfig struct {
		Host     string
		Password string
	}
	logger.Info("config", "db", dbConfig{Host: "db", Password: "Zq8rT2vLx9-s3cr3t"})
	// Output:
	// {"level":"INFO","msg":"config","db":{"Host":"db","Password":"[REDACTED:prod/db/password]"}}
}
