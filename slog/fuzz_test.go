package hushslog_test

import (
	"encoding/json"
	"errors"
	"log/slog"
	"testing"
)

// FuzzHandlers: whatever surrounds a secret, in whatever kind of attribute,
// the JSON output holds no form of it and stays valid JSON.
func FuzzHandlers(f *testing.F) {
	f.Add("", "", uint8(0), uint8(0), uint8(0))
	f.Add(`\`, `"`, uint8(2), uint8(1), uint8(1))
	f.Add("x\n", "\\n", uint8(3), uint8(2), uint8(0))
	f.Add("\xff", "\u2028", uint8(4), uint8(3), uint8(1))
	f.Add("<", "&", uint8(5), uint8(4), uint8(0))
	r := newRedactor(f, allSecrets...)
	f.Fuzz(func(t *testing.T, prefix, suffix string, which, kind, handler uint8) {
		s := allSecrets[int(which)%len(allSecrets)]
		v := prefix + s.Value + suffix
		hk := handlerKinds[0] // middleware-json
		if handler%2 == 1 {
			hk = handlerKinds[2] // json
		}
		buf := &syncBuffer{}
		l := slog.New(hk.new(buf, r))
		switch kind % 6 {
		case 0:
			l.Info(v)
		case 1:
			l.Info("m", "k", v)
		case 2:
			l.Info("m", "k", errors.New(v))
		case 3:
			l.Info("m", "k", map[string]string{"v": v})
		case 4:
			l.Info("m", "k", []byte(v))
		case 5:
			l.Info("m", slog.Group("g", slog.Any("k", []string{v})))
		}
		out := buf.String()
		assertNoLeak(t, out, s)
		if !json.Valid([]byte(out)) {
			t.Errorf("invalid JSON after scrubbing secret %s (prefix %d bytes, suffix %d bytes)", s.Name, len(prefix), len(suffix))
		}
	})
}
