package detect_test

import (
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
	"github.com/hushlog/hush/redact"
)

// Tokens as their owners issue them, generated here from the owners'
// published descriptions (and the shapes gitleaks' and TruffleHog's test
// fixtures take), independently of package detecttest's generators: every
// shape of every token family must be redacted whole in every context,
// and the realistic near misses (a wrong checksum, one character short or
// too many where the length is fixed, the wrong case) must not be reported.
// Failures name the family, the shape, the context and lengths, never a
// token.

// ownerShape is one shape a family's owner issues.
type ownerShape struct {
	rule, shape string
	// gen returns a token; pre is the part before the span to redact (an
	// instance prefix the finding need not cover), "" for most.
	gen func(r *rand.Rand) (pre, tok string)
	// checksum: the shape carries a checksum detect verifies.
	checksum bool
	// near are near misses of this shape that must not be reported under
	// the rule (nor redacted).
	near []ownerNear
}

type ownerNear struct {
	name string
	gen  func(r *rand.Rand) string
}

const (
	ownAlnum   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	ownB62     = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	ownB64url  = ownAlnum + "-_"
	ownHex     = "0123456789abcdef"
	ownDigits  = "0123456789"
	ownUpperNu = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	ownBase32  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	ownBechSet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
)

func ownStr(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func ownBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// ownBase62CRC is the CRC-32 (IEEE) of s in base62 (0-9A-Za-z), six
// digits: the checksum of GitHub's and npm's tokens.
func ownBase62CRC(s string) string {
	v := crc32.ChecksumIEEE([]byte(s))
	out := make([]byte, 6)
	for i := 5; i >= 0; i-- {
		out[i] = ownB62[v%62]
		v /= 62
	}
	return string(out)
}

func ownBase36(v uint64, width int) string {
	s := strconv.FormatUint(v, 36)
	return strings.Repeat("0", max(0, width-len(s))) + s
}

// ownBech32 encodes data (8-bit bytes) as Bech32 (BIP 173) with hrp.
func ownBech32(hrp string, data []byte) string {
	var five []byte
	acc, bits := 0, 0
	for _, b := range data {
		acc = acc<<8 | int(b)
		bits += 8
		for bits >= 5 {
			bits -= 5
			five = append(five, byte(acc>>bits&31))
		}
	}
	if bits > 0 {
		five = append(five, byte(acc<<(5-bits)&31))
	}
	polymod := func(values []byte) uint32 {
		gen := []uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
		chk := uint32(1)
		for _, v := range values {
			top := chk >> 25
			chk = (chk&0x1ffffff)<<5 ^ uint32(v)
			for i := range 5 {
				if top>>i&1 == 1 {
					chk ^= gen[i]
				}
			}
		}
		return chk
	}
	var exp []byte
	for i := 0; i < len(hrp); i++ {
		exp = append(exp, hrp[i]>>5)
	}
	exp = append(exp, 0)
	for i := 0; i < len(hrp); i++ {
		exp = append(exp, hrp[i]&31)
	}
	mod := polymod(append(append(exp, five...), 0, 0, 0, 0, 0, 0)) ^ 1
	var sb strings.Builder
	sb.WriteString(hrp + "1")
	for _, v := range five {
		sb.WriteByte(ownBechSet[v])
	}
	for i := range 6 {
		sb.WriteByte(ownBechSet[mod>>(5*(5-i))&31])
	}
	return sb.String()
}

// ownGitLabRoutable writes a routable token as GitLab's RoutableToken
// generator does: prefix + base64url(routing payload + 16 random bytes +
// their count), "." + version (when versioned) + "." + the base64 part's
// length in 2 base36 digits + the CRC-32 of all of it before, 7 base36
// digits. The CRC covers the whole prefix (an instance prefix too).
func ownGitLabRoutable(r *rand.Rand, prefix string, versioned bool, routing string) string {
	raw := append([]byte(routing), ownBytes(r, 16)...)
	raw = append(raw, 16)
	b64 := base64.RawURLEncoding.EncodeToString(raw)
	head := prefix + b64 + "."
	if versioned {
		head += "01."
	}
	head += ownBase36(uint64(len(b64)), 2)
	return head + ownBase36(uint64(crc32.ChecksumIEEE([]byte(head))), 7)
}

func ownRouting(r *rand.Rand) string {
	return fmt.Sprintf("o:%s\nu:%s", strconv.FormatInt(int64(1+r.IntN(1e6)), 36), strconv.FormatInt(int64(1+r.IntN(1e8)), 36))
}

// ownJWT is an RS256-signed JWT (RFC 7519) with claims like a GitLab CI/CD
// job token's.
func ownJWT(r *rand.Rand) string {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"kid":"` + ownStr(r, ownB64url, 43) + `","typ":"JWT","alg":"RS256"}`))
	c := enc.EncodeToString(fmt.Appendf(nil, `{"version":"0.1.0","o":"%d","u":"%s","p":"%s","g":"%s","jti":"%s-%s","aud":"gitlab-authz-token","sub":"gid://gitlab/Ci::Build/%d","iss":"gitlab.com","iat":%d,"nbf":%d,"exp":%d}`,
		1+r.IntN(1e5), strconv.FormatInt(int64(r.IntN(1e8)), 36), strconv.FormatInt(int64(r.IntN(1e8)), 36), strconv.FormatInt(int64(r.IntN(1e8)), 36),
		ownStr(r, ownHex, 8), ownStr(r, ownHex, 12), r.IntN(1e10), 1764676800+r.IntN(1e6), 1764676790+r.IntN(1e6), 1764680400+r.IntN(1e6)))
	return h + "." + c + "." + enc.EncodeToString(ownBytes(r, 256))
}

// ownGitHubJWT is a JWT like a stateless GitHub App installation token's:
// the installation, the app, validity (ES256 or RS256).
func ownGitHubJWT(r *rand.Rand) string {
	enc := base64.RawURLEncoding
	alg, sig := "ES256", 64
	if r.IntN(2) == 0 {
		alg, sig = "RS256", 256
	}
	h := enc.EncodeToString([]byte(`{"alg":"` + alg + `","typ":"JWT","kid":"` + ownStr(r, ownHex, 16) + `"}`))
	c := enc.EncodeToString(fmt.Appendf(nil, `{"iss":"%d","sub":"installation:%d","aud":"api.github.com","iat":%d,"exp":%d,"jti":"%s","rid":"%s","perm":"%s"}`,
		1+r.IntN(3e6), 1+r.IntN(9e7), 1777300000+r.IntN(1e7), 1777303600+r.IntN(1e7), ownStr(r, ownB64url, 22), ownStr(r, ownHex, 32), ownStr(r, ownB64url, 40)))
	return h + "." + c + "." + enc.EncodeToString(ownBytes(r, sig))
}

// ownGrafanaSA is a Grafana service account token: glsa_ + 32
// alphanumerics + _ + the CRC-32 of what precedes, its bytes
// little-endian, in hex.
func ownGrafanaSA(r *rand.Rand) string {
	head := "glsa_" + ownStr(r, ownAlnum, 32)
	v := crc32.ChecksumIEEE([]byte(head))
	return fmt.Sprintf("%s_%02x%02x%02x%02x", head, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

// ownAtlassian is an Atlassian API token: ATATT3xFfGF0 + base64url + "=" +
// the CRC-32 of all before it in 8 upper-case hex digits (192 characters).
func ownAtlassian(r *rand.Rand, prefix string) string {
	head := prefix + ownStr(r, ownB64url, 192-9-len(prefix)) + "="
	return fmt.Sprintf("%s%08X", head, crc32.ChecksumIEEE([]byte(head)))
}

// ownVaultSSC is a Vault 1.10+ service token: hvs. + the base64url of a
// small protobuf holding the 24-character token id.
func ownVaultSSC(r *rand.Rand) string {
	id := "hvs." + ownStr(r, ownAlnum, 24)
	inner := append([]byte{0x0a, byte(len(id))}, id...)
	inner = append(inner, 0x10, byte(1+r.IntN(100)))
	msg := append([]byte{0x0a, 0x20}, ownBytes(r, 32)...)
	msg = append(msg, 0x1a, byte(len(inner)))
	return "hvs." + base64.RawURLEncoding.EncodeToString(append(msg, inner...))
}

// ownVaultLegacyID is 24 base62 characters as Vault drew them before 1.10
// (base62.Random: uniform, with no condition on the mix).
func ownVaultLegacyID(r *rand.Rand) string {
	return ownStr(r, ownAlnum, 24)
}

// ownPyPI is a PyPI API token: pypi- + the base64url of a macaroon (format
// v2) whose location is host.
func ownPyPI(r *rand.Rand, host string) string {
	raw := append([]byte{0x02, 0x01, byte(len(host))}, host...)
	id := ownStr(r, ownHex, 8) + "-" + ownStr(r, ownHex, 4) + "-" + ownStr(r, ownHex, 4) + "-" + ownStr(r, ownHex, 4) + "-" + ownStr(r, ownHex, 12)
	raw = append(raw, 0x02, byte(len(id)+4))
	raw = append(raw, `{"i`...)
	raw = append(raw, id...)
	raw = append(raw, 0x00, 0x02, 0x2a)
	raw = append(raw, fmt.Sprintf(`[3,"%s"]`, id)...)
	raw = append(raw, 0x00, 0x00, 0x06, 0x20)
	raw = append(raw, ownBytes(r, 32)...)
	return "pypi-" + base64.RawURLEncoding.EncodeToString(raw)
}

// ownJSONToken is prefix + the base64 of a JSON object (Grafana Cloud's
// glc_, 1Password's ops_).
func ownJSONToken(prefix, js string, enc *base64.Encoding) string {
	return prefix + enc.EncodeToString([]byte(js))
}

func ownGrafanaCloud(r *rand.Rand) string {
	js := fmt.Sprintf(`{"o":"%d","n":"stack-%d-%s-write","k":"%s","m":{"r":"%s"}}`, r.IntN(1e7), r.IntN(1e6), ownStr(r, "abcdefghijklmnopqrstuvwxyz", 6), ownStr(r, ownAlnum, 24),
		[]string{"us", "eu", "prod-us-east-0", "prod-eu-west-2"}[r.IntN(4)])
	return ownJSONToken("glc_", js, base64.StdEncoding)
}

func ownOnePassword(r *rand.Rand) string {
	js := fmt.Sprintf(`{"signInAddress":"%s.1password.com","userAuth":{"method":"SRPg-4096","alg":"PBES2g-HS256","iterations":650000,"salt":"%s"},"email":"%s@1passwordserviceaccounts.com","srpX":"%s","muk":{"alg":"A256GCM","ext":true,"k":"%s","key_ops":["encrypt","decrypt"],"kty":"oct","kid":"mp"},"secretKey":"A3-%s-%s-%s-%s-%s-%s","throttleSecret":{"seed":"%s","uuid":"%s"},"deviceUuid":"%s"}`,
		[]string{"my", "acme", "team-x"}[r.IntN(3)], ownStr(r, ownB64url, 22), ownStr(r, "abcdefghijklmnopqrstuvwxyz234567", 13), ownStr(r, ownHex, 64), ownStr(r, ownB64url, 43),
		ownStr(r, ownUpperNu, 6), ownStr(r, ownUpperNu, 6), ownStr(r, ownUpperNu, 5), ownStr(r, ownUpperNu, 5), ownStr(r, ownUpperNu, 5), ownStr(r, ownUpperNu, 5),
		ownStr(r, ownHex, 64), ownStr(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 26), ownStr(r, "abcdefghijklmnopqrstuvwxyz234567", 26))
	return ownJSONToken("ops_", js, base64.RawURLEncoding)
}

// Near-miss builders.

// lastChanged changes the last n characters (a checksum) to others of
// alphabet.
func lastChanged(tok, alphabet string, n int, r *rand.Rand) string {
	for {
		s := tok[:len(tok)-n] + ownStr(r, alphabet, n)
		if s != tok {
			return s
		}
	}
}

func nearOf(name string, gen func(r *rand.Rand) string) ownerNear { return ownerNear{name, gen} }

// fixedNear returns the near misses of a fixed-length token: one
// character short, one too many (from the body's alphabet).
func fixedNear(tok func(r *rand.Rand) string, alphabet string) []ownerNear {
	return []ownerNear{
		nearOf("one-short", func(r *rand.Rand) string { t := tok(r); return t[:len(t)-1] }),
		nearOf("one-more", func(r *rand.Rand) string { return tok(r) + ownStr(r, alphabet, 1) }),
	}
}

func whole(gen func(r *rand.Rand) string) func(r *rand.Rand) (string, string) {
	return func(r *rand.Rand) (string, string) { return "", gen(r) }
}

func ownerShapes() []ownerShape {
	var out []ownerShape
	add := func(rule, shape string, gen func(r *rand.Rand) string, near ...ownerNear) {
		out = append(out, ownerShape{rule: rule, shape: shape, gen: whole(gen), near: near})
	}
	addSum := func(rule, shape string, gen func(r *rand.Rand) string, near ...ownerNear) {
		out = append(out, ownerShape{rule: rule, shape: shape, gen: whole(gen), checksum: true, near: near})
	}

	// GitHub: prefix + 30 base62 + their CRC-32 in 6 base62 (40 in all).
	for _, p := range []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"} {
		gen := func(r *rand.Rand) string { b := ownStr(r, ownAlnum, 30); return p + b + ownBase62CRC(b) }
		addSum("github-token", p[:3], gen, append(fixedNear(gen, ownAlnum),
			nearOf("bad-checksum", func(r *rand.Rand) string { return lastChanged(gen(r), ownAlnum, 1, r) }),
			nearOf("upper-prefix", func(r *rand.Rand) string { return strings.ToUpper(p) + gen(r)[4:] }))...)
	}
	// GitHub App installation tokens since 2026-04-27: ghs_ + the app ID +
	// _ + a JWT GitHub signs (about 520 characters).
	add("github-token", "ghs-stateless", func(r *rand.Rand) string {
		return "ghs_" + strconv.Itoa(1+r.IntN(3e6)) + "_" + ownGitHubJWT(r)
	})
	pat := func(r *rand.Rand) string {
		return "github_pat_11" + ownStr(r, ownUpperNu, 20) + "_" + ownStr(r, ownAlnum, 59)
	}
	add("github-fine-grained-pat", "github_pat", pat, fixedNear(pat, ownAlnum)...)

	npm := func(r *rand.Rand) string { b := ownStr(r, ownAlnum, 30); return "npm_" + b + ownBase62CRC(b) }
	addSum("npm-token", "npm", npm, append(fixedNear(npm, ownAlnum),
		nearOf("bad-checksum", func(r *rand.Rand) string { return lastChanged(npm(r), ownAlnum, 2, r) }))...)

	atl := func(r *rand.Rand) string { return ownAtlassian(r, "ATATT3xFfGF0") }
	addSum("atlassian-api-token", "ATATT", atl,
		nearOf("bad-checksum", func(r *rand.Rand) string { return lastChanged(atl(r), "0123456789ABCDEF", 3, r) }),
		nearOf("lower-checksum", func(r *rand.Rand) string {
			for {
				t := atl(r)
				if l := t[:len(t)-8] + strings.ToLower(t[len(t)-8:]); l != t {
					return l
				}
			}
		}))
	atc := func(r *rand.Rand) string { return ownAtlassian(r, "ATCTT3xFfGN0") }
	addSum("atlassian-api-token", "ATCTT", atc,
		nearOf("bad-checksum", func(r *rand.Rand) string { return lastChanged(atc(r), "0123456789ABCDEF", 3, r) }))

	// age identities: Bech32 of 32 bytes, upper case.
	for _, v := range []struct{ name, hrp string }{{"x25519", "age-secret-key-"}, {"pq", "age-secret-key-pq-"}} {
		gen := func(r *rand.Rand) string { return strings.ToUpper(ownBech32(v.hrp, ownBytes(r, 32))) }
		addSum("age-secret-key", v.name, gen, append(fixedNear(gen, strings.ToUpper(ownBechSet)),
			nearOf("bad-checksum", func(r *rand.Rand) string { return lastChanged(gen(r), strings.ToUpper(ownBechSet), 1, r) }),
			nearOf("lower-case", func(r *rand.Rand) string { return strings.ToLower(gen(r)) }))...)
	}

	// GitLab: legacy prefix + random bodies, routable tokens (CRC), CI/CD
	// job tokens (a JWT).
	for _, v := range []struct {
		prefix, alphabet string
		n                int
	}{
		{"glpat-", ownB64url, 20}, {"gldt-", ownB64url, 20}, {"glrt-", ownB64url, 20}, {"glrtr-", ownB64url, 20},
		{"glptt-", ownHex, 40}, {"glft-", ownB64url, 20}, {"glimt-", ownB64url, 25}, {"glagent-", ownB64url, 50},
		{"gloas-", ownB64url, 64}, {"glffct-", ownB64url, 20}, {"glsoat-", ownB64url, 20},
	} {
		add("gitlab-token", strings.TrimSuffix(v.prefix, "-"), func(r *rand.Rand) string { return v.prefix + ownStr(r, v.alphabet, v.n) })
	}
	add("gitlab-token", "glcbt-partition", func(r *rand.Rand) string {
		return "glcbt-" + ownStr(r, ownHex, 1+r.IntN(5)) + "_" + ownStr(r, ownB64url, 20)
	})
	add("gitlab-token", "glcbt-jwt", func(r *rand.Rand) string { return "glcbt-" + ownJWT(r) })
	routable := func(prefix string, versioned bool) func(r *rand.Rand) string {
		return func(r *rand.Rand) string { return ownGitLabRoutable(r, prefix, versioned, ownRouting(r)) }
	}
	for _, v := range []struct {
		name, prefix string
		versioned    bool
	}{
		{"glpat-routable", "glpat-", true}, {"glpat-routable-unversioned", "glpat-", false},
		{"glrt-routable", "glrt-t1_", true}, {"glrt-routable-unversioned", "glrt-t2_", false},
		{"gldt-routable", "gldt-", true},
	} {
		gen := routable(v.prefix, v.versioned)
		addSum("gitlab-token", v.name, gen,
			nearOf("bad-checksum", func(r *rand.Rand) string { return lastChanged(gen(r), "0123456789abcdefghijklmnopqrstuvwxyz", 2, r) }),
			nearOf("bad-length", func(r *rand.Rand) string {
				t := gen(r)
				// The length holder one more, the CRC recomputed.
				k := len(t) - 9
				n, _ := strconv.ParseUint(t[k:k+2], 36, 64)
				head := t[:k] + ownBase36(n+1, 2)
				return head + ownBase36(uint64(crc32.ChecksumIEEE([]byte(head))), 7)
			}))
	}
	out = append(out, ownerShape{rule: "gitlab-token", shape: "glpat-routable-instance-prefix", checksum: true,
		gen: func(r *rand.Rand) (string, string) {
			pre := []string{"acme-", "sie-", "corp_x-"}[r.IntN(3)]
			t := ownGitLabRoutable(r, pre+"glpat-", true, ownRouting(r))
			return pre, t[len(pre):]
		}})

	// Slack.
	add("slack-token", "xoxb", func(r *rand.Rand) string {
		return "xoxb-" + ownStr(r, ownDigits, 10+r.IntN(4)) + "-" + ownStr(r, ownDigits, 10+r.IntN(4)) + "-" + ownStr(r, ownAlnum, 24)
	}, nearOf("word", func(r *rand.Rand) string {
		return []string{"xoxb-", "xoxp-", "xoxe.xoxp-", "xapp-"}[r.IntN(4)] +
			[]string{"BenchmarkCheckCanceled", "SlackAppConfigurationAccessTokenHere", "tlsRecordHeaderLooksLikeHTTP", "ECDHE-RSA-AES128-GCM-SHA256"}[r.IntN(4)]
	}))
	add("slack-token", "xoxb-legacy", func(r *rand.Rand) string {
		return "xoxb-" + ownStr(r, ownDigits, 8+r.IntN(7)) + "-" + ownStr(r, ownAlnum, 18+r.IntN(9))
	})
	add("slack-token", "xoxp", func(r *rand.Rand) string {
		return "xoxp-" + ownStr(r, ownDigits, 12) + "-" + ownStr(r, ownDigits, 12) + "-" + ownStr(r, ownDigits, 13) + "-" + ownStr(r, ownHex, 32)
	})
	add("slack-token", "xoxe.xoxp", func(r *rand.Rand) string { return "xoxe.xoxp-1-" + ownStr(r, ownAlnum, 163+r.IntN(4)) })
	add("slack-token", "xoxe.xoxb", func(r *rand.Rand) string { return "xoxe.xoxb-1-" + ownStr(r, ownAlnum, 163+r.IntN(4)) })
	add("slack-token", "xoxe", func(r *rand.Rand) string { return "xoxe-1-" + ownStr(r, ownAlnum, 146) })
	add("slack-token", "xoxa", func(r *rand.Rand) string {
		return "xoxa-2-" + ownStr(r, ownDigits, 9) + "-" + ownStr(r, ownDigits, 11) + "-" + ownStr(r, ownDigits, 13) + "-" + ownStr(r, ownHex, 18)
	})
	add("slack-token", "xoxs", func(r *rand.Rand) string {
		return "xoxs-" + ownStr(r, ownDigits, 10) + "-" + ownStr(r, ownDigits, 10) + "-" + ownStr(r, ownDigits, 10) + "-" + ownStr(r, ownHex, 10)
	})
	add("slack-app-token", "xapp", func(r *rand.Rand) string {
		return "xapp-1-A" + ownStr(r, ownUpperNu, 10) + "-" + ownStr(r, ownDigits, 13) + "-" + ownStr(r, ownHex, 64)
	})

	// Stripe live secret and restricted keys (test-mode keys are not
	// reported: sk_test_ is a near miss).
	for _, p := range []string{"sk_live_", "rk_live_"} {
		add("stripe-secret-key", p[:7], func(r *rand.Rand) string { return p + "51" + ownStr(r, ownAlnum, 97) },
			nearOf("test-mode", func(r *rand.Rand) string { return p[:3] + "test_51" + ownStr(r, ownAlnum, 97) }))
		add("stripe-secret-key", p[:7]+"-24", func(r *rand.Rand) string { return p + ownStr(r, ownAlnum, 24) })
	}

	// AWS key ids: a 4-letter prefix + 16 upper-case letters and digits.
	for _, p := range []string{"AKIA", "ASIA", "ABIA", "ACCA"} {
		gen := func(r *rand.Rand) string { return p + ownStr(r, ownBase32, 16) }
		add("aws-access-key-id", p, gen, append(fixedNear(gen, ownUpperNu),
			nearOf("lower-body", func(r *rand.Rand) string { return p + strings.ToLower(ownStr(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 16)) }))...)
		add("aws-access-key-id", p+"-digits", func(r *rand.Rand) string { return p + ownStr(r, ownUpperNu, 16) })
	}

	google := func(r *rand.Rand) string { return "AIzaSy" + ownStr(r, ownB64url, 33) }
	add("google-api-key", "AIzaSy", google, fixedNear(google, ownAlnum)...)

	// OpenAI: T3BlbkFJ (base64 of "OpenAI") between two random halves.
	for _, v := range []struct {
		p string
		n int
	}{{"sk-proj-", 74}, {"sk-proj-", 58}, {"sk-svcacct-", 74}, {"sk-svcacct-", 58}, {"sk-admin-", 58}, {"sk-None-", 74}} {
		add("openai-api-key", strings.TrimSuffix(v.p, "-")+"-"+strconv.Itoa(v.n), func(r *rand.Rand) string {
			return v.p + ownStr(r, ownB64url, v.n) + "T3BlbkFJ" + ownStr(r, ownB64url, v.n)
		})
	}
	add("openai-api-key", "sk-legacy", func(r *rand.Rand) string {
		return "sk-" + ownStr(r, ownAlnum, 20) + "T3BlbkFJ" + ownStr(r, ownAlnum, 20)
	},
		nearOf("no-marker", func(r *rand.Rand) string { return "sk-" + ownStr(r, ownAlnum, 48) }))

	// Anthropic: sk-ant-<kind><2 digits>- + 93 base64url + AA.
	for _, k := range []string{"api03", "admin01", "oat01", "ort01"} {
		add("anthropic-api-key", k, func(r *rand.Rand) string { return "sk-ant-" + k + "-" + ownStr(r, ownB64url, 93) + "AA" },
			nearOf("short", func(r *rand.Rand) string { return "sk-ant-" + k + "-" + ownStr(r, ownB64url, 40) + "AA" }))
	}

	sg := func(r *rand.Rand) string { return "SG." + ownStr(r, ownB64url, 22) + "." + ownStr(r, ownB64url, 43) }
	add("sendgrid-api-key", "SG", sg, fixedNear(sg, ownAlnum)...)

	tw := func(r *rand.Rand) string { return "SK" + ownStr(r, ownHex, 32) }
	add("twilio-api-key", "SK", tw, append(fixedNear(tw, ownHex),
		nearOf("upper-hex", func(r *rand.Rand) string { return "SK" + strings.ToUpper(ownStr(r, "abcdef", 32)) }))...)

	// HashiCorp Vault (and OpenBao's legacy-format tokens).
	add("vault-token", "hvs", ownVaultSSC)
	add("vault-token", "hvs-short", func(r *rand.Rand) string { return "hvs." + ownStr(r, ownAlnum, 24) })
	add("vault-token", "hvb", func(r *rand.Rand) string {
		return "hvb.AAAAAQ" + base64.RawURLEncoding.EncodeToString(ownBytes(r, 100+r.IntN(60)))
	})
	add("vault-token", "hvr", func(r *rand.Rand) string { return "hvr." + ownStr(r, ownAlnum, 24) })
	add("vault-token", "s-legacy", func(r *rand.Rand) string { return "s." + ownVaultLegacyID(r) },
		nearOf("one-short", func(r *rand.Rand) string { return "s." + ownVaultLegacyID(r)[1:] }),
		nearOf("one-more", func(r *rand.Rand) string { return "s." + ownVaultLegacyID(r) + ownStr(r, ownDigits, 1) }),
		nearOf("identifier", func(r *rand.Rand) string {
			ids := []string{"AcceptanceTimeoutSeconds", "makeKubeConfigController", "getDefaultListenerConfig",
				"ReadUint16LengthPrefixed", "ReadASN1ObjectIdentifier", "Last30DaysSearchInterest", "Oauth2AccessCodeSecurity"}
			return "s." + ids[r.IntN(len(ids))]
		}),
		nearOf("hex", func(r *rand.Rand) string { return "s." + ownStr(r, ownHex, 24) }))
	add("vault-token", "s-legacy-namespace", func(r *rand.Rand) string { return "s." + ownVaultLegacyID(r) + "." + ownStr(r, ownAlnum, 5) })
	add("vault-token", "b-legacy", func(r *rand.Rand) string {
		return "b.AAAAAQ" + base64.RawURLEncoding.EncodeToString(ownBytes(r, 100+r.IntN(60)))
	})

	// Doppler: dp.<kind>. [+ environment slug .] + 40 to 44 alphanumerics.
	for _, k := range []string{"pt", "st", "sa", "ct", "scim", "audit"} {
		add("doppler-token", "dp."+k, func(r *rand.Rand) string { return "dp." + k + "." + ownStr(r, ownAlnum, 40+r.IntN(5)) },
			nearOf("short", func(r *rand.Rand) string { return "dp." + k + "." + ownStr(r, ownAlnum, 39) }))
	}
	add("doppler-token", "dp.st.env", func(r *rand.Rand) string {
		return "dp.st." + []string{"dev", "stg", "prd", "ci_cd", "prod-eu-1"}[r.IntN(5)] + "." + ownStr(r, ownAlnum, 43)
	})

	for _, p := range []string{"dop_v1_", "doo_v1_", "dor_v1_"} {
		gen := func(r *rand.Rand) string { return p + ownStr(r, ownHex, 64) }
		add("digitalocean-token", p[:3], gen, append(fixedNear(gen, ownHex),
			nearOf("upper-hex", func(r *rand.Rand) string { return p + strings.ToUpper(ownStr(r, "abcdef", 64)) }))...)
	}
	for _, p := range []string{"shpat_", "shpca_", "shppa_", "shpss_"} {
		gen := func(r *rand.Rand) string { return p + ownStr(r, ownHex, 32) }
		add("shopify-token", p[:5], gen, fixedNear(gen, ownHex)...)
	}

	add("pypi-token", "pypi.org", func(r *rand.Rand) string { return ownPyPI(r, "pypi.org") })
	add("pypi-token", "test.pypi.org", func(r *rand.Rand) string { return ownPyPI(r, "test.pypi.org") })

	addSum("grafana-token", "glsa", ownGrafanaSA, append(fixedNear(ownGrafanaSA, ownHex),
		nearOf("bad-checksum", func(r *rand.Rand) string { return lastChanged(ownGrafanaSA(r), ownHex, 2, r) }))...)
	add("grafana-token", "glc", ownGrafanaCloud)
	add("grafana-token", "glc-random", func(r *rand.Rand) string { return "glc_" + ownStr(r, ownAlnum, 32+r.IntN(100)) })

	add("1password-service-account-token", "ops", ownOnePassword)
	return out
}

// TestOwnerFormatsRedacted: every shape of every token family, a few tokens
// each, in every context, through the redactor (detectors only, and with
// known secrets; Scrub and ScrubValue): the token is redacted whole and
// named by its rule.
func TestOwnerFormatsRedacted(t *testing.T) {
	s, err := detect.Parse("all")
	require.NoError(t, err)
	per := 3
	if testing.Short() {
		per = 1
	}
	r := rand.New(rand.NewPCG(2026, 13))
	ways := recallWays(t, s)
	shapes, total := 0, 0
	for _, sh := range ownerShapes() {
		shapes++
		for k := range per {
			pre, tok := sh.gen(r)
			dt := detecttest.Token{Rule: sh.rule, Variant: sh.shape, Text: pre + tok, Start: len(pre), End: len(pre) + len(tok)}
			for _, c := range detecttest.Contexts() {
				p := c.Wrap(dt)
				for _, way := range ways {
					total++
					out := way.scrub(way.r, p.Text)
					for _, pr := range recallProblems(sh.rule, sh.shape, dt, p, out) {
						t.Errorf("%s/%s #%d (token length %d) in %s via %s: %s", sh.rule, sh.shape, k, len(tok), c.Name, way.name, pr)
					}
				}
			}
		}
	}
	t.Logf("%d shapes, %d contexts, %d scrubs", shapes, len(detecttest.Contexts()), total)
}

// TestOwnerFormatsFound: on raw text each shape is one finding, exactly the
// token's span, under its rule; a checksummed shape with checksum
// confidence.
func TestOwnerFormatsFound(t *testing.T) {
	s, err := detect.Parse("all")
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(2026, 14))
	for _, sh := range ownerShapes() {
		for k := range 40 {
			pre, tok := sh.gen(r)
			text := "auth with " + pre + tok + " ok"
			start := len("auth with ") + len(pre)
			fs := s.Find(nil, []byte(text))
			if len(fs) != 1 || fs[0].Start != start || fs[0].End != start+len(tok) || fs[0].Rule.ID != sh.rule {
				t.Errorf("%s/%s #%d (token length %d): findings %s, want one at [%d,%d)", sh.rule, sh.shape, k, len(tok), ownSpans(fs), start, start+len(tok))
				continue
			}
			if sh.checksum && fs[0].Confidence != detect.Checksum {
				t.Errorf("%s/%s #%d: confidence %s, want checksum", sh.rule, sh.shape, k, fs[0].Confidence)
			}
		}
	}
}

func ownSpans(fs []detect.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s[%d,%d)%s ", f.Rule.ID, f.Start, f.End, f.Confidence)
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

// TestOwnerNearMissesNotReported: the near misses of each shape (a wrong
// checksum, one character short or too many, the wrong case) are reported
// by no rule on raw text, and pass through the redactor unchanged in every
// context.
func TestOwnerNearMissesNotReported(t *testing.T) {
	s, err := detect.Parse("all")
	require.NoError(t, err)
	red, err := redact.New(redact.WithDetectors(s))
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(2026, 15))
	n := 0
	for _, sh := range ownerShapes() {
		for _, nm := range sh.near {
			for k := range 30 {
				tok := nm.gen(r)
				n++
				text := "auth with " + tok + " ok"
				if fs := s.Find(nil, []byte(text)); len(fs) > 0 {
					t.Errorf("%s/%s near miss %s #%d (length %d): findings %s, want none", sh.rule, sh.shape, nm.name, k, len(tok), ownSpans(fs))
				}
				if k >= 3 {
					continue
				}
				dt := detecttest.Token{Rule: sh.rule, Variant: sh.shape + "/" + nm.name, Text: tok, End: len(tok)}
				for _, c := range detecttest.Contexts() {
					p := c.Wrap(dt)
					if out := red.ScrubString(p.Text); out != p.Text {
						t.Errorf("%s/%s near miss %s #%d (length %d) in %s: the redactor changed the text (length %d to %d)", sh.rule, sh.shape, nm.name, k, len(tok), c.Name, len(p.Text), len(out))
					}
				}
			}
		}
	}
	t.Logf("%d near misses", n)
}

// TestOwnerFormatsCoverEveryTokenRule: every token rule has shapes here.
func TestOwnerFormatsCoverEveryTokenRule(t *testing.T) {
	have := map[string]bool{}
	for _, sh := range ownerShapes() {
		have[sh.rule] = true
	}
	for _, rule := range detect.Rules() {
		switch rule.ID {
		case "microsoft-identifiable-key", "private-key", "url-password", "jwt":
			continue // generated by package detecttest (recall_redact_test.go)
		}
		if !have[rule.ID] {
			t.Errorf("rule %s: no owner shape generated", rule.ID)
		}
	}
}

// TestOwnerFormatsStreamed: through a Writer, the text cut in two at every
// position gives what Scrub gives, for every shape in raw text, a JSON
// string and a configuration line.
func TestOwnerFormatsStreamed(t *testing.T) {
	s, err := detect.Parse("all")
	require.NoError(t, err)
	red, err := redact.New(redact.WithDetectors(s))
	require.NoError(t, err)
	contexts := map[string]bool{"raw": true, "json-string": true, "config-env": true}
	r := rand.New(rand.NewPCG(2026, 16))
	for _, sh := range ownerShapes() {
		pre, tok := sh.gen(r)
		dt := detecttest.Token{Rule: sh.rule, Variant: sh.shape, Text: pre + tok, Start: len(pre), End: len(pre) + len(tok)}
		for _, c := range detecttest.Contexts() {
			if !contexts[c.Name] {
				continue
			}
			p := c.Wrap(dt)
			want := red.ScrubString(p.Text)
			if !strings.Contains(want, replacementFor(sh.rule)) {
				t.Errorf("%s/%s (token length %d) in %s: not redacted by Scrub", sh.rule, sh.shape, len(tok), c.Name)
				continue
			}
			for k := 1; k < len(p.Text); k++ {
				if testing.Short() && k%7 != 0 {
					continue
				}
				if out := splitWrite(red, p.Text, []int{k}); out != want {
					t.Errorf("%s/%s (token length %d) in %s: written in two at %d, the stream differs from Scrub (length %d, want %d)", sh.rule, sh.shape, len(tok), c.Name, k, len(out), len(want))
					break
				}
			}
		}
	}
}
