package hushzap_test

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"go.uber.org/multierr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/redact"
	hushzap "github.com/hushlog/hush/zapcore"
)

// The benchmark data follows zap's own benchmarks (go.uber.org/zap/benchmarks):
// a realistic message and ten fields of mixed types, logged with the
// production JSON encoder to a discarding sink.

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

func fakeMessages(n int) []string {
	messages := make([]string, n)
	for i := range messages {
		messages[i] = fmt.Sprintf("Test logging, but use a somewhat realistic message length. (#%v)", i)
	}
	return messages
}

type users []*user

func (uu users) MarshalLogArray(arr zapcore.ArrayEncoder) error {
	var err error
	for i := range uu {
		err = multierr.Append(err, arr.AppendObject(uu[i]))
	}
	return err
}

type user struct {
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
}

func (u *user) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("name", u.Name)
	enc.AddString("email", u.Email)
	enc.AddInt64("createdAt", u.CreatedAt.UnixNano())
	return nil
}

func fakeFields() []zap.Field {
	return []zap.Field{
		zap.Int("int", _tenInts[0]),
		zap.Ints("ints", _tenInts),
		zap.String("string", _tenStrings[0]),
		zap.Strings("strings", _tenStrings),
		zap.Time("time", _tenTimes[0]),
		zap.Times("times", _tenTimes),
		zap.Object("user1", _oneUser),
		zap.Object("user2", _oneUser),
		zap.Array("users", _tenUsers),
		zap.Error(errExample),
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

func benchRedactor(b *testing.B, n int, opts ...redact.Option) *redact.Redactor {
	b.Helper()
	r, err := redact.New(opts...)
	if err != nil {
		b.Fatal(err)
	}
	if err := r.Set(benchSecrets(n)); err != nil {
		b.Fatal(err)
	}
	return r
}

func productionEncoder() zapcore.Encoder {
	ec := zap.NewProductionEncoderConfig()
	ec.EncodeDuration = zapcore.NanosDurationEncoder
	ec.EncodeTime = zapcore.EpochNanosTimeEncoder
	return zapcore.NewJSONEncoder(ec)
}

// countingDiscard discards what it is given and counts the bytes, for
// SetBytes.
type countingDiscard struct{ n int64 }

func (d *countingDiscard) Write(p []byte) (int, error) { d.n += int64(len(p)); return len(p), nil }
func (d *countingDiscard) Sync() error                 { return nil }

// lineBytes measures the size of one encoded entry of the benchmark shape.
func lineBytes(b *testing.B) int64 {
	d := &countingDiscard{}
	zap.New(zapcore.NewCore(productionEncoder(), d, zap.DebugLevel)).Info(_messages[0], fakeFields()...)
	return d.n
}

func BenchmarkZap10Fields(b *testing.B) {
	const secrets = 1000
	for _, tc := range []struct {
		name string
		new  func(*redact.Redactor) *zap.Logger
	}{
		{"impl=plain", func(*redact.Redactor) *zap.Logger {
			return zap.New(zapcore.NewCore(productionEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel))
		}},
		{"impl=hush-core", func(r *redact.Redactor) *zap.Logger {
			return zap.New(hushzap.NewCore(productionEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel, r))
		}},
		{"impl=hush-core-nodetect", func(r *redact.Redactor) *zap.Logger {
			// r is replaced by one without detectors below: the share of
			// the detectors in NewCore's cost.
			return zap.New(hushzap.NewCore(productionEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel, r))
		}},
		{"impl=hush-writesyncer", func(r *redact.Redactor) *zap.Logger {
			return zap.New(zapcore.NewCore(productionEncoder(), hushzap.NewWriteSyncer(zapcore.AddSync(io.Discard), r), zap.DebugLevel))
		}},
		{"impl=hush-wrap", func(r *redact.Redactor) *zap.Logger {
			return zap.New(zapcore.NewCore(productionEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel), hushzap.Wrap(r))
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var opts []redact.Option
			if strings.HasSuffix(tc.name, "-nodetect") {
				opts = append(opts, redact.WithDetectors(nil))
			}
			logger := tc.new(benchRedactor(b, secrets, opts...))
			b.SetBytes(lineBytes(b))
			b.ReportAllocs()
			cpu0 := processCPU()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					logger.Info(_messages[i%1000], fakeFields()...)
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

// BenchmarkZapDirty is BenchmarkZap10Fields with one secret in the message:
// the price of an entry that must be rewritten.
func BenchmarkZapDirty(b *testing.B) {
	secrets := benchSecrets(1000)
	msg := "dial tcp: password " + secrets[500].Value + " rejected"
	for _, tc := range []struct {
		name string
		new  func(*redact.Redactor) *zap.Logger
	}{
		{"impl=plain", func(*redact.Redactor) *zap.Logger {
			return zap.New(zapcore.NewCore(productionEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel))
		}},
		{"impl=hush-core", func(r *redact.Redactor) *zap.Logger {
			return zap.New(hushzap.NewCore(productionEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel, r))
		}},
		{"impl=hush-wrap", func(r *redact.Redactor) *zap.Logger {
			return zap.New(zapcore.NewCore(productionEncoder(), zapcore.AddSync(io.Discard), zap.DebugLevel), hushzap.Wrap(r))
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			logger := tc.new(benchRedactor(b, 1000))
			b.SetBytes(lineBytes(b))
			b.ReportAllocs()
			for b.Loop() {
				logger.Info(msg, fakeFields()...)
			}
		})
	}
}
