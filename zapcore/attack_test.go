package hushzap_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"testing"

	"go.uber.org/multierr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushzap "github.com/hushlog/hush/zapcore"
)

// attackWays are the ways into the zap front end an application meets: the
// four constructors over both encoders, and Wrap and NewEncoder over zap's
// development and production configurations (sampling, caller, stack).
func attackWays() map[string]func(ws zapcore.WriteSyncer, r *redact.Redactor) *zap.Logger {
	ways := map[string]func(ws zapcore.WriteSyncer, r *redact.Redactor) *zap.Logger{}
	for encName, newEnc := range encoders {
		for way, newLogger := range zapWays(newEnc) {
			ways[way+"/"+encName] = func(ws zapcore.WriteSyncer, r *redact.Redactor) *zap.Logger {
				return newLogger(ws, r).WithOptions(zap.AddCaller(), zap.AddStacktrace(zap.WarnLevel))
			}
		}
	}
	for cfgName, cfg := range map[string]zap.Config{"dev": zap.NewDevelopmentConfig(), "prod": zap.NewProductionConfig()} {
		ways["Wrap/"+cfgName] = func(ws zapcore.WriteSyncer, r *redact.Redactor) *zap.Logger {
			enc := zapcore.NewJSONEncoder(cfg.EncoderConfig)
			if cfg.Encoding == "console" {
				enc = zapcore.NewConsoleEncoder(cfg.EncoderConfig)
			}
			var core zapcore.Core = zapcore.NewCore(enc, ws, cfg.Level)
			if cfg.Sampling != nil {
				core = zapcore.NewSamplerWithOptions(core, 1e9, cfg.Sampling.Initial, cfg.Sampling.Thereafter)
			}
			opts := []zap.Option{zap.AddCaller(), zap.AddStacktrace(zap.WarnLevel), hushzap.Wrap(r)}
			if cfg.Development {
				opts = append(opts, zap.Development())
			}
			return zap.New(core, opts...)
		}
		ways["NewEncoder/"+cfgName] = func(ws zapcore.WriteSyncer, r *redact.Redactor) *zap.Logger {
			enc := zapcore.NewJSONEncoder(cfg.EncoderConfig)
			if cfg.Encoding == "console" {
				enc = zapcore.NewConsoleEncoder(cfg.EncoderConfig)
			}
			var core zapcore.Core = zapcore.NewCore(hushzap.NewEncoder(enc, r), ws, cfg.Level)
			if cfg.Sampling != nil {
				core = zapcore.NewSamplerWithOptions(core, 1e9, cfg.Sampling.Initial, cfg.Sampling.Thereafter)
			}
			return zap.New(core, zap.AddCaller(), zap.AddStacktrace(zap.WarnLevel))
		}
	}
	return ways
}

type attackFormatter struct{ S string }

func (f attackFormatter) Format(s fmt.State, verb rune) { fmt.Fprintf(s, "fmt(%s)", f.S) }

type verboseOnly struct{ detail string }

func (e verboseOnly) Error() string { return "clean message" }
func (e verboseOnly) Format(s fmt.State, verb rune) {
	if verb == 'v' && s.Flag('+') {
		fmt.Fprintf(s, "clean message\nstack: %s", e.detail)
		return
	}
	fmt.Fprint(s, e.Error())
}

type kv struct{ k, v string }

func (o kv) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString(o.k, o.v)
	return nil
}

func attacks() map[string]func(l *zap.Logger, v string) {
	return map[string]func(l *zap.Logger, v string){
		"named":           func(l *zap.Logger, v string) { l.Named(v).Info("m") },
		"named-chain":     func(l *zap.Logger, v string) { l.Named("a").Named(v).Named("b").Info("m") },
		"namespace-field": func(l *zap.Logger, v string) { l.Info("m", zap.Namespace(v), zap.String("k", "x")) },
		"namespace-with":  func(l *zap.Logger, v string) { l.With(zap.Namespace(v)).Info("m", zap.String("k", "x")) },
		"dict-key":        func(l *zap.Logger, v string) { l.Info("m", zap.Dict("d", zap.String(v, "x"))) },
		"dict-name":       func(l *zap.Logger, v string) { l.Info("m", zap.Dict(v, zap.String("k", "x"))) },
		"object-key":      func(l *zap.Logger, v string) { l.Info("m", zap.Object("o", kv{v, "x"})) },
		"inline-key":      func(l *zap.Logger, v string) { l.Info("m", zap.Inline(kv{v, "x"})) },
		"inline-value":    func(l *zap.Logger, v string) { l.Info("m", zap.Inline(kv{"k", v})) },
		"array":           func(l *zap.Logger, v string) { l.Info("m", zap.Strings("a", []string{"x", v})) },
		"objects":         func(l *zap.Logger, v string) { l.Info("m", zap.Objects("a", []kv{{"k", v}, {v, "x"}})) },
		"stringers":       func(l *zap.Logger, v string) { l.Info("m", zap.Stringers("a", []leaktest.Stringer{{S: v}})) },
		"errors": func(l *zap.Logger, v string) {
			l.Info("m", zap.Errors("errs", []error{errors.New("a"), errors.New(v)}))
		},
		"errors-verbose":    func(l *zap.Logger, v string) { l.Info("m", zap.Errors("errs", []error{verboseOnly{v}})) },
		"reflect-struct":    func(l *zap.Logger, v string) { l.Info("m", zap.Reflect("r", struct{ A, B string }{"x", v})) },
		"reflect-map-key":   func(l *zap.Logger, v string) { l.Info("m", zap.Reflect("r", map[string]int{v: 1})) },
		"reflect-map-bytes": func(l *zap.Logger, v string) { l.Info("m", zap.Reflect("r", map[string][]byte{"k": []byte(v)})) },
		"reflect-raw-json": func(l *zap.Logger, v string) {
			b, _ := json.Marshal(map[string]string{"k": v})
			l.Info("m", zap.Reflect("r", json.RawMessage(b)))
		},
		"any-raw-json": func(l *zap.Logger, v string) {
			b, _ := json.Marshal(v)
			l.Info("m", zap.Any("r", json.RawMessage(b)))
		},
		"reflect-formatter": func(l *zap.Logger, v string) { l.Info("m", zap.Any("r", attackFormatter{v})) },
		"reflect-slice":     func(l *zap.Logger, v string) { l.Info("m", zap.Any("r", []any{1, v, map[string]any{v: []string{v}}})) },
		"error-wrapped":     func(l *zap.Logger, v string) { l.Info("m", zap.Error(fmt.Errorf("outer: %w", errors.New(v)))) },
		"error-join":        func(l *zap.Logger, v string) { l.Info("m", zap.Error(errors.Join(errors.New("a"), errors.New(v)))) },
		"error-verbose":     func(l *zap.Logger, v string) { l.Info("m", zap.Error(verboseOnly{v})) },
		"error-wrap-verbose": func(l *zap.Logger, v string) {
			l.Info("m", zap.Error(fmt.Errorf("outer: %w", verboseOnly{v})))
		},
		"error-multierr": func(l *zap.Logger, v string) {
			l.Info("m", zap.Error(multierr.Combine(errors.New("a"), verboseOnly{v}, errors.Join(errors.New(v)))))
		},
		"with-split": func(l *zap.Logger, v string) {
			h := len(v) / 2
			l.With(zap.String("a", v[:h])).With(zap.String("b", v[h:])).Info(v[:h] + v[h:])
		},
		"sugar-infow-key":   func(l *zap.Logger, v string) { l.Sugar().Infow("m", v, "x") },
		"sugar-infow-value": func(l *zap.Logger, v string) { l.Sugar().Infow("m", "k", v) },
		"sugar-infof":       func(l *zap.Logger, v string) { l.Sugar().Infof("a %s b %q", v, v) },
		"sugar-infoln":      func(l *zap.Logger, v string) { l.Sugar().Infoln("a", v, []byte(v)) },
		"sugar-bad-pairs":   func(l *zap.Logger, v string) { l.Sugar().Infow("m", 42, v, "k2") },
		"sugar-dangling":    func(l *zap.Logger, v string) { l.Sugar().Infow("m", "k", "x", v) },
		"sugar-with":        func(l *zap.Logger, v string) { l.Sugar().With(v, v).Infow("m") },
		"warn-stack":        func(l *zap.Logger, v string) { l.Warn(v, zap.String("k", v)) },
		"stack-field":       func(l *zap.Logger, v string) { l.Info("m", zap.String("stacktrace", "goroutine 1:\n"+v)) },
		"bytestrings":       func(l *zap.Logger, v string) { l.Info("m", zap.ByteStrings("b", [][]byte{[]byte(v)})) },
		"key-int":           func(l *zap.Logger, v string) { l.Info("m", zap.Int(v, 1), zap.Bool(v+"b", true)) },
		"adjacent":          func(l *zap.Logger, v string) { l.Info(v+v, zap.String("k", v+"\x00"+v)) },
		"spaces":            func(l *zap.Logger, v string) { l.Info(" "+v+" ", zap.String("k", "\t"+v+"\n")) },
		"caller-func":       func(l *zap.Logger, v string) { tok_Hq71Mz0PkWn3Rt(l.WithOptions(zap.AddCaller())) },
		"caller-file":       func(l *zap.Logger, v string) { logFromSecretFile(l.WithOptions(zap.AddCaller())) },
	}
}

func TestAttackSurface(t *testing.T) {
	secrets := append(leaktest.Secrets(), leaktest.EdgeSecrets()...)
	r, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set(secrets); err != nil {
		t.Fatal(err)
	}
	for wayName, newLogger := range attackWays() {
		for name, attack := range attacks() {
			for _, s := range secrets {
				t.Run(wayName+"/"+name+"/"+s.Name, func(t *testing.T) {
					buf := &syncBuffer{}
					l := newLogger(buf, r)
					func() {
						defer func() {
							if p := recover(); p != nil {
								buf.Write([]byte(fmt.Sprint("\npanic: ", p)))
							}
						}()
						attack(l, s.Value)
					}()
					leaktest.Check(t, secrets, []byte(buf.String()), name)
				})
			}
		}
	}
}

// TestInitialFields: zap.Config.InitialFields are encoded into the core
// that Config.Build makes before the options given to Build apply (so Wrap
// never sees them, a gap its doc names); an encoder registered with
// NewEncoder scrubs them with the rest of each entry, at write time.
func TestInitialFields(t *testing.T) {
	secrets := leaktest.Secrets()
	r := newRedactor(t, secrets...)
	buf := &syncBuffer{}
	if err := zap.RegisterSink("hush-initial-fields", func(*url.URL) (zap.Sink, error) { return nopSink{buf}, nil }); err != nil {
		t.Fatal(err)
	}
	if err := zap.RegisterEncoder("hush-initial-fields", func(cfg zapcore.EncoderConfig) (zapcore.Encoder, error) {
		return hushzap.NewEncoder(zapcore.NewJSONEncoder(cfg), r), nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []zap.Config{zap.NewProductionConfig(), zap.NewDevelopmentConfig()} {
		cfg.Encoding = "hush-initial-fields"
		cfg.OutputPaths = []string{"hush-initial-fields://"}
		cfg.InitialFields = map[string]any{}
		for _, s := range secrets {
			cfg.InitialFields["k_"+s.Value] = "ctx " + s.Value
		}
		l, err := cfg.Build()
		if err != nil {
			t.Fatal(err)
		}
		l.Warn("m")
	}
	if buf.String() == "" {
		t.Fatal("nothing logged")
	}
	leaktest.Check(t, secrets, []byte(buf.String()), "initial fields")
}

type nopSink struct{ *syncBuffer }

func (nopSink) Close() error { return nil }
