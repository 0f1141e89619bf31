package hushzap_test

import (
	"errors"
	"os"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/redact"
	hushzap "github.com/hushlog/hush/zapcore"
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

// One line makes an existing logger leak-proof: pass Wrap to the
// constructor you already call (zap.NewProduction, zap.New, Config.Build).
func ExampleWrap() {
	r := exampleRedactor()

	logger := zap.NewExample(hushzap.Wrap(r))

	logger.Info("connecting", zap.String("dsn", "postgres://app:Zq8rT2vLx9-s3cr3t@db:5432/app"))
	logger.Error("login failed", zap.Error(errors.New("password Zq8rT2vLx9-s3cr3t rejected")))
	logger.Info("user signed up", zap.String("password", "hunter2")) // key rule
	// Output:
	// {"level":"info","msg":"connecting","dsn":"postgres://app:[REDACTED:prod/db/password]@db:5432/app"}
	// {"level":"error","msg":"login failed","error":"password [REDACTED:prod/db/password] rejected"}
	// {"level":"info","msg":"user signed up","password":"[REDACTED:password]"}
}

// NewCore replaces zapcore.NewCore where you build the core yourself, and
// scrubs everything the encoder prints, With context included.
func ExampleNewCore() {
	r := exampleRedactor()
	cfg := zap.NewProductionEncoderConfig()
	cfg.TimeKey = "" // for a stable example

	logger := zap.New(hushzap.NewCore(zapcore.NewJSONEncoder(cfg), zapcore.AddSync(os.Stdout), zap.InfoLevel, r))

	logger.With(zap.Any("config", map[string]string{"db_url": "postgres://app:Zq8rT2vLx9-s3cr3t@db"})).
		Info("started")
	// Output:
	// {"level":"info","msg":"started","config":{"db_url":"postgres://app:[REDACTED:prod/db/password]@db"}}
}

// NewEncoder plugs into zap.Config through zap.RegisterEncoder.
func ExampleNewEncoder() {
	r := exampleRedactor()
	_ = zap.RegisterEncoder("hush-json", func(cfg zapcore.EncoderConfig) (zapcore.Encoder, error) {
		return hushzap.NewEncoder(zapcore.NewJSONEncoder(cfg), r), nil
	})

	cfg := zap.NewProductionConfig()
	cfg.Encoding = "hush-json"
	cfg.OutputPaths = []string{"stdout"}
	cfg.EncoderConfig.TimeKey = "" // for a stable example
	cfg.DisableCaller = true
	logger, err := cfg.Build()
	if err != nil {
		panic(err)
	}

	// zap prints []byte as base64; the encoded password is caught too.
	logger.Warn("retrying", zap.Binary("payload", []byte("app:Zq8rT2vLx9-s3cr3t")))
	// Output:
	// {"level":"warn","msg":"retrying","payload":"YXBwO[REDACTED:prod/db/password]"}
}
