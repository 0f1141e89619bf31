package hushzap_test

import "go.uber.org/zap"

// tok_Hq71Mz0PkWn3Rt is named after a test secret (prod/api/token): it is
// the function of its entries' caller and a frame of their stack.
func tok_Hq71Mz0PkWn3Rt(l *zap.Logger) { l.Warn("m") }

//line /src/Zq8rT2vLx9-s3cr3t/app.go:10
func logFromSecretFile(l *zap.Logger) { l.Warn("m") }
