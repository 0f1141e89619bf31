//go:build linux

package main

import (
	"bytes"
	"io"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// runHush runs the real binary with stdin (nil: empty) and returns its
// exit code and output. It fails the test only if hush could not be run.
func runHush(t *testing.T, stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(hushBin, args...)
	if stdin == nil {
		stdin = bytes.NewReader(nil)
	}
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	}
	require.NoError(t, err, "run hush")
	return 0, out.String(), errb.String()
}

// noLeak fails the test, naming the secret and where, if any demo secret's
// value is in b.
func noLeak(t *testing.T, where string, b []byte) {
	t.Helper()
	if name := leaked(b); name != "" {
		t.Errorf("%s: secret %s leaked", where, name)
	}
}
