package smfake

import (
	"os"
	"path/filepath"
	"testing"
)

// Test credentials the stand-in accepts (it does not verify signatures).
const (
	AccessKeyID     = "AKIAHUSHTESTKEY00001"
	SecretAccessKey = "hush/test/secret/access/key/not/real/0001"
)

// Environ returns the environment variables that point an AWS SDK (in this
// process or a child) at the stand-in with static test credentials, region
// us-east-1, IMDS disabled, and shared config and credentials files at dir
// (empty files are written there), so that nothing on the machine or the
// network is consulted.
func (s *Server) Environ(dir string) []string {
	cfg := filepath.Join(dir, "aws-config")
	creds := filepath.Join(dir, "aws-credentials")
	for _, p := range []string{cfg, creds} {
		if _, err := os.Stat(p); os.IsNotExist(err) {
			_ = os.WriteFile(p, nil, 0o600)
		}
	}
	return []string{
		"AWS_ENDPOINT_URL_SECRETS_MANAGER=" + s.URL,
		"AWS_ACCESS_KEY_ID=" + AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=" + Region,
		"AWS_DEFAULT_REGION=" + Region,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + cfg,
		"AWS_SHARED_CREDENTIALS_FILE=" + creds,
		"AWS_PROFILE=",
		"AWS_ROLE_ARN=",
		"AWS_WEB_IDENTITY_TOKEN_FILE=",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI=",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=",
		"AWS_ENDPOINT_URL=",
		"AWS_MAX_ATTEMPTS=",
		"AWS_RETRY_MODE=",
		"AWS_CA_BUNDLE=",
		"AWS_USE_FIPS_ENDPOINT=",
		"AWS_USE_DUALSTACK_ENDPOINT=",
	}
}

// SetEnv sets Environ(t.TempDir()) in this process for the rest of the test
// with t.Setenv (so the test must not be parallel).
func (s *Server) SetEnv(t testing.TB) {
	t.Helper()
	for _, kv := range s.Environ(t.TempDir()) {
		for i := 0; i < len(kv); i++ {
			if kv[i] == '=' {
				t.Setenv(kv[:i], kv[i+1:])
				break
			}
		}
	}
}
