package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/provider/gcpsm"
	"github.com/hushlog/hush/provider/gcpsm/gcpsmtest"
)

// TestSourceGCP runs `hush scrub --gcp projects/p?FILTER` with the real
// Secret Manager client against the loopback gRPC stand-in (reached
// through HUSH_GCP_ENDPOINT): the label filter, a JSON secret split by its
// credential-like fields, an earlier version within the grace period, and
// failures reported with exit code 3 and no value.
func TestSourceGCP(t *testing.T) {
	sf := gcpsmtest.New()
	t.Cleanup(sf.Close)
	t.Setenv(gcpsm.EndpointEnv, sf.Addr())
	const (
		old   = "Old-Gq8v-4Lw2-9pXc"
		cur   = "Cur-Gq7b-Hq2m-Lp0w"
		token = "Tok-Gq3r-Vb8n-Qe5z"
		other = "Oth-Gn7e-Gh5j-Kl8b"
	)
	db := sf.Create("projects/p", "db", map[string]string{"env": "prod"})
	sf.AddVersion(db, []byte(`{"password":"`+old+`","host":"db.internal"}`))
	sf.AddVersion(db, []byte(`{"password":"`+cur+`","host":"db.internal"}`))
	sf.AddVersion(sf.Create("projects/p", "api-token", map[string]string{"env": "prod"}), []byte(token))
	sf.AddVersion(sf.Create("projects/p", "staging", map[string]string{"env": "staging"}), []byte(other))
	log := logWith(t, old, cur, token, other, "db.internal")

	code, out, errs := runMain(t, nil, "scrub", "-q", "--gcp", "projects/p?labels.env=prod", log)
	require.Equal(t, ExitOK, code, "stderr: %s", errs)
	want := "line a value=[REDACTED:db#password]\n" +
		"line b value=[REDACTED:db#password]\n" +
		"line c value=[REDACTED:api-token]\n" +
		"line d value=" + other + "\n" +
		"line e value=db.internal\n"
	if out != want {
		t.Errorf("scrub output differs; lines a-c must be redacted, d (outside the filter) and e (not a credential) kept:\n%s",
			strings.NewReplacer(old, "<old>", cur, "<cur>", token, "<token>").Replace(out))
	}

	code, out, _ = runMain(t, nil, "scan", "--gcp", "p", log)
	assert.Equal(t, ExitFound, code)
	assert.Equal(t, 4, strings.Count(out, "\n"), "every secret of the project, without a filter")

	sf.Deny("api-token")
	code, _, errs = runMain(t, nil, "scan", "--gcp", "projects/p", log)
	assert.Equal(t, ExitSource, code)
	assert.Contains(t, errs, `"api-token"`)
	assert.Contains(t, errs, "access denied")
	assert.Contains(t, errs, "roles/secretmanager.secretAccessor")
	if strings.Contains(errs, old) || strings.Contains(errs, cur) || strings.Contains(errs, token) || strings.Contains(errs, other) {
		t.Error("a secret value leaked into stderr")
	}

	code, _, errs = runMain(t, nil, "scan", "--gcp", "projects/p/secrets/x", log)
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errs, "--gcp")
}
