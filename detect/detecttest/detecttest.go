// Package detecttest generates valid tokens of every family package detect
// knows, for recall, false-positive and benchmark tests.
//
// The generators are written from the token owners' published descriptions
// (each generator names its source), independently of package detect's
// validators, so that a test comparing the two checks both. Generation is
// deterministic from a seed (math/rand/v2 PCG).
//
// The values are test fixtures shaped exactly like live credentials: tests
// must treat them as secrets and never print them (report rule, variant,
// positions and lengths instead).
package detecttest

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// Token is one generated token, placed in Text. Text[Start:End] is the part
// a detector must redact: the whole of Text except for url-password, where
// Text is the URL and the span its password.
type Token struct {
	Rule    string // detect rule ID
	Variant string // which shape of the family ("ghp", "pem-rsa-crlf", ...)
	Text    string
	Start   int
	End     int
	// Checksum reports that this shape carries a checksum its owner
	// publishes (and that the generator computed it).
	Checksum bool
}

// Secret returns the part to redact.
func (t Token) Secret() string { return t.Text[t.Start:t.End] }

// summed marks t as carrying a published checksum.
func summed(t Token) Token {
	t.Checksum = true
	return t
}

// whole makes a token whose whole text is the secret.
func whole(rule, variant, text string) Token {
	return Token{Rule: rule, Variant: variant, Text: text, Start: 0, End: len(text)}
}

// Gen generates tokens. It is not safe for concurrent use.
type Gen struct {
	r *rand.Rand
}

// New returns a generator seeded with seed.
func New(seed uint64) *Gen {
	return &Gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Rand returns the generator's source, for callers that build text around
// the tokens.
func (g *Gen) Rand() *rand.Rand { return g.r }

func (g *Gen) str(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

func (g *Gen) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	return b
}

func (g *Gen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

// family is one rule's generators.
type family struct {
	rule string
	// variants generate the valid shapes.
	variants []variant
	// bad generates the same token with a wrong checksum; nil for a family
	// without a checksum.
	bad func(g *Gen) Token
}

type variant struct {
	name string
	gen  func(g *Gen) Token
}

var families = []family{
	{rule: "github-token", variants: []variant{
		{"ghp", func(g *Gen) Token { return g.github("ghp_") }},
		{"gho", func(g *Gen) Token { return g.github("gho_") }},
		{"ghu", func(g *Gen) Token { return g.github("ghu_") }},
		{"ghs", func(g *Gen) Token { return g.github("ghs_") }},
		{"ghr", func(g *Gen) Token { return g.github("ghr_") }},
		{"ghs-stateless", func(g *Gen) Token { return g.githubStateless() }},
	}, bad: func(g *Gen) Token {
		return g.badSuffix(g.github(g.pick("ghp_", "gho_", "ghu_", "ghs_", "ghr_")), base62Alphabet, 6)
	}},
	{rule: "github-fine-grained-pat", variants: []variant{
		// github_pat_ + 22 base62 + "_" + 59 base62 (93 characters in all), as
		// GitHub's fine-grained personal access tokens are issued.
		{"github_pat", func(g *Gen) Token {
			return whole("github-fine-grained-pat", "github_pat", "github_pat_"+g.str(alnum, 22)+"_"+g.str(alnum, 59))
		}},
	}},
	{rule: "npm-token", variants: []variant{
		{"npm", func(g *Gen) Token { return g.npm() }},
	}, bad: func(g *Gen) Token { return g.badSuffix(g.npm(), base62Alphabet, 6) }},
	{rule: "atlassian-api-token", variants: []variant{
		{"ATATT", func(g *Gen) Token { return g.atlassian() }},
	}, bad: func(g *Gen) Token { return g.badSuffix(g.atlassian(), "0123456789ABCDEF", 8) }},
	{rule: "microsoft-identifiable-key", variants: []variant{
		{"cask-84", func(g *Gen) Token { return g.cask(false) }},
		{"cask-88", func(g *Gen) Token { return g.cask(true) }},
	}, bad: func(g *Gen) Token { return g.badCask() }},
	{rule: "age-secret-key", variants: []variant{
		{"age", func(g *Gen) Token { return g.age() }},
		{"age-pq", func(g *Gen) Token { return g.agePQ() }},
	}, bad: func(g *Gen) Token { return g.badSuffix(g.age(), strings.ToUpper(bech32Alphabet), 6) }},
	{rule: "gitlab-token", variants: []variant{
		{"glpat-routable", func(g *Gen) Token { return g.gitlabRoutable("glpat-") }},
		{"glpat", func(g *Gen) Token { return whole("gitlab-token", "glpat", "glpat-"+g.str(b64url, 20)) }},
		{"gldt", func(g *Gen) Token { return whole("gitlab-token", "gldt", "gldt-"+g.str(b64url, 20)) }},
		{"glrt", func(g *Gen) Token { return whole("gitlab-token", "glrt", "glrt-"+g.str(b64url, 20)) }},
		{"glptt", func(g *Gen) Token { return whole("gitlab-token", "glptt", "glptt-"+g.str(hexLower, 40)) }},
		{"glrt-routable", func(g *Gen) Token { t := g.gitlabRoutable("glrt-t1_"); t.Variant = "glrt-routable"; return t }},
		{"glcbt-jwt", func(g *Gen) Token { return g.gitlabJobToken() }},
	}, bad: func(g *Gen) Token {
		return g.badSuffix(g.gitlabRoutable("glpat-"), "0123456789abcdefghijklmnopqrstuvwxyz", 7)
	}},
	{rule: "slack-token", variants: []variant{
		{"xoxb", func(g *Gen) Token {
			return whole("slack-token", "xoxb", "xoxb-"+g.str(digits, 12)+"-"+g.str(digits, 13)+"-"+g.str(alnum, 24))
		}},
		{"xoxp", func(g *Gen) Token {
			return whole("slack-token", "xoxp", "xoxp-"+g.str(digits, 12)+"-"+g.str(digits, 12)+"-"+g.str(digits, 13)+"-"+g.str(hexLower, 32))
		}},
	}},
	{rule: "slack-app-token", variants: []variant{
		{"xapp", func(g *Gen) Token {
			return whole("slack-app-token", "xapp", "xapp-1-A"+g.str(upperDigits, 10)+"-"+g.str(digits, 13)+"-"+g.str(hexLower, 64))
		}},
	}},
	{rule: "stripe-secret-key", variants: []variant{
		{"sk_live", func(g *Gen) Token { return whole("stripe-secret-key", "sk_live", "sk_live_"+g.str(alnum, 99)) }},
		{"sk_live-short", func(g *Gen) Token { return whole("stripe-secret-key", "sk_live-short", "sk_live_"+g.str(alnum, 24)) }},
		{"rk_live", func(g *Gen) Token { return whole("stripe-secret-key", "rk_live", "rk_live_"+g.str(alnum, 99)) }},
	}},
	{rule: "aws-access-key-id", variants: []variant{
		{"AKIA", func(g *Gen) Token { return whole("aws-access-key-id", "AKIA", "AKIA"+g.str(awsAlphabet, 16)) }},
		{"ASIA", func(g *Gen) Token { return whole("aws-access-key-id", "ASIA", "ASIA"+g.str(awsAlphabet, 16)) }},
		{"ABIA", func(g *Gen) Token { return whole("aws-access-key-id", "ABIA", "ABIA"+g.str(awsAlphabet, 16)) }},
	}},
	{rule: "google-api-key", variants: []variant{
		{"AIza", func(g *Gen) Token { return whole("google-api-key", "AIza", "AIza"+g.str(b64url, 35)) }},
	}},
	{rule: "openai-api-key", variants: []variant{
		// Keys carry "T3BlbkFJ" (base64 of "OpenAI") between two random halves.
		{"sk-proj", func(g *Gen) Token {
			return whole("openai-api-key", "sk-proj", "sk-proj-"+g.str(b64url, 74)+"T3BlbkFJ"+g.str(b64url, 74))
		}},
		{"sk-svcacct", func(g *Gen) Token {
			return whole("openai-api-key", "sk-svcacct", "sk-svcacct-"+g.str(b64url, 74)+"T3BlbkFJ"+g.str(b64url, 74))
		}},
		{"sk-legacy", func(g *Gen) Token {
			return whole("openai-api-key", "sk-legacy", "sk-"+g.str(alnum, 20)+"T3BlbkFJ"+g.str(alnum, 20))
		}},
	}},
	{rule: "anthropic-api-key", variants: []variant{
		{"sk-ant-api03", func(g *Gen) Token {
			return whole("anthropic-api-key", "sk-ant-api03", "sk-ant-api03-"+g.str(b64url, 93)+"AA")
		}},
		{"sk-ant-admin01", func(g *Gen) Token {
			return whole("anthropic-api-key", "sk-ant-admin01", "sk-ant-admin01-"+g.str(b64url, 93)+"AA")
		}},
	}},
	{rule: "sendgrid-api-key", variants: []variant{
		{"SG", func(g *Gen) Token {
			return whole("sendgrid-api-key", "SG", "SG."+g.str(b64url, 22)+"."+g.str(b64url, 43))
		}},
	}},
	{rule: "twilio-api-key", variants: []variant{
		{"SK", func(g *Gen) Token { return whole("twilio-api-key", "SK", "SK"+g.str(hexLower, 32)) }},
	}},
	{rule: "vault-token", variants: []variant{
		{"hvs", func(g *Gen) Token { return g.vaultService() }},
		{"s-legacy", func(g *Gen) Token { return g.vaultLegacy() }},
		{"hvb", func(g *Gen) Token {
			return whole("vault-token", "hvb", "hvb.AAAAAQ"+base64.RawURLEncoding.EncodeToString(g.bytes(120)))
		}},
	}},
	{rule: "doppler-token", variants: []variant{
		{"dp.pt", func(g *Gen) Token { return whole("doppler-token", "dp.pt", "dp.pt."+g.str(alnum, 43)) }},
		{"dp.st", func(g *Gen) Token { return whole("doppler-token", "dp.st", "dp.st."+g.str(alnum, 43)) }},
		{"dp.sa", func(g *Gen) Token { return whole("doppler-token", "dp.sa", "dp.sa."+g.str(alnum, 43)) }},
	}},
	{rule: "digitalocean-token", variants: []variant{
		{"dop_v1", func(g *Gen) Token { return whole("digitalocean-token", "dop_v1", "dop_v1_"+g.str(hexLower, 64)) }},
		{"doo_v1", func(g *Gen) Token { return whole("digitalocean-token", "doo_v1", "doo_v1_"+g.str(hexLower, 64)) }},
		{"dor_v1", func(g *Gen) Token { return whole("digitalocean-token", "dor_v1", "dor_v1_"+g.str(hexLower, 64)) }},
	}},
	{rule: "shopify-token", variants: []variant{
		{"shpat", func(g *Gen) Token { return whole("shopify-token", "shpat", "shpat_"+g.str(hexLower, 32)) }},
		{"shpss", func(g *Gen) Token { return whole("shopify-token", "shpss", "shpss_"+g.str(hexLower, 32)) }},
		{"shpca", func(g *Gen) Token { return whole("shopify-token", "shpca", "shpca_"+g.str(hexLower, 32)) }},
		{"shppa", func(g *Gen) Token { return whole("shopify-token", "shppa", "shppa_"+g.str(hexLower, 32)) }},
	}},
	{rule: "pypi-token", variants: []variant{
		// A PyPI API token is "pypi-" + a base64url macaroon whose first bytes
		// encode the location "pypi.org": "AgEIcHlwaS5vcmc".
		{"pypi", func(g *Gen) Token {
			return whole("pypi-token", "pypi", "pypi-AgEIcHlwaS5vcmc"+base64.RawURLEncoding.EncodeToString(g.bytes(60)))
		}},
	}},
	{rule: "grafana-token", variants: []variant{
		{"glsa", func(g *Gen) Token { return g.grafanaSA() }},
		{"glc", func(g *Gen) Token { return g.grafanaCloud() }},
	}, bad: func(g *Gen) Token { return g.badSuffix(g.grafanaSA(), hexLower, 8) }},
	{rule: "1password-service-account-token", variants: []variant{
		{"ops", func(g *Gen) Token { return g.onePassword() }},
	}},
	{rule: "private-key", variants: []variant{
		{"pem-rsa-lf", func(g *Gen) Token { return g.pem("RSA PRIVATE KEY", 1190, 64, "\n") }},
		{"pem-rsa-crlf", func(g *Gen) Token { return g.pem("RSA PRIVATE KEY", 1190, 64, "\r\n") }},
		{"pem-ec-lf", func(g *Gen) Token { return g.pem("EC PRIVATE KEY", 121, 64, "\n") }},
		{"pem-ec-crlf", func(g *Gen) Token { return g.pem("EC PRIVATE KEY", 121, 64, "\r\n") }},
		{"pem-openssh-lf", func(g *Gen) Token { return g.pem("OPENSSH PRIVATE KEY", 387, 70, "\n") }},
		{"pem-openssh-crlf", func(g *Gen) Token { return g.pem("OPENSSH PRIVATE KEY", 387, 70, "\r\n") }},
		{"pem-pkcs8-lf", func(g *Gen) Token { return g.pem("PRIVATE KEY", 1218, 64, "\n") }},
		{"pem-pkcs8-crlf", func(g *Gen) Token { return g.pem("PRIVATE KEY", 1218, 64, "\r\n") }},
	}},
	{rule: "url-password", variants: []variant{
		{"postgres", func(g *Gen) Token { return g.urlPassword("postgres", "db.internal:5432/app") }},
		{"https", func(g *Gen) Token { return g.urlPassword("https", "registry.example.com/v2/") }},
		{"redis", func(g *Gen) Token { return g.urlPassword("redis", "cache-1.internal:6379/0") }},
	}},
	{rule: "jwt", variants: []variant{
		{"hs256", func(g *Gen) Token { return g.jwt() }},
	}},
}

// Rules returns the rule IDs the package generates tokens for, in a stable
// order.
func Rules() []string {
	out := make([]string, len(families))
	for i, f := range families {
		out[i] = f.rule
	}
	return out
}

// Checksummed returns the rule IDs whose tokens carry a checksum, for which
// BadChecksum generates near misses.
func Checksummed() []string {
	var out []string
	for _, f := range families {
		if f.bad != nil {
			out = append(out, f.rule)
		}
	}
	return out
}

// Variants returns the names of a rule's shapes; nil for an unknown rule.
func Variants(rule string) []string {
	i := slices.IndexFunc(families, func(f family) bool { return f.rule == rule })
	if i < 0 {
		return nil
	}
	var out []string
	for _, v := range families[i].variants {
		out = append(out, v.name)
	}
	return out
}

func lookup(rule string) family {
	for _, f := range families {
		if f.rule == rule {
			return f
		}
	}
	panic(fmt.Sprintf("detecttest: no generator for rule %q", rule))
}

// Token returns a valid token of the rule, in a shape chosen at random. It
// panics on a rule the package does not know (a test bug).
func (g *Gen) Token(rule string) Token {
	f := lookup(rule)
	return f.variants[g.r.IntN(len(f.variants))].gen(g)
}

// Variant returns a valid token of the rule in the named shape.
func (g *Gen) Variant(rule, name string) Token {
	for _, v := range lookup(rule).variants {
		if v.name == name {
			return v.gen(g)
		}
	}
	panic(fmt.Sprintf("detecttest: rule %q has no variant %q", rule, name))
}

// All returns one valid token of every shape of every rule.
func (g *Gen) All() []Token {
	var out []Token
	for _, f := range families {
		for _, v := range f.variants {
			out = append(out, v.gen(g))
		}
	}
	return out
}

// BadChecksum returns a token of a checksummed rule whose checksum does not
// verify: same shape, same alphabet, checksum characters changed. ok is false
// for a rule without a checksum.
func (g *Gen) BadChecksum(rule string) (t Token, ok bool) {
	f := lookup(rule)
	if f.bad == nil {
		return Token{}, false
	}
	return f.bad(g), true
}

// badSuffix replaces the last n characters of t (its checksum) with others
// drawn from alphabet, so that the result differs.
func (g *Gen) badSuffix(t Token, alphabet string, n int) Token {
	head, tail := t.Text[:len(t.Text)-n], t.Text[len(t.Text)-n:]
	for {
		s := g.str(alphabet, n)
		if s != tail {
			t.Text = head + s
			t.End = len(t.Text)
			t.Variant += "-badsum"
			return t
		}
	}
}

// github returns a GitHub token: prefix + 30 base62 + base62CRC of the 30.
func (g *Gen) github(prefix string) Token {
	body := g.str(base62Alphabet, 30)
	return summed(whole("github-token", prefix[:3], prefix+body+base62CRC(body)))
}

// npm returns an npm access token: npm_ + 30 base62 + 6 base62 checksum, the
// GitHub scheme.
func (g *Gen) npm() Token {
	body := g.str(base62Alphabet, 30)
	return summed(whole("npm-token", "npm", "npm_"+body+base62CRC(body)))
}

// atlassian returns an Atlassian API token: "ATATT3xFfGF0", a base64url body,
// "=" and eight upper-case hex digits. The eight digits are the CRC32 (IEEE)
// of everything before them. This is the shape Atlassian issues since 2023;
// Atlassian publishes no format description (it calls its tokens opaque), so
// the checksum is as secret scanners document it, not as the owner does.
func (g *Gen) atlassian() Token {
	head := "ATATT3xFfGF0" + g.str(b64url, 171) + "="
	return summed(whole("atlassian-api-token", "ATATT", head+fmt.Sprintf("%08X", crc32IEEE(head))))
}

// age returns an age X25519 identity: Bech32 of 32 random bytes with the HRP
// "age-secret-key-", upper case (C2SP age specification).
func (g *Gen) age() Token {
	return summed(whole("age-secret-key", "age", strings.ToUpper(bech32Encode("age-secret-key-", to5bit(g.bytes(32))))))
}

// githubStateless returns a GitHub App installation token in the stateless
// format GitHub issues since 2026-04-27 (github/docs
// data/reusables/apps/ghs-stateless-token-format.md): "ghs_" + the app ID +
// "_" + a JWT GitHub signs, about 520 characters.
func (g *Gen) githubStateless() Token {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"ES256","typ":"JWT"}`))
	c := enc.EncodeToString(fmt.Appendf(nil, `{"iss":"%d","sub":"installation:%d","iat":%d,"exp":%d,"jti":"%s","perm":"%s"}`,
		1+g.r.IntN(3e6), 1+g.r.IntN(9e7), 1777300000+g.r.IntN(1e7), 1777303600+g.r.IntN(1e7), g.str(b64url, 22), g.str(b64url, 120)))
	return whole("github-token", "ghs-stateless", fmt.Sprintf("ghs_%d_%s.%s.%s", 1+g.r.IntN(3e6), h, c, enc.EncodeToString(g.bytes(64))))
}

// agePQ returns an age post-quantum hybrid identity (ML-KEM-768 + X25519,
// age 1.3's age-keygen -pq): Bech32 of a 32-byte seed with the HRP
// "age-secret-key-pq-", upper case.
func (g *Gen) agePQ() Token {
	return summed(whole("age-secret-key", "age-pq", strings.ToUpper(bech32Encode("age-secret-key-pq-", to5bit(g.bytes(32))))))
}

// gitlabJobToken returns a GitLab CI/CD job token: "glcbt-" + a JWT
// (RS256) naming the job.
func (g *Gen) gitlabJobToken() Token {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"kid":"` + g.str(b64url, 43) + `","typ":"JWT","alg":"RS256"}`))
	c := enc.EncodeToString(fmt.Appendf(nil, `{"version":"0.1.0","o":"%d","u":"%s","p":"%s","jti":"%s","aud":"gitlab-authz-token","sub":"gid://gitlab/Ci::Build/%d","iss":"gitlab.com","iat":%d,"exp":%d}`,
		1+g.r.IntN(1e5), base36(g.r.Uint64N(1e8)), base36(g.r.Uint64N(1e8)), g.uuid(), g.r.IntN(1e10), 1764676800+g.r.IntN(1e6), 1764680400+g.r.IntN(1e6)))
	return whole("gitlab-token", "glcbt-jwt", "glcbt-"+h+"."+c+"."+enc.EncodeToString(g.bytes(256)))
}

// vaultLegacy returns a Vault service token in the format before Vault
// 1.10 (and OpenBao's): "s." + 24 base62 characters, with a digit and both
// cases as all but a few percent of them have.
func (g *Gen) vaultLegacy() Token {
	for {
		id := g.str(alnum, 24)
		if strings.ContainsAny(id, digits) && strings.ContainsAny(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") && strings.ContainsAny(id, "abcdefghijklmnopqrstuvwxyz") {
			return whole("vault-token", "s-legacy", "s."+id)
		}
	}
}

// gitlabRoutable returns a GitLab routable token as GitLab's
// Authn::TokenField::Generator::RoutableToken writes it
// (lib/authn/token_field/generator/routable_token.rb):
// prefix + base64url(16 random bytes + routing payload + payload length
// byte, unpadded) + "." + version "01" + "." + base36 payload length (2) +
// base36 CRC32 (IEEE) of everything before, padded to 7.
func (g *Gen) gitlabRoutable(prefix string) Token {
	payload := fmt.Sprintf("c:%s\no:%s\nu:%s", base36(g.r.Uint64N(100)), base36(g.r.Uint64N(1e6)), base36(g.r.Uint64N(1e8)))
	raw := append(g.bytes(16), payload...)
	raw = append(raw, byte(len(payload)))
	b64 := base64.RawURLEncoding.EncodeToString(raw)
	head := prefix + b64 + ".01." + base36Pad(uint64(len(b64)), 2)
	return summed(whole("gitlab-token", strings.TrimSuffix(prefix, "-")+"-routable", head+base36Pad(uint64(crc32IEEE(head)), 7)))
}

func base36(v uint64) string { return base36Pad(v, 1) }

// cask returns a Microsoft common annotated security key
// (microsoft/security-utilities CommonAnnotatedKey.cs and
// IdentifiableSecrets.cs): 52 random base64 characters, the fixed signature
// "JQQJ99", a creation date (year from 'A' = 2024, month 'A'-'L'), 12
// platform-reserved and 4 provider-reserved characters, a 4-character
// provider signature starting with a letter, then the Marvin32 checksum
// (seed "Default0") of the 60 bytes before it: 4 characters in the 84-character
// form, 6 + "==" in the 88-character form.
func (g *Gen) cask(long bool) Token {
	// Microsoft's published pattern (CommonAnnotatedKeyRegexPattern) allows
	// only alphanumerics: a key whose checksum encodes to '+' or '/' is not
	// issued, so draw again.
	for {
		if t, ok := g.caskOnce(long); ok {
			return t
		}
	}
}

func (g *Gen) caskOnce(long bool) (Token, bool) {
	head := g.str(alnum, 52) + "JQQJ99" + g.str(upperDigits[:26], 1) + g.str("ABCDEFGHIJKL", 1) +
		g.str(alnum, 16) + g.str(alnum[:52], 1) + g.str(alnum, 3)
	raw, err := base64.StdEncoding.DecodeString(head)
	if err != nil || len(raw) != 60 {
		panic("detecttest: cask head does not decode to 60 bytes")
	}
	sum := marvin32(raw, caskSeed)
	cs := base64.StdEncoding.EncodeToString([]byte{byte(sum), byte(sum >> 8), byte(sum >> 16), byte(sum >> 24)})
	n := 4
	if long {
		// The 64-byte form: the checksum's base64 characters end the key
		// with its padding; the 6 characters before "==" carry 4 bytes.
		n = 6
	}
	if strings.ContainsAny(cs[:n], "+/") {
		return Token{}, false
	}
	if long {
		return summed(whole("microsoft-identifiable-key", "cask-88", head+cs[:6]+"==")), true
	}
	return summed(whole("microsoft-identifiable-key", "cask-84", head+cs[:4])), true
}

func (g *Gen) badCask() Token {
	t := g.cask(false)
	return g.badSuffix(t, alnum, 4)
}

// vaultService returns a HashiCorp Vault service token in the format of
// Vault 1.10 and later: "hvs." + the base64url of a small protobuf holding
// the 24-character token id, about 95 characters.
func (g *Gen) vaultService() Token {
	id := "hvs." + g.str(alnum, 24)
	msg := append([]byte{0x0a, byte(len(id))}, id...)
	msg = append(msg, 0x10, 0x01)
	pre := append([]byte{0x08, 0x01, 0x12, 0x20}, g.bytes(32)...)
	pre = append(pre, 0x1a, byte(len(msg)))
	return whole("vault-token", "hvs", "hvs."+base64.RawURLEncoding.EncodeToString(append(pre, msg...)))
}

// grafanaSA returns a Grafana service account token (grafana/grafana
// pkg/components/satokengen): "glsa_" + 32 alphanumerics + "_" + the
// little-endian hex CRC32 of the part before it.
func (g *Gen) grafanaSA() Token {
	key := "glsa_" + g.str(alnum, 32)
	return summed(whole("grafana-token", "glsa", key+"_"+grafanaChecksum(key)))
}

// grafanaCloud returns a Grafana Cloud access policy token: "glc_" + base64
// of a JSON object naming the organisation, token name, key and region.
func (g *Gen) grafanaCloud() Token {
	js := fmt.Sprintf(`{"o":"%d","n":"stack-%d-hush-%s","k":"%s","m":{"r":"prod-eu-west-2"}}`,
		g.r.IntN(1e7), g.r.IntN(1e6), g.str(hexLower, 6), g.str(alnum, 24))
	return whole("grafana-token", "glc", "glc_"+base64.StdEncoding.EncodeToString([]byte(js)))
}

// onePassword returns a 1Password service account token: "ops_" + the
// unpadded base64url of a JSON object (signInAddress, userAuth, email, srpX,
// muk, secretKey, throttleSecret, deviceUuid), several hundred characters.
func (g *Gen) onePassword() Token {
	js := fmt.Sprintf(`{"signInAddress":"my.1password.com","userAuth":{"method":"SRPg-4096","alg":"PBES2g-HS256","iterations":650000,"salt":"%s"},"email":"%s@1passwordserviceaccounts.com","srpX":"%s","muk":{"alg":"A256GCM","ext":true,"k":"%s","key_ops":["encrypt","decrypt"],"kty":"oct","kid":"mp"},"secretKey":"A3-%s-%s-%s-%s-%s-%s","throttleSecret":{"seed":"%s","deviceUuid":"%s"},"deviceUuid":"%s"}`,
		g.str(b64url, 22), g.str("abcdefghijklmnopqrstuvwxyz234567", 13), g.str(hexLower, 64), g.str(b64url, 43),
		g.str(upperDigits, 6), g.str(upperDigits, 6), g.str(upperDigits, 5), g.str(upperDigits, 5), g.str(upperDigits, 5), g.str(upperDigits, 5),
		g.str(hexLower, 64), g.str("abcdefghijklmnopqrstuvwxyz234567", 26), g.str("abcdefghijklmnopqrstuvwxyz234567", 26))
	return whole("1password-service-account-token", "ops", "ops_"+base64.RawURLEncoding.EncodeToString([]byte(js)))
}

// pem returns a PEM private-key block (RFC 7468) of n random DER-like bytes
// (an ASN.1 SEQUENCE header, or openssh-key-v1's magic), wrapped at width
// columns with the line ending eol, without a final line break.
func (g *Gen) pem(label string, n, width int, eol string) Token {
	var body []byte
	if label == "OPENSSH PRIVATE KEY" {
		body = append([]byte("openssh-key-v1\x00"), g.bytes(n-15)...)
	} else {
		body = append([]byte{0x30, 0x82, byte((n - 4) >> 8), byte(n - 4)}, g.bytes(n-4)...)
	}
	b64 := base64.StdEncoding.EncodeToString(body)
	var sb strings.Builder
	sb.WriteString("-----BEGIN " + label + "-----" + eol)
	for len(b64) > width {
		sb.WriteString(b64[:width] + eol)
		b64 = b64[width:]
	}
	sb.WriteString(b64 + eol)
	sb.WriteString("-----END " + label + "-----")
	v := "pem-" + map[string]string{"RSA PRIVATE KEY": "rsa", "EC PRIVATE KEY": "ec", "OPENSSH PRIVATE KEY": "openssh", "PRIVATE KEY": "pkcs8"}[label]
	if eol == "\r\n" {
		v += "-crlf"
	} else {
		v += "-lf"
	}
	return whole("private-key", v, sb.String())
}

// urlPassword returns scheme://user:password@rest with the password as the
// span. Passwords mix letters, digits and the sub-delimiters RFC 3986 allows
// unescaped in userinfo.
func (g *Gen) urlPassword(scheme, rest string) Token {
	user := g.pick("app", "deploy", "svc_reader", "admin")
	pw := g.str(alnum, 10) + g.str("!$*-._~", 1) + g.str(alnum, 6)
	prefix := scheme + "://" + user + ":"
	return Token{Rule: "url-password", Variant: scheme, Text: prefix + pw + "@" + rest, Start: len(prefix), End: len(prefix) + len(pw)}
}

// jwt returns an HS256 JSON Web Token (RFC 7519): base64url header, claims
// and a 32-byte signature, unpadded, joined by dots.
func (g *Gen) jwt() Token {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	c := enc.EncodeToString(fmt.Appendf(nil, `{"sub":"%d","name":"user-%s","iat":%d,"exp":%d}`,
		g.r.IntN(1e9), g.str(hexLower, 8), 1700000000+g.r.IntN(1e7), 1800000000+g.r.IntN(1e7)))
	return whole("jwt", "hs256", h+"."+c+"."+enc.EncodeToString(g.bytes(32)))
}
