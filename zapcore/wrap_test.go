package hushzap_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushzap "github.com/hushlog/hush/zapcore"
)

func TestWrapScrubsFields(t *testing.T) {
	for _, tc := range leakCases() {
		t.Run(tc.name, func(t *testing.T) {
			r := newRedactor(t, allSecrets...)
			buf := &syncBuffer{}
			l := zap.New(zapcore.NewCore(jsonEncoder(), buf, zap.DebugLevel), hushzap.Wrap(r))
			tc.log(l, tc.secret.Value)
			out := buf.String()
			if out == "" {
				t.Fatal("nothing logged")
			}
			assertNoLeak(t, out, tc.secret)
			if !strings.HasPrefix(tc.name, "binary/") { // scrubbed before base64
				assertRedacted(t, out, tc.secret.Name)
			}
			if !json.Valid([]byte(out)) {
				t.Errorf("output is not valid JSON")
			}
		})
	}
}

// TestWrapKeepsShape: a scrubbed error keeps zap's errorVerbose and
// errorCauses, and a scrubbed struct stays a JSON object.
func TestWrapKeepsShape(t *testing.T) {
	r := newRedactor(t, allSecrets...)
	buf := &syncBuffer{}
	l := zap.New(zapcore.NewCore(jsonEncoder(), buf, zap.DebugLevel), hushzap.Wrap(r))
	v := secretDB.Value
	l.Info("m",
		zap.Error(fancyError{msg: "dial " + v, detail: "stack " + v}),
		zap.Any("creds", creds{User: "app", Pass: v}),
	)
	var got map[string]any
	if err := json.Unmarshal([]byte(buf.String()), &got); err != nil {
		t.Fatal(err)
	}
	if got["error"] != "dial [REDACTED:prod/db/password]" {
		t.Errorf("error = %v", got["error"])
	}
	if got["errorVerbose"] != "dial [REDACTED:prod/db/password]\nstack [REDACTED:prod/db/password]" {
		t.Errorf("errorVerbose = %v", got["errorVerbose"])
	}
	c, ok := got["creds"].(map[string]any)
	if !ok || c["User"] != "app" || c["pass"] != "[REDACTED:prod/db/password]" {
		t.Errorf("creds = %v", got["creds"])
	}
}

func TestWrapCleanEntriesUnchanged(t *testing.T) {
	r := newRedactor(t, allSecrets...)
	plain, hushed := &syncBuffer{}, &syncBuffer{}
	clock := fixedClock{}
	zap.New(zapcore.NewCore(jsonEncoder(), plain, zap.DebugLevel), zap.WithClock(clock)).
		With(zap.String("svc", "api")).Info(_messages[1], fakeFields()...)
	zap.New(zapcore.NewCore(jsonEncoder(), hushed, zap.DebugLevel), zap.WithClock(clock), hushzap.Wrap(r)).
		With(zap.String("svc", "api")).Info(_messages[1], fakeFields()...)
	if plain.String() != hushed.String() {
		t.Errorf("clean entry changed:\nplain: %s\nhush:  %s", plain.String(), hushed.String())
	}
}

type fixedClock struct{}

func (fixedClock) Now() time.Time                         { return time.Unix(1700000000, 0) }
func (fixedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

func TestWrapKeyRules(t *testing.T) {
	r := newRedactor(t)
	buf := &syncBuffer{}
	l := zap.New(zapcore.NewCore(jsonEncoder(), buf, zap.DebugLevel), hushzap.Wrap(r))
	l.With(zap.String("X-Api-Key", "k1")).Info("m",
		zap.String("password", "hunter2"),
		zap.Int("pin", 987654321),  // a number under a password-like key: redacted
		zap.Int("token", 4096),     // a number under a token key: a count, kept
		zap.Bool("password", true), // a boolean: kept
		zap.Dict("req", zap.String("Authorization", "Bearer abc"), zap.String("path", "/x")),
	)
	out := buf.String()
	for _, leaked := range []string{"hunter2", "987654321", "Bearer abc", `"k1"`} {
		if strings.Contains(out, leaked) {
			t.Errorf("a key-ruled value leaked: %s", strings.ReplaceAll(out, leaked, "<LEAKED>"))
		}
	}
	if !strings.Contains(out, `"path":"/x"`) || !strings.Contains(out, `"Authorization":"[REDACTED:Authorization]"`) {
		t.Errorf("nested key rule wrong: %s", out)
	}
	if !strings.Contains(out, `"token":4096`) || !strings.Contains(out, `"password":true`) {
		t.Errorf("type policy not applied: %s", out)
	}
}

// TestWrapWithContextAtWithTime documents the one gap of Wrap: context is
// scrubbed when With is called.
func TestWrapWithContextAtWithTime(t *testing.T) {
	r := newRedactor(t, secretAPI)
	buf := &syncBuffer{}
	l := zap.New(zapcore.NewCore(jsonEncoder(), buf, zap.DebugLevel), hushzap.Wrap(r))
	l.With(zap.String("a", secretAPI.Value)).Info("m")
	assertNoLeak(t, buf.String(), secretAPI)
	assertRedacted(t, buf.String(), secretAPI.Name)
}

func TestWrapScrubsStack(t *testing.T) {
	fn := redact.Secret{Name: "test/funcname", Value: "TestWrapScrubsStack"}
	r := newRedactor(t, fn)
	buf := &syncBuffer{}
	l := zap.New(zapcore.NewCore(jsonEncoder(), buf, zap.DebugLevel), zap.AddCaller(), zap.AddStacktrace(zap.ErrorLevel), hushzap.Wrap(r))
	l.Error("boom")
	out := buf.String()
	if !strings.Contains(out, `"stacktrace":`) {
		t.Fatal("no stack trace logged")
	}
	assertNoLeak(t, out, fn)
	assertRedacted(t, out, fn.Name)
}

// lateKeyObject logs a constant key and value inside an ObjectMarshaler,
// the strings Wrap's cache of clean strings answers for.
type lateKeyObject struct{ key, value string }

func (o lateKeyObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString(o.key, o.value)
	return nil
}

// TestWrapSecretAddedAfterCaching: the same strings (the same addresses)
// logged clean, so that Wrap remembers them as clean, are redacted in the
// next entry once a secret they hold is added: in the message, a key, a
// value, and a key and value inside an object.
func TestWrapSecretAddedAfterCaching(t *testing.T) {
	late := redact.Secret{Name: "late/token", Value: "late-Vw37NpJx82Tq"}
	msg, key, val := "conn "+late.Value, "k_"+late.Value, "v="+late.Value
	r := newRedactor(t, allSecrets...)
	buf := &syncBuffer{}
	l := zap.New(zapcore.NewCore(jsonEncoder(), buf, zap.DebugLevel), hushzap.Wrap(r))
	log := func() {
		l.Info(msg, zap.String(key, "x"), zap.String("v", val), zap.Object("o", lateKeyObject{key, val}))
	}
	for range 3 {
		log()
	}
	if n := strings.Count(buf.String(), "[REDACTED:"); n != 0 {
		t.Fatalf("%d redactions before the secret is known", n)
	}
	if err := r.Add(late); err != nil {
		t.Fatal(err)
	}
	before := len(buf.String())
	log() // the same logger, so the same cache
	out := buf.String()[before:]
	assertNoLeak(t, out, late)
	if n := strings.Count(out, "[REDACTED:"+late.Name+"]"); n != 5 {
		t.Errorf("%d replacements of the secret added after the strings were cached, want 5", n)
	}
}

// TestWrapBinaryCleanNoExtraAllocs: Wrap reads a Binary field also as the
// base64 the encoder writes (a secret kept as base64 text, logged as its
// decoded bytes), on the stack or in pooled scratch, so a clean Binary
// field, short or long, costs no allocation plain zap does not make.
func TestWrapBinaryCleanNoExtraAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	r := newRedactor(t, append(benchSecrets(100), leaktest.BinarySecrets()...)...)
	for _, n := range []int{16, 190, 4096} {
		b := []byte(strings.Repeat("clean binary ", n/13+1)[:n])
		plain := zap.New(zapcore.NewCore(jsonEncoder(), zapcore.AddSync(discard{}), zap.DebugLevel))
		hushed := zap.New(zapcore.NewCore(jsonEncoder(), zapcore.AddSync(discard{}), zap.DebugLevel), hushzap.Wrap(r))
		base := testing.AllocsPerRun(100, func() { plain.Info("m", zap.Binary("b", b)) })
		if got := testing.AllocsPerRun(100, func() { hushed.Info("m", zap.Binary("b", b)) }); got > base {
			t.Errorf("%d bytes: Wrap %v allocs per clean Binary entry, plain zap %v", n, got, base)
		}
	}
}
