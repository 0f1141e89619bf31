package hushzap_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/redact"
	hushzap "github.com/hushlog/hush/zapcore"
)

// loggerKinds builds a logger writing to ws each way hush offers.
var loggerKinds = []struct {
	name string
	new  func(r *redact.Redactor, ws zapcore.WriteSyncer, lvl zapcore.LevelEnabler) zapcore.Core
	wrap bool // field-level: With context is scrubbed at With time
}{
	{"core", func(r *redact.Redactor, ws zapcore.WriteSyncer, lvl zapcore.LevelEnabler) zapcore.Core {
		return hushzap.NewCore(jsonEncoder(), ws, lvl, r)
	}, false},
	{"encoder", func(r *redact.Redactor, ws zapcore.WriteSyncer, lvl zapcore.LevelEnabler) zapcore.Core {
		return zapcore.NewCore(hushzap.NewEncoder(jsonEncoder(), r), ws, lvl)
	}, false},
	{"writesyncer", func(r *redact.Redactor, ws zapcore.WriteSyncer, lvl zapcore.LevelEnabler) zapcore.Core {
		return zapcore.NewCore(jsonEncoder(), hushzap.NewWriteSyncer(ws, r), lvl)
	}, false},
	{"wrapcore", func(r *redact.Redactor, ws zapcore.WriteSyncer, lvl zapcore.LevelEnabler) zapcore.Core {
		return hushzap.WrapCore(zapcore.NewCore(jsonEncoder(), ws, lvl), r)
	}, true},
}

// TestRotationWhileLogging changes the secret set while 8 goroutines log;
// no line whose logging started after Set returned may hold the new value.
func TestRotationWhileLogging(t *testing.T) {
	for _, kind := range loggerKinds {
		t.Run(kind.name, func(t *testing.T) {
			prev := redact.Secret{Name: "prod/db/password", Version: "v1", Value: "Zq8rT2vLx9-s3cr3t"}
			next := redact.Secret{Name: "prod/db/password", Version: "v2", Value: "Nw4kP9xQ-rotated-77"}
			r := newRedactor(t, prev)
			buf := &syncBuffer{}
			l := zap.New(kind.new(r, buf, zap.DebugLevel))
			// Context holding the new value before it is a secret: only the
			// byte-level kinds promise to catch it after the change.
			withCtx := l.With(zap.String("pending", next.Value))

			var after atomic.Bool
			var logged, loggedAfter atomic.Int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						phase := "before"
						if after.Load() {
							phase = "after"
						}
						fields := []zap.Field{zap.String("phase", phase), zap.Int("g", g),
							zap.String("dsn", "postgres://app:"+next.Value+"@db"),
							zap.Error(fmt.Errorf("auth %s failed", prev.Value))}
						if !kind.wrap && i%2 == 0 {
							withCtx.Info("rotating "+next.Value, fields...)
						} else {
							l.Info("rotating "+next.Value, fields...)
						}
						logged.Add(1)
						if phase == "after" {
							loggedAfter.Add(1)
						}
					}
				})
			}
			time.Sleep(30 * time.Millisecond)
			if err := r.Set([]redact.Secret{prev, next}); err != nil {
				t.Fatal(err)
			}
			after.Store(true)
			// Let every goroutine log a while after the change, however
			// loaded the machine.
			for deadline := time.Now().Add(10 * time.Second); loggedAfter.Load() < 400 && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			close(stop)
			wg.Wait()

			var nAfter int
			for _, line := range buf.Lines() {
				if !json.Valid([]byte(line)) {
					t.Fatal("corrupt line")
				}
				assertNoLeak(t, line, prev)
				if strings.Contains(line, `"phase":"after"`) {
					nAfter++
					assertNoLeak(t, line, next)
				}
			}
			if nAfter == 0 {
				t.Fatal("nothing logged after the change")
			}
			t.Logf("%d lines, %d after the change", logged.Load(), nAfter)
		})
	}
}

func TestSampling(t *testing.T) {
	for _, kind := range loggerKinds {
		t.Run(kind.name, func(t *testing.T) {
			r := newRedactor(t, secretDB)
			buf := &syncBuffer{}
			var dropped atomic.Int64
			hook := zapcore.SamplerHook(func(_ zapcore.Entry, dec zapcore.SamplingDecision) {
				if dec&zapcore.LogDropped != 0 {
					dropped.Add(1)
				}
			})
			core := zapcore.NewSamplerWithOptions(kind.new(r, buf, zap.DebugLevel), time.Minute, 2, 0, hook)
			l := zap.New(core)
			for range 5 {
				l.Info("same message", zap.String("v", secretDB.Value))
			}
			if got := len(buf.Lines()); got != 2 {
				t.Errorf("%d lines written, want 2", got)
			}
			if dropped.Load() != 3 {
				t.Errorf("%d dropped, want 3", dropped.Load())
			}
			assertNoLeak(t, buf.String(), secretDB)
		})
	}
}

// TestWrapOverSampler: Wrap outside a sampler keeps the sampler's decisions.
func TestWrapOverSampler(t *testing.T) {
	r := newRedactor(t, secretDB)
	buf := &syncBuffer{}
	core := zapcore.NewSamplerWithOptions(zapcore.NewCore(jsonEncoder(), buf, zap.DebugLevel), time.Minute, 2, 0)
	l := zap.New(core, hushzap.Wrap(r))
	for range 5 {
		l.Info("same message", zap.String("v", secretDB.Value))
	}
	if got := len(buf.Lines()); got != 2 {
		t.Errorf("%d lines written, want 2", got)
	}
	assertNoLeak(t, buf.String(), secretDB)
}

func TestTee(t *testing.T) {
	for _, kind := range loggerKinds {
		t.Run(kind.name, func(t *testing.T) {
			r := newRedactor(t, secretDB)
			all, errs := &syncBuffer{}, &syncBuffer{}
			l := zap.New(zapcore.NewTee(kind.new(r, all, zap.InfoLevel), kind.new(r, errs, zap.ErrorLevel)))
			l.Debug("dropped " + secretDB.Value)
			l.Info("info " + secretDB.Value)
			l.Error("error " + secretDB.Value)
			if n := len(all.Lines()); n != 2 {
				t.Errorf("info sink: %d lines, want 2", n)
			}
			if n := len(errs.Lines()); n != 1 || !strings.Contains(errs.String(), `"msg":"error [REDACTED:`) {
				t.Errorf("error sink: %d lines, want the error entry", n)
			}
			assertNoLeak(t, all.String()+errs.String(), secretDB)
		})
	}
}

// TestWrapOverTee: Wrap outside a tee keeps each member's level.
func TestWrapOverTee(t *testing.T) {
	r := newRedactor(t, secretDB)
	all, errs := &syncBuffer{}, &syncBuffer{}
	l := zap.New(zapcore.NewTee(
		zapcore.NewCore(jsonEncoder(), all, zap.InfoLevel),
		zapcore.NewCore(jsonEncoder(), errs, zap.ErrorLevel),
	), hushzap.Wrap(r))
	l.Debug("dropped " + secretDB.Value)
	l.Info("info " + secretDB.Value)
	l.Error("error " + secretDB.Value)
	if n := len(all.Lines()); n != 2 {
		t.Errorf("info sink: %d lines, want 2", n)
	}
	if n := len(errs.Lines()); n != 1 {
		t.Errorf("error sink: %d lines, want 1", n)
	}
	assertNoLeak(t, all.String()+errs.String(), secretDB)
	if !l.Core().Enabled(zap.InfoLevel) || l.Core().Enabled(zap.DebugLevel) || l.Level() != zap.InfoLevel {
		t.Error("wrapped core does not report the tee's level")
	}
}

// TestDirtyEntriesConcurrently exercises the pooled buffers of scrubbed
// entries: each is freed exactly once, or lines would mix.
func TestDirtyEntriesConcurrently(t *testing.T) {
	for _, kind := range loggerKinds {
		t.Run(kind.name, func(t *testing.T) {
			r := newRedactor(t, allSecrets...)
			buf := &syncBuffer{}
			l := zap.New(kind.new(r, buf, zap.DebugLevel))
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					for i := range 200 {
						s := allSecrets[(g+i)%len(allSecrets)]
						l.Info(fmt.Sprintf("g%d-i%d", g, i), zap.String("v", s.Value), zap.String("pad", strings.Repeat("x", i*10)))
					}
				})
			}
			wg.Wait()
			seen := map[string]bool{}
			for _, line := range buf.Lines() {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatalf("corrupt line: %v", err)
				}
				msg, _ := m["msg"].(string)
				var g, i int
				if _, err := fmt.Sscanf(msg, "g%d-i%d", &g, &i); err != nil || m["pad"] != strings.Repeat("x", i*10) {
					t.Fatalf("mixed line for %q", msg)
				}
				seen[msg] = true
			}
			if len(seen) != 8*200 {
				t.Errorf("%d distinct lines, want %d", len(seen), 8*200)
			}
			assertNoLeak(t, buf.String(), allSecrets...)
		})
	}
}

// memorySinks backs the "hushtest://" scheme for zap.Config.
var memorySinks sync.Map // host -> *memorySink

type memorySink struct{ syncBuffer }

func (*memorySink) Close() error { return nil }

var registerOnce sync.Once

func registerTestEncoderAndSink(t *testing.T, r *redact.Redactor) {
	t.Helper()
	registerOnce.Do(func() {
		if err := zap.RegisterEncoder("hush-json-test", func(cfg zapcore.EncoderConfig) (zapcore.Encoder, error) {
			return hushzap.NewEncoder(zapcore.NewJSONEncoder(cfg), r), nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := zap.RegisterSink("hushtest", func(u *url.URL) (zap.Sink, error) {
			s, _ := memorySinks.LoadOrStore(u.Host, &memorySink{})
			return s.(*memorySink), nil
		}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRegisteredEncoder(t *testing.T) {
	r := newRedactor(t, secretDB)
	registerTestEncoderAndSink(t, r)
	cfg := zap.NewProductionConfig()
	cfg.Encoding = "hush-json-test"
	cfg.OutputPaths = []string{"hushtest://registered"}
	l, err := cfg.Build()
	if err != nil {
		t.Fatal(err)
	}
	l.With(zap.String("dsn", secretDB.Value)).Error("failed", zap.Error(fmt.Errorf("auth %s", secretDB.Value)))
	s, _ := memorySinks.Load("registered")
	out := s.(*memorySink).String()
	if !strings.Contains(out, `"msg":"failed"`) || !strings.Contains(out, "stacktrace") {
		t.Fatalf("unexpected output shape")
	}
	assertNoLeak(t, out, secretDB)
	assertRedacted(t, out, secretDB.Name)
}

// TestSugarAndLazyWith: the sugared logger and WithLazy go through the same
// core.
func TestSugarAndLazyWith(t *testing.T) {
	for _, kind := range loggerKinds {
		t.Run(kind.name, func(t *testing.T) {
			r := newRedactor(t, secretDB)
			buf := &syncBuffer{}
			l := zap.New(kind.new(r, buf, zap.DebugLevel))
			l.Sugar().Infow("sugared "+secretDB.Value, "dsn", "x:"+secretDB.Value, "password", "hunter2")
			l.Sugar().Infof("formatted %s", secretDB.Value)
			l.WithLazy(zap.String("lazy", secretDB.Value)).Info("m")
			out := buf.String()
			if n := len(buf.Lines()); n != 3 {
				t.Fatalf("%d lines, want 3", n)
			}
			assertNoLeak(t, out, secretDB)
			if kind.name != "writesyncer" && strings.Contains(out, "hunter2") { // bytes only: no key rules
				t.Error("key-ruled value leaked")
			}
		})
	}
}
