package detect

import (
	"bytes"
	"hash/crc32"
)

// A detector checks for a token at text[i:], where one of its rule's
// prefixes (the n bytes text[i:i+n]) has matched and the byte before i is
// not alphanumeric. It returns the token's end and the confidence, or
// end < 0 when there is no token there.
type checkFunc func(t []byte, i, n int) (end int, c Confidence)

type detector struct {
	rule  *Rule
	check checkFunc
	// kind says how the scan finds candidates: by a prefix at the start
	// of a word in a dense run (the token families), or by its own search
	// (private-key, url-password).
	kind int
	// maxLen bounds the token's length (what the scan looks back over and
	// what a stream holds back).
	maxLen int
}

const (
	kindToken = iota
	kindPEM
	kindURL
)

// numDetectors is the number of rules.
const numDetectors = len(detectors)

var detectors = [...]detector{
	{rule: &Rule{
		ID: "github-token", Name: "GitHub token", Confidence: Checksum, Default: true,
		Prefixes:    []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"},
		Format:      "prefix + 30 base62 characters + their CRC-32 in 6 base62 characters (40 in all; checksum); or, GitHub App installation tokens since 2026-04-27, prefix + the app ID + _ + a JWT (about 520 characters; structure)",
		Source:      "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/; stateless ghs_APPID_JWT: https://github.com/github/docs/blob/main/data/reusables/apps/ghs-stateless-token-format.md",
		Remediation: "Revoke it at https://github.com/settings/tokens (or in the OAuth or GitHub App settings that issued it) and issue a new one.",
	}, check: checkGitHub, maxLen: githubMaxLen},
	{rule: &Rule{
		ID: "github-fine-grained-pat", Name: "GitHub fine-grained personal access token", Confidence: Prefix, Default: true,
		Prefixes:    []string{"github_pat_"},
		Format:      "github_pat_ + 22 base62 + _ + 59 base62 (no published checksum)",
		Source:      "https://github.blog/security/application-security/introducing-fine-grained-personal-access-tokens-for-github/",
		Remediation: "Revoke it at https://github.com/settings/personal-access-tokens and issue a new one.",
	}, check: checkGitHubPAT, maxLen: 93},
	{rule: &Rule{
		ID: "npm-token", Name: "npm access token", Confidence: Checksum, Default: true,
		Prefixes:    []string{"npm_"},
		Format:      "npm_ + 30 base62 + their CRC-32 in 6 base62 characters, GitHub's scheme",
		Source:      "https://github.blog/changelog/2021-09-23-npm-has-a-new-access-token-format/",
		Remediation: "Revoke it with `npm token revoke` or at https://www.npmjs.com/settings/~/tokens and issue a new one.",
	}, check: checkNPM, maxLen: 40},
	{rule: &Rule{
		ID: "atlassian-api-token", Name: "Atlassian API token", Confidence: Checksum, Default: true,
		Prefixes:    []string{"ATATT", "ATCTT"},
		Format:      "ATATT (user API token) or ATCTT (organization admin API key) + base64url body + = + CRC-32 (IEEE) of everything before it, 8 upper-case hex digits (192 characters today)",
		Source:      "prefix: https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/; checksum: verified on published example tokens (no owner description; ATCTT: TruffleHog's atlassian v2 fixture, whose last digit is altered, matches in the other seven)",
		Remediation: "Revoke it at https://id.atlassian.com/manage-profile/security/api-tokens and create a new one.",
	}, check: checkAtlassian, maxLen: 400},
	{rule: &Rule{
		ID: "microsoft-identifiable-key", Name: "Microsoft identifiable key (CASK)", Confidence: Checksum, Default: true,
		Prefixes:    nil, // found by its signature, see checkCASK
		Format:      "Microsoft's common annotated keys: 52 alphanumerics, the signature JQQJ9 and a kind character (84 or 88 characters); standard keys (kind '9') are checksum-verified (Marvin32, seed \"Default0\", over the first 60 bytes), derived ones prefix-only",
		Source:      "https://github.com/microsoft/security-utilities (identifiable secrets), https://github.com/microsoft/cask",
		Remediation: "Regenerate the key in the Azure portal for the resource that issued it (https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation) and update its users.",
	}, maxLen: caskMaxLen},
	{rule: &Rule{
		ID: "age-secret-key", Name: "age secret key", Confidence: Checksum, Default: true,
		Prefixes:    []string{"AGE-SECRET-KEY-1", "AGE-SECRET-KEY-PQ-1"},
		Format:      "Bech32 (BIP 173) of 32 bytes, upper case, checksum verified: HRP age-secret-key- (X25519, 74 characters) or age-secret-key-pq- (ML-KEM-768 + X25519 hybrid, age 1.3, 77 characters)",
		Source:      "https://age-encryption.org/v1 (C2SP age spec, X25519 identities); age-keygen(1) -pq (https://github.com/FiloSottile/age/blob/main/doc/age-keygen.1.ronn)",
		Remediation: "Generate a new identity with age-keygen, re-encrypt the files to its recipient and destroy the old key (https://age-encryption.org).",
	}, check: checkAge, maxLen: 77},
	{rule: &Rule{
		ID: "gitlab-token", Name: "GitLab token", Confidence: Checksum, Default: true,
		Prefixes: []string{"glpat-", "gldt-", "glrt-", "glrtr-", "glptt-", "glft-", "glimt-", "glagent-", "gloas-",
			"glcbt-", "glffct-", "glsoat-", "glwt-", "gltst-", "glsa-" /* not Grafana's glsa_ */},
		Format:      "gl*- prefix + at least 20 base64url characters (prefix-only); routable tokens (base64url payload, '.', 2-character version (absent before 2025-04), '.', 2-character payload length, 7-character base36 CRC32 of the rest; a runner's partition \"t1_\" after the prefix, an instance prefix \"acme-\" before it) are checksum-verified; CI/CD job tokens are glcbt- + a JWT (structure)",
		Source:      "https://docs.gitlab.com/security/tokens/ (token prefixes); routable tokens: gitlab-org/gitlab lib/authn/token_field/generator/routable_token.rb and the Cells routable-tokens design document; instance prefixes: gitlab-org/gitlab!211171",
		Remediation: "Revoke it in GitLab (https://docs.gitlab.com/security/tokens/#token-prefixes lists where each kind is managed) and issue a new one.",
	}, check: checkGitLab, maxLen: gitlabMaxLen},
	{rule: &Rule{
		ID: "slack-token", Name: "Slack token", Confidence: Prefix, Default: true,
		Prefixes:    []string{"xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxs-", "xoxr-", "xoxe-", "xoxe.xoxp-", "xoxe.xoxb-"},
		Format:      "xox?- + digits + - + at least 20 characters in all of digits, letters and dashes",
		Source:      "https://api.slack.com/authentication/token-types",
		Remediation: "Revoke it with auth.revoke or in the app's settings at https://api.slack.com/apps and reinstall the app.",
	}, check: checkSlack, maxLen: 300},
	{rule: &Rule{
		ID: "slack-app-token", Name: "Slack app-level token", Confidence: Prefix, Default: true,
		Prefixes:    []string{"xapp-"},
		Format:      "xapp- + digits + - + at least 20 characters in all of digits, letters and dashes",
		Source:      "https://api.slack.com/authentication/token-types#app-level",
		Remediation: "Revoke it in the app's Basic Information page at https://api.slack.com/apps and generate a new one.",
	}, check: checkSlack, maxLen: 300},
	{rule: &Rule{
		ID: "stripe-secret-key", Name: "Stripe live secret or restricted key", Confidence: Prefix, Default: true,
		Prefixes:    []string{"sk_live_", "rk_live_"},
		Format:      "sk_live_ or rk_live_ + 24 to 247 base62 characters",
		Source:      "https://docs.stripe.com/keys",
		Remediation: "Roll the key at https://dashboard.stripe.com/apikeys.",
	}, check: checkStripe, maxLen: 255},
	{rule: &Rule{
		ID: "aws-access-key-id", Name: "AWS access key ID", Confidence: Prefix, Default: true,
		Prefixes:    []string{"AKIA", "ASIA", "ABIA", "ACCA"},
		Format:      "AKIA (long-term access key), ASIA (temporary, STS), ABIA (STS service bearer token) or ACCA (context-specific credential) + 16 upper-case letters and digits",
		Source:      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids",
		Remediation: "Deactivate and delete the access key in IAM (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html) and look for its secret access key nearby.",
	}, check: checkAWS, maxLen: 20},
	{rule: &Rule{
		ID: "google-api-key", Name: "Google API key", Confidence: Prefix, Default: true,
		Prefixes:    []string{"AIza"},
		Format:      "AIza + 35 base64url characters",
		Source:      "https://cloud.google.com/docs/authentication/api-keys",
		Remediation: "Delete or regenerate the key at https://console.cloud.google.com/apis/credentials and restrict the new one.",
	}, check: checkGoogle, maxLen: 39},
	{rule: &Rule{
		ID: "openai-api-key", Name: "OpenAI API key", Confidence: Prefix, Default: true,
		Prefixes:    []string{"sk-proj-", "sk-svcacct-", "sk-admin-", "sk-None-", "sk-"},
		Format:      "sk-[proj-|svcacct-|admin-] + base64url body holding T3BlbkFJ (base64 of \"OpenAI\")",
		Source:      "https://platform.openai.com/docs/api-reference/authentication",
		Remediation: "Revoke it at https://platform.openai.com/api-keys and create a new one.",
	}, check: checkOpenAI, maxLen: 300},
	{rule: &Rule{
		ID: "anthropic-api-key", Name: "Anthropic API key", Confidence: Prefix, Default: true,
		Prefixes:    []string{"sk-ant-"},
		Format:      "sk-ant-<kind><2 digits>- + base64url body ending in AA (108 characters for api03 keys)",
		Source:      "https://docs.anthropic.com/en/api/overview (keys are created at console.anthropic.com)",
		Remediation: "Delete the key at https://console.anthropic.com/settings/keys and create a new one.",
	}, check: checkAnthropic, maxLen: 200},
	{rule: &Rule{
		ID: "sendgrid-api-key", Name: "SendGrid API key", Confidence: Prefix, Default: true,
		Prefixes:    []string{"SG."},
		Format:      "SG. + 22 base64url + . + 43 base64url (69 characters)",
		Source:      "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys",
		Remediation: "Delete the key at https://app.sendgrid.com/settings/api_keys and create a new one.",
	}, check: checkSendGrid, maxLen: 69},
	{rule: &Rule{
		ID: "twilio-api-key", Name: "Twilio API key SID", Confidence: Prefix, Default: true,
		Prefixes:    []string{"SK"},
		Format:      "SK + 32 lower-case hex digits",
		Source:      "https://www.twilio.com/docs/iam/api-keys",
		Remediation: "Delete the API key in the Twilio Console (https://console.twilio.com/us1/account/keys-credentials/api-keys); its secret was shown with it.",
	}, check: checkTwilio, maxLen: 34},
	{rule: &Rule{
		ID: "vault-token", Name: "HashiCorp Vault token", Confidence: Prefix, Default: true,
		Prefixes:    []string{"hvs.", "hvb.", "hvr.", "b.AAAAAQ", "s."},
		Format:      "hvs. (service), hvb. (batch) or hvr. (recovery) + at least 24 base64url characters; the formats before Vault 1.10 (and OpenBao's): s. + 24 base62 characters (service; not one that reads as an identifier, a hex string or capitals: under 5e-7 of random ones), b.AAAAAQ + base64url (batch); each optionally followed by a namespace's . + 5 base62 characters",
		Source:      "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes; legacy s./b.: https://developer.hashicorp.com/vault/docs/upgrading/upgrade-to-1.0.0",
		Remediation: "Revoke it with `vault token revoke` (https://developer.hashicorp.com/vault/docs/commands/token/revoke).",
	}, check: checkVault, maxLen: 406},
	{rule: &Rule{
		ID: "doppler-token", Name: "Doppler token", Confidence: Prefix, Default: true,
		Prefixes:    []string{"dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."},
		Format:      "dp.<kind>. + [environment.] + 40 to 44 base62 characters",
		Source:      "https://docs.doppler.com/reference/auth-token-formats",
		Remediation: "Revoke the token in the Doppler dashboard (https://docs.doppler.com/docs/service-tokens) and issue a new one.",
	}, check: checkDoppler, maxLen: 100},
	{rule: &Rule{
		ID: "digitalocean-token", Name: "DigitalOcean token", Confidence: Prefix, Default: true,
		Prefixes:    []string{"dop_v1_", "doo_v1_", "dor_v1_"},
		Format:      "dop_v1_ / doo_v1_ / dor_v1_ + 64 lower-case hex digits",
		Source:      "https://docs.digitalocean.com/reference/api/create-personal-access-token/",
		Remediation: "Delete the token at https://cloud.digitalocean.com/account/api/tokens and generate a new one.",
	}, check: checkDigitalOcean, maxLen: 71},
	{rule: &Rule{
		ID: "shopify-token", Name: "Shopify token", Confidence: Prefix, Default: true,
		Prefixes:    []string{"shpat_", "shpca_", "shppa_", "shpss_"},
		Format:      "shpat_ / shpca_ / shppa_ / shpss_ + 32 hex digits",
		Source:      "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens",
		Remediation: "Rotate the app's credentials in the Shopify admin or Partner Dashboard (https://shopify.dev/docs/apps/build/authentication-authorization/client-secrets/rotate-revoke-client-credentials).",
	}, check: checkShopify, maxLen: 38},
	{rule: &Rule{
		ID: "pypi-token", Name: "PyPI API token", Confidence: Prefix, Default: true,
		Prefixes:    []string{"pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"},
		Format:      "pypi- + a base64url macaroon whose location is pypi.org or test.pypi.org, at least 50 more characters",
		Source:      "https://pypi.org/help/#apitoken",
		Remediation: "Remove the token at https://pypi.org/manage/account/token/ and create a new one.",
	}, check: checkPyPI, maxLen: 1024},
	{rule: &Rule{
		ID: "grafana-token", Name: "Grafana token", Confidence: Checksum, Default: true,
		Prefixes:    []string{"glsa_", "glc_"},
		Format:      "glsa_ + 32 base62 + _ + CRC-32 (IEEE) of what precedes it in 8 hex digits, bytes little-endian (checksum); glc_ + base64 (Grafana Cloud, prefix only)",
		Source:      "https://grafana.com/docs/grafana/latest/administration/service-accounts/ (format: Grafana's satokengen; checksum verified on published example tokens)",
		Remediation: "Delete the token (service accounts: https://grafana.com/docs/grafana/latest/administration/service-accounts/; Cloud access policies: https://grafana.com/docs/grafana-cloud/account-management/authentication-and-permissions/access-policies/) and create a new one.",
	}, check: checkGrafana, maxLen: 400},
	{rule: &Rule{
		ID: "1password-service-account-token", Name: "1Password service account token", Confidence: Prefix, Default: true,
		Prefixes:    []string{"ops_eyJ"},
		Format:      "ops_ + base64 of a JSON object, at least 250 characters",
		Source:      "https://developer.1password.com/docs/service-accounts/",
		Remediation: "Revoke the token in the service account's settings (https://developer.1password.com/docs/service-accounts/manage-service-accounts/) and create a new one.",
	}, check: check1Password, maxLen: 2048},
	{rule: &Rule{
		ID: "private-key", Name: "Private key (PEM)", Confidence: Structure, Default: true,
		Prefixes:    []string{"-----BEGIN "},
		Format:      "a PEM block whose label ends in PRIVATE KEY (or PGP PRIVATE KEY BLOCK), from BEGIN to its END line, any line ending, also with escaped line breaks inside a JSON string; without an END line within the bound, the BEGIN line and the base64 after it (prefix confidence)",
		Source:      "RFC 7468 (https://www.rfc-editor.org/rfc/rfc7468)",
		Remediation: "Replace the key pair: generate a new key, revoke certificates issued for the old one and remove its public key wherever it is trusted.",
	}, kind: kindPEM, maxLen: MaxPEMLen},
	{rule: &Rule{
		ID: "url-password", Name: "Password in a URL", Confidence: Structure, Default: true,
		Format:      "scheme://user:PASSWORD@host: the password part of the userinfo",
		Source:      "RFC 3986 section 3.2.1 (https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1)",
		Remediation: "Change the account's password and pass credentials to the client out of band, not in the URL.",
	}, kind: kindURL, maxLen: 256},
	{rule: &Rule{
		ID: "jwt", Name: "JSON Web Token", Confidence: Structure, Default: false,
		Prefixes:    []string{"eyJ"},
		Format:      "three base64url segments separated by dots; the first decodes to a JSON object with an \"alg\" member",
		Source:      "RFC 7519 (https://www.rfc-editor.org/rfc/rfc7519)",
		Remediation: "A JWT is a bearer credential until it expires: end the session it belongs to, or rotate the signing key if it must not be replayed (https://www.rfc-editor.org/rfc/rfc8725).",
	}, check: checkJWT, maxLen: 4096},
}

// MaxPEMLen bounds a PEM private-key block: an RSA 8192 key is about 6.5
// KB, an armored PGP private key block with subkeys a few KB more. Longer
// blocks are found up to this length from their BEGIN line (the rest of
// the block, base64, is redacted with it only when the END line is within
// the bound). The streaming Writer holds back up to this much of an
// unterminated block.
const MaxPEMLen = 16 << 10

func checkGitHub(t []byte, i, n int) (int, Confidence) {
	p := i + n
	if exact(t, p, 36, alnum) {
		if !crc32Base62(t[p : p+36]) {
			return -1, 0
		}
		return p + 36, Checksum
	}
	// The stateless form (installation tokens since 2026-04-27):
	// prefix + the app's ID + "_" + a JWT GitHub signed.
	d := run(t, p, alnum, 21)
	if d > p && d-p <= 20 && d < len(t) && t[d] == '_' && hasPrefix(t, d+1, "eyJ") {
		if e, _ := checkJWT(t, d+1, 0); e > 0 && e-i <= githubMaxLen {
			return e, Structure
		}
	}
	return -1, 0
}

// githubMaxLen bounds a GitHub token: the stateless installation tokens
// are about 520 characters, "varying with the data stored in them".
const githubMaxLen = 2048

func checkNPM(t []byte, i, n int) (int, Confidence) {
	if !exact(t, i+n, 36, alnum) || !crc32Base62(t[i+n:i+n+36]) {
		return -1, 0
	}
	return i + n + 36, Checksum
}

func checkGitHubPAT(t []byte, i, n int) (int, Confidence) {
	p := i + n
	if run(t, p, alnum, 23) != p+22 || p+22 >= len(t) || t[p+22] != '_' || !exact(t, p+23, 59, alnum) {
		return -1, 0
	}
	e := p + 23 + 59
	if !after(t, e, b64url) {
		return -1, 0
	}
	return e, Prefix
}

func checkAtlassian(t []byte, i, n int) (int, Confidence) {
	p := i + n
	e := run(t, p, b64url, 380)
	if e-p < 20 || e+9 > len(t) || t[e] != '=' {
		return -1, 0
	}
	var v uint32
	for _, c := range t[e+1 : e+9] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return -1, 0
		}
		v = v<<4 | uint32(d)
	}
	end := e + 9
	if !after(t, end, b64url) || crc32.ChecksumIEEE(t[i:e+1]) != v {
		return -1, 0
	}
	return end, Checksum
}

func checkAge(t []byte, i, n int) (int, Confidence) {
	if !exact(t, i+n, 58, bech32Up) || !after(t, i+n+58, alnum) || !bech32Valid(t[i:i+n+58]) {
		return -1, 0
	}
	return i + n + 58, Checksum
}

func checkGitLab(t []byte, i, n int) (int, Confidence) {
	p := i + n
	e := run(t, p, b64url, 301)
	if e-p < 20 {
		return -1, 0
	}
	if e < len(t) && t[e] == '.' {
		// A routable token: its checksum decides.
		if end, shaped, ok := gitlabRoutable(t, i, n, e); shaped {
			if !ok {
				return -1, 0
			}
			return end, Checksum
		}
		// A CI/CD job token: prefix + a JWT (header.payload.signature).
		if hasPrefix(t, p, "eyJ") {
			if je, _ := checkJWT(t, p, 0); je > 0 && je-i <= gitlabMaxLen {
				return je, Structure
			}
		}
		// Another token going on with '.' and base64url parts: take
		// them in, within the bound.
		d := e
		for d+1 < len(t) && t[d] == '.' && b64url[t[d+1]] {
			d = run(t, d+1, b64url, 301)
		}
		if d-i <= 300 {
			e = d
		}
	}
	if e-i > 300 {
		return -1, 0
	}
	return e, Prefix
}

// gitlabMaxLen bounds a GitLab token: a CI/CD job token (a JWT) runs to
// about a thousand characters, the others to 300.
const gitlabMaxLen = 2048

// gitlabRoutable checks a GitLab routable token at t[i:], whose prefix is
// n bytes and whose base64url run ends at d, on a '.'. GitLab's
// Authn::TokenField::Generator::RoutableToken
// (lib/authn/token_field/generator/routable_token.rb) writes prefix +
// base64url payload (27 to 300 characters) + "." + 2-character base36
// version ("01") + "." + the payload's length in 2 base36 characters + the
// CRC32 (IEEE) of everything before it in 7 base36 characters; tokens
// issued before the version part (2024-11 to 2025-04) lack the version and
// its dot. The prefix may go on beyond the rule's ("glrt-t1_", a runner's
// partition), and may be preceded by an instance prefix ("acme-glpat-"),
// which the CRC covers too. shaped reports the shape (the dotted tail is
// exactly one of the two forms); ok that the length and the checksum
// verify; end is the token's end.
func gitlabRoutable(t []byte, i, n, d int) (end int, shaped, ok bool) {
	// The tail after the payload's dot: [version "."] length + CRC.
	tail := d + 1
	if v := run(t, tail, base36Class, 10); v == tail+2 && v < len(t) && t[v] == '.' {
		tail = v + 1
	}
	end = run(t, tail, base36Class, 10)
	if end-tail != 9 || !after(t, end, b64url) || end+1 < len(t) && t[end] == '.' && b64url[t[end+1]] {
		return 0, false, false
	}
	size, _ := base36(t[tail : tail+2])
	sum, _ := base36(t[tail+2 : end])
	// The payload is the last size characters before the dot; what lies
	// between it and the rule's prefix belongs to the token's prefix and
	// ends with '_' ("t1_").
	if extra := d - (i + n) - int(size); extra < 0 || extra > 20 || extra > 0 && t[i+n+extra-1] != '_' || size < 27 {
		return end, true, false
	}
	if uint64(crc32.ChecksumIEEE(t[i:end-7])) == sum {
		return end, true, true
	}
	// An instance prefix before the rule's: the run of prefix bytes
	// that ends with the '-' before i.
	if i > 0 && t[i-1] == '-' {
		k := i - 1
		for k > 0 && i-k < 40 && b64url[t[k-1]] {
			k--
		}
		if k < i-1 && (k == 0 || !b64url[t[k-1]]) && uint64(crc32.ChecksumIEEE(t[k:end-7])) == sum {
			return end, true, true
		}
	}
	return end, true, false
}

var base36Class = makeClass("0-9", "a-z")

// base36 parses lower-case base36 digits (Ruby's Integer#to_s(36)).
func base36(b []byte) (uint64, bool) {
	var v uint64
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			v = v*36 + uint64(c-'0')
		case c >= 'a' && c <= 'z':
			v = v*36 + uint64(c-'a'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

func checkSlack(t []byte, i, n int) (int, Confidence) {
	p := i + n
	// Every Slack token goes on with digits and a dash: a team or app id
	// (xoxb-17653672481-...) or a version (xoxe.xoxp-1-, xapp-1-), not a
	// word (xoxb-BenchmarkCheckCanceled).
	if d := run(t, p, digits, 21); d == p || d >= len(t) || t[d] != '-' {
		return -1, 0
	}
	e := run(t, p, slackBody, 290)
	if e-p < 20 || !after(t, e, slackBody) {
		return -1, 0
	}
	return e, Prefix
}

func checkStripe(t []byte, i, n int) (int, Confidence) {
	p := i + n
	e := run(t, p, alnum, 248)
	if e-p < 24 || e-p > 247 || !after(t, e, b64url) {
		return -1, 0
	}
	return e, Prefix
}

func checkAWS(t []byte, i, n int) (int, Confidence) {
	p := i + n
	if !exact(t, p, 16, upperNum) || !after(t, p+16, alnum) {
		return -1, 0
	}
	return p + 16, Prefix
}

func checkGoogle(t []byte, i, n int) (int, Confidence) {
	p := i + n
	if !exact(t, p, 35, b64url) {
		return -1, 0
	}
	return p + 35, Prefix
}

const openAIMarker = "T3BlbkFJ"

func checkOpenAI(t []byte, i, n int) (int, Confidence) {
	p := i + n
	if n == 3 && hasPrefix(t, p, "ant-") {
		return -1, 0 // Anthropic's
	}
	e := run(t, p, b64url, 300)
	if e-p < 40 || e-i > 300 || !containsMarker(t[p:e]) {
		return -1, 0
	}
	return e, Prefix
}

func containsMarker(b []byte) bool {
	for k := 0; k+len(openAIMarker) <= len(b); k++ {
		if b[k] == 'T' && string(b[k:k+len(openAIMarker)]) == openAIMarker {
			return true
		}
	}
	return false
}

func checkAnthropic(t []byte, i, n int) (int, Confidence) {
	p := i + n
	// <kind><2 digits>-
	k := p
	for k < len(t) && k-p < 12 && t[k] >= 'a' && t[k] <= 'z' {
		k++
	}
	if k == p || k+3 > len(t) || !isDigit(t[k]) || !isDigit(t[k+1]) || t[k+2] != '-' {
		return -1, 0
	}
	b := k + 3
	e := run(t, b, b64url, 190)
	if e-b < 80 || e-i > 200 || t[e-1] != 'A' || t[e-2] != 'A' {
		return -1, 0
	}
	return e, Prefix
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func checkSendGrid(t []byte, i, n int) (int, Confidence) {
	p := i + n
	if run(t, p, b64url, 23) != p+22 || p+22 >= len(t) || t[p+22] != '.' || !exact(t, p+23, 43, b64url) {
		return -1, 0
	}
	return p + 23 + 43, Prefix
}

func checkTwilio(t []byte, i, n int) (int, Confidence) {
	p := i + n
	if !exact(t, p, 32, lowerHex) || !after(t, p+32, alnum) {
		return -1, 0
	}
	return p + 32, Prefix
}

func checkVault(t []byte, i, n int) (int, Confidence) {
	p := i + n
	if n == 2 { // s.: a service token before Vault 1.10
		if !exact(t, p, 24, alnum) || !legacyVaultID(t[p:p+24]) {
			return -1, 0
		}
		e := vaultNamespace(t, p+24)
		if !after(t, e, b64url) {
			return -1, 0
		}
		return e, Prefix
	}
	e := run(t, p, b64url, 397)
	if e-p < 24 || e-p > 396 || !after(t, e, b64url) {
		return -1, 0
	}
	return vaultNamespace(t, e), Prefix
}

// placeholderRun is the length of a run of one character, or of
// characters in ascending order, that marks a placeholder.
const placeholderRun = 10

// placeholder reports whether body, a prefix-only token's body, is a
// placeholder rather than a token: it holds a run of placeholderRun
// identical characters ("AKIAXXXXXXXXXXXXXXXX", "xoxp-000000000000-...",
// "glc_1111...") or of placeholderRun consecutive ones in ascending order
// ("AIzaSyabcdefghijklmnopqrstuvwxyz1234567"). A random body holds
// either with probability under 2(len-9)/A^9 for an alphabet of A
// characters: under 2e-9 for 64 hex digits, 7e-8 for 40 decimal digits
// (TestPlaceholderFNRate). The checksummed formats need no such test: a
// placeholder's checksum fails.
func placeholder(body []byte) bool {
	same, asc := 1, 1
	for k := 1; k < len(body); k++ {
		same, asc = same+1, asc+1
		if body[k] != body[k-1] {
			same = 1
		}
		if body[k] != body[k-1]+1 {
			asc = 1
		}
		if same >= placeholderRun || asc >= placeholderRun {
			return true
		}
	}
	return false
}

// vaultNamespace returns the end of the token ending at e with the
// ".<namespace id>" (5 base62 characters) Vault Enterprise appends to a
// token of a namespace, if it is there.
func vaultNamespace(t []byte, e int) int {
	if e < len(t) && t[e] == '.' && exact(t, e+1, 5, alnum) && after(t, e+6, b64url) && (e+6 == len(t) || t[e+6] != '.') {
		return e + 6
	}
	return e
}

// legacyVaultID reports whether id, 24 alphanumerics after "s.", reads as
// Vault's random base62 token id rather than as an identifier
// ("s.ReadUint16LengthPrefixed"), a constant's name (all capitals) or a
// hex string (a 24-digit hex object id): see identifierCost. A random id is
// turned away with probability under 5e-7 (TestIdentifierCostFNRate).
func legacyVaultID(id []byte) bool {
	return !allHexOrCapitals(id) && identifierCost(id) > legacyVaultCut
}

// allHexOrCapitals reports whether b is all hex digits of one case, or all
// capital letters.
func allHexOrCapitals(b []byte) bool {
	lo, up, caps := true, true, true
	for _, c := range b {
		d := c >= '0' && c <= '9'
		lo = lo && (d || c >= 'a' && c <= 'f')
		up = up && (d || c >= 'A' && c <= 'F')
		caps = caps && c >= 'A' && c <= 'Z'
	}
	return lo || up || caps
}

func checkDoppler(t []byte, i, n int) (int, Confidence) {
	p := i + n
	// An optional environment slug and dot.
	if e := run(t, p, dopplerEnv, 36); e-p >= 2 && e < len(t) && t[e] == '.' {
		if q := run(t, e+1, alnum, 45); q-(e+1) >= 40 && q-(e+1) <= 44 && after(t, q, b64url) {
			return q, Prefix
		}
	}
	e := run(t, p, alnum, 45)
	if e-p < 40 || e-p > 44 || !after(t, e, b64url) {
		return -1, 0
	}
	return e, Prefix
}

func checkDigitalOcean(t []byte, i, n int) (int, Confidence) {
	p := i + n
	if !exact(t, p, 64, lowerHex) || !after(t, p+64, alnum) {
		return -1, 0
	}
	return p + 64, Prefix
}

func checkShopify(t []byte, i, n int) (int, Confidence) {
	p := i + n
	if !exact(t, p, 32, anyHex) || !after(t, p+32, alnum) {
		return -1, 0
	}
	return p + 32, Prefix
}

func checkPyPI(t []byte, i, n int) (int, Confidence) {
	p := i + n
	e := run(t, p, b64url, 1024)
	if e-p < 50 || e-i > 1024 {
		return -1, 0
	}
	return e, Prefix
}

func checkGrafana(t []byte, i, n int) (int, Confidence) {
	p := i + n
	if n == 4 { // glc_: Grafana Cloud access policy token, base64
		e := run(t, p, b64std, 400)
		for k := 0; k < 2 && e < len(t) && t[e] == '='; k++ {
			e++
		}
		if e-p < 32 || e-i > 400 || !after(t, e, b64url) {
			return -1, 0
		}
		return e, Prefix
	}
	// glsa_ + 32 base62 + _ + 8 hex: the CRC-32 of "glsa_"+secret, its
	// bytes in little-endian order.
	if run(t, p, alnum, 33) != p+32 || p+32 >= len(t) || t[p+32] != '_' || !exact(t, p+33, 8, anyHex) || !after(t, p+41, b64url) {
		return -1, 0
	}
	var v uint32
	for k := range 4 {
		hi, ok1 := unhex(t[p+33+2*k])
		lo, ok2 := unhex(t[p+34+2*k])
		if !ok1 || !ok2 {
			return -1, 0
		}
		v |= uint32(hi<<4|lo) << (8 * k)
	}
	if crc32.ChecksumIEEE(t[i:p+32]) != v {
		return -1, 0
	}
	return p + 41, Checksum
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func check1Password(t []byte, i, n int) (int, Confidence) {
	p := i + n
	e := run(t, p, b64std, 2048)
	// Padding, unless the '=' is a key's ("k_ops_...=v").
	if pe := run(t, e, makeClassEq, 3); after(t, pe, b64url) {
		e = pe
	}
	if e-i < 250 || e-i > 2048 || !after(t, e, b64url) {
		return -1, 0
	}
	return e, Prefix
}

var makeClassEq = makeClass("=")

// caskLen is the length of Microsoft's identifiable keys: 52 characters,
// the signature JQQJ9, a kind character and 26 more (84); their base64
// renderings run to 88.
const (
	caskLen    = 84
	caskMaxLen = 88
	caskSig    = "JQQJ9"
)

// findCASK appends the identifiable keys in the run text[a:b]: found by
// their signature, 52 characters in, then checked for their shape and, for
// standard keys, their Marvin32 checksum (cask.go): a standard key whose
// checksum fails is not reported.
func findCASK(dst []Finding, text []byte, a, b int, r *Rule) []Finding {
	for q := a + 52; q+len(caskSig) <= b; {
		k := bytes.Index(text[q:b], []byte(caskSig))
		if k < 0 {
			break
		}
		k += q
		q = k + 1
		start := k - 52
		if start < a || run(text, start, alnum, 52) != k {
			continue
		}
		if start > 0 && alnum[text[start-1]] {
			continue // inside a longer alphanumeric run
		}
		// After '_' or '-' ("key_" + key): only a verified checksum,
		// which fixes where the key starts, tells it.
		glued := start > 0 && b64url[text[start-1]]
		if k+5 >= len(text) || text[k+5] != '9' && text[k+5] != 'D' && text[k+5] != 'H' {
			continue
		}
		e := run(text, start, alnum, caskMaxLen+1)
		if e-start < caskLen || e-start > caskMaxLen {
			continue
		}
		pe := e
		for n := 0; n < 2 && pe < len(text) && text[pe] == '='; n++ {
			pe++
		}
		// Padding, unless the '=' is a key's ("k_<key>=v").
		if after(text, pe, b64url) {
			e = pe
		} else if !after(text, e, b64url) {
			continue
		}
		conf := Prefix
		if n := e - start; n == caskLen || n == caskMaxLen {
			if checked, ok := caskChecksum(text[start:e]); checked {
				if !ok {
					continue
				}
				conf = Checksum
			}
		}
		if glued && conf != Checksum {
			continue
		}
		dst = append(dst, Finding{Start: start, End: e, Rule: r, Confidence: conf})
		q = e
	}
	return dst
}

// checkJWT checks header.payload.signature: base64url segments, the
// header decoding to a JSON object with an "alg" member.
func checkJWT(t []byte, i, n int) (int, Confidence) {
	h := run(t, i, b64url, 4096)
	if h-i < 16 || h+1 >= len(t) || t[h] != '.' {
		return -1, 0
	}
	p := run(t, h+1, b64url, 4096)
	if p-(h+1) < 4 || p >= len(t) || t[p] != '.' {
		return -1, 0
	}
	e := run(t, p+1, b64url, 4096)
	if e-i > 4096 || e < len(t) && (t[e] == '.' || b64url[t[e]]) {
		return -1, 0
	}
	if !jwtHeader(t[i:h]) {
		return -1, 0
	}
	return e, Structure
}

// jwtHeader reports whether seg, base64url without padding, decodes to a
// JSON object that names "alg".
func jwtHeader(seg []byte) bool {
	var buf [384]byte
	if len(seg) > len(buf)*4/3 {
		return false
	}
	n, acc, bits := 0, uint32(0), 0
	for _, c := range seg {
		v := b64urlVal[c]
		if v < 0 {
			return false
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			buf[n] = byte(acc >> bits)
			n++
		}
	}
	d := bytes.TrimSpace(buf[:n])
	return len(d) > 0 && d[0] == '{' && bytes.Contains(d, []byte(`"alg"`))
}

var b64urlVal = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
		v[c] = int8(i)
	}
	return v
}()
