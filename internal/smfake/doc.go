// Package smfake is a stand-in for AWS Secrets Manager, served on loopback
// with net/http/httptest, for the tests of every hush front end (providers,
// the Collector processor, the CLI). It speaks the awsJson1_1 protocol the
// real aws-sdk-go-v2 client uses (POST /, X-Amz-Target:
// secretsmanager.<Operation>, application/x-amz-json-1.1) and answers errors
// the way AWS does ({"__type": "...", "message": "..."}), so the SDK's own
// error classification and retryer run unchanged.
//
// Operations: GetSecretValue (by VersionId or VersionStage),
// BatchGetSecretValue (SecretIdList or Filters, MaxResults/NextToken,
// per-secret Errors), ListSecrets (name / tag-key / tag-value / description
// / all filters, pagination, SecretVersionsToStages), ListSecretVersionIds
// and DescribeSecret. Any other operation is answered with
// UnknownOperationException.
//
// Typical use with the real SDK:
//
//	sm := smfake.New()
//	defer sm.Close()
//	sm.SetEnv(t) // endpoint, static test credentials, region, no IMDS, config files in t.TempDir()
//	sm.Put("prod/db/password", "Zq8v-4Lw2-9pXc-7yTb", smfake.Tag{Key: "team", Value: "payments"})
//	// ... code under test loads the default AWS config and calls the stand-in.
//
// Rotation follows Secrets Manager's staging labels: Put makes a new
// AWSCURRENT (the old one becomes AWSPREVIOUS), PutPending stages an
// AWSPENDING version, FinishRotation moves AWSCURRENT to it.
//
// Faults: Fail injects throttling (ThrottlingException, HTTP 400), internal
// errors (InternalServiceError, HTTP 500), service unavailable (503) or
// malformed 200 bodies, for one operation or all, a number of times or until
// Heal; DenyAccess and FailDecryption make one secret answer
// AccessDeniedException or DecryptionFailure (per-secret Errors entries in
// BatchGetSecretValue); SetLatency slows every answer. Requests counts
// requests per operation, retries included.
//
// The stand-in checks that a request is signed (an AWS4-HMAC-SHA256
// Authorization header) but does not verify the signature.
package smfake // import "github.com/hushlog/hush/internal/smfake"
