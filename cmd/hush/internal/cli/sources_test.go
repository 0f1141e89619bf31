package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/smfake"
	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/file"
)

// logWith returns a log file holding each value on a line of its own.
func logWith(t *testing.T, values ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "app.log")
	var b strings.Builder
	for i, v := range values {
		b.WriteString("line ")
		b.WriteString(string(rune('a' + i)))
		b.WriteString(" value=")
		b.WriteString(v)
		b.WriteString("\n")
	}
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSourceSecretsDir(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "prod", "db"), 0o755)
	os.WriteFile(filepath.Join(dir, "prod", "db", "password"), []byte(testSecrets[0].Value+"\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "api-token"), []byte(testSecrets[1].Value), 0o600)
	const machinery = "not-a-secret-but-long-enough"
	// A key with one leading dot is a secret (.dockerconfigjson); the
	// mount machinery (..data and its timestamped targets) is not.
	os.WriteFile(filepath.Join(dir, ".hidden"), []byte(testSecrets[2].Value), 0o600)
	os.MkdirAll(filepath.Join(dir, "..2026_12_02_07_00_00.123"), 0o755)
	os.WriteFile(filepath.Join(dir, "..2026_12_02_07_00_00.123", "machinery"), []byte(machinery), 0o600)
	log := logWith(t, testSecrets[0].Value, testSecrets[1].Value, testSecrets[2].Value, machinery)
	code, out, errs := runMain(t, nil, "scrub", "-q", "--secrets-dir", dir, log)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := "line a value=[REDACTED:prod/db/password]\nline b value=[REDACTED:api-token]\nline c value=[REDACTED:.hidden]\nline d value=" + machinery + "\n"
	if out != want {
		masked := out
		for _, s := range testSecrets {
			masked = strings.ReplaceAll(masked, s.Value, "<value of "+s.Name+">")
		}
		t.Errorf("got:\n%s", masked)
	}

	code, _, errs = runMain(t, nil, "scan", "--secrets-dir", filepath.Join(dir, "missing"), log)
	if code != ExitSource || !strings.Contains(errs, "missing") {
		t.Errorf("missing directory: exit %d, %s", code, errs)
	}
}

func TestSourceEnvFileAndEnvironment(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), ".env")
	os.WriteFile(envFile, []byte("# app\nDB_PASSWORD="+testSecrets[0].Value+"\nAPI_TOKEN=\""+testSecrets[1].Value+"\"\n"), 0o600)
	t.Setenv("HUSHTEST_SMTP_PASSWORD", testSecrets[2].Value)
	t.Setenv("HUSHTEST_HOME", "/home/not-a-secret-at-all")
	log := logWith(t, testSecrets[0].Value, testSecrets[1].Value, testSecrets[2].Value, "/home/not-a-secret-at-all")
	code, out, errs := runMain(t, nil, "scrub", "-q", "--env-file", envFile, "--from-env", "HUSHTEST_*_PASSWORD", log)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := "line a value=[REDACTED:DB_PASSWORD]\nline b value=[REDACTED:API_TOKEN]\nline c value=[REDACTED:HUSHTEST_SMTP_PASSWORD]\nline d value=/home/not-a-secret-at-all\n"
	if out != want {
		t.Errorf("got:\n%s", out)
	}
}

func TestSourceExec(t *testing.T) {
	log := logWith(t, testSecrets[0].Value, testSecrets[1].Value)
	code, out, errs := runMain(t, nil, "scan", "--format", "json", "--exec",
		`printf '%s' '{"vault/db": "`+testSecrets[0].Value+`", "vault/api": "`+testSecrets[1].Value+`"}'`, log)
	if code != ExitFound {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"secret":"vault/db"`) || !strings.Contains(out, `"secret":"vault/api"`) {
		t.Errorf("findings:\n%s", out)
	}
	code, _, errs = runMain(t, nil, "scan", "--exec", "echo 'oops' >&2; exit 7", log)
	if code != ExitSource || !strings.Contains(errs, "secret source exec") {
		t.Errorf("failing command: exit %d, %s", code, errs)
	}
	assertNoValue(t, "stderr", []byte(errs))
}

// TestSourceConfigFile: the Collector processor's schema, with ${env:...}
// expansion; flags add to and override it.
func TestSourceConfigFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HUSHTEST_API_TOKEN", testSecrets[1].Value)
	sdir := filepath.Join(dir, "secrets")
	os.MkdirAll(sdir, 0o755)
	os.WriteFile(filepath.Join(sdir, "db"), []byte(testSecrets[0].Value), 0o600)
	cfg := filepath.Join(dir, "hush.yaml")
	os.WriteFile(cfg, []byte(`min_length: 10
encodings: [raw, base64]
replacement: "<{name}>"
files:
  dirs: [`+sdir+`]
static:
  - name: api/token
    value: ${env:HUSHTEST_API_TOKEN}
`), 0o600)
	log := logWith(t, testSecrets[0].Value, testSecrets[1].Value, "dG9rXzlmOGU3ZDZjNWI0YTMyMTBmZWRj", "746f6b5f3966386537643663356234613332313066656463")
	code, out, errs := runMain(t, nil, "scrub", "-q", "--config", cfg, log)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := "line a value=<db>\nline b value=<api/token>\nline c value=<api/token>\nline d value=746f6b5f3966386537643663356234613332313066656463\n"
	if out != want {
		t.Errorf("got:\n%s", out)
	}
	code, out, _ = runMain(t, nil, "scrub", "-q", "--config", cfg, "--replacement", "***", "--encodings", "all", log)
	if code != ExitOK || strings.Count(out, "***") != 4 {
		t.Errorf("flags over the file: exit %d:\n%s", code, out)
	}
}

// TestSourceAWS runs the real AWS SDK against the loopback stand-in:
// selection by prefix, tag and name, the AWSCURRENT, AWSPENDING and
// AWSPREVIOUS versions, JSON object secrets split by field, and failures
// reported with exit code 3.
func TestSourceAWS(t *testing.T) {
	sm := smfake.New()
	defer sm.Close()
	sm.SetEnv(t)
	const (
		old     = "Old-Zq8v-4Lw2-9pXc"
		current = "Cur-7yTb-Hq2m-Lp0w"
		pending = "Pen-Xk3r-Vb8n-Qe5z"
		tagged  = "Tag-Mw4t-Jc6y-Rs1d"
		rdsPass = "Rds-Pw9x-Ty2u-Io3p"
		other   = "Oth-Nq7e-Gh5j-Kl8b"
	)
	sm.Put("prod/db/password", old)
	sm.Put("prod/db/password", current)
	if _, err := sm.PutPending("prod/db/password", pending); err != nil {
		t.Fatal(err)
	}
	sm.Put("prod/rds/app", `{"username":"app","password":"`+rdsPass+`","host":"db.internal","port":5432}`)
	sm.Put("payments/key", tagged, smfake.Tag{Key: "team", Value: "payments"})
	sm.Put("staging/other", other)
	log := logWith(t, old, current, pending, tagged, rdsPass, other, "db.internal")

	code, out, errs := runMain(t, nil, "scan", "--aws", "prefix:prod/", "--aws", "payments/key", log)
	if code != ExitFound {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		":1:14: secret prod/db/password (raw)", // AWSPREVIOUS
		":2:14: secret prod/db/password (raw)", // AWSCURRENT
		":3:14: secret prod/db/password (raw)", // AWSPENDING
		":4:14: secret payments/key (raw)",
		":5:14: secret prod/rds/app#password (raw)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no finding %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, ":6:") || strings.Contains(out, ":7:") {
		t.Errorf("unselected secret or non-credential field found:\n%s", out)
	}

	code, out, _ = runMain(t, nil, "scan", "--aws", "tag:team=payments", log)
	if code != ExitFound || strings.Count(out, "\n") != 1 || !strings.Contains(out, "payments/key") {
		t.Errorf("by tag: exit %d:\n%s", code, out)
	}

	sm.DenyAccess("payments/key")
	code, _, errs = runMain(t, nil, "scan", "--aws", "payments/key", log)
	if code != ExitSource || !strings.Contains(errs, "payments/key") || !strings.Contains(errs, "access denied") {
		t.Errorf("access denied: exit %d, %s", code, errs)
	}
	code, _, errs = runMain(t, nil, "scan", "--aws", "prod/nope", log)
	if code != ExitSource || !strings.Contains(errs, "prod/nope") {
		t.Errorf("not found: exit %d, %s", code, errs)
	}
	for _, v := range []string{old, current, pending, tagged, rdsPass, other} {
		if strings.Contains(errs, v) {
			t.Errorf("a secret value leaked into stderr")
		}
	}
}

// TestAdviceFitsTheSource: the AWS advice is given for the AWS source
// only; a file source denied access gets none.
func TestAdviceFitsTheSource(t *testing.T) {
	d, err := file.NewDir(t.TempDir(), file.Options{})
	require.NoError(t, err)
	denied := provider.NewError(d.Name(), "db", provider.AccessDenied, errors.New("open db: permission denied"))
	msg := describeListError(d, denied).Error()
	assert.Contains(t, msg, "permission denied")
	assert.NotContains(t, msg, "AWS")
	transient := provider.NewError(d.Name(), "db", provider.Transient, errors.New("read db: input/output error"))
	assert.NotContains(t, describeListError(d, transient).Error(), "try again")
}
