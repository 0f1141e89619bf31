package hushslog_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	hushslog "github.com/hushlog/hush/slog"
)

// textOnly renders a secret only through MarshalText: its JSON is clean,
// "%+v" prints the bytes as numbers, and slog's text handler prints it with
// MarshalText.
type textOnly struct{ value []byte }

func (v textOnly) MarshalJSON() ([]byte, error) { return []byte(`"opaque"`), nil }
func (v textOnly) MarshalText() ([]byte, error) { return append([]byte("conn "), v.value...), nil }

// An Any value that holds a secret only in its MarshalText form is caught by
// the middleware in front of a text handler. (gremlins reported the
// MarshalText check not covered by any test.)
func TestMiddlewareAnyTextMarshaler(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(hushslog.NewHandler(slog.NewTextHandler(&buf, nil), newRedactor(t, secretDB)))
	logger.Info("connected", slog.Any("conn", textOnly{value: []byte(secretDB.Value)}))
	// Booleans and names only: the output may hold the secret.
	assert.False(t, leaked(buf.String(), secretDB), "secret %s leaked through MarshalText", secretDB.Name)
	assert.True(t, strings.Contains(buf.String(), "[REDACTED:"+secretDB.Name+"]"), "no replacement for %s", secretDB.Name)
}
