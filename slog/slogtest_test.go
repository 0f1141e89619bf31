package hushslog_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
	"testing/slogtest"

	"github.com/hushlog/hush/redact"
	hushslog "github.com/hushlog/hush/slog"
)

// TestSlogtest runs the standard library's handler conformance suite
// against each handler, with a redactor holding secrets (none of which the
// suite logs) so that every check path runs.
func TestSlogtest(t *testing.T) {
	for _, kind := range []struct {
		name string
		new  func(*bytes.Buffer, *redact.Redactor) slog.Handler
	}{
		{"middleware-json", func(b *bytes.Buffer, r *redact.Redactor) slog.Handler {
			return hushslog.NewHandler(slog.NewJSONHandler(b, nil), r)
		}},
		{"json", func(b *bytes.Buffer, r *redact.Redactor) slog.Handler {
			return hushslog.NewJSONHandler(b, r, nil)
		}},
	} {
		t.Run(kind.name, func(t *testing.T) {
			r := newRedactor(t, allSecrets...)
			var buf bytes.Buffer
			slogtest.Run(t, func(*testing.T) slog.Handler {
				buf.Reset()
				return kind.new(&buf, r)
			}, func(t *testing.T) map[string]any {
				var m map[string]any
				if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
					t.Fatal(err)
				}
				return m
			})
		})
	}
}
