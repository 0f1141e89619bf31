package detecttest

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The published examples and test vectors the encoders are checked against.

func TestBase62CRCMatchesGitHubExample(t *testing.T) {
	// The example of the "base62 token" write-up cited by GitHub's token
	// format post: ghp_ + zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ + 0mLq17 (a revoked,
	// published token).
	assert.Equal(t, "0mLq17", base62CRC("zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ"))
	assert.Equal(t, "000000", base62Pad(0, 6))
	assert.Equal(t, "4gfFC3", base62Pad(0xffffffff, 6)) // the largest CRC still fits in 6
}

func TestMarvin32Vectors(t *testing.T) {
	// microsoft/security-utilities marvin_tests.rs (from skeeto/marvin32):
	// 64-bit results, folded as ComputeHash32 folds them.
	cases := []struct {
		seed uint64
		want uint64
		data []byte
	}{
		{0x004fb61a001bdbcc, 0x30ed35c100cd3c7d, nil},
		{0x004fb61a001bdbcc, 0x48e73fc77d75ddc1, []byte{175}},
		{0x004fb61a001bdbcc, 0xb5f6e1fc485dbff8, []byte{231, 15}},
		{0x004fb61a001bdbcc, 0xf0b07c789b8cf7e8, []byte{55, 244, 149}},
		{0x004fb61a001bdbcc, 0x7008f2e87e9cf556, []byte{134, 66, 220, 89}},
		{0x004fb61a001bdbcc, 0xe11847e4f0678c41, []byte{171, 66, 126, 168, 209, 15, 199}},
		{0x804fb61a801bdbcc, 0x71876f2efb1b0ee8, []byte{0, 255, 0, 255, 0, 255, 0}},
	}
	for i, c := range cases {
		assert.Equal(t, uint32(c.want^c.want>>32), marvin32(c.data, c.seed), "case %d", i)
	}
}

func TestBech32Vectors(t *testing.T) {
	// BIP 173 valid test vectors.
	assert.Equal(t, "a12uel5l", bech32Encode("a", nil))
	assert.Equal(t, "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		bech32Encode("abcdef", []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}))
}

// shapes are the published shapes of each family, as regular expressions
// over the whole token (the span to redact).
var shapes = map[string]*regexp.Regexp{
	"github-token":                    regexp.MustCompile(`^(gh[pousr]_[0-9A-Za-z]{36}|ghs_[0-9]{1,20}_eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$`),
	"github-fine-grained-pat":         regexp.MustCompile(`^github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59}$`),
	"npm-token":                       regexp.MustCompile(`^npm_[0-9A-Za-z]{36}$`),
	"atlassian-api-token":             regexp.MustCompile(`^ATATT3xFfGF0[A-Za-z0-9_-]+=[0-9A-F]{8}$`),
	"microsoft-identifiable-key":      regexp.MustCompile(`^[A-Za-z0-9]{52}JQQJ9(9|D|H)[A-Za-z0-9][A-L][A-Za-z0-9]{16}[A-Za-z][A-Za-z0-9+/]{7}([A-Za-z0-9+/]{2}==)?$`),
	"age-secret-key":                  regexp.MustCompile(`^AGE-SECRET-KEY-(PQ-)?1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}$`),
	"gitlab-token":                    regexp.MustCompile(`^(glpat-[0-9A-Za-z_-]{20}|glpat-[0-9A-Za-z_-]{27,300}\.01\.[0-9a-z]{2}[0-9a-z]{7}|gldt-[0-9A-Za-z_-]{20}|glrt-[0-9A-Za-z_-]{20}|glptt-[0-9a-f]{40}|glrt-t1_[0-9A-Za-z_-]{27,300}\.01\.[0-9a-z]{2}[0-9a-z]{7}|glcbt-eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$`),
	"slack-token":                     regexp.MustCompile(`^xox[bp]-[0-9]{10,13}-[0-9]{10,13}(-[0-9]{10,13})?-[0-9A-Za-z]{24,32}$`),
	"slack-app-token":                 regexp.MustCompile(`^xapp-1-A[0-9A-Z]{10}-[0-9]{13}-[0-9a-f]{64}$`),
	"stripe-secret-key":               regexp.MustCompile(`^[rs]k_live_[0-9A-Za-z]{24,99}$`),
	"aws-access-key-id":               regexp.MustCompile(`^A(KI|SI|BI)A[A-Z2-7]{16}$`),
	"google-api-key":                  regexp.MustCompile(`^AIza[0-9A-Za-z_-]{35}$`),
	"openai-api-key":                  regexp.MustCompile(`^sk-(proj-|svcacct-)?[A-Za-z0-9_-]+T3BlbkFJ[A-Za-z0-9_-]+$`),
	"anthropic-api-key":               regexp.MustCompile(`^sk-ant-(api03|admin01)-[A-Za-z0-9_-]{93}AA$`),
	"sendgrid-api-key":                regexp.MustCompile(`^SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$`),
	"twilio-api-key":                  regexp.MustCompile(`^SK[0-9a-f]{32}$`),
	"vault-token":                     regexp.MustCompile(`^(hvs\.[A-Za-z0-9_-]{90,120}|hvb\.[A-Za-z0-9_-]{138,300}|s\.[A-Za-z0-9]{24})$`),
	"doppler-token":                   regexp.MustCompile(`^dp\.(pt|st|sa)\.[A-Za-z0-9]{43}$`),
	"digitalocean-token":              regexp.MustCompile(`^do[por]_v1_[0-9a-f]{64}$`),
	"shopify-token":                   regexp.MustCompile(`^shp(at|ss|ca|pa)_[0-9a-f]{32}$`),
	"pypi-token":                      regexp.MustCompile(`^pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}$`),
	"grafana-token":                   regexp.MustCompile(`^(glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}|glc_[A-Za-z0-9+/]{32,400}={0,2})$`),
	"1password-service-account-token": regexp.MustCompile(`^ops_eyJ[A-Za-z0-9_-]{250,}$`),
	"private-key":                     regexp.MustCompile(`^-----BEGIN ((RSA|EC|OPENSSH) )?PRIVATE KEY-----\r?\n([A-Za-z0-9+/=]{1,70}\r?\n)+-----END ((RSA|EC|OPENSSH) )?PRIVATE KEY-----$`),
	"url-password":                    regexp.MustCompile(`^[A-Za-z0-9!$*._~-]{12,}$`),
	"jwt":                             regexp.MustCompile(`^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$`),
}

func TestEveryShapeMatchesThePublishedShape(t *testing.T) {
	g := New(1)
	for _, rule := range Rules() {
		re, ok := shapes[rule]
		require.True(t, ok, "no shape for %s", rule)
		for _, v := range Variants(rule) {
			for range 20 {
				tok := g.Variant(rule, v)
				assert.True(t, re.MatchString(tok.Secret()), "%s/%s: generated token (length %d) does not have the published shape", rule, v, len(tok.Secret()))
				assert.Equal(t, rule, tok.Rule)
			}
		}
	}
}

func TestGitHubChecksumVerifies(t *testing.T) {
	g := New(2)
	for range 100 {
		tok := g.Token("github-token")
		if !tok.Checksum {
			continue // the stateless form (a JWT) has no checksum
		}
		assert.Equal(t, base62CRC(tok.Text[4:34]), tok.Text[34:], "generated checksum")
	}
}

func TestAgeChecksumVerifies(t *testing.T) {
	// Decoding again: the Bech32 polymod of the whole key is 1.
	g := New(3)
	for range 50 {
		s := strings.ToLower(g.Token("age-secret-key").Text)
		sep := strings.LastIndexByte(s, '1')
		values := bech32HRPExpand(s[:sep])
		for _, c := range s[sep+1:] {
			values = append(values, byte(strings.IndexRune(bech32Alphabet, c)))
		}
		assert.Equal(t, uint32(1), bech32Polymod(values))
	}
}

func TestBadChecksumsDiffer(t *testing.T) {
	g := New(4)
	require.NotEmpty(t, Checksummed())
	for _, rule := range Checksummed() {
		for range 50 {
			bad, ok := g.BadChecksum(rule)
			require.True(t, ok)
			assert.True(t, shapes[rule].MatchString(bad.Secret()), "%s: a bad-checksum token must keep the shape", rule)
		}
	}
	_, ok := g.BadChecksum("aws-access-key-id")
	assert.False(t, ok)
}

func TestDeterministic(t *testing.T) {
	ja, jb := New(7).All(), New(7).All()
	require.Len(t, jb, len(ja))
	same := 0
	for i := range ja {
		if ja[i] == jb[i] {
			same++
		}
	}
	assert.Equal(t, len(ja), same, "same seed, same tokens")
	assert.True(t, bytes.Equal(New(9).CleanLog(1<<12), New(9).CleanLog(1<<12)))
	diff := 0
	for i, tk := range New(8).All() {
		if tk != ja[i] {
			diff++
		}
	}
	assert.Equal(t, len(ja), diff, "another seed, other tokens")
}

func TestContextsPlaceTheToken(t *testing.T) {
	g := New(5)
	tok := g.Token("github-token")
	literal := 0
	for _, c := range Contexts() {
		p := c.Wrap(tok)
		if p.Literal {
			literal++
			assert.True(t, p.Text[p.Start:p.End] == tok.Secret(), "%s: span", c.Name)
		}
	}
	assert.GreaterOrEqual(t, len(Contexts()), 10)
	assert.GreaterOrEqual(t, literal, 8)
}
