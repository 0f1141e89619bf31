package detect

import (
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hushlog/hush/detect/detecttest"
)

// Generators of well-formed tokens, written from the formats (not from the
// detectors): each returns a token of the family's shortest valid length
// when it has a range, so that dropping a byte makes it invalid.

const (
	b62chars  = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b64uChars = b62chars + "-_"
	hexLower  = "0123456789abcdef"
)

func rnd(rng *rand.Rand, n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

func base62Pad(v uint32, n int) string {
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = b62chars[v%62]
		v /= 62
	}
	return string(b)
}

func genGitHub(rng *rand.Rand, prefix string) string {
	body := rnd(rng, 30, b62chars)
	return prefix + body + base62Pad(crc32.ChecksumIEEE([]byte(body)), 6)
}

func genAtlassian(rng *rand.Rand) string {
	head := "ATATT3xFfGF0" + rnd(rng, 171, b64uChars) + "="
	return head + fmt.Sprintf("%08X", crc32.ChecksumIEEE([]byte(head)))
}

func genGrafanaSA(rng *rand.Rand) string {
	head := "glsa_" + rnd(rng, 32, b62chars)
	v := crc32.ChecksumIEEE([]byte(head))
	return head + "_" + fmt.Sprintf("%02x%02x%02x%02x", byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

// bech32Encode encodes data (8-bit bytes) under hrp, in upper case.
func bech32Encode(hrp string, data []byte) string {
	var vals []byte
	acc, bits := 0, 0
	for _, b := range data {
		acc = acc<<8 | int(b)
		bits += 8
		for bits >= 5 {
			bits -= 5
			vals = append(vals, byte(acc>>bits)&31)
		}
	}
	if bits > 0 {
		vals = append(vals, byte(acc<<(5-bits))&31)
	}
	gen := []uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	polymod := func(values []byte) uint32 {
		chk := uint32(1)
		for _, v := range values {
			top := chk >> 25
			chk = (chk&0x1ffffff)<<5 ^ uint32(v)
			for i := range 5 {
				if (top>>i)&1 == 1 {
					chk ^= gen[i]
				}
			}
		}
		return chk
	}
	var exp []byte
	for _, c := range hrp {
		exp = append(exp, byte(c)>>5)
	}
	exp = append(exp, 0)
	for _, c := range hrp {
		exp = append(exp, byte(c)&31)
	}
	pm := polymod(append(append(exp, vals...), 0, 0, 0, 0, 0, 0)) ^ 1
	for i := range 6 {
		vals = append(vals, byte(pm>>(5*(5-i)))&31)
	}
	const charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
	var sb strings.Builder
	sb.WriteString(hrp + "1")
	for _, v := range vals {
		sb.WriteByte(charset[v])
	}
	return strings.ToUpper(sb.String())
}

func genAge(rng *rand.Rand) string {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(rng.IntN(256))
	}
	return bech32Encode("age-secret-key-", key)
}

// family is one token family under test.
type family struct {
	rule string
	gen  func(*rand.Rand) string
	// fixed: the family has one length, so a longer run is no token.
	fixed bool
	// corrupt returns the token with its checksum broken (checksum
	// families only).
	corrupt func(string) string
}

// flip changes the byte at i to another byte of the same alphabet.
func flip(tok string, i int, alphabet string) string {
	b := []byte(tok)
	k := strings.IndexByte(alphabet, b[i])
	b[i] = alphabet[(k+1)%len(alphabet)]
	return string(b)
}

var families = []family{
	{"github-token", func(r *rand.Rand) string { return genGitHub(r, "ghp_") }, true, func(s string) string { return flip(s, 10, b62chars) }},
	{"github-token", func(r *rand.Rand) string { return genGitHub(r, "ghs_") }, true, func(s string) string { return flip(s, 39, b62chars) }},
	{"npm-token", func(r *rand.Rand) string { return genGitHub(r, "npm_") }, true, func(s string) string { return flip(s, 4, b62chars) }},
	{"atlassian-api-token", genAtlassian, true, func(s string) string { return flip(s, 20, b62chars) }},
	{"grafana-token", genGrafanaSA, true, func(s string) string { return flip(s, 7, b62chars) }},
	{"age-secret-key", genAge, true, func(s string) string { return flip(s, 30, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L") }},
	{"github-fine-grained-pat", func(r *rand.Rand) string {
		return "github_pat_" + rnd(r, 22, b62chars) + "_" + rnd(r, 59, b62chars)
	}, true, nil},
	{"aws-access-key-id", func(r *rand.Rand) string { return "AKIA" + rnd(r, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") }, true, nil},
	{"google-api-key", func(r *rand.Rand) string { return "AIza" + rnd(r, 35, b64uChars) }, true, nil},
	{"sendgrid-api-key", func(r *rand.Rand) string { return "SG." + rnd(r, 22, b64uChars) + "." + rnd(r, 43, b64uChars) }, true, nil},
	{"twilio-api-key", func(r *rand.Rand) string { return "SK" + rnd(r, 32, hexLower) }, true, nil},
	{"digitalocean-token", func(r *rand.Rand) string { return "dop_v1_" + rnd(r, 64, hexLower) }, true, nil},
	{"shopify-token", func(r *rand.Rand) string { return "shpat_" + rnd(r, 32, hexLower) }, true, nil},
	{"stripe-secret-key", func(r *rand.Rand) string { return "sk_live_" + rnd(r, 24, b62chars) }, false, nil},
	{"slack-token", func(r *rand.Rand) string {
		return "xoxb-" + rnd(r, 4, "0123456789") + "-" + rnd(r, 4, "0123456789") + "-" + rnd(r, 10, b62chars)
	}, false, nil},
	{"slack-app-token", func(r *rand.Rand) string { return "xapp-1-A" + rnd(r, 9, "ABCDEF0123") + "-" + rnd(r, 7, "0123456789") }, false, nil},
	{"gitlab-token", func(r *rand.Rand) string { return "glpat-" + rnd(r, 20, b64uChars) }, false, nil},
	{"vault-token", func(r *rand.Rand) string { return "hvs." + rnd(r, 24, b64uChars) }, false, nil},
	{"doppler-token", func(r *rand.Rand) string { return "dp.st." + rnd(r, 40, b62chars) }, false, nil},
	{"pypi-token", func(r *rand.Rand) string { return "pypi-AgEIcHlwaS5vcmc" + rnd(r, 50, b64uChars) }, false, nil},
	{"openai-api-key", func(r *rand.Rand) string { return "sk-" + rnd(r, 20, b62chars) + "T3BlbkFJ" + rnd(r, 12, b62chars) }, false, nil},
	{"anthropic-api-key", func(r *rand.Rand) string { return "sk-ant-api03-" + rnd(r, 78, b64uChars) + "AA" }, false, nil},
	{"1password-service-account-token", func(r *rand.Rand) string { return "ops_eyJ" + rnd(r, 243, b62chars) }, false, nil},
	{"microsoft-identifiable-key", func(r *rand.Rand) string {
		// A standard key with its Marvin32 checksum (see cask.go).
		return detecttest.New(r.Uint64()).Variant("microsoft-identifiable-key", "cask-84").Text
	}, false, nil},
}

func allSet(t testing.TB) *Set {
	t.Helper()
	s, err := Parse("all")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// findingsOf returns the findings of rule in text.
func findingsOf(s *Set, text string, rule string) []Finding {
	var out []Finding
	for _, f := range s.Find(nil, []byte(text)) {
		if f.Rule.ID == rule {
			out = append(out, f)
		}
	}
	return out
}

func TestFamiliesInContexts(t *testing.T) {
	s := allSet(t)
	rng := rand.New(rand.NewPCG(1, 2))
	contexts := []struct{ before, after string }{
		{"", ""},
		{"token ", "\n"},
		{"x=", "&y=1"},
		{`{"k":"`, `"}`},
		{"\xff\xfe", "\xc3"},
		{"Authorization: Bearer ", "\r\n"},
		{"2026-01-02T03:04:05Z INFO key:", " end"},
		{"'", "'"},
	}
	for _, fam := range families {
		for k, c := range contexts {
			for range 20 {
				tok := fam.gen(rng)
				text := c.before + tok + c.after
				got := findingsOf(s, text, fam.rule)
				if len(got) != 1 || got[0].Start != len(c.before) || got[0].End != len(c.before)+len(tok) {
					t.Fatalf("%s in context %d (token length %d): findings %v", fam.rule, k, len(tok), spans(got))
				}
			}
		}
	}
}

func spans(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s[%d:%d]%s", f.Rule.ID, f.Start, f.End, f.Confidence))
	}
	return out
}

func TestFamiliesRejected(t *testing.T) {
	s := allSet(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, fam := range families {
		for range 50 {
			tok := fam.gen(rng)
			cases := map[string]string{
				"truncated":           tok[:len(tok)-1],
				"alphanumeric before": "a" + tok,
				"digit before":        "7" + tok,
			}
			if fam.fixed {
				cases["too long"] = tok + "x"
				cases["longer run"] = tok + "Z9"
			}
			if fam.corrupt != nil {
				cases["wrong checksum"] = fam.corrupt(tok)
			}
			for name, text := range cases {
				for _, ctx := range []string{"%s", "a b %s c", "\xff%s\xfe"} {
					if got := findingsOf(s, fmt.Sprintf(ctx, text), fam.rule); len(got) != 0 {
						t.Fatalf("%s %s (length %d): findings %v", fam.rule, name, len(text), spans(got))
					}
				}
			}
		}
	}
}

func TestChecksumFamiliesReportChecksum(t *testing.T) {
	s := allSet(t)
	rng := rand.New(rand.NewPCG(5, 6))
	for _, fam := range families {
		if fam.corrupt == nil {
			continue
		}
		got := findingsOf(s, fam.gen(rng), fam.rule)
		if len(got) != 1 || got[0].Confidence != Checksum {
			t.Fatalf("%s: %v", fam.rule, spans(got))
		}
	}
}

// TestWrongChecksumsNeverReported corrupts every position of checksummed
// tokens: no corrupted token is reported by any rule of its family.
func TestWrongChecksumsNeverReported(t *testing.T) {
	s := allSet(t)
	rng := rand.New(rand.NewPCG(7, 8))
	total := 0
	for _, fam := range families {
		if fam.corrupt == nil {
			continue
		}
		tok := fam.gen(rng)
		for i := 5; i < len(tok); i++ {
			b := []byte(tok)
			for _, c := range []byte("0aZ") {
				if tok[i] == c || !alnum[tok[i]] {
					continue
				}
				b[i] = c
				total++
				if got := findingsOf(s, string(b), fam.rule); len(got) != 0 {
					t.Fatalf("%s corrupted at %d: %v", fam.rule, i, spans(got))
				}
			}
		}
	}
	if total < 100 {
		t.Fatalf("only %d corruptions tried", total)
	}
}

func TestKnownPublishedExamples(t *testing.T) {
	// Format examples from owners' documentation: shapes, no live values.
	s := allSet(t)
	for _, c := range []struct{ rule, text string }{
		{"aws-access-key-id", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"},
	} {
		if got := findingsOf(s, c.text, c.rule); len(got) != 1 {
			t.Errorf("%s: %v", c.rule, spans(got))
		}
	}
}

func TestPEM(t *testing.T) {
	s := allSet(t)
	body := strings.Repeat("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7", 3)
	for _, nl := range []string{"\n", "\r\n", `\n`, `\r\n`} {
		for _, label := range []string{"PRIVATE KEY", "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "PGP PRIVATE KEY BLOCK"} {
			block := "-----BEGIN " + label + "-----" + nl + body + nl + body[:20] + "==" + nl + "-----END " + label + "-----"
			text := `{"key":"` + block + `"} after`
			got := findingsOf(s, text, "private-key")
			if len(got) != 1 || got[0].Start != 8 || got[0].End != 8+len(block) || got[0].Confidence != Structure {
				t.Fatalf("%q %s: %v", nl, label, spans(got))
			}
		}
	}
	// Truncated: BEGIN line and body, prefix confidence.
	text := "-----BEGIN EC PRIVATE KEY-----\n" + body + "\n"
	got := findingsOf(s, text+"[next line]", "private-key")
	if len(got) != 1 || got[0].End != len(text) || got[0].Confidence != Prefix {
		t.Fatalf("truncated: %v", spans(got))
	}
	// Public keys and certificates are not private keys.
	for _, l := range []string{"PUBLIC KEY", "CERTIFICATE", "RSA PUBLIC KEY"} {
		if got := findingsOf(s, "-----BEGIN "+l+"-----\n"+body+"\n-----END "+l+"-----\n", "private-key"); len(got) != 0 {
			t.Fatalf("%s: %v", l, spans(got))
		}
	}
}

func TestURLPassword(t *testing.T) {
	s := allSet(t)
	for _, c := range []struct {
		text       string
		start, end int // -1: none
	}{
		{"postgres://app:hunter2pw@db:5432/x", 15, 24},
		{"dial https://u:p%40ss@host/", 15, 21},
		{"redis://:onlypass@cache", 9, 17},
		{"ssh://git@github.com:org/repo", -1, -1},
		{"mailto:a@b.c", -1, -1},
		{"http://host:8080/path@x", -1, -1},
		{"user:pw@host", -1, -1},
		{"https://u:@host", -1, -1},
	} {
		got := findingsOf(s, c.text, "url-password")
		if c.start < 0 {
			if len(got) != 0 {
				t.Errorf("text %d: %v", len(c.text), spans(got))
			}
			continue
		}
		if len(got) != 1 || got[0].Start != c.start || got[0].End != c.end {
			t.Errorf("text of length %d: want [%d:%d], got %v", len(c.text), c.start, c.end, spans(got))
		}
	}
}

func TestJWT(t *testing.T) {
	s := allSet(t)
	hdr := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" // {"alg":"HS256","typ":"JWT"}
	tok := hdr + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
	if got := findingsOf(s, "Bearer "+tok+" x", "jwt"); len(got) != 1 || got[0].Start != 7 || got[0].End != 7+len(tok) {
		t.Fatalf("jwt: %v", spans(got))
	}
	if Default().Has("jwt") {
		t.Fatal("jwt is in the default set")
	}
	// A header without alg is no JWT.
	noAlg := "eyJ0eXAiOiJKV1QiLCJ4IjoxfQ" // {"typ":"JWT","x":1}
	if got := findingsOf(s, noAlg+".eyJzdWIiOiIxIn0.abc", "jwt"); len(got) != 0 {
		t.Fatalf("no alg: %v", spans(got))
	}
}

func TestParse(t *testing.T) {
	d, err := Parse("default")
	if err != nil || d.Len() != Default().Len() {
		t.Fatalf("default: %v %d", err, d.Len())
	}
	s, err := Parse("default,jwt,-aws-access-key-id")
	if err != nil {
		t.Fatal(err)
	}
	if !s.Has("jwt") || s.Has("aws-access-key-id") || s.Len() != Default().Len() {
		t.Fatalf("spec: %s", s)
	}
	if n, _ := Parse("none"); n.Len() != 0 {
		t.Fatal("none")
	}
	if a, _ := Parse("all"); a.Len() != len(Rules()) {
		t.Fatal("all")
	}
	if _, err := Parse("default,nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("unknown id: %v", err)
	}
	if _, err := New("github-token", "bogus"); err == nil || !strings.Contains(err.Error(), `"bogus"`) {
		t.Fatalf("unknown id: %v", err)
	}
	var nilSet *Set
	if nilSet.Len() != 0 || nilSet.Rules() != nil || len(nilSet.Find(nil, []byte("ghp_x"))) != 0 {
		t.Fatal("nil set")
	}
	rt, err := Parse(s.String())
	if err != nil || rt.String() != s.String() {
		t.Fatalf("round trip: %v", err)
	}
}

func TestRulesDescribed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] || r.ID == "" || r.Name == "" || r.Remediation == "" || r.Format == "" || r.Source == "" || r.Confidence == 0 {
			t.Errorf("rule %q incompletely described or duplicated", r.ID)
		}
		seen[r.ID] = true
		if got, ok := Lookup(r.ID); !ok || got != r {
			t.Errorf("Lookup(%q)", r.ID)
		}
		if !strings.Contains(r.Remediation, "http") && r.ID != "private-key" && r.ID != "url-password" {
			t.Errorf("rule %q: remediation names no URL", r.ID)
		}
	}
	for _, id := range []string{"github-token", "github-fine-grained-pat", "npm-token", "atlassian-api-token",
		"microsoft-identifiable-key", "age-secret-key", "gitlab-token", "slack-token", "slack-app-token",
		"stripe-secret-key", "aws-access-key-id", "google-api-key", "openai-api-key", "anthropic-api-key",
		"sendgrid-api-key", "twilio-api-key", "vault-token", "doppler-token", "digitalocean-token",
		"shopify-token", "pypi-token", "grafana-token", "1password-service-account-token", "private-key",
		"url-password", "jwt"} {
		if !seen[id] {
			t.Errorf("contract rule %q missing", id)
		}
	}
}

func TestFindDoesNotAllocate(t *testing.T) {
	s := allSet(t)
	rng := rand.New(rand.NewPCG(9, 9))
	text := []byte(strings.Repeat("2026-01-02T03:04:05Z INFO request served user_id=42 path=/api/v1 ", 50) + genGitHub(rng, "ghp_") + " -----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY----- https://u:p@h")
	dst := make([]Finding, 0, 16)
	if n := testing.AllocsPerRun(20, func() { dst = s.Find(dst[:0], text) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
	if len(dst) != 3 {
		t.Fatalf("findings %v", spans(dst))
	}
}

// TestClasses pins the byte classes whose makeClass spelling has a '-'.
func TestClasses(t *testing.T) {
	for _, c := range []struct {
		name  string
		cl    *class
		in    string
		notIn string
	}{
		{"b64Any", b64Any, "azAZ09+/-_", "=:.@ \x00\xff"},
		{"runByte", runByte, "az09-_.+/=", ":@ \"'"},
		{"b64url", b64url, "az09-_", "=+/."},
		{"schemeByte", schemeByte, "a+.-", ":/@"},
		{"pemBody", pemBody, "aZ+/= \r\n\\:,-", "\"{}"},
		{"userinfo", userinfo, "a-._~%!$&'()*+,;=:", "/@?#[] "},
	} {
		for i := 0; i < len(c.in); i++ {
			if !c.cl[c.in[i]] {
				t.Errorf("%s lacks %q", c.name, c.in[i])
			}
		}
		for i := 0; i < len(c.notIn); i++ {
			if c.cl[c.notIn[i]] {
				t.Errorf("%s holds %q", c.name, c.notIn[i])
			}
		}
	}
}
