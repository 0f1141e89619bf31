package hushzap_test

import (
	"encoding/json"
	"errors"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	hushzap "github.com/hushlog/hush/zapcore"
)

// FuzzCore: whatever surrounds a secret, in whatever kind of field, the
// JSON output holds no form of it and stays valid JSON.
func FuzzCore(f *testing.F) {
	f.Add("", "", uint8(0), uint8(0))
	f.Add(`\`, `"`, uint8(2), uint8(1))
	f.Add("x\n", "\\n", uint8(3), uint8(2))
	f.Add("\xff", "\u2028", uint8(4), uint8(3))
	f.Add("n", "\t", uint8(1), uint8(4))
	r := newRedactor(f, allSecrets...)
	f.Fuzz(func(t *testing.T, prefix, suffix string, which, kind uint8) {
		s := allSecrets[int(which)%len(allSecrets)]
		v := prefix + s.Value + suffix
		buf := &syncBuffer{}
		l := zap.New(hushzap.NewCore(jsonEncoder(), buf, zap.DebugLevel, r))
		switch kind % 5 {
		case 0:
			l.Info(v)
		case 1:
			l.Info("m", zap.String("k", v))
		case 2:
			l.Info("m", zap.Error(errors.New(v)))
		case 3:
			l.Info("m", zap.Any("k", map[string]string{"v": v}))
		case 4:
			l.With(zap.ByteString("k", []byte(v))).Info("m")
		}
		out := buf.String()
		assertNoLeak(t, out, s)
		if !json.Valid([]byte(out)) {
			t.Errorf("invalid JSON after scrubbing secret %s (prefix %d bytes, suffix %d bytes)", s.Name, len(prefix), len(suffix))
		}
	})
}

// FuzzWrap is FuzzCore for Wrap.
func FuzzWrap(f *testing.F) {
	f.Add("", "", uint8(0), uint8(0))
	f.Add(`\`, `"`, uint8(2), uint8(1))
	r := newRedactor(f, allSecrets...)
	f.Fuzz(func(t *testing.T, prefix, suffix string, which, kind uint8) {
		s := allSecrets[int(which)%len(allSecrets)]
		v := prefix + s.Value + suffix
		buf := &syncBuffer{}
		l := zap.New(zapcore.NewCore(jsonEncoder(), buf, zap.DebugLevel), hushzap.Wrap(r))
		switch kind % 4 {
		case 0:
			l.Info(v)
		case 1:
			l.Info("m", zap.String("k", v))
		case 2:
			l.Info("m", zap.Error(errors.New(v)))
		case 3:
			l.Info("m", zap.Any("k", map[string]string{"v": v}))
		}
		out := buf.String()
		assertNoLeak(t, out, s)
		if !json.Valid([]byte(out)) {
			t.Errorf("invalid JSON after scrubbing secret %s", s.Name)
		}
	})
}
