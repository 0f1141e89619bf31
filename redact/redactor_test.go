package redact_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/hushlog/hush/redact"
)

// Secrets with every character that some encoding treats specially.
var specials = map[string]string{
	"plain":      "Zx9Kq2Lm7Pv4Rt8W",
	"quote":      `Zx9"Kq2Lm7Pv4`,
	"backsl":     `Zx9\Kq2Lm7Pv4`,
	"slash":      "Zx9/Kq2Lm7Pv4",
	"plus":       "Zx9+Kq2Lm7Pv4",
	"equals":     "Zx9=Kq2Lm7Pv4",
	"amp":        "Zx9&Kq2Lm7Pv4",
	"angle":      "Zx9<Kq2>Lm7Pv4",
	"percent":    "Zx9%Kq2Lm7Pv4",
	"at-colon":   "us3r@h0st:Kq2Lm7",
	"apos":       "Zx9'Kq2Lm7Pv4",
	"all":        `Q"w\e/r+t=y&u<i>o%p@a:s'd`,
	"comma-semi": "Zx9,Kq2;Lm7/Pv4?x#y",
	"space":      "Zx9 Kq2 Lm7 Pv4",
	"js-kept":    "Zx9(Kq2)!Lm7*Pv4 x", // encodeURIComponent keeps ( ) ! *, escapes the space
	"unicode":    "pässwörd-日本語-секрет-🔑",
}

func TestEveryEncodingOfEverySpecial(t *testing.T) {
	for name, value := range specials {
		r := newRedactor(t, []redact.Secret{{Name: name, Value: value}})
		repl := "[REDACTED:" + name + "]"
		for _, f := range realForms {
			form := f.encode(value)
			t.Run(name+"/"+f.name, func(t *testing.T) {
				in := "before «" + form + "» after\r\n"
				out := r.ScrubString(in)
				if strings.Contains(out, form) {
					t.Fatalf("%s form of %s survived", f.name, name)
				}
				if !f.loose {
					if want := "before «" + repl + "» after\r\n"; out != want {
						t.Fatalf("%s form of %s: scrubbed output %q, want %q", f.name, name, redactAll(out, value), want)
					}
				} else if !strings.HasPrefix(out, "before «") || !strings.HasSuffix(strings.TrimRight(out, "=\r\n"), "» after") || !strings.Contains(out, repl) {
					t.Fatalf("%s form of %s: bytes around the span changed: %q", f.name, name, redactAll(out, value))
				}
				ms := r.Find([]byte(in))
				if len(ms) != 1 || ms[0].Name != name {
					t.Fatalf("Find: %+v", ms)
				}
				if ms[0].Encoding != f.enc && !(f.enc != redact.Raw && ms[0].Encoding == redact.Raw) {
					t.Errorf("Find reported encoding %v, want %v", ms[0].Encoding, f.enc)
				}
			})
		}
	}
}

// redactAll hides a value in a failure message.
func redactAll(s, v string) string { return strings.ReplaceAll(s, v, "<VALUE>") }

func TestBase64Alignments(t *testing.T) {
	pw := "Tr0ub4dor&3-horse"
	pwSecret := redact.Secret{Name: "pw", Value: pw}
	r := newRedactor(t, []redact.Secret{pwSecret})
	for _, prefix := range []string{"", "u", "us", "user:", "admin:", "x:", "ab:"} {
		for _, suffix := range []string{"", "\n", "\r\n", "x", "yz"} {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding} {
				form := enc.EncodeToString([]byte(prefix + pw + suffix))
				out := r.ScrubString("Authorization: Basic " + form + "\n")
				if strings.Contains(out, form) || !strings.Contains(out, "[REDACTED:pw]") {
					t.Errorf("base64(%q+pw+%q) survived: %q", prefix, suffix, hide(out, pwSecret))
				}
				if !strings.HasPrefix(out, "Authorization: Basic ") || !strings.HasSuffix(out, "\n") {
					t.Errorf("context changed: %q", hide(out, pwSecret))
				}
				// What is left of the token must not decode to any part of
				// the value longer than a character or two.
				rest := strings.TrimPrefix(strings.TrimSuffix(out, "\n"), "Authorization: Basic ")
				for _, part := range strings.Split(rest, "[REDACTED:pw]") {
					part = strings.TrimRight(part, "=")
					dec, _ := base64.RawStdEncoding.DecodeString(part[:len(part)/4*4])
					if len(pw) > 3 && bytes.Contains(dec, []byte(pw[:4])) {
						t.Errorf("remainder %q still decodes to part of the value", part)
					}
				}
			}
		}
	}
}

func TestPEMKey(t *testing.T) {
	lines := []string{
		"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
		"VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
		"LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo",
		"9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvre",
		"dZs=",
	}
	pem := "-----BEGIN RSA PRIVATE KEY-----\n" + strings.Join(lines, "\n") + "\n-----END RSA PRIVATE KEY-----\n"
	// Known secrets alone here; with the detectors on (the default) the
	// block is a detected private key as well: see below.
	r := newRedactor(t, []redact.Secret{{Name: "tls/key", Value: pem}}, redact.WithDetectors(nil))
	withDetectors := newRedactor(t, []redact.Secret{{Name: "tls/key", Value: pem}})
	jsonPEM, _ := json.Marshal(pem)
	for name, text := range map[string]string{
		"LF":     pem,
		"CRLF":   strings.ReplaceAll(pem, "\n", "\r\n"),
		"JSON":   `{"key":` + string(jsonPEM) + "}",
		"spaces": strings.Join(strings.Fields(pem), " "),
	} {
		out := r.ScrubString("key loaded: " + text + " done")
		for i, l := range lines[:4] {
			if strings.Contains(out, l) {
				t.Errorf("%s: line %d survived", name, i)
			}
		}
		if name == "LF" && strings.Count(out, "\n") != strings.Count(text, "\n") {
			t.Errorf("%s: line breaks changed", name)
		}
		if name == "CRLF" && strings.Count(out, "\r\n") != strings.Count(text, "\r\n") {
			t.Errorf("%s: CRLF changed", name)
		}
		if !strings.Contains(out, "BEGIN RSA PRIVATE KEY") {
			t.Errorf("%s: public armour line was redacted", name)
		}
		// With the detectors, no line survives, the short last one
		// included (a known secret's short line is protected only where
		// its join with a neighbour is seen).
		out = withDetectors.ScrubString("key loaded: " + text + " done")
		for i, l := range lines {
			if strings.Contains(out, l) {
				t.Errorf("%s, with detectors: line %d survived", name, i)
			}
		}
	}
}

func TestRules(t *testing.T) {
	tests := []struct {
		name    string
		secrets []redact.Secret
		in      string
		want    string
	}{
		{"start and end, no newline", []redact.Secret{{Name: "a", Value: "Zx9Kq2Lm7Pv4"}}, "Zx9Kq2Lm7Pv4 mid Zx9Kq2Lm7Pv4", "[REDACTED:a] mid [REDACTED:a]"},
		{"only the secret", []redact.Secret{{Name: "a", Value: "Zx9Kq2Lm7Pv4"}}, "Zx9Kq2Lm7Pv4", "[REDACTED:a]"},
		{"trimmed value, whitespace kept", []redact.Secret{{Name: "a", Value: "  Zx9Kq2Lm7Pv4\n"}}, "x\t Zx9Kq2Lm7Pv4\r\ny", "x\t [REDACTED:a]\r\ny"},
		{"overlapping secrets leave nothing", []redact.Secret{{Name: "a", Value: "k3y0v3rl"}, {Name: "b", Value: "y0v3rlap"}}, "<k3y0v3rlap>", "<[REDACTED:a]>"},
		{"adjacent secrets merge", []redact.Secret{{Name: "a", Value: "Zx9Kq2Lm7Pv4"}, {Name: "b", Value: "Wq8Jn3Hb6Yc5Tf"}}, "=Zx9Kq2Lm7Pv4Wq8Jn3Hb6Yc5Tf=", "=[REDACTED:b]="},
		{"prefix secret, longest wins", []redact.Secret{{Name: "short", Value: "Tr0ub4dor"}, {Name: "long", Value: "Tr0ub4dor-and-more"}}, "pw=Tr0ub4dor-and-more pw=Tr0ub4dor!", "pw=[REDACTED:long] pw=[REDACTED:short]!"},
		{"repeated secret", []redact.Secret{{Name: "a", Value: "abababab12"}}, "abababab12abababab12", "[REDACTED:a]"},
		{"near miss left intact", []redact.Secret{{Name: "a", Value: "Zx9Kq2Lm7Pv4"}}, "Zx9Kq2Lm7Pv5 Yx9Kq2Lm7Pv4 Zx9Kq2Lm7Pv", "Zx9Kq2Lm7Pv5 Yx9Kq2Lm7Pv4 Zx9Kq2Lm7Pv"},
		{"invalid UTF-8 around", []redact.Secret{{Name: "a", Value: "Zx9Kq2Lm7Pv4"}}, "\xff\xfeZx9Kq2Lm7Pv4\xc3", "\xff\xfe[REDACTED:a]\xc3"},
		{"NUL bytes around", []redact.Secret{{Name: "a", Value: "Zx9Kq2Lm7Pv4"}}, "\x00Zx9Kq2Lm7Pv4\x00", "\x00[REDACTED:a]\x00"},
		{"secret containing the replacement text", []redact.Secret{{Name: "a", Value: "pre[REDACTED:a]post"}}, "x pre[REDACTED:a]post y", "x [REDACTED:a] y"},
		{"too short is skipped", []redact.Secret{{Name: "a", Value: "short"}}, "short", "short"},
		{"common word is skipped", []redact.Secret{{Name: "a", Value: "changeme"}}, "changeme", "changeme"},
		{"empty is skipped", []redact.Secret{{Name: "a", Value: ""}}, "anything", "anything"},
		{"JSON object secret by key", []redact.Secret{{Name: "prod/rds/app", Value: `{"username":"appuser","password":"Zq8#kL2!mN4$vB","host":"db.internal.example","port":5432}`}},
			"connect appuser@db.internal.example:5432 with Zq8#kL2!mN4$vB", "connect appuser@db.internal.example:5432 with [REDACTED:prod/rds/app#password]"},
		{"secret in the name is dropped", []redact.Secret{{Name: "Zx9Kq2Lm7Pv4", Value: "Zx9Kq2Lm7Pv4"}}, "Zx9Kq2Lm7Pv4", "Zx9Kq2Lm7Pv4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRedactor(t, tc.secrets)
			if got := r.ScrubString(tc.in); got != tc.want {
				t.Errorf("ScrubString = %q, want %q", hide(got, tc.secrets...), tc.want)
			}
			if got := string(r.Scrub([]byte("keep:"), []byte(tc.in))); got != "keep:"+tc.want {
				t.Errorf("Scrub = %q, want %q", hide(got, tc.secrets...), "keep:"+tc.want)
			}
		})
	}
}

func TestSkippedReportsNamesOnly(t *testing.T) {
	r := newRedactor(t, []redact.Secret{
		{Name: "short", Value: "abc1234"},
		{Name: "common", Value: "password123"},
		{Name: "empty", Value: "   "},
		{Name: "nokeys", Value: `{"host":"db.example","port":5432}`},
		{Name: "ok", Value: "Zx9Kq2Lm7Pv4"},
	})
	st := r.Stats()
	got := map[string]string{}
	for _, s := range st.Skipped {
		got[s.Name] = s.Reason
	}
	want := map[string]string{"short": redact.ReasonTooShort, "common": redact.ReasonCommonWord, "empty": redact.ReasonEmpty, "nokeys": redact.ReasonNoSecretFields}
	for n, reason := range want {
		if got[n] != reason {
			t.Errorf("skipped[%s] = %q, want %q", n, got[n], reason)
		}
	}
	report := fmt.Sprint(st.Skipped)
	for _, v := range []string{"abc1234", "password123", "db.example"} {
		if strings.Contains(report, v) {
			t.Error("the skip report contains a value")
		}
	}
	if st.Secrets != 1 {
		t.Errorf("Secrets = %d, want 1", st.Secrets)
	}
}

func TestOptions(t *testing.T) {
	sec := []redact.Secret{{Name: "db", Value: "Zx9Kq2Lm7Pv4"}}
	r := newRedactor(t, sec, redact.WithReplacement("***{hash}***"), redact.WithHashKey([]byte("k1")))
	out := r.ScrubString("x Zx9Kq2Lm7Pv4 y")
	if strings.Contains(out, "db") || !strings.HasPrefix(out, "x ***") || len(out) != len("x ****** y")+16 {
		t.Errorf("hash template: %q", hide(out, sec...))
	}
	r2 := newRedactor(t, sec, redact.WithReplacement("***{hash}***"), redact.WithHashKey([]byte("k2")))
	if r2.ScrubString("x Zx9Kq2Lm7Pv4 y") == out {
		t.Error("hash does not depend on the key")
	}

	r = newRedactor(t, sec, redact.WithEncodings(redact.Raw|redact.Hex))
	b64 := base64.StdEncoding.EncodeToString([]byte("Zx9Kq2Lm7Pv4"))
	if got := r.ScrubString(b64); got != b64 {
		t.Errorf("base64 redacted with Base64 disabled: %q", hide(got, sec...))
	}
	r = newRedactor(t, []redact.Secret{{Name: "a", Value: "abc12"}}, redact.WithMinLength(5))
	if got := r.ScrubString("abc12"); got != "[REDACTED:a]" {
		t.Errorf("min length 5: %q", hide(got, redact.Secret{Name: "a", Value: "abc12"}))
	}
	if _, err := redact.New(redact.WithMinLength(2)); err == nil {
		t.Error("WithMinLength(2) accepted")
	}
	r = newRedactor(t, []redact.Secret{{Name: "rds", Value: `{"host":"db.internal.example","password":"Zq8kL2mN4vB"}`}}, redact.WithJSONPolicy(redact.JSONPolicy{AllFields: true}))
	if got := r.ScrubString("db.internal.example Zq8kL2mN4vB"); got != "[REDACTED:rds#host] [REDACTED:rds#password]" {
		t.Errorf("AllFields: %q", hide(got, redact.Secret{Name: "host", Value: "db.internal.example"}, redact.Secret{Name: "password", Value: "Zq8kL2mN4vB"}))
	}
	e, err := redact.ParseEncodings("raw, json,base64")
	if err != nil || e != redact.Raw|redact.JSON|redact.Base64 {
		t.Errorf("ParseEncodings = %v, %v", e, err)
	}
	if _, err := redact.ParseEncodings("rot13"); err == nil {
		t.Error("ParseEncodings accepted rot13")
	}
}

func TestAddSurvivesSet(t *testing.T) {
	r := newRedactor(t, []redact.Secret{{Name: "a", Value: "Zx9Kq2Lm7Pv4"}})
	if err := r.Add(redact.Secret{Name: "app", Value: "Wq8Jn3Hb6Yc5"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Set(nil); err != nil {
		t.Fatal(err)
	}
	if got := r.ScrubString("Zx9Kq2Lm7Pv4 Wq8Jn3Hb6Yc5"); got != "Zx9Kq2Lm7Pv4 [REDACTED:app]" {
		t.Errorf("got %q", hide(got, redact.Secret{Name: "app", Value: "Wq8Jn3Hb6Yc5"}))
	}
}

func TestStatsCountMatches(t *testing.T) {
	r := newRedactor(t, []redact.Secret{{Name: "a", Value: "Zx9Kq2Lm7Pv4"}})
	r.ScrubString("Zx9Kq2Lm7Pv4 " + base64.StdEncoding.EncodeToString([]byte("Zx9Kq2Lm7Pv4")))
	st := r.Stats()
	if st.Matches["a"]["raw"] != 1 || st.Matches["a"]["base64"] != 1 {
		t.Errorf("Matches = %v", st.Matches)
	}
	if st.Patterns == 0 || st.IndexBytes == 0 || st.BuildTime == 0 {
		t.Errorf("Stats = %+v", st)
	}
}

// The index costs at most 32 bytes per indexed form once it is past a few
// hundred kilobytes (smaller filters spend more bits per gram, for speed),
// and Stats reports the figure.
func TestStatsBytesPerPattern(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 32))
	for _, n := range []int{1000, 5000} {
		var secrets []redact.Secret
		for i := 0; i < n; i++ {
			b := make([]byte, 16+rng.IntN(33))
			for k := range b {
				b[k] = byte(0x21 + rng.IntN(0x7F-0x21))
			}
			secrets = append(secrets, redact.Secret{Name: fmt.Sprintf("s%d", i), Value: string(b)})
		}
		r := newRedactor(t, secrets)
		st := r.Stats()
		if st.Patterns < 10*n {
			t.Fatalf("%d secrets: only %d patterns", n, st.Patterns)
		}
		if want := float64(st.IndexBytes) / float64(st.Patterns); st.BytesPerPattern != want {
			t.Errorf("%d secrets: BytesPerPattern = %.2f, IndexBytes/Patterns = %.2f", n, st.BytesPerPattern, want)
		}
		// Below fingerprint's 8 MiB of filter speed comes first (56
		// bytes at most); the compact layout past it (32 at most) is
		// fingerprint's TestMemoryPerPattern.
		if st.BytesPerPattern > 56 {
			t.Errorf("%d secrets: %.1f index bytes per pattern, budget 56", n, st.BytesPerPattern)
		}
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := redact.Secret{Name: "db", Version: "v1", Value: "Zx9Kq2Lm7Pv4"}
	for _, f := range []string{"%v", "%+v", "%s", "%#v", "%q"} {
		if strings.Contains(fmt.Sprintf(f, s), s.Value) {
			t.Errorf("%s prints the value", f)
		}
	}
}

func TestCleanTextIsUntouchedAndFree(t *testing.T) {
	var secrets []redact.Secret
	for i := 0; i < 1000; i++ {
		secrets = append(secrets, redact.Secret{Name: fmt.Sprint("s", i), Value: fmt.Sprintf("Zx9Kq2Lm7Pv4-%06d-Wq8J", i)})
	}
	r := newRedactor(t, secrets)
	text := []byte(strings.Repeat("2026-11-26T07:40:31Z INFO served /v1/items in 3ms user=42\r\n", 50))
	dst := make([]byte, 0, len(text))
	if n := testing.AllocsPerRun(50, func() { dst = r.Scrub(dst[:0], text) }); n != 0 {
		t.Errorf("Scrub allocated %.1f times on clean text", n)
	}
	if !bytes.Equal(dst, text) {
		t.Error("clean text changed")
	}
	s := string(text)
	if n := testing.AllocsPerRun(50, func() { _ = r.ScrubString(s) }); n != 0 {
		t.Errorf("ScrubString allocated %.1f times on clean text", n)
	}
	if n := testing.AllocsPerRun(50, func() { _ = r.Contains(text) }); n != 0 {
		t.Errorf("Contains allocated %.1f times", n)
	}
}

func TestConcurrentScrubAndSet(t *testing.T) {
	r := newRedactor(t, nil)
	gens := [][]redact.Secret{
		{{Name: "a", Value: "Zx9Kq2Lm7Pv4"}, {Name: "b", Value: "Wq8Jn3Hb6Yc5"}},
		{{Name: "a", Value: "Zx9Kq2Lm7Pv4"}, {Name: "b", Value: "Wq8Jn3Hb6Yc5"}, {Name: "c", Value: "Rt5Gh7Jk9Lp2"}},
	}
	if err := r.Set(gens[0]); err != nil {
		t.Fatal(err)
	}
	in := []byte("x Zx9Kq2Lm7Pv4 y Wq8Jn3Hb6Yc5 z")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := r.Set(gens[(i+w)%2]); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	var readers sync.WaitGroup
	for g := 0; g < 4; g++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			var buf []byte
			for i := 0; i < 2000; i++ {
				buf = r.Scrub(buf[:0], in)
				if string(buf) != "x [REDACTED:a] y [REDACTED:b] z" {
					t.Errorf("reader saw a half-built index")
					return
				}
				_ = r.Stats()
			}
		}()
	}
	readers.Wait()
	close(stop)
	wg.Wait()
}

func TestScrubEscaped(t *testing.T) {
	nSecret := redact.Secret{Name: "n", Value: "nZx9Kq2Lm7Pv4"}
	r := newRedactor(t, []redact.Secret{nSecret})
	in := []byte(`{"msg":"line\nZx9Kq2Lm7Pv4 and \\nZx9Kq2Lm7Pv4"}`)
	got := string(r.ScrubEscaped(nil, in))
	want := `{"msg":"line[REDACTED:n] and \\[REDACTED:n]"}`
	if got != want {
		t.Errorf("ScrubEscaped = %q, want %q", hide(got, nSecret), want)
	}
	var v map[string]string
	if err := json.Unmarshal([]byte(got), &v); err != nil {
		t.Errorf("output is not valid JSON: %v", err)
	}
	if plain := string(r.Scrub(nil, in)); plain != `{"msg":"line\[REDACTED:n] and \\[REDACTED:n]"}` {
		t.Errorf("Scrub changed bytes outside the match: %q", hide(plain, nSecret))
	}
}

func TestManyMatches(t *testing.T) {
	r := newRedactor(t, []redact.Secret{{Name: "a", Value: "Zx9Kq2Lm7Pv4Rt8W"}, {Name: "s", Value: "q9Zx"}}, redact.WithMinLength(4))
	// Long and short classes interleaved, 40,000 matches: the sort must not
	// be quadratic (an insertion sort took 1.2 s here, and grows with the
	// square of the number of matches).
	in := strings.Repeat("Zx9Kq2Lm7Pv4Rt8W q9Zx ", 20000)
	out := r.ScrubString(in)
	if strings.Contains(out, "Zx9Kq2Lm7Pv4Rt8W") || strings.Count(out, "[REDACTED:a]") != 20000 || strings.Count(out, "[REDACTED:s]") != 20000 {
		t.Errorf("wrong output: %d and %d redactions", strings.Count(out, "[REDACTED:a]"), strings.Count(out, "[REDACTED:s]"))
	}
}

// TestEscapedTextIsFree: a line full of escapes (every one restarted, see
// decode.go) and no secret costs no allocation once the scratch is warm,
// and comes out unchanged.
func TestEscapedTextIsFree(t *testing.T) {
	var secrets []redact.Secret
	for i := 0; i < 100; i++ {
		secrets = append(secrets, redact.Secret{Name: fmt.Sprint("s", i), Value: fmt.Sprintf("Zx9Kq2Lm7Pv4-%06d-Wq8J", i)})
	}
	r := newRedactor(t, secrets)
	text := []byte(strings.Repeat(`{"msg":"GET /a%20b%2Fc?q=%22x%22 \"quoted\" \\path\\to \u00e9\x41 \ud83d\ude00 end"}`+"\n", 20))
	dst := make([]byte, 0, len(text))
	if n := testing.AllocsPerRun(50, func() { dst = r.Scrub(dst[:0], text) }); n != 0 {
		t.Errorf("Scrub allocated %.1f times on escaped text", n)
	}
	if !bytes.Equal(dst, text) {
		t.Error("escaped text without secrets changed")
	}
}
