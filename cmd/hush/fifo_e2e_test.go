//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPipeNoOneWritesTo: a configuration file or an input that is a named
// pipe no one writes to never hangs hush: the configuration is read within
// --timeout (exit 2, saying so), and an input blocked in its open gives way
// to the first SIGTERM or SIGINT (exit 130), as a systemd or Kubernetes
// stop, or timeout(1), sends one signal and waits.
func TestPipeNoOneWritesTo(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sdir := secretsDir(t)

	start := time.Now()
	code, _, errs := runHushEnv(t, os.Environ(), "sources", "--timeout", "1s", "--config", fifo)
	if code != exitUsage || !strings.Contains(errs, "--timeout") {
		t.Errorf("--config on a pipe: exit code %d; stderr: %s", code, errs)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("--config on a pipe took %v", d)
	}

	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		for _, args := range [][]string{
			{"scan", "--secrets-dir", sdir, fifo},
			{"scrub", "--secrets-dir", sdir, fifo},
			{"sources", "--config", fifo},
		} {
			cmd := exec.Command(hushBin, args...)
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond)
			cmd.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				ee, ok := err.(*exec.ExitError)
				if !ok || ee.ExitCode() != 130 {
					t.Errorf("%v, %s: %v, want exit code 130; stderr: %s", sig, args[0], err, errb.String())
				}
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Errorf("%v, %s %s: still running 5s after the signal", sig, args[0], args[len(args)-2])
			}
		}
	}
}

// TestSourcesListingWriteFails: hush sources whose listing cannot be
// written (a full disk) says so, without calling it a usage mistake.
func TestSourcesListingWriteFails(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer full.Close()
	cmd := exec.Command(hushBin, "sources", "--secrets-dir", secretsDir(t))
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = full, &errb
	err = cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 4 || strings.Contains(errb.String(), "usage") || !strings.Contains(errb.String(), "write") {
		t.Errorf("%v, want exit code 4 and no word of usage; stderr: %s", err, errb.String())
	}
}
