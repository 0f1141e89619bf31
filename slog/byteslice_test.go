package hushslog_test

import (
	"encoding/json"
	"log/slog"
	"net/url"
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

// TestJSONHandlerShortEscapedBytes: slog's JSON handler writes a []byte
// as base64, and a short body (under 48 bytes: a run the engine does not
// decode) that holds a secret escaped (a form's password, a JSON
// document's) is scrubbed as bytes before it is encoded, at the top and in
// a group, for every secret that escaping changes.
func TestJSONHandlerShortEscapedBytes(t *testing.T) {
	secrets := append(leaktest.Secrets(), leaktest.EdgeSecrets()...)
	r := newRedactor(t, secrets...)
	opts := &slog.HandlerOptions{ReplaceAttr: dropTime}
	for _, s := range secrets {
		form := []byte("pw=" + url.QueryEscape(s.Value))
		doc, _ := json.Marshal(map[string]string{"pw": s.Value})
		buf := &syncBuffer{}
		slog.New(hushslog.NewJSONHandler(buf, r, opts)).Info("m", "form", form, slog.Group("g", "doc", doc))
		leaktest.Check(t, secrets, []byte(buf.String()), s.Name)
	}
}
