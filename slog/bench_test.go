package hushslog_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hushlog/hush/redact"
	hushslog "github.com/hushlog/hush/slog"
)

// The benchmark data follows zap's benchmarks of slog
// (go.uber.org/zap/benchmarks): a realistic message and ten attributes of
// mixed kinds, logged with slog's JSON handler to a discarding writer.

var (
	errExample  = errors.New("fail")
	_messages   = fakeMessages(1000)
	_tenInts    = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 0}
	_tenStrings = []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	_tenTimes   = []time.Time{
		time.Unix(0, 0), time.Unix(1, 0), time.Unix(2, 0), time.Unix(3, 0), time.Unix(4, 0),
		time.Unix(5, 0), time.Unix(6, 0), time.Unix(7, 0), time.Unix(8, 0), time.Unix(9, 0),
	}
	_oneUser = &user{
		Name:      "Jane Doe",
		Email:     "jane@test.com",
		CreatedAt: time.Date(1980, 1, 1, 12, 0, 0, 0, time.UTC),
	}
	_tenUsers = users{_oneUser, _oneUser, _oneUser, _oneUser, _oneUser, _oneUser, _oneUser, _oneUser, _oneUser, _oneUser}
)

type users []*user

type user struct {
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
}

func fakeMessages(n int) []string {
	messages := make([]string, n)
	for i := range messages {
		messages[i] = fmt.Sprintf("Test logging, but use a somewhat realistic message length. (#%v)", i)
	}
	return messages
}

func fakeSlogFields() []slog.Attr {
	return []slog.Attr{
		slog.Int("int", _tenInts[0]),
		slog.Any("ints", _tenInts),
		slog.String("string", _tenStrings[0]),
		slog.Any("strings", _tenStrings),
		slog.Time("time", _tenTimes[0]),
		slog.Any("times", _tenTimes),
		slog.Any("user1", _oneUser),
		slog.Any("user2", _oneUser),
		slog.Any("users", _tenUsers),
		slog.Any("error", errExample),
	}
}

// benchSecrets returns n random-looking secrets of 16 to 40 bytes.
func benchSecrets(n int) []redact.Secret {
	rng := rand.New(rand.NewChaCha8([32]byte{'h', 'u', 's', 'h'}))
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
	out := make([]redact.Secret, n)
	for i := range out {
		v := make([]byte, 16+rng.IntN(25))
		for j := range v {
			v[j] = alphabet[rng.IntN(len(alphabet))]
		}
		out[i] = redact.Secret{Name: fmt.Sprintf("bench/secret-%04d", i), Value: string(v)}
	}
	return out
}

type countingDiscard struct{ n int64 }

func (d *countingDiscard) Write(p []byte) (int, error) { d.n += int64(len(p)); return len(p), nil }

func BenchmarkSlog10Attrs(b *testing.B) {
	r := newRedactor(b, benchSecrets(1000)...)
	for _, tc := range []struct {
		name string
		new  func(w io.Writer) slog.Handler
	}{
		{"impl=plain", func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) }},
		{"impl=hush-json", func(w io.Writer) slog.Handler { return hushslog.NewJSONHandler(w, r, nil) }},
		{"impl=hush-middleware", func(w io.Writer) slog.Handler {
			return hushslog.NewHandler(slog.NewJSONHandler(w, nil), r)
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			d := &countingDiscard{}
			slog.New(tc.new(d)).LogAttrs(context.Background(), slog.LevelInfo, _messages[0], fakeSlogFields()...)
			b.SetBytes(d.n)
			logger := slog.New(tc.new(io.Discard))
			b.ReportAllocs()
			cpu0 := processCPU()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					logger.LogAttrs(context.Background(), slog.LevelInfo, _messages[i%1000], fakeSlogFields()...)
					i++
				}
			})
			b.StopTimer()
			if cpu := processCPU() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}
