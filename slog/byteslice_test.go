package hushslog_test

import (
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushslog "github.com/hushlog/hush/slog"
)

type byteBlob []byte

// TestMiddlewareByteSliceText: slog's text handler prints a byte slice of
// any named type (a json.RawMessage) as its text, quoted; a dirty one
// replaced by the middleware's stand-in is written the same way, with only
// the secret replaced (it was written as fmt's list of numbers, its
// replacement unreadable and every other byte changed).
func TestMiddlewareByteSliceText(t *testing.T) {
	raw, _ := json.Marshal(map[string]string{"dsn": "postgres://app:" + secretDB.Value + "@db"})
	opts := &slog.HandlerOptions{ReplaceAttr: dropTime}
	for name, v := range map[string]any{
		"raw-message": json.RawMessage(raw),
		"named":       byteBlob("key=" + secretDB.Value),
	} {
		t.Run(name, func(t *testing.T) {
			plain, buf := &syncBuffer{}, &syncBuffer{}
			slog.New(slog.NewTextHandler(plain, opts)).Info("m", "v", v)
			if !leaked(plain.String(), secretDB) {
				t.Fatal("the value does not print the secret: the test does not test")
			}
			slog.New(hushslog.NewHandler(slog.NewTextHandler(buf, opts), newRedactor(t, secretDB))).Info("m", "v", v)
			leaktest.Check(t, []redact.Secret{secretDB}, []byte(buf.String()), "bytes")
			assertRedacted(t, buf.String(), secretDB.Name)
			if err := leaktest.Faithful([]redact.Secret{secretDB}, []byte(plain.String()), []byte(buf.String())); err != nil {
				t.Error(err)
			}
		})
	}
}
