//go:build linux

package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/smfake"
)

// awsEnv returns this process's environment without any AWS_ variable,
// plus the stand-in's (static test credentials, region, IMDS disabled,
// empty shared config files), plus set ("KEY=" removes KEY's value).
func awsEnv(t *testing.T, sm *smfake.Server, set ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	env = append(env, sm.Environ(t.TempDir())...)
	return append(env, set...)
}

// runHushEnv runs hush with env, killing it (and failing the test) if it
// has not finished within a minute: a hang is the bug these tests look for.
func runHushEnv(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, hushBin, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	require.NoError(t, ctx.Err(), "hush hung: still running after a minute (%v)", args)
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	}
	require.NoError(t, err)
	return 0, out.String(), errb.String()
}

// silentListener accepts connections and never answers.
func silentListener(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// TestSourceTimeout: a source that accepts a connection and never answers,
// and a command that hangs, stop the run with a clear message and exit 3.
func TestSourceTimeout(t *testing.T) {
	sm := smfake.New()
	defer sm.Close()
	log := filepath.Join(t.TempDir(), "app.log")
	require.NoError(t, os.WriteFile(log, []byte("hello\n"), 0o644))

	env := awsEnv(t, sm, "AWS_ENDPOINT_URL_SECRETS_MANAGER="+silentListener(t))
	code, _, errs := runHushEnv(t, env, "scan", "--timeout", "2s", "--aws", "prod/db/password", log)
	assert.Equal(t, exitSource, code)
	assert.Contains(t, errs, "secret source aws did not answer within 2s (--timeout)")

	code, _, errs = runHushEnv(t, os.Environ(), "scrub", "--timeout", "1s", "--exec", "exec sleep 600", log)
	assert.Equal(t, exitSource, code)
	assert.Contains(t, errs, "secret source exec:sh did not answer within 1s (--timeout)")

	// The stand-in made slow by an hour: the same.
	sm.SetLatency(time.Hour)
	code, _, errs = runHushEnv(t, awsEnv(t, sm), "scan", "--timeout", "1s", "--aws", "prod/db/password", log)
	assert.Equal(t, exitSource, code)
	assert.Contains(t, errs, "did not answer within 1s")

	code, _, errs = runHushEnv(t, os.Environ(), "scan", "--timeout", "0s", "--exec", "true", log)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "--timeout 0s: want a positive duration")
}

// TestAWSAdvice: the message fits the cause — missing credentials, an
// unknown profile, no region — and --region and --profile work.
func TestAWSAdvice(t *testing.T) {
	sm := smfake.New()
	defer sm.Close()
	sm.Put("prod/db/password", dbpw)
	log := filepath.Join(t.TempDir(), "app.log")
	require.NoError(t, os.WriteFile(log, []byte("pw="+dbpw+"\n"), 0o644))

	code, _, errs := runHushEnv(t, awsEnv(t, sm, "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY="), "scan", "--aws", "prod/db/password", log)
	assert.Equal(t, exitSource, code)
	assert.Contains(t, errs, "no AWS credentials found: set AWS_PROFILE (or --profile) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	assert.NotContains(t, errs, "try again")

	code, _, errs = runHushEnv(t, awsEnv(t, sm), "scan", "--profile", "nosuch", "--aws", "prod/db/password", log)
	assert.Equal(t, exitSource, code)
	assert.Contains(t, errs, `AWS profile "nosuch" not found`)

	code, _, errs = runHushEnv(t, awsEnv(t, sm, "AWS_REGION=", "AWS_DEFAULT_REGION="), "scan", "--aws", "prod/db/password", log)
	assert.Equal(t, exitSource, code)
	assert.Contains(t, errs, "no AWS region: give --region")

	code, out, errs := runHushEnv(t, awsEnv(t, sm, "AWS_REGION=", "AWS_DEFAULT_REGION="), "scan", "--region", smfake.Region, "--aws", "prod/db/password", log)
	assert.Equal(t, exitFound, code, "--region; stderr: %s", errs)
	assert.Contains(t, out, "secret prod/db/password")

	// A profile from the shared config file, chosen by --profile.
	env := awsEnv(t, sm, "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_REGION=", "AWS_DEFAULT_REGION=")
	dir := t.TempDir()
	cfgFile, credFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	require.NoError(t, os.WriteFile(cfgFile, []byte("[profile ops]\nregion = "+smfake.Region+"\n"), 0o600))
	require.NoError(t, os.WriteFile(credFile, []byte("[ops]\naws_access_key_id = "+smfake.AccessKeyID+"\naws_secret_access_key = "+smfake.SecretAccessKey+"\n"), 0o600))
	env = append(env, "AWS_CONFIG_FILE="+cfgFile, "AWS_SHARED_CREDENTIALS_FILE="+credFile)
	code, _, errs = runHushEnv(t, env, "scan", "--profile", "ops", "--aws", "prod/db/password", log)
	assert.Equal(t, exitFound, code, "--profile; stderr: %s", errs)

	// A file source's failure carries no AWS advice.
	code, _, errs = runHushEnv(t, os.Environ(), "scan", "--env-file", filepath.Join(dir, "missing.env"), log)
	assert.Equal(t, exitSource, code)
	assert.Contains(t, errs, "missing.env")
	for _, aws := range []string{"AWS SDK", "AWS_", "credentials", "--region", "try again", "network"} {
		assert.NotContains(t, errs, aws, "file source error with AWS advice")
	}
	noLeak(t, "stderr", []byte(errs))
}
