// Package detect finds credentials hush was never told about: tokens whose
// format identifies them (a GitHub token, an AWS access key ID, a PEM
// private key), validated by code rather than regular expressions, in the
// same call as the known secrets' scan (see redact.WithDetectors).
//
// A Set is a compiled set of rules; Default is the set every front end uses
// unless told otherwise. Find reports each token with its rule and its
// confidence: Checksum when the token's own checksum verified (a token of a
// checksummed family whose checksum does not verify is not reported),
// Structure when its structure was checked, Prefix when only its fixed
// prefix and strict body (length, alphabet) were. A token must not be part
// of a longer run of its alphabet: the byte before it must not be a letter
// or digit, and the byte after it must not continue its body.
//
// # Formats
//
//	rule                             prefix                          confidence         format described by
//	github-token                     ghp_ gho_ ghu_ ghs_ ghr_        checksum           GitHub blog, "Behind GitHub's new authentication token formats" (CRC-32, base62)
//	                                 ghs_<app id>_<JWT>              structure          GitHub docs, stateless installation tokens (2026-04-27)
//	github-fine-grained-pat          github_pat_                     prefix             GitHub blog (no published checksum)
//	npm-token                        npm_                            checksum           GitHub changelog 2021-09-23 (GitHub's scheme)
//	atlassian-api-token              ATATT ATCTT                     checksum           Atlassian (prefix); CRC-32 hex suffix verified on published tokens
//	microsoft-identifiable-key       (signature JQQJ9 at 52)         checksum / prefix  microsoft/security-utilities, microsoft/cask (Marvin32 on standard keys; derived keys prefix)
//	age-secret-key                   AGE-SECRET-KEY-1 ...-PQ-1       checksum           age spec (C2SP), Bech32 BIP 173; age-keygen -pq (ML-KEM-768 hybrid)
//	gitlab-token                     glpat- gldt- glrt- glcbt- ...   checksum           GitLab routable tokens (base36 CRC-32); older bodies prefix
//	                                 glcbt-<JWT>                     structure          GitLab CI/CD job tokens
//	slack-token                      xoxb- xoxp- xoxa- ...           prefix             Slack API docs, token types
//	slack-app-token                  xapp-                           prefix             Slack API docs
//	stripe-secret-key                sk_live_ rk_live_               prefix             Stripe docs, API keys
//	aws-access-key-id                AKIA ASIA ABIA ACCA             prefix             AWS IAM identifiers reference
//	google-api-key                   AIza                            prefix             Google Cloud docs, API keys
//	openai-api-key                   sk- sk-proj- ...                prefix             OpenAI API reference; body holds T3BlbkFJ
//	anthropic-api-key                sk-ant-                         prefix             Anthropic docs
//	sendgrid-api-key                 SG.                             prefix             Twilio SendGrid docs
//	twilio-api-key                   SK                              prefix             Twilio docs, API keys
//	vault-token                      hvs. hvb. hvr. s. b.AAAAAQ      prefix             HashiCorp Vault docs, token prefixes (s./b.: before 1.10; s. bodies that read as identifiers are not reported)
//	doppler-token                    dp.pt. dp.st. ...               prefix             Doppler docs, auth token formats
//	digitalocean-token               dop_v1_ doo_v1_ dor_v1_         prefix             DigitalOcean docs
//	shopify-token                    shpat_ shpca_ shppa_ shpss_     prefix             Shopify docs, access tokens
//	pypi-token                       pypi-AgEIcHlwaS5vcmc            prefix             PyPI help, API tokens (macaroon for pypi.org)
//	grafana-token                    glsa_ / glc_                    checksum / prefix  Grafana docs; glsa_ CRC-32 verified on published tokens
//	1password-service-account-token  ops_eyJ                         prefix             1Password developer docs
//	private-key                      -----BEGIN ...PRIVATE KEY       structure          RFC 7468 (whole block, any line ending)
//	url-password                     scheme://user:P@host            structure          RFC 3986 3.2.1 (the password only)
//	jwt (not in Default)             eyJ                             structure          RFC 7519 (header decodes, names "alg")
//
// A token of prefix confidence whose body holds a placeholder (a run of
// ten identical or ascending characters: AKIAXXXXXXXXXXXXXXXX) is not
// reported; the default set reports no token of prefix confidence in the
// Go distribution's sources (TestNoPrefixFindingsInGoSource).
//
// Rule.Format and Rule.Source say the same per rule, Rule.Remediation what
// to do with a leaked token.
//
// # The scan and its cost
//
// One pass over the text, 64 bytes at a time (AVX-512 or AVX2 assembly
// where the CPU has it, the same arithmetic in Go elsewhere), classifies
// every byte with nibble tables and reports the chunks that hold a
// candidate: a word start whose first two bytes begin a prefix of the set
// (16 Teddy-style buckets, then an exact pairs bitmap), the signature of
// an identifiable key, "-B" or "//" at a word start (the PEM and URL
// searches run only when the text has them), or the end of a run of at
// least 27 base64 characters holding both cases. A candidate's prefixes
// (those of its two bytes) are compared, then length and alphabet, then
// the checksum. FindEncoded decodes a long base64 run when three groups in
// a row decode to text. Hold tells a stream what to keep back.
// FindEncodedSweep also sweeps a line for a decoder's marker bytes and
// blocks of base64 in the same pass (package redact's decoding scan skips
// its own). Find and FindEncoded make no allocation beyond growing dst.
// On the loghub corpus, line by line, the default set costs about a tenth
// of hush's known-secret scan at 10,000 secrets with the AVX-512 path
// (+10.6% per line, paired) and about 30% with the AVX2 path (DESIGN.md,
// "Token detectors"); the Go path, where there is no assembly, costs
// several times more.
package detect
