package redact_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// ghToken returns a GitHub-format token with a valid checksum, written
// from GitHub's description (CRC-32 of the random part, base62, 6 digits).
func ghToken(rng *rand.Rand) string {
	const b62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	body := make([]byte, 30)
	for i := range body {
		body[i] = b62[rng.IntN(62)]
	}
	v := crc32.ChecksumIEEE(body)
	sum := make([]byte, 6)
	for i := 5; i >= 0; i-- {
		sum[i] = b62[v%62]
		v /= 62
	}
	return "ghp_" + string(body) + string(sum)
}

func percentAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

// TestDetectedTokensEndToEnd: tokens nobody gave the Redactor are redacted
// by default, as written, JSON- and URL-escaped and in base64, named after
// their rule; bytes around them are unchanged; Find and Stats say what was
// found.
func TestDetectedTokensEndToEnd(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	known := []redact.Secret{{Name: "db", Value: "Zq8Kx2Lm9Np4Rt6W"}}
	for _, withSecrets := range []bool{false, true} {
		r, err := redact.New()
		if err != nil {
			t.Fatal(err)
		}
		if withSecrets {
			if err := r.Set(known); err != nil {
				t.Fatal(err)
			}
		}
		tok := ghToken(rng)
		j, _ := json.Marshal("say \"" + tok + "\"")
		cases := map[string]string{
			"raw":      "token " + tok + " end",
			"json":     `{"msg":` + string(j) + `}`,
			"query":    "GET /x?t=" + url.QueryEscape(tok) + "&a=1",
			"basic":    "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("me:"+tok)),
			"blob":     "data=" + base64.RawURLEncoding.EncodeToString([]byte(`{"token":"`+tok+`","n":1}`)) + " ok",
			"invalid":  "\xff\xfe" + tok + "\xc3",
			"pem-json": `{"key":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"}`,
			"url":      "dsn=postgres://app:Hx7-pw_Q2@db:5432/app",
		}
		if withSecrets {
			// The decoded levels run when the index has secrets.
			cases["escaped"] = `{"t":"\u0067hp_` + tok[4:] + `"}`
			cases["percent"] = "t=" + percentAll(tok) + "&"
		}
		for name, in := range cases {
			out := r.Scrub(nil, []byte(in))
			oracle := []redact.Secret{{Name: "gh", Value: tok}}
			leaktest.Check(t, oracle, out, fmt.Sprintf("secrets=%v %s", withSecrets, name))
			if bytes.Contains(out, []byte("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC")) || bytes.Contains(out, []byte("Hx7-pw_Q2")) {
				t.Errorf("%s: a private key or URL password passed", name)
			}
			if !bytes.Contains(out, []byte("[REDACTED:detected:")) {
				t.Errorf("secrets=%v %s: no detected replacement in %d bytes of output", withSecrets, name, len(out))
			}
			// Bytes outside the token are unchanged: the output begins
			// and ends as the input does up to the first and after the
			// last match.
			ms := r.Find([]byte(in))
			if len(ms) == 0 {
				t.Fatalf("secrets=%v %s: Find found nothing", withSecrets, name)
			}
			if !bytes.HasPrefix(out, []byte(in[:ms[0].Start])) || !bytes.HasSuffix(out, []byte(in[ms[len(ms)-1].End:])) {
				t.Errorf("secrets=%v %s: bytes outside the matches changed", withSecrets, name)
			}
			for _, m := range ms {
				if m.Rule == "" || m.Confidence == "" || m.Name != "detected:"+m.Rule {
					t.Errorf("secrets=%v %s: match %q rule %q confidence %q", withSecrets, name, m.Name, m.Rule, m.Confidence)
				}
			}
		}
		st := r.Stats()
		if st.Matches["detected:github-token"]["raw"] == 0 || st.Matches["detected:github-token"]["base64"] == 0 || st.Matches["detected:private-key"]["raw"] == 0 {
			t.Errorf("secrets=%v: stats %v", withSecrets, st.Matches)
		}
		if withSecrets && st.Matches["detected:github-token"]["json"]+st.Matches["detected:github-token"]["url"] == 0 {
			t.Errorf("decoded finds not counted: %v", st.Matches)
		}
		if !r.Contains([]byte("x " + tok)) {
			t.Error("Contains missed a token")
		}
	}
}

func TestDetectorsOptions(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	tok := ghToken(rng)
	in := []byte("a " + tok + " b")

	off := newRedactor(t, nil, redact.WithDetectors(nil))
	if out := off.Scrub(nil, in); !bytes.Equal(out, in) {
		t.Error("WithDetectors(nil) redacted a token")
	}
	tmpl := newRedactor(t, nil, redact.WithDetectedReplacement("<{rule}|{name}>"))
	if got := string(tmpl.Scrub(nil, in)); got != "a <github-token|detected:github-token> b" {
		t.Errorf("template: %d bytes", len(got))
	}
	jwtOnly, _ := detect.New("jwt")
	j := newRedactor(t, nil, redact.WithDetectors(jwtOnly))
	if out := j.Scrub(nil, in); !bytes.Equal(out, in) {
		t.Error("a set without github-token redacted one")
	}
	// A known secret that is also a token is named as the known secret.
	k := newRedactor(t, []redact.Secret{{Name: "my-gh", Value: tok}})
	if got := string(k.Scrub(nil, in)); got != "a [REDACTED:my-gh] b" {
		t.Errorf("known token: %d bytes, want the known name", len(got))
	}
	if ms := k.Find(in); len(ms) != 1 || ms[0].Rule != "" || ms[0].Name != "my-gh" {
		t.Errorf("known token: %v", ms)
	}
	// Known secrets keep their own {rule}-less template.
	if got := k.Replacement("x"); got != "[REDACTED:x]" {
		t.Errorf("replacement %q", got)
	}
}

// TestWriterDetectedTokens: for every split of a stream into two writes,
// the Writer's output equals Scrub of the whole: a token or a private key
// cut by a write is held back, not passed on in part.
func TestWriterDetectedTokens(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	tok := ghToken(rng)
	text := []byte("line one\ntoken=" + tok + " x\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5\noAoGCCqGSM49AwEHoUQDQgAE\n-----END EC PRIVATE KEY-----\nurl https://u:pw9x@h end\n")
	for _, withSecrets := range []bool{false, true} {
		var secrets []redact.Secret
		if withSecrets {
			secrets = []redact.Secret{{Name: "db", Value: "Zq8Kx2Lm9Np4Rt6W"}}
		}
		r := newRedactor(t, secrets)
		want := r.Scrub(nil, text)
		if bytes.Contains(want, []byte("MHcCAQEE")) || bytes.Contains(want, []byte(tok[4:12])) {
			t.Fatal("Scrub passed a key or token")
		}
		for cut := 0; cut <= len(text); cut++ {
			var out bytes.Buffer
			w := r.NewWriter(&out)
			w.Write(text[:cut])
			w.Write(text[cut:])
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Fatalf("secrets=%v split at %d: output differs from Scrub (%d vs %d bytes)", withSecrets, cut, out.Len(), len(want))
			}
		}
	}
}

// TestDetectorsSurviveUpdates: every snapshot a Redactor publishes (a
// full build, an incremental Set or Add, a merge) carries the detectors.
func TestDetectorsSurviveUpdates(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	tok := ghToken(rng)
	in := []byte("t=" + tok)
	r := newRedactor(t, benchSecrets(50))
	check := func(step string) {
		t.Helper()
		if got := string(r.Scrub(nil, in)); got != "t=[REDACTED:detected:github-token]" {
			t.Fatalf("after %s: %d bytes, not the detected replacement", step, len(got))
		}
	}
	check("Set")
	if err := r.Add(redact.Secret{Name: "extra", Value: "Wq3Zr8Tx2Lp6Mn4K"}); err != nil {
		t.Fatal(err)
	}
	check("Add")
	if err := r.Set(benchSecrets(49)); err != nil {
		t.Fatal(err)
	}
	check("a second Set")
	if err := r.Set(nil); err != nil {
		t.Fatal(err)
	}
	check("Set(nil)")
}
