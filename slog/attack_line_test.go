package hushslog_test

import "log/slog"

// tok_Hq71Mz0PkWn3Rt is named after a test secret (prod/api/token), so the
// secret is the function of its records' source.
//
//nolint:revive // the name is the point
func tok_Hq71Mz0PkWn3Rt(l *slog.Logger) { l.Info("m") }

//line /src/Zq8rT2vLx9-s3cr3t/app.go:10
func logFromSecretFile(l *slog.Logger) { l.Info("m") }
