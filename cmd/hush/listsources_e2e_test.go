//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/smfake"
)

// TestSourcesCommand: hush sources lists each source's secret names, the
// number of values, what is not protected and why, and failures — never a
// value.
func TestSourcesCommand(t *testing.T) {
	sm := smfake.New()
	defer sm.Close()
	const prev, cur, rds = "Prev-Zq8v-4Lw2-9pXc", "Curr-7yTb-Hq2m-Lp0w", "Rds-Pw9x-Ty2u-Io3p"
	sm.Put("prod/db/password", prev)
	sm.Put("prod/db/password", cur)
	sm.Put("prod/rds/app", `{"username":"app","password":"`+rds+`","port":5432}`)
	sm.Put("prod/flags", `{"color":"blue-and-green"}`)
	sdir := secretsDir(t)
	require.NoError(t, os.WriteFile(filepath.Join(sdir, "pin"), []byte("1234\n"), 0o644))
	env := awsEnv(t, sm)
	values := []string{prev, cur, rds, token, dbpw, "blue-and-green"}

	code, out, errs := runHushEnv(t, env, "sources", "--aws", "prefix:prod/", "--secrets-dir", sdir)
	assert.Equal(t, exitOK, code, "stderr: %s", errs)
	for _, want := range []string{
		"aws: 3 secrets, 4 values; 2 protected, 1 not protected\n",
		"  prod/db/password (2 values)\n",
		"  prod/rds/app\n",
		"  not protected: prod/flags: JSON object without credential-like keys\n",
		"file:" + sdir + ": 3 secrets, 3 values; 2 protected, 1 not protected\n",
		"  api/token\n",
		"  not protected: pin: shorter than the minimum length\n",
	} {
		assert.Contains(t, out, want)
	}
	for _, v := range values {
		if v == "" {
			t.Fatal("a fixture value is empty")
		}
		if strings.Contains(out, v) || strings.Contains(errs, v) {
			t.Error("a secret value was printed")
		}
	}

	// A failing source is listed as failed, the others still listed; exit 3.
	code, out, _ = runHushEnv(t, env, "sources", "--secrets-dir", sdir, "--exec", "exit 3")
	assert.Equal(t, exitSource, code)
	assert.Contains(t, out, "exec:sh: failed: ")
	assert.Contains(t, out, "  api/token\n")

	code, _, _ = runHushEnv(t, env, "sources", "--secrets-dir", sdir, "extra-arg")
	assert.Equal(t, exitUsage, code)
}
