package redact_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// shortLineSecrets are multi-line values with a line shorter than the
// minimum length (8) in each position: last (a PEM body's tail), first,
// middle, two short lines together, in LF and CRLF.
func shortLineSecrets() []redact.Secret {
	const (
		l1 = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj"
		l2 = "MIIEpAIBAAKCAQEAy8Dbv8prpJ/0kKhlGeJYozo2t60EG8L0561g13R29LvMR5hy"
		l3 = "vQ7Lxq3JdKpXw2mZbN8rT4uYcFgH1sEoAiWlD9tM0fBnRe6kGjPqSvUhCzXy5I"
	)
	var out []redact.Secret
	for _, nl := range []string{"\n", "\r\n"} {
		kind := map[string]string{"\n": "lf", "\r\n": "crlf"}[nl]
		pem := func(lines ...string) string {
			return strings.Join(append(append([]string{"-----BEGIN PRIVATE KEY-----"}, lines...), "-----END PRIVATE KEY-----"), nl) + nl
		}
		out = append(out,
			redact.Secret{Name: "last-" + kind, Value: pem(l1, l2, "XyZ9")},
			redact.Secret{Name: "first-" + kind, Value: strings.Join([]string{"Qk7w", l1, l3}, nl)},
			redact.Secret{Name: "middle-" + kind, Value: strings.Join([]string{l2, "pQ3=", l3}, nl)},
			redact.Secret{Name: "two-short-" + kind, Value: pem(l3, "aB7", "c9x")},
			redact.Secret{Name: "bare-" + kind, Value: "Zk1" + nl + "vW8r"},
		)
	}
	return out
}

// multilineLoggers log v as one string value, the way each real producer
// escapes its line breaks.
var multilineLoggers = map[string]func(v string) []byte{
	"encoding/json": func(v string) []byte {
		b, _ := json.Marshal(map[string]string{"key": v})
		return b
	},
	"zap-json": func(v string) []byte {
		var b bytes.Buffer
		core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(&b), zapcore.DebugLevel)
		zap.New(core).Info("loaded", zap.String("key", v))
		return b.Bytes()
	},
	"slog-json": func(v string) []byte {
		var b bytes.Buffer
		slog.New(slog.NewJSONHandler(&b, nil)).Info("loaded", "key", v)
		return b.Bytes()
	},
	"fmt-%q": func(v string) []byte { return fmt.Appendf(nil, "key=%q\n", v) },
	"json-in-json": func(v string) []byte {
		inner, _ := json.Marshal(map[string]string{"key": v})
		outer, _ := json.Marshal(map[string]string{"log": string(inner)})
		return outer
	},
	"url-query": func(v string) []byte {
		return []byte("GET /?key=" + strings.NewReplacer("\n", "%0A", "\r", "%0D", "+", "%2B", "/", "%2F", "=", "%3D").Replace(v) + " 200\n")
	},
}

// TestShortLinesOfMultilineSecrets: a multi-line secret logged whole as one
// escaped string leaves no line behind, however short, in any position, with
// LF or CRLF; the leak oracle counts a short line next to its neighbour. The
// streaming Writer gives what Scrub gives.
func TestShortLinesOfMultilineSecrets(t *testing.T) {
	secrets := shortLineSecrets()
	r := newRedactor(t, secrets)
	for name, log := range multilineLoggers {
		for _, s := range secrets {
			what := fmt.Sprintf("%s of secret %s", name, s.Name)
			in := log(s.Value)
			require.NotEmpty(t, leaktest.Find(secrets, in), "%s: the oracle sees no secret before scrubbing", what)
			if !r.Contains(in) {
				t.Errorf("%s: Contains misses it", what)
			}
			out := r.Scrub(nil, in)
			leaktest.Check(t, secrets, out, what)

			var w bytes.Buffer
			sw := r.NewWriter(&w)
			for i := 0; i < len(in); i += 7 {
				_, err := sw.Write(in[i:min(i+7, len(in))])
				require.NoError(t, err)
			}
			require.NoError(t, sw.Close())
			if !bytes.Equal(w.Bytes(), out) {
				t.Errorf("%s: the Writer's output differs from Scrub's", what)
			}
		}
	}
}

// TestLineBreakFormsNeedDecoding: a join of a short line with a real line
// break, as written, is not matched (no match spans a line break, so the
// Writer can work line by line): only its long lines are. Neither Find nor
// Contains reports the join there.
func TestLineBreakFormsNeedDecoding(t *testing.T) {
	secrets := []redact.Secret{{Name: "bare", Value: "Zk1\nvW8r"}}
	r := newRedactor(t, secrets)
	in := []byte("value: Zk1\nvW8r\n")
	require.Empty(t, r.Find(in))
	require.False(t, r.Contains(in))
	require.True(t, r.Contains([]byte(`{"v":"Zk1\nvW8r"}`)))
	require.True(t, r.Contains([]byte("Zk1 vW8r")), "the join by a space is matched as written")
}
