package hushzap_test

import (
	"encoding/json"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/buffer"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushzap "github.com/hushlog/hush/zapcore"
)

// TestEncoderFreesOnce: a dirty entry's original buffer goes back to its
// pool exactly once. Were it freed twice, the pool would hand the same
// buffer to the next two entries.
func TestEncoderFreesOnce(t *testing.T) {
	r := newRedactor(t, secretDB)
	enc := hushzap.NewEncoder(jsonEncoder(), r)
	for range 100 {
		dirty, err := enc.EncodeEntry(zapcore.Entry{Message: "m " + secretDB.Value}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(dirty.String(), secretDB.Value) {
			t.Fatalf("secret %s leaked", secretDB.Name)
		}
		a, _ := enc.EncodeEntry(zapcore.Entry{Message: "a"}, nil)
		b, _ := enc.EncodeEntry(zapcore.Entry{Message: "b"}, nil)
		if a == b {
			t.Fatal("one buffer handed out twice: freed more than once")
		}
		if !strings.Contains(a.String(), `"msg":"a"`) || !strings.Contains(b.String(), `"msg":"b"`) {
			t.Fatal("buffer contents mixed")
		}
		for _, buf := range []*buffer.Buffer{dirty, a, b} {
			buf.Free()
		}
	}
}

// TestEncoderClone: context added to a clone stays out of the original, and
// key rules apply to context.
func TestEncoderClone(t *testing.T) {
	r := newRedactor(t, secretDB)
	enc := hushzap.NewEncoder(jsonEncoder(), r)
	clone := enc.Clone()
	clone.AddString("token", "abc")
	clone.AddString("dsn", "x:"+secretDB.Value)
	zap.Int("n", 1).AddTo(clone)

	orig, _ := enc.EncodeEntry(zapcore.Entry{Message: "m"}, nil)
	defer orig.Free()
	if strings.Contains(orig.String(), "token") {
		t.Error("clone's context leaked into the original")
	}
	got, _ := clone.EncodeEntry(zapcore.Entry{Message: "m"}, nil)
	defer got.Free()
	want := `{"level":"info","msg":"m","token":"[REDACTED:token]","dsn":"x:[REDACTED:prod/db/password]","n":1}` + "\n"
	if got.String() != want {
		t.Errorf("got  %s\nwant %s", got.String(), want)
	}
}

// TestWriteSyncer: a dirty write is scrubbed and reported whole.
func TestWriteSyncer(t *testing.T) {
	r := newRedactor(t, secretDB)
	buf := &syncBuffer{}
	ws := hushzap.NewWriteSyncer(buf, r)
	line := []byte("connect " + secretDB.Value + "\n")
	n, err := ws.Write(line)
	if err != nil || n != len(line) {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(line))
	}
	if buf.String() != "connect [REDACTED:prod/db/password]\n" {
		t.Errorf("got %q", buf.String())
	}
	if err := ws.Sync(); err != nil {
		t.Fatal(err)
	}
}

// TestEscapeBoundary: a value that starts with the letter of a JSON escape
// ("n", after "\") must not leave a dangling backslash behind: the output
// stays valid JSON and holds no part of the value.
func TestEscapeBoundary(t *testing.T) {
	s := redact.Secret{Name: "test/n-secret", Value: "nabcXq7Lp9Zt"}
	r := newRedactor(t, s)
	for _, kind := range loggerKinds {
		if kind.wrap {
			continue
		}
		t.Run(kind.name, func(t *testing.T) {
			buf := &syncBuffer{}
			l := zap.New(kind.new(r, buf, zap.DebugLevel))
			l.Info("line\nabcXq7Lp9Zt", zap.String("k", "tab\tnabcXq7Lp9Zt"), zap.String("q", `\nabcXq7Lp9Zt`))
			out := buf.String()
			if !json.Valid([]byte(out)) {
				t.Errorf("invalid JSON: %s", out)
			}
			if strings.Contains(out, "abcXq7Lp9Zt") {
				t.Errorf("part of secret %s left", s.Name)
			}
		})
	}
}

// TestWriteSyncerJoinedEntries: zap's BufferedWriteSyncer joins whole
// entries into one Write. Under it, NewWriteSyncer sees several JSON
// entries at once, a line feed between them: it must scrub them as the
// JSON they are (every line valid JSON afterwards, no dangling backslash),
// and console entries, several lines, as the text they are.
func TestWriteSyncerJoinedEntries(t *testing.T) {
	s := redact.Secret{Name: "test/n-secret", Value: "nabcXq7Lp9Zt"}
	secrets := append([]redact.Secret{s}, allSecrets...)
	r := newRedactor(t, secrets...)
	for encName, newEnc := range encoders {
		t.Run(encName, func(t *testing.T) {
			buf := &syncBuffer{}
			bws := &zapcore.BufferedWriteSyncer{WS: hushzap.NewWriteSyncer(buf, r), Size: 4096}
			l := zap.New(zapcore.NewCore(newEnc(), bws, zap.DebugLevel))
			for i := 0; i < 5; i++ {
				l.Info("m", zap.String("k", "tab\tnabcXq7Lp9Zt"), zap.String("q", `\nabcXq7Lp9Zt`), zap.String("lf", "line\nabcXq7Lp9Zt"), zap.Int("i", i))
				l.Info(`C:\keys\`+secretDB.Value+`.pfx`, zap.String("dsn", "postgres://app:"+secretAPI.Value+"@db"))
			}
			if err := bws.Stop(); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			leaktest.Check(t, secrets, []byte(out), encName)
			if strings.Contains(out, "abcXq7Lp9Zt") {
				t.Errorf("part of secret %s left", s.Name)
			}
			if n := strings.Count(out, "\n"); n != 10 {
				t.Errorf("%d lines, want 10", n)
			}
			for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
				if encName == "json" && !json.Valid([]byte(line)) {
					t.Errorf("line %d: invalid JSON", i)
				}
				if i%2 == 1 && !strings.Contains(line, `keys\[REDACTED:`) && !strings.Contains(line, `keys\\[REDACTED:`) {
					t.Errorf("line %d: the backslash before the secret was lost", i)
				}
			}
		})
	}
}
