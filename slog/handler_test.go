package hushslog_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushslog "github.com/hushlog/hush/slog"
)

// handlerKinds are the ways to get a leak-proof slog handler writing to w.
var handlerKinds = []struct {
	name   string
	new    func(w io.Writer, r *redact.Redactor, opts ...hushslog.Option) slog.Handler
	json   bool
	middle bool // field-level: WithAttrs context is scrubbed at WithAttrs time
}{
	{"middleware-json", func(w io.Writer, r *redact.Redactor, opts ...hushslog.Option) slog.Handler {
		return hushslog.NewHandler(slog.NewJSONHandler(w, nil), r, opts...)
	}, true, true},
	{"middleware-text", func(w io.Writer, r *redact.Redactor, opts ...hushslog.Option) slog.Handler {
		return hushslog.NewHandler(slog.NewTextHandler(w, nil), r, opts...)
	}, false, true},
	{"json", func(w io.Writer, r *redact.Redactor, opts ...hushslog.Option) slog.Handler {
		return hushslog.NewJSONHandler(w, r, nil, opts...)
	}, true, false},
	{"text", func(w io.Writer, r *redact.Redactor, opts ...hushslog.Option) slog.Handler {
		return hushslog.NewTextHandler(w, r, nil, opts...)
	}, false, false},
}

type stringer struct{ v string }

func (s stringer) String() string { return "stringer(" + s.v + ")" }

type creds struct {
	User string
	Pass string `json:"pass"`
}

type hidden struct {
	Name  string
	token string // unexported: the text handler prints it with %+v
}

type nestedCreds struct {
	Env  map[string]any
	List []*creds
}

// lazyCreds is a LogValuer resolving to a group.
type lazyCreds struct{ pass string }

func (l lazyCreds) LogValue() slog.Value {
	return slog.GroupValue(slog.String("user", "app"), slog.String("dsn", "postgres://app:"+l.pass+"@db"))
}

// fancyError prints a detail under "%+v", as pkg/errors does.
type fancyError struct{ msg, detail string }

func (e fancyError) Error() string { return e.msg }

func (e fancyError) Format(s fmt.State, verb rune) {
	if verb == 'v' && s.Flag('+') {
		fmt.Fprintf(s, "%s\n%s", e.msg, e.detail)
		return
	}
	fmt.Fprint(s, e.msg)
}

type leakCase struct {
	name   string
	secret redact.Secret
	log    func(l *slog.Logger, v string)
}

func leakCases() []leakCase {
	var cases []leakCase
	for _, s := range allSecrets {
		add := func(name string, log func(*slog.Logger, string)) {
			cases = append(cases, leakCase{name: name + "/" + s.Name, secret: s, log: log})
		}
		add("message", func(l *slog.Logger, v string) { l.Info("connecting with " + v) })
		add("string", func(l *slog.Logger, v string) { l.Info("m", "dsn", "postgres://app:"+v+"@db:5432") })
		add("error", func(l *slog.Logger, v string) { l.Error("m", "err", fmt.Errorf("dial tcp: auth %s refused", v)) })
		add("error-verbose", func(l *slog.Logger, v string) {
			l.Error("m", "err", fancyError{msg: "dial failed", detail: "frame: main.go:12 key=" + v})
		})
		add("error-joined", func(l *slog.Logger, v string) {
			l.Error("m", "err", errors.Join(errors.New("first"), fmt.Errorf("second %s", v)))
		})
		add("stringer", func(l *slog.Logger, v string) { l.Info("m", "s", stringer{v}) })
		add("url", func(l *slog.Logger, v string) {
			l.Info("m", "url", &url.URL{Scheme: "https", Host: "h", User: url.UserPassword("app", v)})
		})
		add("struct", func(l *slog.Logger, v string) { l.Info("m", "creds", creds{User: "app", Pass: v}) })
		add("struct-unexported", func(l *slog.Logger, v string) { l.Info("m", "h", hidden{Name: "n", token: v}) })
		add("struct-nested", func(l *slog.Logger, v string) {
			l.Info("m", "cfg", nestedCreds{Env: map[string]any{"n": 1, "k": []string{"x", v}}, List: []*creds{nil, {Pass: v}}})
		})
		add("map", func(l *slog.Logger, v string) { l.Info("m", "env", map[string]string{"DSN": v}) })
		add("slice", func(l *slog.Logger, v string) { l.Info("m", "args", []string{"-p", v}) })
		add("bytes", func(l *slog.Logger, v string) { l.Info("m", "body", []byte("x="+v)) })
		add("logvaluer", func(l *slog.Logger, v string) { l.Info("m", "db", lazyCreds{pass: v}) })
		add("group-nested", func(l *slog.Logger, v string) {
			l.Info("m", slog.Group("a", slog.Int("n", 1), slog.Group("b", slog.String("v", v))))
		})
		add("with-attrs", func(l *slog.Logger, v string) { l.With("ctx", v).Info("m") })
		add("with-group", func(l *slog.Logger, v string) {
			l.WithGroup("req").With("auth_header_value", v).WithGroup("inner").Info("m", "v", v)
		})
	}
	return cases
}

func TestHandlersScrubEverything(t *testing.T) {
	for _, kind := range handlerKinds {
		for _, tc := range leakCases() {
			t.Run(kind.name+"/"+tc.name, func(t *testing.T) {
				r := newRedactor(t, allSecrets...)
				buf := &syncBuffer{}
				tc.log(slog.New(kind.new(buf, r)), tc.secret.Value)
				out := buf.String()
				if out == "" {
					t.Fatal("nothing logged")
				}
				assertNoLeak(t, out, tc.secret)
				// Where slog itself would print the secret, the replacement
				// must stand in its place. (The JSON handler never prints
				// unexported fields or String(), for one.)
				plain := &syncBuffer{}
				tc.log(slog.New(kind.new(plain, newRedactor(t))), tc.secret.Value)
				if leaked(plain.String(), tc.secret) {
					assertRedacted(t, out, tc.secret.Name)
				}
				if kind.json && !json.Valid([]byte(out)) {
					t.Error("output is not valid JSON")
				}
			})
		}
	}
}

func TestHandlersScrubSource(t *testing.T) {
	fn := redact.Secret{Name: "test/funcname", Value: "TestHandlersScrubSource"}
	r := newRedactor(t, fn)
	buf := &syncBuffer{}
	l := slog.New(hushslog.NewJSONHandler(buf, r, &slog.HandlerOptions{AddSource: true}))
	l.Info("m")
	if !strings.Contains(buf.String(), `"source":`) {
		t.Fatal("no source logged")
	}
	assertNoLeak(t, buf.String(), fn)
	assertRedacted(t, buf.String(), fn.Name)
}

// TestBuiltinCatchesSecretAddedAfterWithAttrs: the built-in handlers format
// WithAttrs context once; the writer scrubs it at write time.
func TestBuiltinCatchesSecretAddedAfterWithAttrs(t *testing.T) {
	for _, kind := range handlerKinds {
		if kind.middle {
			continue
		}
		t.Run(kind.name, func(t *testing.T) {
			r := newRedactor(t)
			buf := &syncBuffer{}
			l := slog.New(kind.new(buf, r)).With("dsn", secretDB.Value).WithGroup("g").With("x", secretDB.Value)
			if err := r.Add(secretDB); err != nil {
				t.Fatal(err)
			}
			l.Info("m")
			assertNoLeak(t, buf.String(), secretDB)
			assertRedacted(t, buf.String(), secretDB.Name)
		})
	}
}

func TestKeyRules(t *testing.T) {
	for _, kind := range handlerKinds {
		t.Run(kind.name, func(t *testing.T) {
			r := newRedactor(t) // no known secrets at all
			buf := &syncBuffer{}
			l := slog.New(kind.new(buf, r))
			l.With("Cookie", "session=abc").WithGroup("req").Info("m",
				"password", "hunter2",
				"API_KEY", 1234,
				slog.Group("headers", slog.String("Authorization", "Bearer xyz"), slog.String("Accept", "json")),
				slog.Group("credentials", slog.String("user", "u1")),
				"db", lazyCreds{pass: ""},
				slog.Any("refresh_token", creds{Pass: "p"}),
				"user", "ann",
			)
			out := buf.String()
			for _, leaked := range []string{"hunter2", "1234", "Bearer xyz", "session=abc", "u1", `"p"`} {
				if strings.Contains(out, leaked) {
					t.Errorf("a key-ruled value leaked: %s", strings.ReplaceAll(out, leaked, "<LEAKED>"))
				}
			}
			for _, key := range []string{"password", "API_KEY", "Authorization", "Cookie", "credentials", "refresh_token"} {
				if !strings.Contains(out, "[REDACTED:"+key+"]") {
					t.Errorf("key %s not redacted whole: %s", key, out)
				}
			}
			if !strings.Contains(out, "ann") || !strings.Contains(out, "Accept") || !strings.Contains(out, "postgres://app:@db") {
				t.Errorf("unruled attributes changed: %s", out)
			}
		})
	}
}

func TestKeyRulesConfigurable(t *testing.T) {
	for _, kind := range handlerKinds {
		t.Run(kind.name, func(t *testing.T) {
			r := newRedactor(t)
			buf := &syncBuffer{}
			slog.New(kind.new(buf, r, hushslog.WithKeyPatterns("ssn"))).Info("m", "password", "kept", "customer_SSN", "078-05-1120")
			if !strings.Contains(buf.String(), "kept") || strings.Contains(buf.String(), "078-05-1120") {
				t.Errorf("custom key rules not applied: %s", buf.String())
			}
			buf.Reset()
			slog.New(kind.new(buf, r, hushslog.WithKeyPatterns())).Info("m", "password", "kept")
			if !strings.Contains(buf.String(), "kept") {
				t.Errorf("key rules not disabled: %s", buf.String())
			}
		})
	}
}

// TestCleanRecordsUnchanged: output is byte-identical to slog's own when
// nothing is secret.
func TestCleanRecordsUnchanged(t *testing.T) {
	r := newRedactor(t, allSecrets...)
	for _, kind := range handlerKinds {
		t.Run(kind.name, func(t *testing.T) {
			plain, hushed := &syncBuffer{}, &syncBuffer{}
			var base slog.Handler = slog.NewTextHandler(plain, nil)
			if kind.json {
				base = slog.NewJSONHandler(plain, nil)
			}
			for _, h := range []slog.Handler{base, kind.new(hushed, r)} {
				rec := slog.NewRecord(time.Unix(1700000000, 0), slog.LevelInfo, _messages[5], 0)
				rec.AddAttrs(fakeSlogFields()...)
				rec.AddAttrs(slog.Any("db", lazyCreds{pass: ""}))
				if err := h.WithAttrs([]slog.Attr{slog.String("svc", "api")}).WithGroup("g").Handle(context.Background(), rec); err != nil {
					t.Fatal(err)
				}
			}
			if plain.String() != hushed.String() {
				t.Errorf("clean record changed:\nplain: %s\nhush:  %s", plain.String(), hushed.String())
			}
		})
	}
}

func TestZeroExtraAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	r := newRedactor(t, benchSecrets(1000)...)
	ctx := context.Background()
	rec := slog.NewRecord(time.Now(), slog.LevelInfo, _messages[3], 0)
	rec.AddAttrs(fakeSlogFields()...)
	count := func(h slog.Handler) float64 {
		return testing.AllocsPerRun(200, func() { _ = h.Handle(ctx, rec) })
	}
	base := count(slog.NewJSONHandler(io.Discard, nil))
	if got := count(hushslog.NewJSONHandler(io.Discard, r, nil)); got > base {
		t.Errorf("NewJSONHandler: %v allocs per clean record, slog %v", got, base)
	}
	// The middleware's checks allocate nothing; with plain data attributes
	// the whole record costs what slog's does.
	plainRec := slog.NewRecord(time.Now(), slog.LevelInfo, _messages[3], 0)
	plainRec.AddAttrs(slog.String("a", "x"), slog.Int("n", 1), slog.Group("g", slog.String("b", "y")),
		slog.Any("user", user{Name: "Jane", Email: "jane@test.com"}))
	plainH := slog.NewJSONHandler(io.Discard, nil)
	baseP := testing.AllocsPerRun(200, func() { _ = plainH.Handle(ctx, plainRec) })
	mw := hushslog.NewHandler(slog.NewJSONHandler(io.Discard, nil), r)
	if got := testing.AllocsPerRun(200, func() { _ = mw.Handle(ctx, plainRec) }); got > baseP {
		t.Errorf("NewHandler: %v allocs per clean record, slog %v", got, baseP)
	}
	// Bytes, which the JSON handler writes as base64, are read as bytes
	// and as that base64, in pooled scratch: still nothing allocated.
	binRec := slog.NewRecord(time.Now(), slog.LevelInfo, _messages[3], 0)
	binRec.AddAttrs(slog.Any("body", []byte("clean body, read as bytes and as base64")),
		slog.Any("blob", blob{ID: "b1", Data: []byte("clean data")}))
	baseB := testing.AllocsPerRun(200, func() { _ = plainH.Handle(ctx, binRec) })
	if got := testing.AllocsPerRun(200, func() { _ = mw.Handle(ctx, binRec) }); got > baseB {
		t.Errorf("NewHandler: %v allocs per clean record with bytes, slog %v", got, baseB)
	}
	// An error whose text is fixed (errors.New, fmt.Errorf without %w) is
	// checked in place and passed on: nothing allocated.
	for name, err := range map[string]error{"errors.New": errExample, "fmt.Errorf": fmt.Errorf("code %d", 7)} {
		fixedRec := plainRec.Clone()
		fixedRec.AddAttrs(slog.Any("err", err))
		baseF := testing.AllocsPerRun(200, func() { _ = plainH.Handle(ctx, fixedRec) })
		if got := testing.AllocsPerRun(200, func() { _ = mw.Handle(ctx, fixedRec) }); got > baseF {
			t.Errorf("NewHandler: %v allocs per clean record with an error from %s, slog %v", got, name, baseF)
		}
	}
	// A value that renders itself (here a wrapping error) is rendered once
	// and written as a stand-in holding what was checked: the record is
	// copied (1 allocation) and the stand-in made (2: the error and its
	// boxing).
	errRec := plainRec.Clone()
	errRec.AddAttrs(slog.Any("err", fmt.Errorf("wrapped: %w", errExample)))
	baseE := testing.AllocsPerRun(200, func() { _ = plainH.Handle(ctx, errRec) })
	gotE := testing.AllocsPerRun(200, func() { _ = mw.Handle(ctx, errRec) })
	assert.LessOrEqual(t, gotE, baseE+3, "NewHandler: allocations per record with an error")
}

// blob is plain data holding bytes, which slog's JSON handler writes as
// base64.
type blob struct {
	ID   string
	Data []byte
}

type rawBytes []byte

// TestMiddlewareBinaryAsBase64: bytes anywhere in a value (a []byte, a
// struct's, map's or slice's []byte, a named byte slice, a pointer to one)
// are written by slog's JSON handler as base64; when that base64 holds a
// secret (bytes decoded from a secret kept as base64 text), the middleware
// must not pass the bytes on as they are.
func TestMiddlewareBinaryAsBase64(t *testing.T) {
	secrets := leaktest.BinarySecrets()
	for _, sec := range secrets {
		raw := decodeBase64(t, sec.Value)
		values := map[string]any{
			"bytes":        raw,
			"struct":       blob{ID: "b1", Data: raw},
			"struct-ptr":   &blob{ID: "b1", Data: raw},
			"map":          map[string][]byte{"k": raw},
			"slice":        [][]byte{[]byte("x"), raw},
			"any-slice":    []any{1, raw},
			"named":        rawBytes(raw),
			"bytes-ptr":    &raw,
			"logvaluer":    slog.GroupValue(slog.Any("k", raw)),
			"group-nested": slog.GroupValue(slog.Group("g", slog.Any("k", blob{Data: raw}))),
		}
		for name, v := range values {
			for _, kind := range handlerKinds[:2] {
				t.Run(sec.Name+"/"+name+"/"+kind.name, func(t *testing.T) {
					buf := &syncBuffer{}
					slog.New(kind.new(buf, newRedactor(t, secrets...))).Info("m", "v", v)
					if buf.String() == "" {
						t.Fatal("nothing logged")
					}
					leaktest.Check(t, secrets, []byte(buf.String()), name)
				})
			}
		}
	}
}

func decodeBase64(t *testing.T, v string) []byte {
	t.Helper()
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(v); err == nil {
			return b
		}
	}
	t.Fatal("a binary secret is not base64")
	return nil
}

// TestHandlerGuideSemantics checks what the slog handler guide asks of a
// wrapping handler.
func TestHandlerGuideSemantics(t *testing.T) {
	r := newRedactor(t, secretDB)
	buf := &syncBuffer{}
	next := slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelWarn})
	for _, h := range []slog.Handler{hushslog.NewHandler(next, r), hushslog.NewJSONHandler(buf, r, &slog.HandlerOptions{Level: slog.LevelWarn})} {
		ctx := context.Background()
		if h.Enabled(ctx, slog.LevelInfo) || !h.Enabled(ctx, slog.LevelWarn) {
			t.Error("Enabled does not follow the wrapped handler's level")
		}
		if h.WithGroup("") != h {
			t.Error(`WithGroup("") did not return the receiver`)
		}
		if h.WithAttrs(nil) != h {
			t.Error("WithAttrs(nil) did not return the receiver")
		}
		// Empty groups are dropped; a group with only empty groups too.
		buf.Reset()
		slog.New(h).WithGroup("empty").Warn("m", slog.Group("g"), slog.Group("h", slog.Group("i")))
		if out := buf.String(); strings.Contains(out, `"empty"`) || strings.Contains(out, `"g"`) || strings.Contains(out, `"h"`) {
			t.Errorf("empty groups written: %s", out)
		}
		// A dirty record keeps its time, level, source PC and attribute order.
		buf.Reset()
		rec := slog.NewRecord(time.Unix(1700000000, 0).UTC(), slog.LevelError, "m "+secretDB.Value, 0)
		rec.AddAttrs(slog.String("a", "1"), slog.String("b", secretDB.Value), slog.String("c", "3"))
		if err := h.Handle(ctx, rec); err != nil {
			t.Fatal(err)
		}
		want := `{"time":"2023-11-14T22:13:20Z","level":"ERROR","msg":"m [REDACTED:prod/db/password]","a":"1","b":"[REDACTED:prod/db/password]","c":"3"}` + "\n"
		if buf.String() != want {
			t.Errorf("got  %s\nwant %s", buf.String(), want)
		}
	}
}

// TestEscapeBoundary: a value that starts with the letter of an escape
// ("n", after "\") must not leave a dangling backslash behind.
func TestEscapeBoundary(t *testing.T) {
	s := redact.Secret{Name: "test/n-secret", Value: "nabcXq7Lp9Zt"}
	r := newRedactor(t, s)
	for _, kind := range handlerKinds {
		t.Run(kind.name, func(t *testing.T) {
			buf := &syncBuffer{}
			slog.New(kind.new(buf, r)).Info("line\nabcXq7Lp9Zt", "k", "tab\tnabcXq7Lp9Zt", "q", `\nabcXq7Lp9Zt`)
			out := buf.String()
			if kind.json && !json.Valid([]byte(out)) {
				t.Errorf("invalid JSON: %s", out)
			}
			if strings.Contains(out, `"line\[`) {
				t.Errorf("dangling backslash: %s", out)
			}
			if strings.Contains(out, "abcXq7Lp9Zt") && !kind.middle {
				t.Errorf("part of secret %s left", s.Name)
			}
		})
	}
}

// selfish is a struct with its own rendering that holds a map holding
// itself: it renders itself, so the middleware renders it once.
type selfish struct {
	S fmt.Stringer
	M map[string]any
}

type node struct {
	Name string
	Next *node
}

// TestMiddlewareCyclicValues: a value that holds itself (a map or a slice
// holding itself through an interface, a pointer cycle) is logged by
// slog's JSON handler as an error note. The middleware, which walks and
// renders values, must neither loop nor crash on it (fmt's "%+v" recurses
// into a map or slice holding itself until the stack overflows, which no
// recover catches), and still writes a line: over the text handler too,
// which, unprotected, would crash on it itself.
func TestMiddlewareCyclicValues(t *testing.T) {
	m := map[string]any{"a": secretDB.Value}
	m["self"] = m
	s := []any{"x", secretDB.Value}
	s[0] = s
	n := &node{Name: secretDB.Value}
	n.Next = n
	values := map[string]any{
		"map":      m,
		"slice":    s,
		"pointers": n,
		"rendered": selfish{S: stringer{"s"}, M: m},
		"nested":   map[string]any{"inner": []any{m}},
	}
	for name, v := range values {
		for _, kind := range handlerKinds[:2] {
			t.Run(name+"/"+kind.name, func(t *testing.T) {
				buf := &syncBuffer{}
				slog.New(kind.new(buf, newRedactor(t, allSecrets...))).Info("m", "v", v)
				if !strings.Contains(buf.String(), "msg=m") && !strings.Contains(buf.String(), `"msg":"m"`) {
					t.Fatal("nothing logged")
				}
				assertNoLeak(t, buf.String(), secretDB)
			})
		}
	}
}

// An error whose text cannot change (errors.New, fmt.Errorf without %w) is
// checked in place and passed on as it is; any other error is rendered once
// and replaced. Both ways the record is written as slog writes it when the
// text is clean (a nil error of errors.New's type too: "<nil>"), and never
// with a secret: as the whole text, inside it, under a group, and as a
// secret added after the same error was logged clean.
func TestMiddlewareErrors(t *testing.T) {
	nilErr := reflect.Zero(reflect.TypeOf(errors.New(""))).Interface().(error)
	clean := map[string]error{
		"errors.New": errors.New("connection refused"),
		"errorf":     fmt.Errorf("code %d: %s", 7, "refused"),
		"wrapped":    fmt.Errorf("dial: %w", errors.New("refused")),
		"nil":        nilErr,
	}
	r := newRedactor(t, allSecrets...)
	for _, next := range []string{"json", "text"} {
		newNext := func(w io.Writer) slog.Handler {
			if next == "json" {
				return slog.NewJSONHandler(w, &slog.HandlerOptions{ReplaceAttr: dropTime})
			}
			return slog.NewTextHandler(w, &slog.HandlerOptions{ReplaceAttr: dropTime})
		}
		for name, err := range clean {
			var plain, hushed strings.Builder
			slog.New(newNext(&plain)).Info("m", "err", err, slog.Group("g", "e", err))
			slog.New(hushslog.NewHandler(newNext(&hushed), r)).Info("m", "err", err, slog.Group("g", "e", err))
			assert.Equal(t, plain.String(), hushed.String(), "%s/%s: a clean error", next, name)
		}
		for _, s := range allSecrets {
			buf := &syncBuffer{}
			l := slog.New(hushslog.NewHandler(newNext(buf), r))
			l.Info("m", "err", errors.New(s.Value))
			l.Info("m", "err", fmt.Errorf("auth %s failed", s.Value))
			l.Info("m", slog.Group("g", "err", errors.New("x "+s.Value)))
			assertNoLeak(t, buf.String(), allSecrets...)
		}
		late := redact.Secret{Name: "test/late", Value: "late-Vw37NpJx82Tq"}
		rl := newRedactor(t, allSecrets...)
		err := errors.New("token " + late.Value)
		buf := &syncBuffer{}
		l := slog.New(hushslog.NewHandler(newNext(buf), rl))
		l.Info("m", "err", err)
		if !leaked(buf.String(), late) {
			t.Fatalf("%s: the value is not in the output before it is a secret", next)
		}
		if e := rl.Add(late); e != nil {
			t.Fatal(e)
		}
		buf.Reset()
		l.Info("m", "err", err)
		assertNoLeak(t, buf.String(), late)
		assertRedacted(t, buf.String(), late.Name)
	}
}

// The middleware answers for the short strings it found clean before from a
// cache (by address, for one secret set). A value found clean is checked
// afresh once it becomes a secret (Add), and bytes changed in place under
// the same address are checked as they are now: keys, string values, plain
// data's fields and an error's text.
func TestMiddlewareCleanCache(t *testing.T) {
	late := redact.Secret{Name: "test/late", Value: "late-Vw37NpJx82Tq"}
	type holder struct{ Token string }
	log := func(l *slog.Logger, v string) {
		l.Info("m", v, 1, "k", v, "h", holder{v}, "hs", []holder{{"a"}, {v}}, "err", errors.New(v))
	}
	for _, next := range []string{"json", "text"} {
		newNext := func(w io.Writer) slog.Handler {
			if next == "json" {
				return slog.NewJSONHandler(w, nil)
			}
			return slog.NewTextHandler(w, nil)
		}
		r := newRedactor(t, allSecrets...)
		buf := &syncBuffer{}
		l := slog.New(hushslog.NewHandler(newNext(buf), r))
		v := strings.Clone(late.Value)
		log(l, v)
		log(l, v)
		if !leaked(buf.String(), late) {
			t.Fatalf("%s: the value is not in the output before it is a secret", next)
		}
		if err := r.Add(late); err != nil {
			t.Fatal(err)
		}
		buf.Reset()
		log(l, v)
		assertNoLeak(t, buf.String(), late)

		// The same address, other bytes: a clean placeholder cached, then
		// a secret written over it.
		for _, s := range allSecrets {
			b := []byte(strings.Repeat("-", len(s.Value)))
			p := unsafe.String(&b[0], len(b))
			buf.Reset()
			log(l, p)
			log(l, p)
			copy(b, s.Value)
			buf.Reset()
			log(l, p)
			assertNoLeak(t, buf.String(), s)

			// A []byte value over scratch the cache saw clean.
			raw := []byte(strings.Repeat("-", len(s.Value)))
			for range 2 {
				l.Info("m", "raw", raw)
			}
			copy(raw, s.Value)
			buf.Reset()
			l.Info("m", "raw", raw)
			assertNoLeak(t, buf.String(), s)
		}

		// The words of a []string as fmt joins them (in pooled scratch,
		// at the same address each time), over strings the cache saw
		// clean.
		spaced := redact.Secret{Name: "test/spaced", Value: "Hq71Mz0P kWn3RtZq8r"}
		if err := r.Add(spaced); err != nil {
			t.Fatal(err)
		}
		w1, w2 := []byte("--------"), []byte("----------")
		words := []string{unsafe.String(&w1[0], len(w1)), unsafe.String(&w2[0], len(w2))}
		for range 2 {
			l.Info("m", "words", words)
		}
		copy(w1, spaced.Value[:8])
		copy(w2, spaced.Value[9:])
		buf.Reset()
		l.Info("m", "words", words)
		assertNoLeak(t, buf.String(), spaced)
		if next == "text" { // the JSON handler writes the words apart
			assertRedacted(t, buf.String(), spaced.Name)
		}
	}
}
