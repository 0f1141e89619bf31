package provider

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestServerTextKeepsTheVocabulary: the messages real servers write about
// a failure read the same once made fit to quote.
func TestServerTextKeepsTheVocabulary(t *testing.T) {
	for _, c := range []struct{ msg, keep string }{
		{"permission denied", ""},
		{"1 error occurred:\n\t* permission denied\n\n", ""},
		{`secrets "db-creds" is forbidden: User "system:serviceaccount:default:hush" cannot list resource "secrets" in API group "" in the namespace "payments"`, ""},
		{"Permission 'secretmanager.versions.access' denied for resource 'projects/p-123/secrets/db/versions/7' (or it may not exist).", "AccessSecretVersion projects/p-123/secrets/db/versions/7"},
		{"Secrets Manager can't find the specified secret.", ""},
		{"SecretNotFound", ""},
		{"HTTP 403 Forbidden", ""},
		{"invalid path for a versioned K/V secrets engine", ""},
		{"no handler for route \"secret/data/prod/db\". route entry not found.", ""},
		{"dial tcp: lookup vault.default.svc.cluster.local: no such host", ""},
		{"lookup secretmanager.googleapis.com, kv-prod.vault.azure.net, vault.example.com: i/o timeout", ""},
		{"e.g. a value", ""},
	} {
		want := strings.ReplaceAll(strings.ReplaceAll(c.msg, "\n", " "), "\t", " ")
		if got := ServerText(c.msg, c.keep); got != want {
			t.Errorf("ServerText(%q) = %q, want it unchanged", c.msg, got)
		}
	}
}

// TestServerTextReadsRealMessages: real error messages of the SDKs and
// servers hush talks to keep their vocabulary; only identifiers (request
// IDs, account and project numbers, regions, most key=value pairs) are dropped,
// and the text is cut at 300 bytes. want "" means unchanged (less its
// line breaks and tabs).
func TestServerTextReadsRealMessages(t *testing.T) {
	for _, c := range []struct{ msg, want string }{
		// AWS SDK for Go v2 around Secrets Manager, STS and IMDS errors (smithy's OperationError, ResponseError, GenericAPIError).
		{"operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: 4d8e1b2c-1111-4000-8000-222222222222, ResourceNotFoundException: Secrets Manager can't find the specified secret.", "operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: [REDACTED], ResourceNotFoundException: Secrets Manager can't find the specified secret."},
		{"operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: 4d8e1b2c-1111-4000-8000-222222222222, api error AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/app-role/i-0abc is not authorized to perform: secretsmanager:GetSecretValue on resource: prod/db because no identity-based policy allows the secretsmanager:GetSecretValue action", "operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: [REDACTED], api error AccessDeniedException: User: arn:aws:sts::[REDACTED]:assumed-role/app-role/[REDACTED] is not authorized to perform: secretsmanager:GetSecretValue on resource: prod/db because no id..."},
		{"operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: x, DecryptionFailure: Secrets Manager can't decrypt the protected secret text using the provided KMS key.", ""},
		{"operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: x, api error UnrecognizedClientException: The security token included in the request is invalid.", ""},
		{"operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: x, api error ExpiredTokenException: The security token included in the request is expired", ""},
		{"operation error Secrets Manager: GetSecretValue, exceeded maximum number of attempts, 3, https response error StatusCode: 400, RequestID: x, api error ThrottlingException: Rate exceeded", ""},
		{"operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: x, InvalidRequestException: You can't perform this operation on the secret because it was marked for deletion.", ""},
		{"operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: x, InvalidParameterException: Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!", ""},
		{"operation error Secrets Manager: GetSecretValue, failed to sign request: failed to retrieve credentials: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, http response error StatusCode: 404, request to EC2 IMDS failed", ""},
		{"operation error Secrets Manager: GetSecretValue, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://secretsmanager.us-east-1.amazonaws.com/\": dial tcp: lookup secretsmanager.us-east-1.amazonaws.com on 127.0.0.53:53: no such host", "operation error Secrets Manager: GetSecretValue, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://secretsmanager.[REDACTED].amazonaws.com/\": dial tcp: lookup secretsmanager.[REDACTED].amazonaws.com on 127.0.0.53:53: no such h..."},
		{"operation error Secrets Manager: GetSecretValue, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://secretsmanager.us-east-1.amazonaws.com/\": tls: failed to verify certificate: x509: certificate signed by unknown authority", "operation error Secrets Manager: GetSecretValue, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://secretsmanager.[REDACTED].amazonaws.com/\": tls: failed to verify certificate: x509: certificate signed by unknown authority"},
		{"operation error Secrets Manager: GetSecretValue, https response error StatusCode: 0, RequestID: , canceled, context deadline exceeded", ""},
		{"operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, RequestID: x, api error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity", ""},
		{"get credentials: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, canceled, context deadline exceeded", ""},
		// Vault and OpenBao: the API client's ResponseError, the server's errors array.
		{"1 error occurred:\n\t* permission denied\n\n", ""},
		{"Error making API request.\n\nURL: GET http://127.0.0.1:8200/v1/secret/data/prod/db\nCode: 403. Errors:\n\n* permission denied", ""},
		{"* missing client token", ""},
		{"* Vault is sealed", ""},
		{"* no handler for route \"secret/data/prod/db\". route entry not found.", ""},
		{"* invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.", ""},
		{"* 2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n", ""},
		{"* rate limit quota exceeded", ""},
		{"* upstream rate limited", ""},
		{"* error performing token check: failed to look up namespace from the token: no namespace", ""},
		{"* local node not active but active cluster node not found", ""},
		// Kubernetes: Status messages of the API server, admission, etcd.
		{"secrets \"db-creds\" not found", ""},
		{"secrets \"db-creds\" is forbidden: User \"system:serviceaccount:default:hush\" cannot get resource \"secrets\" in API group \"\" in the namespace \"payments\"", ""},
		{"Unauthorized", ""},
		{"the server has asked for the client to provide credentials", ""},
		{"the server could not find the requested resource", ""},
		{"Too many requests, please try again later.", ""},
		{"the server is currently unable to handle the request (get secrets db-creds)", ""},
		{"the server was unable to return a response in the time allotted, but may still be processing the request (get secrets db-creds)", ""},
		{"Internal error occurred: failed calling webhook \"validate.example.com\": failed to call webhook: Post \"https://webhook.payments.svc:443/validate?timeout=10s\": context deadline exceeded", "Internal error occurred: failed calling webhook \"validate.example.com\": failed to call webhook: Post \"https://webhook.payments.svc:443/validate?timeout=10s\": context deadline exceeded"},
		{"admission webhook \"validate.example.com\" denied the request: policy violation", ""},
		{"etcdserver: request timed out", ""},
		// Google Secret Manager and the Google API front end.
		{"Permission 'secretmanager.versions.access' denied for resource 'projects/p-123/secrets/db/versions/latest' (or it may not exist).", "Permission 'secretmanager.versions.access' denied for resource 'projects/[REDACTED]/secrets/db/versions/latest' (or it may not exist)."},
		{"Secret [projects/123456789/secrets/db] not found or has no versions.", "Secret [projects/[REDACTED]/secrets/db] not found or has no versions."},
		{"Secret Version [projects/123456789/secrets/db/versions/1] is in DESTROYED state.", "Secret Version [projects/[REDACTED]/secrets/db/versions/1] is in DESTROYED state."},
		{"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", ""},
		{"Request had insufficient authentication scopes.", ""},
		{"The caller does not have permission", ""},
		{"Quota exceeded for quota metric 'Access requests' and limit 'Access requests per minute per project' of service 'secretmanager.googleapis.com' for consumer 'project_number:123456789'.", "Quota exceeded for quota metric 'Access requests' and limit 'Access requests per minute per project' of service 'secretmanager.googleapis.com' for consumer 'project_number:[REDACTED]'."},
		// gRPC: transport, status errors; Google's JSON error document.
		{"connection error: desc = \"transport: Error while dialing: dial tcp 10.0.0.1:443: connect: connection refused\"", ""},
		{"rpc error: code = Unauthenticated desc = Request had invalid authentication credentials.", ""},
		{"rpc error: code = PermissionDenied desc = Permission 'secretmanager.versions.access' denied for resource 'projects/p/secrets/db/versions/latest' (or it may not exist).", ""},
		{"{\"error\": {\"code\": 401, \"message\": \"Request had invalid authentication credentials.\", \"status\": \"UNAUTHENTICATED\"}}", ""},
		// Azure Key Vault: error codes and messages.
		{"SecretNotFound", ""},
		{"ForbiddenByPolicy", ""},
		{"ForbiddenByRbac", ""},
		{"Throttled", ""},
		{"Operation get is not allowed on a disabled secret.", ""},
		{"A secret with (name/id) db was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command.", ""},
		{"The user, group or application 'appid=0000;oid=1111;iss=https://sts.windows.net/2222/' does not have secrets get permission on key vault 'kv-prod;location=westeurope'.", "The user, group or application '[REDACTED];[REDACTED];iss=https://sts.windows.net/2222/' does not have secrets get permission on key vault 'kv-prod;[REDACTED]'."},
		{"Client address is not authorized and caller is not a trusted service.", ""},
		// HTTP reason phrases (net/http, proxies).
		{"Caller is not authorized to perform action on resource.", ""},
		{"HTTP 403 Forbidden", ""},
		{"502 Bad Gateway", ""},
		{"503 Service Unavailable", ""},
		{"Request Entity Too Large", ""},
		// Proxies in front of a provider: nginx's page, Envoy's messages.
		{"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>", ""},
		{"upstream connect error or disconnect/reset before headers. reset reason: connection failure", ""},
		{"no healthy upstream", ""},
		// Kubernetes' own namespaces.
		{"pods is forbidden: User \"system:serviceaccount:kube-system:default\" cannot list resource \"secrets\" in API group \"\" in the namespace \"kube-system\"", ""},
	} {
		want := c.want
		if want == "" {
			want = strings.ReplaceAll(strings.ReplaceAll(c.msg, "\n", " "), "\t", " ")
		}
		if got := ServerText(c.msg); got != want {
			t.Errorf("ServerText(%q)\n got %q\nwant %q", c.msg, got, want)
		}
	}
}

// TestServerTextDropsValues: a server message that echoes a value never
// keeps it, whatever surrounds it, for values of the usual alphabets of
// generated secrets (letters and digits, hex, base32, base64 of both
// alphabets). Letters alone are not in the table: see ServerText.
func TestServerTextDropsValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabets := []string{
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
		"0123456789abcdef",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=",
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
		"abcdefghijklmnopqrstuvwxyz",
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
	}
	templates := []string{
		"%s", "invalid value %s", `{"errors":["cannot decode %q"]}`, "value=%s;", "bad token: %s\n",
		"'%s' is not a valid key", "prefix%ssuffix", "secret: %s (%d bytes)",
	}
	fixed := []string{"Zq8v-4Lw2-9pXc-7yTb", "tok_9f8e7d6c5b4a3210fedc", "hunter2hunter2", "AKIAIOSFODNN7EXAMPLE", "P4ssw0rd!",
		"correcthorsebatterystaple", "correct-horse-battery-staple", "CorrectHorseBatteryStaple", "Correct_Horse_Battery_Staple", "qwertyuiopasdfgh", "xkcdpassword"}
	for i := range 3000 {
		var v string
		if i < len(fixed) {
			v = fixed[i]
		} else {
			a := alphabets[i%len(alphabets)]
			n := 12 + rng.IntN(40)
			var b strings.Builder
			for range n {
				b.WriteByte(a[rng.IntN(len(a))])
			}
			v = b.String()
		}
		msg := templates[i%len(templates)]
		if strings.Count(msg, "%") == 2 {
			msg = fmt.Sprintf(msg, v, len(v))
		} else {
			msg = fmt.Sprintf(msg, v)
		}
		got := ServerText(msg, "read secret/data/prod/db")
		if strings.Contains(got, v) {
			t.Fatalf("case %d (alphabet %d, %d bytes, template %d): the value was kept", i, i%len(alphabets), len(v), i%len(templates))
		}
		// No part of it long enough to matter either (a value is cut at
		// "/" into words judged apart: a short one of letters may stay).
		for _, w := range strings.FieldsFunc(got, func(r rune) bool { return !wordByte(r) }) {
			if len(w) >= 12 && strings.Contains(v, w) {
				t.Fatalf("case %d: %d bytes of the value were kept", i, len(w))
			}
		}
	}
}

func TestServerTextBounded(t *testing.T) {
	got := ServerText(strings.Repeat("denied ", 1000) + "\x00\x1b[31m\u00e9")
	if len(got) > maxServerText+3 {
		t.Errorf("%d bytes, want at most %d", len(got), maxServerText+3)
	}
	if got := ServerText("a\x1b[31mb\u00e9c"); got != "a?[[REDACTED]?c" {
		t.Errorf("control bytes and non-ASCII: got %q", got)
	}
}

// BenchmarkServerText: four real messages, the vocabulary searched in
// place (binary search over the embedded lists).
func BenchmarkServerText(b *testing.B) {
	msgs := []string{
		"operation error Secrets Manager: GetSecretValue, https response error StatusCode: 400, RequestID: 4d8e1b2c-1111-4000-8000-222222222222, ResourceNotFoundException: Secrets Manager can't find the specified secret.",
		`secrets "db-creds" is forbidden: User "system:serviceaccount:default:hush" cannot get resource "secrets" in API group "" in the namespace "payments"`,
		"Permission 'secretmanager.versions.access' denied for resource 'projects/p-123/secrets/db/versions/latest' (or it may not exist).",
		"1 error occurred:\n\t* permission denied\n\n",
	}
	for b.Loop() {
		for _, m := range msgs {
			ServerText(m, "read secret/data/prod/db")
		}
	}
}

// TestServerTextVocabulary: the embedded lists are what lookup's binary
// search needs (sorted, lower-case, one word a line, none too long), every
// word of them is found, in any case, and words between them are not.
func TestServerTextVocabulary(t *testing.T) {
	for _, l := range []struct {
		name, body string
		kind       uint8
	}{{"errors", errorList, errorWord}, {"english", englishList, englishWord}} {
		if !strings.HasSuffix(l.body, "\n") || len(l.body) < 10000 {
			t.Fatalf("%s: %d bytes, not newline-terminated lines", l.name, len(l.body))
		}
		prev := ""
		for w := range strings.Lines(l.body) {
			w = strings.TrimSuffix(w, "\n")
			if w == "" || len(w) > maxWord || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz0123456789") != "" || w <= prev {
				t.Fatalf("%s: line %q after %q: not a sorted lower-case word", l.name, w, prev)
			}
			if got := lookup(w); got != l.kind {
				t.Errorf("%s: lookup(%q) = %d, want %d", l.name, w, got, l.kind)
			}
			if got := lookup(strings.ToUpper(w)); got != l.kind {
				t.Errorf("%s: lookup(%q) = %d, want %d", l.name, strings.ToUpper(w), got, l.kind)
			}
			if lookup(w+"q") != 0 && lookup(w+"zzzzzzzzzz") != 0 {
				t.Errorf("%s: %q with letters after it found", l.name, w)
			}
			prev = w
		}
	}
	for _, w := range []string{"", "zzzzzzzz", "0000000", strings.Repeat("a", maxWord+1), "aaaa"} {
		if lookup(w) != 0 {
			t.Errorf("lookup(%q) found", w)
		}
	}
}
