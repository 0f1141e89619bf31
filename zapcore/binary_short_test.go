package hushzap_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/internal/leaktest"
	hushzap "github.com/hushlog/hush/zapcore"
)

// TestBinaryShortEscapedBody: zap's encoders write a Binary field as
// base64, and a short body (under 48 bytes: a run the engine does not
// decode) that holds a secret escaped (a form's password, a JSON
// document's) is scrubbed as bytes before it is encoded, by NewCore and
// NewEncoder, with both of zap's encoders, for every secret that escaping
// changes; the bytes around the secret are kept.
func TestBinaryShortEscapedBody(t *testing.T) {
	secrets := append(leaktest.Secrets(), leaktest.EdgeSecrets()...)
	r := newRedactor(t, secrets...)
	for encName, newEnc := range map[string]func() zapcore.Encoder{"json": jsonEncoder, "console": consoleEncoder} {
		for way, newLogger := range map[string]func(ws zapcore.WriteSyncer) *zap.Logger{
			"NewCore": func(ws zapcore.WriteSyncer) *zap.Logger {
				return zap.New(hushzap.NewCore(newEnc(), ws, zap.DebugLevel, r))
			},
			"NewEncoder": func(ws zapcore.WriteSyncer) *zap.Logger {
				return zap.New(zapcore.NewCore(hushzap.NewEncoder(newEnc(), r), ws, zap.DebugLevel))
			},
		} {
			for _, s := range secrets {
				form := []byte("pw=" + url.QueryEscape(s.Value))
				doc, _ := json.Marshal(map[string]string{"pw": s.Value})
				buf := &syncBuffer{}
				l := newLogger(buf)
				l.Info("m", zap.Binary("form", form), zap.Binary("doc", doc))
				l.With(zap.Binary("ctx", form)).Info("m")
				leaktest.Check(t, secrets, []byte(buf.String()), way+"/"+encName+" "+s.Name)
			}
		}
	}
}
