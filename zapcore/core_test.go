package hushzap_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"go.uber.org/multierr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushzap "github.com/hushlog/hush/zapcore"
)

type stringer struct{ v string }

func (s stringer) String() string { return "stringer(" + s.v + ")" }

type creds struct {
	User string
	Pass string `json:"pass"`
}

// account is an ObjectMarshaler with a nested object.
type account struct {
	id    string
	owner string
	token string
}

func (a account) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("id", a.id)
	return enc.AddObject("owner", zapcore.ObjectMarshalerFunc(func(enc zapcore.ObjectEncoder) error {
		enc.AddString("name", a.owner)
		enc.AddString("note", a.token)
		return nil
	}))
}

// fancyError prints a detail (a stack, say) under "%+v", as pkg/errors does.
type fancyError struct{ msg, detail string }

func (e fancyError) Error() string { return e.msg }

func (e fancyError) Format(s fmt.State, verb rune) {
	if verb == 'v' && s.Flag('+') {
		fmt.Fprintf(s, "%s\n%s", e.msg, e.detail)
		return
	}
	fmt.Fprint(s, e.msg)
}

// leakCase logs one secret one way.
type leakCase struct {
	name   string
	secret redact.Secret
	log    func(l *zap.Logger, v string)
}

func leakCases() []leakCase {
	var cases []leakCase
	for _, s := range allSecrets {
		add := func(name string, log func(*zap.Logger, string)) {
			cases = append(cases, leakCase{name: name + "/" + s.Name, secret: s, log: log})
		}
		add("message", func(l *zap.Logger, v string) { l.Info("connecting with " + v) })
		add("string", func(l *zap.Logger, v string) { l.Info("m", zap.String("dsn", "postgres://app:"+v+"@db:5432")) })
		add("bytestring", func(l *zap.Logger, v string) { l.Info("m", zap.ByteString("body", []byte("x="+v))) })
		add("binary", func(l *zap.Logger, v string) { l.Info("m", zap.Binary("raw", []byte(v))) })
		add("error", func(l *zap.Logger, v string) { l.Info("m", zap.Error(fmt.Errorf("dial tcp: auth %s refused", v))) })
		add("error-verbose", func(l *zap.Logger, v string) {
			l.Info("m", zap.Error(fancyError{msg: "dial failed", detail: "frame: main.go:12 key=" + v}))
		})
		add("error-group", func(l *zap.Logger, v string) {
			l.Info("m", zap.Error(multierr.Combine(errors.New("first"), fmt.Errorf("second %s", v))))
		})
		add("stringer", func(l *zap.Logger, v string) { l.Info("m", zap.Stringer("s", stringer{v})) })
		add("reflect-struct", func(l *zap.Logger, v string) { l.Info("m", zap.Any("creds", creds{User: "app", Pass: v})) })
		add("reflect-map", func(l *zap.Logger, v string) { l.Info("m", zap.Any("env", map[string]string{"DSN": v})) })
		add("object-nested", func(l *zap.Logger, v string) {
			l.Info("m", zap.Object("account", account{id: "a1", owner: "ann", token: v}))
		})
		add("dict", func(l *zap.Logger, v string) {
			l.Info("m", zap.Dict("outer", zap.Dict("inner", zap.String("v", v))))
		})
		add("array", func(l *zap.Logger, v string) { l.Info("m", zap.Strings("list", []string{"x", v, "y"})) })
		add("array-objects", func(l *zap.Logger, v string) {
			l.Info("m", zap.Objects("accounts", []account{{id: "a"}, {id: "b", token: v}}))
		})
		add("inline", func(l *zap.Logger, v string) { l.Info("m", zap.Inline(account{id: v})) })
		add("namespace", func(l *zap.Logger, v string) { l.Info("m", zap.Namespace("ns"), zap.String("v", v)) })
		add("with", func(l *zap.Logger, v string) { l.With(zap.String("ctx", v)).Info("m") })
		add("with-namespace", func(l *zap.Logger, v string) {
			l.With(zap.Namespace("req"), zap.Any("creds", creds{Pass: v})).Info("m", zap.Int("n", 1))
		})
		add("named", func(l *zap.Logger, v string) { l.Named("svc-" + v).Info("m") })
	}
	return cases
}

func jsonEncoder() zapcore.Encoder { return zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()) }
func consoleEncoder() zapcore.Encoder {
	return zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig())
}

func TestCoreScrubsEverything(t *testing.T) {
	for _, enc := range []struct {
		name string
		new  func() zapcore.Encoder
	}{{"json", jsonEncoder}, {"console", consoleEncoder}} {
		for _, tc := range leakCases() {
			t.Run(enc.name+"/"+tc.name, func(t *testing.T) {
				r := newRedactor(t, allSecrets...)
				buf := &syncBuffer{}
				l := zap.New(hushzap.NewCore(enc.new(), buf, zap.DebugLevel, r))
				tc.log(l, tc.secret.Value)
				out := buf.String()
				if out == "" {
					t.Fatal("nothing logged")
				}
				assertNoLeak(t, out, tc.secret)
				assertRedacted(t, out, tc.secret.Name)
			})
		}
	}
}

func TestCoreScrubsNumbers(t *testing.T) {
	acct := redact.Secret{Name: "bank/account", Value: "904817263554"}
	r := newRedactor(t, acct)
	buf := &syncBuffer{}
	l := zap.New(hushzap.NewCore(jsonEncoder(), buf, zap.DebugLevel, r))
	l.Info("m", zap.Int64("acct", 904817263554))
	assertNoLeak(t, buf.String(), acct)
	assertRedacted(t, buf.String(), acct.Name)
}

// TestCoreScrubsStackAndCaller uses a secret that is this test's own
// function name, so it appears in the real caller and stack trace.
func TestCoreScrubsStackAndCaller(t *testing.T) {
	fn := redact.Secret{Name: "test/funcname", Value: "TestCoreScrubsStackAndCaller"}
	r := newRedactor(t, fn)
	buf := &syncBuffer{}
	l := zap.New(hushzap.NewCore(jsonEncoder(), buf, zap.DebugLevel, r),
		zap.AddCaller(), zap.AddStacktrace(zap.ErrorLevel))
	// The production config prints the function name too.
	l.Error("boom")
	out := buf.String()
	if !strings.Contains(out, `"stacktrace":`) {
		t.Fatal("no stack trace logged")
	}
	assertNoLeak(t, out, fn)
	assertRedacted(t, out, fn.Name)

	// And a stack set on the entry directly.
	buf.b.Reset()
	core := hushzap.NewCore(jsonEncoder(), buf, zap.DebugLevel, r)
	if err := core.Write(zapcore.Entry{Message: "m", Stack: "goroutine 1:\nmain." + fn.Value + "()"}, nil); err != nil {
		t.Fatal(err)
	}
	assertNoLeak(t, buf.String(), fn)
}

// TestCoreCatchesSecretAddedAfterWith: the context is encoded at With time,
// but scrubbed at write time against the set current then.
func TestCoreCatchesSecretAddedAfterWith(t *testing.T) {
	r := newRedactor(t)
	buf := &syncBuffer{}
	l := zap.New(hushzap.NewCore(jsonEncoder(), buf, zap.DebugLevel, r)).With(zap.String("dsn", secretDB.Value))
	if err := r.Add(secretDB); err != nil {
		t.Fatal(err)
	}
	l.Info("m")
	assertNoLeak(t, buf.String(), secretDB)
	assertRedacted(t, buf.String(), secretDB.Name)
}

func TestCoreKeyRules(t *testing.T) {
	r := newRedactor(t) // no known secrets at all
	buf := &syncBuffer{}
	l := zap.New(hushzap.NewCore(jsonEncoder(), buf, zap.DebugLevel, r))
	l.With(zap.String("Cookie", "session=abc")).Info("m",
		zap.String("password", "hunter2"),
		zap.Int("API_KEY", 1234),
		zap.Object("Authorization", account{id: "bearer xyz"}),
		zap.Any("client_secret", creds{Pass: "p"}),
		zap.Namespace("db"),
		zap.String("db_password", "pw"),
		zap.Inline(zapcore.ObjectMarshalerFunc(func(enc zapcore.ObjectEncoder) error {
			enc.AddString("refresh_token", "rt")
			return nil
		})),
		zap.String("user", "ann"),
	)
	out := buf.String()
	for _, leaked := range []string{"hunter2", "1234", "bearer xyz", `"p"`, "session=abc", `"pw"`, `"rt"`} {
		if strings.Contains(out, leaked) {
			t.Errorf("a key-ruled value leaked: %s", strings.ReplaceAll(out, leaked, "<LEAKED>"))
		}
	}
	for _, key := range []string{"password", "API_KEY", "Authorization", "client_secret", "Cookie", "db_password", "refresh_token"} {
		if !strings.Contains(out, fmt.Sprintf(`"%s":"[REDACTED:%s]"`, key, key)) {
			t.Errorf("key %s not redacted whole: %s", key, out)
		}
	}
	if !strings.Contains(out, `"user":"ann"`) {
		t.Errorf("unruled field changed: %s", out)
	}
}

func TestCoreKeyRulesConfigurable(t *testing.T) {
	r := newRedactor(t)
	buf := &syncBuffer{}
	l := zap.New(hushzap.NewCore(jsonEncoder(), buf, zap.DebugLevel, r, hushzap.WithKeyPatterns("ssn")))
	l.Info("m", zap.String("password", "kept"), zap.String("customer_SSN", "078-05-1120"))
	out := buf.String()
	if !strings.Contains(out, `"password":"kept"`) || strings.Contains(out, "078-05-1120") {
		t.Errorf("custom key rules not applied: %s", out)
	}
	buf.b.Reset()
	l = zap.New(hushzap.NewCore(jsonEncoder(), buf, zap.DebugLevel, r, hushzap.WithKeyPatterns()))
	l.Info("m", zap.String("password", "kept"))
	if !strings.Contains(buf.String(), `"password":"kept"`) {
		t.Errorf("key rules not disabled: %s", buf.String())
	}
}

// TestCoreLeavesCleanEntriesAlone: output is byte-identical to plain zap's
// when nothing is secret.
func TestCoreLeavesCleanEntriesAlone(t *testing.T) {
	r := newRedactor(t, allSecrets...)
	plain, hushed := &syncBuffer{}, &syncBuffer{}
	for _, c := range []struct {
		buf  *syncBuffer
		core zapcore.Core
	}{
		{plain, zapcore.NewCore(jsonEncoder(), plain, zap.DebugLevel)},
		{hushed, hushzap.NewCore(jsonEncoder(), hushed, zap.DebugLevel, r)},
	} {
		ent := zapcore.Entry{Level: zap.InfoLevel, Message: _messages[7]}
		if err := c.core.With([]zapcore.Field{zap.String("svc", "api")}).Write(ent, fakeFields()); err != nil {
			t.Fatal(err)
		}
	}
	if plain.String() != hushed.String() {
		t.Errorf("clean entry changed:\nplain: %s\nhush:  %s", plain.String(), hushed.String())
	}
}

func TestCoreZeroExtraAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	r := newRedactor(t, benchSecrets(1000)...)
	plain := zap.New(zapcore.NewCore(productionEncoder(), zapcore.AddSync(discard{}), zap.DebugLevel))
	hushed := zap.New(hushzap.NewCore(productionEncoder(), zapcore.AddSync(discard{}), zap.DebugLevel, r))
	ws := zap.New(zapcore.NewCore(productionEncoder(), hushzap.NewWriteSyncer(zapcore.AddSync(discard{}), r), zap.DebugLevel))
	fields := fakeFields()
	count := func(l *zap.Logger) float64 {
		return testing.AllocsPerRun(200, func() { l.Info(_messages[3], fields...) })
	}
	base := count(plain)
	if got := count(hushed); got > base {
		t.Errorf("NewCore: %v allocs per clean entry, plain zap %v", got, base)
	}
	if got := count(ws); got > base {
		t.Errorf("NewWriteSyncer: %v allocs per clean entry, plain zap %v", got, base)
	}

	// A clean message with line feeds, with multi-line secrets known: the
	// message is read as a value before the console encoder prints it,
	// still without allocating.
	rm := newRedactor(t, append(benchSecrets(1000), leaktest.MultilineSecrets()...)...)
	msg := "request failed:\nretrying in 2s\n\tattempt 3 of 5"
	for name, newEnc := range encoders {
		plain := zap.New(zapcore.NewCore(newEnc(), zapcore.AddSync(discard{}), zap.DebugLevel))
		hushed := zap.New(hushzap.NewCore(newEnc(), zapcore.AddSync(discard{}), zap.DebugLevel, rm))
		base := testing.AllocsPerRun(200, func() { plain.Info(msg, fields...) })
		if got := testing.AllocsPerRun(200, func() { hushed.Info(msg, fields...) }); got > base {
			t.Errorf("NewCore, %s encoder: %v allocs per clean multi-line entry, plain zap %v", name, got, base)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestPanicMessageScrubbed: zap panics with an entry's message after
// writing it (Panic; DPanic in development), taking it from the
// CheckedEntry, not from what was written. NewCore and Wrap scrub it there:
// at a level the core writes and at one it does not (the logger panics
// all the same), alone and first in a tee.
func TestPanicMessageScrubbed(t *testing.T) {
	r := newRedactor(t, allSecrets...)
	ways := map[string]func(ws zapcore.WriteSyncer, lvl zapcore.Level) zapcore.Core{
		"NewCore": func(ws zapcore.WriteSyncer, lvl zapcore.Level) zapcore.Core {
			return hushzap.NewCore(jsonEncoder(), ws, lvl, r)
		},
		"WrapCore": func(ws zapcore.WriteSyncer, lvl zapcore.Level) zapcore.Core {
			return hushzap.WrapCore(zapcore.NewCore(jsonEncoder(), ws, lvl), r)
		},
	}
	for way, newCore := range ways {
		for _, lvl := range []zapcore.Level{zap.DebugLevel, zap.FatalLevel} {
			for _, tee := range []bool{false, true} {
				for _, call := range []string{"Panic", "DPanic"} {
					buf := &syncBuffer{}
					c := newCore(buf, lvl)
					if tee {
						c = zapcore.NewTee(c, zapcore.NewCore(jsonEncoder(), zapcore.AddSync(io.Discard), zap.ErrorLevel))
					}
					l := zap.New(c, zap.Development())
					var p any
					func() {
						defer func() { p = recover() }()
						msg := "fatal state " + secretDB.Value
						if call == "Panic" {
							l.Panic(msg)
						} else {
							l.DPanic(msg)
						}
					}()
					what := fmt.Sprintf("%s, core at %s, tee %v, %s", way, lvl, tee, call)
					if p == nil {
						t.Errorf("%s: no panic", what)
						continue
					}
					leaktest.Check(t, allSecrets, []byte(fmt.Sprint(p)+buf.String()), what)
				}
			}
		}
	}
}
