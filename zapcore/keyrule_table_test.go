package hushzap_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/internal/keyrule"
	"github.com/hushlog/hush/internal/keyrule/keyruletest"
	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushzap "github.com/hushlog/hush/zapcore"
)

// The values every table key is logged with. They are not known secrets:
// only the key rules can redact them.
const (
	tableText   = "kv-Qx7Lm2Rt9"
	tableNumber = 7341
)

// maskTable hides the table's values in a failure message (a value under a
// credential key must not reach a log, even a test's).
var maskTable = strings.NewReplacer(tableText, "<TEXT>", "7341", "<NUMBER>", "73.41", "<FLOAT>", "7.341", "<SECONDS>").Replace

// zapShape is one kind of value a field can hold.
type zapShape struct {
	name  string
	kind  keyrule.Kind
	field func(key string) zap.Field
}

var zapShapes = []zapShape{
	{"string", keyrule.KindText, func(k string) zap.Field { return zap.String(k, tableText) }},
	{"bytes", keyrule.KindText, func(k string) zap.Field { return zap.ByteString(k, []byte(tableText)) }},
	{"object", keyrule.KindText, func(k string) zap.Field { return zap.Dict(k, zap.String("v", tableText)) }},
	{"reflect", keyrule.KindText, func(k string) zap.Field { return zap.Reflect(k, struct{ V string }{tableText}) }},
	{"int", keyrule.KindNumber, func(k string) zap.Field { return zap.Int(k, tableNumber) }},
	{"uint8", keyrule.KindNumber, func(k string) zap.Field { return zap.Uint8(k, 73) }},
	{"float", keyrule.KindNumber, func(k string) zap.Field { return zap.Float64(k, 73.41) }},
	{"duration", keyrule.KindNumber, func(k string) zap.Field { return zap.Duration(k, 7341*time.Millisecond) }},
	{"bool", keyrule.KindBool, func(k string) zap.Field { return zap.Bool(k, false) }},
}

// zapPlacements are the places a field can take in an entry; wrapOnly
// ones are where only Wrap applies key rules (NewCore scrubs known secrets
// inside marshalers but does not look at their keys).
var zapPlacements = []struct {
	name     string
	wrapOnly bool
	log      func(l *zap.Logger, f zap.Field)
}{
	{"field", false, func(l *zap.Logger, f zap.Field) { l.Info("m", zap.Int("n", 1), f) }},
	{"with", false, func(l *zap.Logger, f zap.Field) { l.With(f).Info("m") }},
	{"namespace", false, func(l *zap.Logger, f zap.Field) { l.Info("m", zap.Namespace("ns"), f) }},
	{"inline", false, func(l *zap.Logger, f zap.Field) {
		l.Info("m", zap.Inline(zapcore.ObjectMarshalerFunc(func(enc zapcore.ObjectEncoder) error {
			f.AddTo(enc)
			return nil
		})))
	}},
	{"dict", true, func(l *zap.Logger, f zap.Field) { l.Info("m", zap.Dict("req", f)) }},
}

// TestKeyRuleTable runs every key of keyruletest, with every shape of
// value, in every placement, through NewCore (JSON and console) and Wrap,
// and compares each line with plain zap's: byte-identical to the same
// entry when the rules leave the value alone (numbers stay numbers), and to
// the entry with the value replaced by the redactor's replacement when they
// redact it.
func TestKeyRuleTable(t *testing.T) {
	r := newRedactor(t, allSecrets...)
	noTime := func(cfg zapcore.EncoderConfig) zapcore.EncoderConfig { cfg.TimeKey = ""; return cfg }
	encoders := map[string]func() zapcore.Encoder{
		"json":    func() zapcore.Encoder { return zapcore.NewJSONEncoder(noTime(zap.NewProductionEncoderConfig())) },
		"console": func() zapcore.Encoder { return zapcore.NewConsoleEncoder(noTime(zap.NewDevelopmentEncoderConfig())) },
	}
	for _, impl := range []struct {
		name, enc string
		wrap      bool
	}{{"core-json", "json", false}, {"core-console", "console", false}, {"wrap-json", "json", true}} {
		t.Run(impl.name, func(t *testing.T) {
			plainBuf, hushBuf := &syncBuffer{}, &syncBuffer{}
			plain := zap.New(zapcore.NewCore(encoders[impl.enc](), plainBuf, zap.DebugLevel))
			var hushed *zap.Logger
			if impl.wrap {
				hushed = zap.New(zapcore.NewCore(encoders[impl.enc](), hushBuf, zap.DebugLevel), hushzap.Wrap(r))
			} else {
				hushed = zap.New(hushzap.NewCore(encoders[impl.enc](), hushBuf, zap.DebugLevel, r))
			}
			redacted, kept, failed := 0, 0, 0
			for _, c := range keyruletest.Keys {
				for _, s := range zapShapes {
					for _, p := range zapPlacements {
						if p.wrapOnly && !impl.wrap {
							continue
						}
						plainBuf.b.Reset()
						hushBuf.b.Reset()
						f := s.field(c.Key)
						p.log(hushed, f)
						if c.Redacted(s.kind) {
							f = zap.String(c.Key, r.Replacement(c.Key))
							redacted++
						} else {
							kept++
						}
						p.log(plain, f)
						want, got := plainBuf.String(), hushBuf.String()
						if want != got {
							assert.Equal(t, maskTable(want), maskTable(got), "key %q (%s, want %s), %s value, %s", c.Key, c.From, c.Want, s.name, p.name)
							if failed++; failed == 20 {
								t.Fatal("stopping after 20 differences")
							}
						}
					}
				}
			}
			// Both directions were exercised.
			require.Greater(t, redacted, 1000)
			require.Greater(t, kept, 1000)
		})
	}
}

// TestKeyRuledReplacementOfScrubbedKey: a key-ruled field is replaced by
// the replacement rendered for its key, and the key may hold a known
// secret ("<secret>_password"). With a replacement template holding
// {hash}, a replacement rendered from the key as logged is a keyed hash of
// a text holding the secret (with the default, public hash key: anyone can
// test a guess against it). Every way, every shape of ruled value, every
// placement (log-call fields, With context, namespaces, inline and nested
// objects) must render it from the scrubbed key.
func TestKeyRuledReplacementOfScrubbedKey(t *testing.T) {
	r, err := redact.New(redact.WithReplacement("[REDACTED:{hash}]"))
	require.NoError(t, err)
	require.NoError(t, r.Set(allSecrets))
	m := keyrule.New(keyrule.DefaultPatterns)
	ways := map[string]func(ws zapcore.WriteSyncer) *zap.Logger{}
	for encName, newEnc := range encoders {
		ways["NewCore/"+encName] = func(ws zapcore.WriteSyncer) *zap.Logger {
			return zap.New(hushzap.NewCore(newEnc(), ws, zap.DebugLevel, r))
		}
		ways["NewEncoder/"+encName] = func(ws zapcore.WriteSyncer) *zap.Logger {
			return zap.New(zapcore.NewCore(hushzap.NewEncoder(newEnc(), r), ws, zap.DebugLevel))
		}
		ways["Wrap/"+encName] = func(ws zapcore.WriteSyncer) *zap.Logger {
			return zap.New(zapcore.NewCore(newEnc(), ws, zap.DebugLevel), hushzap.Wrap(r))
		}
	}
	for way, newLogger := range ways {
		t.Run(way, func(t *testing.T) {
			for _, sec := range allSecrets {
				key := sec.Value + "_password"
				echo := []byte(r.Replacement(key))
				for _, s := range zapShapes {
					if !m.Redacts(key, s.kind) {
						continue
					}
					for _, p := range zapPlacements {
						buf := &syncBuffer{}
						p.log(newLogger(buf), s.field(key))
						out := []byte(buf.String())
						leaktest.Check(t, allSecrets, out, way+" "+s.name+" "+p.name)
						if bytes.Contains(out, echo) {
							t.Errorf("%s value in %s: the replacement rendered from the key holding %s", s.name, p.name, sec.Name)
						}
					}
				}
			}
		})
	}
}
