package hushzap_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	hushzap "github.com/hushlog/hush/zapcore"
)

// failingJSON fails to encode with an error that quotes a secret, as a
// careless MarshalJSON might; zap logs that error text instead.
type failingJSON struct{ secret string }

func (f failingJSON) MarshalJSON() ([]byte, error) {
	return nil, errors.New("cannot encode connection " + f.secret)
}

// An array element added with AppendReflected whose encoding fails with the
// secret in the error keeps the scrubbed error text under Wrap (gremlins
// reported the branch not covered: without it the element came out null).
func TestWrapArrayReflectedError(t *testing.T) {
	var buf syncBuffer
	logger := zap.New(zapcore.NewCore(jsonEncoder(), &buf, zap.DebugLevel), hushzap.Wrap(newRedactor(t, secretDB)))
	logger.Info("pool", zap.Array("conns", zapcore.ArrayMarshalerFunc(func(enc zapcore.ArrayEncoder) error {
		return enc.AppendReflected(failingJSON{secret: secretDB.Value})
	})))
	out := buf.String()
	assertNoLeak(t, out, secretDB)
	// Booleans only: out may hold the secret.
	assert.True(t, strings.Contains(out, "cannot encode connection [REDACTED:"+secretDB.Name+"]"), "the scrubbed error text is missing")
}
