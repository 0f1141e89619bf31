package redact_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/leaktest"
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
	return append(shortLineSecrets(), leaktest.MultilineSecrets()...)
}

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
func TestScrubValueAgreesWithEscapedFrontEnds(t *testing.T) {
	secrets := valueSecrets()
	r := newRedactor(t, secrets)
	var pieces []string
	for _, s := range secrets {
		pieces = append(pieces, strings.Split(s.Value, "\n")...)
		pieces = append(pieces, s.Value)
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
// any value when no indexed form holds a line break, is scrubbed as Scrub
// scrubs it.
func TestScrubValueIsScrubWithoutLineBreaks(t *testing.T) {
	r := newRedactor(t, valueSecrets())
	for _, s := range valueSecrets() {
		for _, line := range strings.Split(s.Value, "\n") {
			v := "k=" + strings.TrimSpace(line) + " \\ \"x\""
			require.Equal(t, r.ScrubString(v), r.ScrubValueString(v), "secret %s", s.Name)
		}
	}
	single := newRedactor(t, leaktest.Secrets()[:2])
	v := "first line\nsecond " + leaktest.Secrets()[0].Value + "\n"
	require.Equal(t, single.ScrubString(v), single.ScrubValueString(v))
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
	r := newRedactor(f, secrets)
	f.Fuzz(func(t *testing.T, v string) {
		checkValue(t, r, "fuzzed value", v)
	})
}
