package redact_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/internal/pairbench"
	"github.com/hushlog/hush/redact"
)

// valueLoggers write a value the way a logger does once a front end has
// scrubbed it: escaped by each real producer (multilineLoggers), or printed
// as it is, real line breaks included (a console message, a handler of
// one's own).
func valueLoggers() map[string]func(v string) []byte {
	out := map[string]func(v string) []byte{
		"as-is": func(v string) []byte { return []byte("msg key=" + v + " end\n") },
	}
	for name, log := range multilineLoggers {
		out[name] = log
	}
	return out
}

// valueSecrets are the multi-line secrets of the value tests: every short
// line position (shortLineSecrets) and the suite's PEM keys and AWS
// credentials file.
func valueSecrets() []redact.Secret {
	return append(append(shortLineSecrets(), leaktest.MultilineSecrets()...), escapedKey, escapedToken)
}

// escapedToken is a token kept JSON-escaped (a quote and a backslash
// escaped): the application's own value, unescaped, is written back in
// that form by a JSON encoder.
var escapedToken = redact.Secret{Name: "env/token-escaped", Value: `tok\"Hq71Mz0\\PkWn3Rt`}

// escapedKey is a key as an environment variable holds it: one line, its
// line breaks written as a literal "\n". Logged after the application
// turns them into real line breaks, it is found once a logger escapes them
// again, so a value must be read that way too.
var escapedKey = redact.Secret{Name: "env/key-escaped", Value: `MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\nKUpRKfFLfRYC9AIKjbJTWit0CqvjWYzvQwECAwEAAQ==\nQk7w`}

// TestScrubValueProtectsShortLines: a multi-line secret scrubbed as a value
// (ScrubValueString, what zap's Wrap and slog's NewHandler do before their
// logger sees it) leaves nothing behind however the logger then writes it:
// escaped by any real producer or printed as it is. Scrubbed as text
// (ScrubString), the short line survives the escaping loggers: the gap this
// closes.
func TestScrubValueProtectsShortLines(t *testing.T) {
	secrets := valueSecrets()
	r := newRedactor(t, secrets)
	for name, log := range valueLoggers() {
		for _, s := range secrets {
			for _, ctx := range []struct{ name, before, after string }{
				{"alone", "", ""},
				{"in-text", "loaded key ", " from disk"},
				{"after-backslash", `C:\keys\`, `\x`},
			} {
				what := fmt.Sprintf("%s of secret %s %s", name, s.Name, ctx.name)
				v := ctx.before + s.Value + ctx.after
				if !r.ContainsValue([]byte(v)) {
					t.Errorf("%s: ContainsValue misses it", what)
				}
				scrubbed := r.ScrubValueString(v)
				out := log(scrubbed)
				leaktest.Check(t, secrets, out, what)
				if !strings.HasPrefix(scrubbed, ctx.before) || !strings.HasSuffix(scrubbed, ctx.after) {
					t.Errorf("%s: the text around the secret was changed", what)
				}
				if !bytes.Equal(r.Scrub(nil, out), out) {
					t.Errorf("%s: the logged value still holds what Scrub replaces", what)
				}
				if b := r.ScrubValue(nil, []byte(v)); string(b) != scrubbed {
					t.Errorf("%s: ScrubValue and ScrubValueString differ", what)
				}
			}
		}
	}
	// The class this closes: scrubbed as text, a short line survives an
	// escaping logger.
	survived := 0
	for _, s := range secrets {
		if len(leaktest.Find(secrets, multilineLoggers["encoding/json"](r.ScrubString(s.Value)))) > 0 {
			survived++
		}
	}
	require.Positive(t, survived, "no secret survives ScrubString then JSON: the test no longer shows the gap")
}

// TestScrubValueAgreesWithEscapedFrontEnds: for values mixing secrets' lines,
// line breaks, backslashes, quotes and noise, what ScrubValue writes leaves
// nothing for a front end that scrubs the escaped bytes (ScrubEscaped of
// the JSON string, Scrub of the %q string) and nothing for Scrub as
// written: a value is protected at least as well as through those front
// ends. ContainsValue says whether ScrubValue changes the value, and bytes
// outside a replacement are kept.
//
// Detectors are off here: decoding goes line by line, so a PEM block whose
// armour line alone is form-encoded is read whole only once its line
// breaks are escaped; TestDetectedTokensInValues covers detected tokens.
func TestScrubValueAgreesWithEscapedFrontEnds(t *testing.T) {
	secrets := valueSecrets()
	r := newRedactor(t, secrets, redact.WithDetectors(nil))
	var pieces []string
	for _, s := range secrets {
		pieces = append(pieces, strings.Split(s.Value, "\n")...)
		pieces = append(pieces, s.Value)
	}
	// The escaped key with real line breaks; a PEM key's lines each
	// percent-escaped, joined by real line breaks.
	pieces = append(pieces, strings.ReplaceAll(escapedKey.Value, `\n`, "\n"), `tok"Hq71Mz0\PkWn3Rt`)
	for _, line := range strings.Split(leaktest.MultilineSecrets()[0].Value, "\n") {
		pieces = append(pieces, url.QueryEscape(line)+"\n")
	}
	pieces = append(pieces, "\n", "\r\n", "\r", `\`, `\n`, `"`, " ", "\t", "\xff", "é", "x", "-----END PRIVATE KEY-----")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		checkValue(t, r, fmt.Sprintf("value %d", i), b.String())
	}
}

// TestDetectedTokensInValues: a token of every detected family, written
// into a value as written, after real line breaks and next to a known
// secret's lines, leaves no byte of itself in what ScrubValue writes, nor
// in that output escaped as JSON; ScrubValue is idempotent on it.
func TestDetectedTokensInValues(t *testing.T) {
	secrets := valueSecrets()
	r := newRedactor(t, secrets, redact.WithDetectors(mustParse(t, "all")))
	g := detecttest.New(7)
	lines := strings.Split(leaktest.MultilineSecrets()[0].Value, "\n")
	for _, rule := range detecttest.Rules() {
		for k := range 8 {
			tok := g.Token(rule)
			pre := []string{"", "\n", "x=", "\r\n", lines[1] + "\n", "\t", "k: ", "\\"}[k]
			v := pre + tok.Text + []string{"", "\n", " ", "\r", "\n" + lines[2]}[k%5]
			out := r.ScrubValueString(v)
			if strings.Contains(out, tok.Secret()) {
				t.Errorf("rule %s, case %d: the token is left in the scrubbed value", rule, k)
			}
			j, _ := json.Marshal(out)
			if bytes.Contains(j, []byte(tok.Secret())) || !bytes.Equal(r.ScrubEscaped(nil, j), j) {
				t.Errorf("rule %s, case %d: the scrubbed value, escaped, still holds something", rule, k)
			}
			if r.ScrubValueString(out) != out {
				t.Errorf("rule %s, case %d: ScrubValue is not idempotent", rule, k)
			}
		}
	}
}

// checkValue checks the properties of ScrubValue on v; failures name what,
// never the value.
func checkValue(t *testing.T, r *redact.Redactor, what, v string) {
	t.Helper()
	out := r.ScrubValueString(v)
	if r.ContainsValue([]byte(v)) != (out != v) {
		t.Errorf("%s: ContainsValue disagrees with ScrubValue", what)
	}
	if got := r.ScrubValueString(out); got != out {
		t.Errorf("%s: ScrubValue is not idempotent", what)
	}
	if got := r.ScrubString(out); got != out {
		t.Errorf("%s: Scrub still finds something in the scrubbed value", what)
	}
	// Every byte of v the escaping front ends replace, ScrubValue replaces.
	for name, esc := range map[string]func(rune, []byte) string{"json": jsonRune, "quote": quoteRune} {
		covered := make([]bool, len(v)+1)
		for _, m := range r.FindValue([]byte(v)) {
			for k := m.Start; k < m.End; k++ {
				covered[k] = true
			}
		}
		text, from := escapeMapped(v, esc)
		for _, m := range r.Find(text) {
			for k := m.Start; k < m.End; k++ {
				if !covered[from[k]] {
					t.Errorf("%s: byte %d is replaced in the value written as %s and not by ScrubValue", what, from[k], name)
					return
				}
			}
		}
	}
	j, _ := json.Marshal(out)
	if !bytes.Equal(r.ScrubEscaped(nil, j), j) {
		t.Errorf("%s: ScrubEscaped still finds something in the scrubbed value as JSON", what)
	}
	q := []byte(strconv.Quote(out))
	if !bytes.Equal(r.ScrubEscaped(nil, q), q) {
		t.Errorf("%s: ScrubEscaped still finds something in the scrubbed value quoted", what)
	}
}

// TestScrubValueIsScrubWithoutLineBreaks: a value without a line feed, or
// any value when no indexed form holds a line break or a backslash, is
// scrubbed as Scrub scrubs it; a secret holding a literal "\n" is found in
// a value holding it with real line breaks.
func TestScrubValueIsScrubWithoutLineBreaks(t *testing.T) {
	r := newRedactor(t, valueSecrets())
	for _, s := range valueSecrets() {
		for _, line := range strings.Split(s.Value, "\n") {
			v := "k=" + strings.TrimSpace(line) + " \\ \"x\""
			require.True(t, r.ScrubString(v) == r.ScrubValueString(v), "secret %s: ScrubValue differs from ScrubString", s.Name)
		}
	}
	// The escaped key with real line breaks: found only read escaped.
	v := "key: " + strings.ReplaceAll(escapedKey.Value, `\n`, "\n") + "\n"
	require.False(t, r.Contains([]byte(v)), "read as written")
	require.True(t, r.ContainsValue([]byte(v)), "read escaped")
	require.True(t, r.ScrubValueString(v) == "key: [REDACTED:env/key-escaped]\n", "the escaped key with real line breaks is not replaced whole")

	// The escaped token as the application holds it, on one line: found
	// only read escaped.
	v = `auth tok"Hq71Mz0\PkWn3Rt ok`
	require.False(t, r.Contains([]byte(v)), "read as written")
	require.True(t, r.ScrubValueString(v) == "auth [REDACTED:env/token-escaped] ok", "the unescaped token is not replaced")

	single := newRedactor(t, leaktest.Secrets()[:2])
	v = "first line\nsecond " + leaktest.Secrets()[0].Value + "\n"
	require.True(t, single.ScrubString(v) == single.ScrubValueString(v), "without joins in the index, ScrubValue differs from ScrubString")
}

// TestScrubValueCleanAllocatesNothing: a clean value, with line breaks,
// against an index that holds joins, costs no allocation.
func TestScrubValueCleanAllocatesNothing(t *testing.T) {
	r := newRedactor(t, valueSecrets())
	v := strings.Repeat("goroutine 7 [running]:\nmain.main()\n\t/src/main.go:12 +0x1d\n", 4)
	b := []byte(v)
	require.False(t, r.ContainsValue(b))
	allocs := testing.AllocsPerRun(100, func() {
		_ = r.ScrubValueString(v)
		_ = r.ContainsValue(b)
	})
	require.Zero(t, allocs)
}

// FuzzScrubValue checks checkValue's properties on arbitrary values, seeded
// with the secrets' lines.
func FuzzScrubValue(f *testing.F) {
	secrets := valueSecrets()
	for _, s := range secrets {
		f.Add(s.Value)
		f.Add(`C:\` + strings.ReplaceAll(s.Value, "\n", "\r\n"))
	}
	r := newRedactor(f, secrets, redact.WithDetectors(nil))
	f.Fuzz(func(t *testing.T, v string) {
		checkValue(t, r, "fuzzed value", v)
	})
}

// BenchmarkValueOverhead measures what reading a value both ways costs over
// reading it as written, as the front ends scrub a value (ContainsValue,
// then ScrubValueString when dirty, against Contains then ScrubString), as
// a paired comparison in one process (internal/pairbench): short clean
// values (a message and a field of zap's benchmark), a clean stack trace,
// and a dirty multi-line value, against an index of 1,000 secrets without
// and with multi-line secrets (whose short lines' joins hold a line break,
// so a value with a line feed is read escaped too), and with also a secret
// holding a backslash (the escaped text is then built and searched).
func BenchmarkValueOverhead(b *testing.B) {
	stack := strings.Repeat("goroutine 7 [running]:\nmain.handler(0xc000123456)\n\t/src/app/handler.go:112 +0x1d\n", 4)
	pem := leaktest.MultilineSecrets()[0].Value
	values := []struct{ name, v string }{
		{"short", "Test logging, but use a somewhat realistic message length. (#42)"},
		{"stack", stack},
		{"pem", "loaded key\n" + pem},
	}
	for _, idx := range []struct {
		name    string
		secrets []redact.Secret
	}{
		{"plain", benchSecrets(1000)},
		{"multiline", append(benchSecrets(1000), leaktest.MultilineSecrets()...)},
		{"multiline+backslash", append(benchSecrets(1000), valueSecrets()...)},
	} {
		r := newRedactor(b, idx.secrets)
		for _, val := range values {
			if idx.name == "plain" && val.name == "pem" {
				continue
			}
			b.Run("index="+idx.name+"/value="+val.name, func(b *testing.B) {
				v := []byte(val.v)
				b.ReportAllocs()
				b.SetBytes(int64(len(v)))
				pairbench.Overhead(b,
					func(int) {
						if r.Contains(v) {
							_ = r.ScrubString(val.v)
						}
					},
					func(int) {
						if r.ContainsValue(v) {
							_ = r.ScrubValueString(val.v)
						}
					})
			})
		}
	}
}

// escapeMapped writes v escaped rune by rune with esc, and where each byte of
// the result came from in v.
func escapeMapped(v string, esc func(rune, []byte) string) (text []byte, from []int) {
	for i := 0; i < len(v); {
		r, n := utf8.DecodeRuneInString(v[i:])
		e := esc(r, []byte(v[i:i+n]))
		text = append(text, e...)
		for range len(e) {
			from = append(from, i)
		}
		i += n
	}
	return text, from
}

// jsonRune is encoding/json's writing of one rune (an invalid byte as
// U+FFFD), without quotes.
func jsonRune(_ rune, b []byte) string {
	j, _ := json.Marshal(string(b))
	return string(j[1 : len(j)-1])
}

// quoteRune is strconv.Quote's writing of one rune (an invalid byte as
// \xHH), without quotes.
func quoteRune(_ rune, b []byte) string {
	q := strconv.Quote(string(b))
	return q[1 : len(q)-1]
}

func mustParse(t testing.TB, spec string) *detect.Set {
	t.Helper()
	s, err := detect.Parse(spec)
	require.NoError(t, err)
	return s
}
