//go:build linux

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal and returns its controlling side and
// its terminal side (what a program sees as its terminal).
func openPTY(t *testing.T) (ctl, tty *os.File) {
	t.Helper()
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	require.NoError(t, err, "open /dev/ptmx")
	require.NoError(t, unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0), "unlock pty")
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	require.NoError(t, err, "pty number")
	ctl = os.NewFile(uintptr(fd), "ptmx")
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err, "open pty")
	return ctl, tty
}

// slowFIFO creates a named pipe at path and writes lines with a secret to
// it for about a second, so that a progress bar has time to draw.
func slowFIFO(t *testing.T, path string) {
	require.NoError(t, unix.Mkfifo(path, 0o644))
	go func() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer f.Close()
		for range 10 {
			io.WriteString(f, strings.Repeat("x", 1000)+" "+token+"\n")
			time.Sleep(100 * time.Millisecond)
		}
	}()
}

// runOnTerminal runs hush with standard input, output and error all on a
// pseudo-terminal (an ordinary interactive run) and returns the exit code
// and what the terminal showed.
func runOnTerminal(t *testing.T, args ...string) (int, string) {
	ctl, tty := openPTY(t)
	defer ctl.Close()
	cmd := exec.Command(hushBin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	require.NoError(t, cmd.Start())
	tty.Close()
	var shown bytes.Buffer
	var wg sync.WaitGroup
	wg.Go(func() { io.Copy(&shown, ctl) }) // ends with EIO once hush exits
	err := cmd.Wait()
	wg.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return code, shown.String()
}

func barDrawn(s string) bool { return strings.Contains(s, "\r") && strings.Contains(s, "B/s") }

// TestProgressInteractive: in an ordinary interactive run (everything on a
// terminal) with -o or --in-place, the progress bar shows; --no-progress
// and --quiet turn it off; --progress forces it where stderr is no
// terminal.
func TestProgressInteractive(t *testing.T) {
	sdir := secretsDir(t)
	dir := t.TempDir()

	fifo := filepath.Join(dir, "in.log")
	slowFIFO(t, fifo)
	code, shown := runOnTerminal(t, "scrub", "--secrets-dir", sdir, "-o", filepath.Join(dir, "out.log"), fifo)
	assert.Equal(t, exitOK, code, "scrub -o on a terminal")
	assert.True(t, barDrawn(shown), "no progress bar in an interactive run with -o")
	noLeak(t, "terminal", []byte(shown))

	fifo = filepath.Join(dir, "in2.log")
	slowFIFO(t, fifo)
	code, shown = runOnTerminal(t, "scan", "--secrets-dir", sdir, "-o", filepath.Join(dir, "report.txt"), fifo)
	assert.Equal(t, exitFound, code, "scan -o on a terminal")
	assert.True(t, barDrawn(shown), "no progress bar in an interactive scan with -o")

	fifo = filepath.Join(dir, "in3.log")
	slowFIFO(t, fifo)
	code, shown = runOnTerminal(t, "scrub", "--no-progress", "--secrets-dir", sdir, "-o", filepath.Join(dir, "out3.log"), fifo)
	assert.Equal(t, exitOK, code)
	assert.False(t, barDrawn(shown), "--no-progress drew a bar")
	assert.Contains(t, shown, "10 redactions", "the summary is still printed")

	// Findings on the terminal: the bar would tear them, so none.
	fifo = filepath.Join(dir, "in4.log")
	slowFIFO(t, fifo)
	code, shown = runOnTerminal(t, "scan", "--secrets-dir", sdir, fifo)
	assert.Equal(t, exitFound, code)
	assert.False(t, barDrawn(shown), "bar drawn over findings on the terminal")

	// --progress where stderr is a pipe.
	fifo = filepath.Join(dir, "in5.log")
	slowFIFO(t, fifo)
	code, _, errs := runHush(t, nil, "scrub", "--progress", "--secrets-dir", sdir, "-o", filepath.Join(dir, "out5.log"), fifo)
	assert.Equal(t, exitOK, code)
	assert.True(t, barDrawn(errs), "--progress drew no bar")

	code, _, errs = runHush(t, nil, "scrub", "--progress", "--no-progress", "--secrets-dir", sdir, "-o", filepath.Join(dir, "out6.log"), filepath.Join(dir, "out5.log"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "cannot be used together")
}
