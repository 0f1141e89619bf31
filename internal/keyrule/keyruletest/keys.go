// Package keyruletest holds the real-world keys the key rules are tested
// against, shared by the tests of internal/keyrule and of the zap and slog
// front ends, which run every key through the real libraries end to end.
package keyruletest

import "github.com/hushlog/hush/internal/keyrule"

// Case is a key and what the default rules must judge it.
type Case struct {
	Key  string
	Want keyrule.Verdict
	From string // where the key comes from
}

const (
	clear      = keyrule.Clear
	credential = keyrule.Credential
	numeric    = keyrule.Numeric
)

// Keys are keys seen in the wild: HTTP headers, cloud SDK and CI environment
// variables, OpenTelemetry semantic-convention attributes, popular
// frameworks' and tools' configuration, language-model usage fields, and
// the keys of the issue that started it all. Both directions: credentials
// that must be redacted, and lookalikes that must not.
var Keys = []Case{
	// The issue: counters, flags and policies that contain a credential word.
	{"token_count", clear, "issue 15"},
	{"max_tokens", clear, "issue 15"},
	{"tokenizer_version", clear, "issue 15"},
	{"secretary", clear, "issue 15"},
	{"password_reset_required", clear, "issue 15"},
	{"cookie_policy", clear, "issue 15"},
	{"db_password", numeric, "issue 15"},
	{"accessToken", credential, "issue 15"},
	{"AWS_SECRET_ACCESS_KEY", numeric, "issue 15"},
	{"x-api-key", numeric, "issue 15"},
	{"auth.token", credential, "issue 15"},
	{"Set-Cookie", numeric, "issue 15"},

	// HTTP headers.
	{"Authorization", numeric, "HTTP"},
	{"Proxy-Authorization", numeric, "HTTP"},
	{"Cookie", numeric, "HTTP"},
	{"X-Api-Key", numeric, "HTTP"},
	{"X-API-KEY", numeric, "HTTP"},
	{"X-Auth-Token", credential, "HTTP"},
	{"X-CSRF-Token", credential, "HTTP"},
	{"X-XSRF-TOKEN", credential, "HTTP"},
	{"X-Amz-Security-Token", credential, "AWS SigV4"},
	{"X-Amz-Signature", credential, "AWS SigV4"},
	{"X-Amz-Credential", numeric, "AWS SigV4"},
	{"X-Amz-Content-Sha256", clear, "AWS SigV4"},
	{"X-Amz-Date", clear, "AWS SigV4"},
	{"X-Goog-Api-Key", numeric, "Google APIs"},
	{"X-Vault-Token", credential, "Vault"},
	{"X-Hub-Signature-256", credential, "GitHub webhooks"},
	{"X-Shopify-Access-Token", credential, "Shopify"},
	{"Ocp-Apim-Subscription-Key", numeric, "Azure API Management"},
	{"WWW-Authenticate", clear, "HTTP"},
	{"Sec-WebSocket-Key", clear, "HTTP"},
	{"Content-Length", clear, "HTTP"},
	{"Content-Type", clear, "HTTP"},
	{"User-Agent", clear, "HTTP"},
	{"X-Request-Id", clear, "HTTP"},
	{"X-Forwarded-For", clear, "HTTP"},
	{"Idempotency-Key", clear, "HTTP"},
	{"X-RateLimit-Remaining", clear, "HTTP"},
	{"Cache-Control", clear, "HTTP"},

	// Cloud SDKs and CI.
	{"AWS_ACCESS_KEY_ID", numeric, "AWS SDK"},
	{"AWS_SESSION_TOKEN", credential, "AWS SDK"},
	{"AWS_REGION", clear, "AWS SDK"},
	{"AWS_PROFILE", clear, "AWS SDK"},
	{"AWS_SHARED_CREDENTIALS_FILE", clear, "AWS SDK"},
	{"AWS_WEB_IDENTITY_TOKEN_FILE", clear, "AWS SDK"},
	{"AWS_ROLE_ARN", clear, "AWS SDK"},
	{"AWSSecretAccessKey", numeric, "AWS SDK"},
	{"SecretString", numeric, "AWS Secrets Manager"},
	{"SecretBinary", numeric, "AWS Secrets Manager"},
	{"SecretId", numeric, "AWS Secrets Manager name, over-matched: Vault AppRole's secret_id is a credential"},
	{"NextToken", clear, "AWS pagination"},
	{"ClientToken", credential, "AWS idempotency token, over-matched: Vault's client_token is the Vault token"},
	{"GOOGLE_APPLICATION_CREDENTIALS", credential, "Google Cloud"},
	{"GOOGLE_CLOUD_PROJECT", clear, "Google Cloud"},
	{"private_key", numeric, "Google service account"},
	{"private_key_id", clear, "Google service account"},
	{"client_email", clear, "Google service account"},
	{"token_uri", clear, "Google service account"},
	{"nextPageToken", clear, "Google APIs"},
	{"pageToken", clear, "Google APIs"},
	{"AZURE_CLIENT_SECRET", numeric, "Azure"},
	{"AZURE_CLIENT_ID", clear, "Azure"},
	{"AZURE_TENANT_ID", clear, "Azure"},
	{"AZURE_CLIENT_CERTIFICATE_PASSWORD", numeric, "Azure"},
	{"AZURE_CLIENT_CERTIFICATE_PATH", clear, "Azure"},
	{"AZURE_STORAGE_CONNECTION_STRING", clear, "Azure (connection strings are value-scrubbed, not key-ruled)"},
	{"AZURE_STORAGE_ACCOUNT_KEY", numeric, "Azure"},
	{"SharedAccessKey", numeric, "Azure"},
	{"VAULT_TOKEN", credential, "Vault"},
	{"VAULT_ADDR", clear, "Vault"},
	{"secret_id", numeric, "Vault AppRole"},
	{"role_id", clear, "Vault AppRole"},
	{"client_token", credential, "Vault"},
	{"GITHUB_TOKEN", credential, "GitHub Actions"},
	{"GH_TOKEN", credential, "GitHub CLI"},
	{"GITHUB_SHA", clear, "GitHub Actions"},
	{"CI_JOB_TOKEN", credential, "GitLab CI"},
	{"NPM_TOKEN", credential, "npm"},
	{"DOCKER_PASSWORD", numeric, "Docker"},
	{"DOCKER_USERNAME", clear, "Docker"},
	{"OPENAI_API_KEY", numeric, "OpenAI"},
	{"ANTHROPIC_API_KEY", numeric, "Anthropic"},
	{"HEROKU_API_KEY", numeric, "Heroku"},
	{"STRIPE_SECRET_KEY", numeric, "Stripe"},
	{"STRIPE_PUBLISHABLE_KEY", clear, "Stripe"},
	{"SLACK_BOT_TOKEN", credential, "Slack"},
	{"SLACK_SIGNING_SECRET", numeric, "Slack"},
	{"TWILIO_AUTH_TOKEN", credential, "Twilio"},
	{"SENTRY_DSN", clear, "Sentry (a DSN is value-scrubbed, not key-ruled)"},
	{"PGPASSWORD", numeric, "PostgreSQL"},
	{"PGPASSFILE", clear, "PostgreSQL"},
	{"POSTGRES_PASSWORD", numeric, "postgres image"},
	{"POSTGRES_PASSWORD_FILE", clear, "postgres image"},
	{"MYSQL_ROOT_PASSWORD", numeric, "mysql image"},
	{"MYSQL_PWD", numeric, "mysql client"},
	{"PWD", clear, "shell"},
	{"OLDPWD", clear, "shell"},
	{"SSH_AUTH_SOCK", clear, "ssh-agent"},
	{"KUBECONFIG", clear, "kubectl"},
	{"DB_PASS", credential, "twelve-factor apps"},
	{"SMTP_PASS", credential, "nodemailer"},
	{"bypass", clear, "lookalike"},

	// OpenTelemetry semantic conventions.
	{"http.request.header.authorization", numeric, "OTel semconv"},
	{"http.request.header.cookie", numeric, "OTel semconv"},
	{"http.response.header.set-cookie", numeric, "OTel semconv"},
	{"http.request.header.x-api-key", numeric, "OTel semconv"},
	{"rpc.grpc.request.metadata.authorization", numeric, "OTel semconv"},
	{"db.connection_string", clear, "OTel semconv (value-scrubbed, not key-ruled)"},
	{"gen_ai.usage.input_tokens", clear, "OTel semconv"},
	{"gen_ai.usage.output_tokens", clear, "OTel semconv"},
	{"gen_ai.request.max_tokens", clear, "OTel semconv"},
	{"gen_ai.token.type", clear, "OTel semconv"},
	{"http.response.status_code", clear, "OTel semconv"},
	{"http.request.body.size", clear, "OTel semconv"},
	{"session.id", clear, "OTel semconv"},
	{"messaging.kafka.message.key", clear, "OTel semconv"},
	{"aws.s3.key", clear, "OTel semconv"},
	{"db.namespace", clear, "OTel semconv"},
	{"user.id", clear, "OTel semconv"},

	// Language-model APIs.
	{"prompt_tokens", clear, "OpenAI usage"},
	{"completion_tokens", clear, "OpenAI usage"},
	{"total_tokens", clear, "OpenAI usage"},
	{"cached_tokens", clear, "OpenAI usage"},
	{"max_completion_tokens", clear, "OpenAI request"},
	{"maxOutputTokens", clear, "Gemini request"},
	{"inputTokens", clear, "Bedrock usage"},
	{"cache_read_input_tokens", clear, "Anthropic usage"},
	{"tokens", clear, "lookalike"},
	{"eos_token", clear, "tokenizer_config.json"},
	{"pad_token", clear, "tokenizer_config.json"},
	{"bos_token_id", clear, "generation_config.json"},

	// Django.
	{"SECRET_KEY", numeric, "Django"},
	{"EMAIL_HOST_PASSWORD", numeric, "Django"},
	{"PASSWORD", numeric, "Django DATABASES"},
	{"SESSION_COOKIE_AGE", clear, "Django"},
	{"SESSION_COOKIE_SECURE", clear, "Django"},
	{"CSRF_COOKIE_NAME", clear, "Django"},
	{"AUTH_PASSWORD_VALIDATORS", clear, "Django"},
	{"PASSWORD_HASHERS", clear, "Django"},
	{"PASSWORD_RESET_TIMEOUT", clear, "Django"},
	{"csrfmiddlewaretoken", credential, "Django forms"},

	// Rails and Devise.
	{"secret_key_base", numeric, "Rails"},
	{"RAILS_MASTER_KEY", numeric, "Rails"},
	{"encrypted_password", numeric, "Devise"},
	{"reset_password_token", credential, "Devise"},
	{"reset_password_sent_at", clear, "Devise"},
	{"password_confirmation", numeric, "Rails"},
	{"authenticity_token", credential, "Rails"},
	{"sign_in_count", clear, "Devise"},

	// Spring Boot.
	{"spring.datasource.password", numeric, "Spring"},
	{"spring.datasource.username", clear, "Spring"},
	{"spring.datasource.url", clear, "Spring"},
	{"spring.security.oauth2.client.registration.github.client-secret", numeric, "Spring"},
	{"spring.security.oauth2.client.registration.github.client-id", clear, "Spring"},
	{"server.ssl.key-store-password", numeric, "Spring"},
	{"server.ssl.key-store", clear, "Spring"},
	{"server.servlet.session.cookie.http-only", clear, "Spring"},
	{"server.servlet.session.cookie.name", clear, "Spring"},
	{"jwt.secret", numeric, "Spring apps"},
	{"jwt.expiration", clear, "Spring apps"},

	// Docker, npm, Kubernetes, Laravel, .NET.
	{"auth", credential, "docker config.json"},
	{"identitytoken", credential, "docker config.json"},
	{"credsStore", clear, "docker config.json"},
	{"//registry.npmjs.org/:_authToken", credential, ".npmrc"},
	{"_auth", credential, ".npmrc"},
	{"_password", numeric, ".npmrc"},
	{"always-auth", clear, ".npmrc"},
	{"secretKeyRef", clear, "Kubernetes"},
	{"secretName", clear, "Kubernetes"},
	{"APP_KEY", numeric, "Laravel"},
	{"DB_PASSWORD", numeric, "Laravel"},
	{"ConnectionStrings", clear, ".NET appsettings.json"},
	{"connectionString", clear, ".NET"},

	// OAuth and OpenID Connect.
	{"access_token", credential, "OAuth"},
	{"refresh_token", credential, "OAuth"},
	{"id_token", credential, "OpenID Connect"},
	{"id_token_hint", credential, "OpenID Connect"},
	{"token_type", clear, "OAuth"},
	{"expires_in", clear, "OAuth"},
	{"client_secret", numeric, "OAuth"},
	{"client_id", clear, "OAuth"},
	{"code", clear, "lookalike"},
	{"authorization_code", numeric, "OAuth"},
	{"authorization_endpoint", clear, "OpenID Connect discovery"},
	{"oauth_token_secret", numeric, "OAuth 1"},

	// Knowledge secrets and the type policy.
	{"password", numeric, "forms"},
	{"new_password", numeric, "forms"},
	{"password2", numeric, "forms"},
	{"password_hash", numeric, "user tables"},
	{"pin", numeric, "forms"},
	{"cvv", numeric, "payments"},
	{"otp", numeric, "2FA"},
	{"verification_code", numeric, "2FA"},
	{"mfa_code", numeric, "2FA"},
	{"passphrase", numeric, "ssh/gpg"},
	{"passwords", credential, "lookalike"},
	{"secrets", credential, "lookalike"},
	{"has_password", clear, "flags"},
	{"require_api_key", clear, "flags"},
	{"use_token", clear, "flags"},
	{"password_min_length", clear, "policies"},
	{"token_ttl", clear, "policies"},
	{"token_expires_at", clear, "policies"},
	{"secret_name", clear, "AWS/Kubernetes"},
	{"ssh_public_key", clear, "lookalike"},
	{"public_key", clear, "lookalike"},
	{"cache_key", clear, "lookalike"},
	{"primary_key", clear, "lookalike"},
	{"passport", clear, "lookalike"},
	{"authorize", clear, "lookalike"},
	{"author", clear, "lookalike"},
	{"signature_version", clear, "AWS SDK config"},
	{"signature", credential, "webhooks"},
	{"bearer", numeric, "headers"},
	{"dsn", clear, "database/sql (value-scrubbed, not key-ruled)"},
	{"user", clear, "lookalike"},
	{"key", clear, "lookalike"},
	{"session", clear, "lookalike"},
	{"", clear, "empty"},
}

// Redacted is the documented type policy, written out independently of
// keyrule's own Verdict.Redacts so that the front ends' tests check it
// rather than reuse it: strings, bytes and structured values are redacted
// under any credential key, numbers (and durations and times) only under a
// Numeric one, booleans never.
func (c Case) Redacted(k keyrule.Kind) bool {
	switch k {
	case keyrule.KindText:
		return c.Want == credential || c.Want == numeric
	case keyrule.KindNumber:
		return c.Want == numeric
	}
	return false
}
