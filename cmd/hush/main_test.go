//go:build linux

package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// These tests run the real hush binary, built once for the package.

var hushBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hush-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Traversable by the unprivileged user of TestOtherUser.
	os.Chmod(dir, 0o755)
	hushBin = filepath.Join(dir, "hush")
	build := exec.Command("go", "build", "-o", hushBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build hush:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var demoSecrets = map[string]string{
	"prod/db/password": "Zq8v-4Lw2-9pXc-7yTb",
	"api/token":        "tok_9f8e7d6c5b4a3210fedc",
}

// secretsDir writes demoSecrets as a directory of one file per secret,
// readable by anyone (the unprivileged-user test reads it too).
func secretsDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "secrets")
	for name, v := range demoSecrets {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	openUp(t, dir)
	return dir
}

// openUp makes dir and its parents up to the temporary root traversable by
// other users.
func openUp(t *testing.T, dir string) {
	for d := dir; d != os.TempDir() && d != "/" && d != "."; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
}

// leaked names a demo secret b holds in any form the project's leak oracle
// knows, or returns "".
func leaked(b []byte) string {
	var secrets []redact.Secret
	for name, v := range demoSecrets {
		secrets = append(secrets, redact.Secret{Name: name, Value: v})
	}
	if ls := leaktest.Find(secrets, b); len(ls) > 0 {
		return ls[0].Name
	}
	return ""
}

// TestReadmeFirstCommand runs the README's first command from the
// repository root and compares its output with the golden file.
func TestReadmeFirstCommand(t *testing.T) {
	cmd := exec.Command(hushBin, "scrub", "--secrets-dir", "examples/secrets", "examples/logs/app.log")
	cmd.Dir = filepath.Join("..", "..")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	want, err := os.ReadFile("testdata/readme.golden")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("README command output changed; want:\n%s", want)
	}
	if !strings.Contains(stderr.String(), "4 redactions (prod/db/password 2, prod/payments/api-key 1, prod/smtp/password 1)") {
		t.Errorf("summary: %s", stderr.String())
	}
}

// bigLog writes a log of about size bytes with a secret every few
// kilobytes (a 1 MB block of lines, repeated) and returns its path.
func bigLog(t *testing.T, dir string, size int) string {
	t.Helper()
	var block bytes.Buffer
	rng := rand.New(rand.NewPCG(7, 7))
	for block.Len() < 1<<20 {
		if rng.IntN(40) == 0 {
			fmt.Fprintf(&block, "ts=%d level=warn msg=\"auth\" token=%s\n", rng.Int64(), demoSecrets["api/token"])
		} else {
			fmt.Fprintf(&block, "ts=%d level=info msg=\"request served\" path=/v1/items/%d status=200 bytes=%d\n", rng.Int64(), rng.IntN(1e6), rng.IntN(1e5))
		}
	}
	p := filepath.Join(dir, "big.log")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < size; n += block.Len() {
		if _, err := f.Write(block.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func sum(t *testing.T, p string) [32]byte {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return [32]byte(h.Sum(nil))
}

// TestKillDuringInPlace starts an in-place scrub of a large file, kills the
// process with SIGKILL once it is writing, and checks the original is
// byte-identical. The temporary file it leaves is named after the file.
func TestKillDuringInPlace(t *testing.T) {
	dir := t.TempDir()
	sdir := secretsDir(t)
	log := bigLog(t, dir, 300<<20)
	before := sum(t, log)
	cmd := exec.Command(hushBin, "scrub", "--quiet", "--jobs", "1", "--secrets-dir", sdir, "--in-place", log)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var tmp string
	deadline := time.Now().Add(20 * time.Second)
	for tmp == "" && time.Now().Before(deadline) {
		m, _ := filepath.Glob(filepath.Join(dir, ".big.log.hush-*.tmp"))
		if len(m) == 1 {
			if fi, err := os.Stat(m[0]); err == nil && fi.Size() > 4<<20 {
				tmp = m[0]
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("hush finished (%v) before it could be killed; the file is too small for this machine", err)
		default:
		}
		time.Sleep(time.Millisecond)
	}
	if tmp == "" {
		t.Fatal("no temporary file appeared")
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-exited
	if after := sum(t, log); after != before {
		t.Fatal("the original file changed after hush was killed mid-run")
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Errorf("expected the killed run's temporary file to remain (nothing can remove it): %v", err)
	}
	// A normal run afterwards completes and scrubs the file.
	if out, err := exec.Command(hushBin, "scrub", "-q", "--secrets-dir", sdir, "-i", log).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if sum(t, log) == before {
		t.Error("the second run did not scrub the file")
	}
}

// noNewlines streams size bytes of text without a single line break: a
// block of key=value fields ending in a secret, repeated.
type noNewlines struct {
	left    int
	block   []byte
	at      int
	secrets int
}

func newNoNewlines(size int) *noNewlines {
	var b bytes.Buffer
	rng := rand.New(rand.NewPCG(1, 1))
	for b.Len() < 64<<10 {
		fmt.Fprintf(&b, "field%d=%x ", rng.IntN(100), rng.Uint64())
	}
	b.WriteString(" key=" + demoSecrets["prod/db/password"] + " ")
	return &noNewlines{left: size, block: b.Bytes()}
}

func (s *noNewlines) Read(p []byte) (int, error) {
	if s.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && s.left > 0 {
		c := copy(p[n:min(len(p), n+s.left)], s.block[s.at:])
		n += c
		s.left -= c
		s.at += c
		if s.at == len(s.block) {
			s.at = 0
			s.secrets++
		}
	}
	return n, nil
}

// peakRSS polls a running process's peak resident set size (VmHWM) until
// it exits; ru_maxrss is no use here, as it counts the parent's memory
// shared with the child between fork and exec.
func peakRSS(pid int, stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		for {
			if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
				for _, l := range strings.Split(string(b), "\n") {
					var kb int64
					if _, err := fmt.Sscanf(l, "VmHWM: %d kB", &kb); err == nil {
						peak = max(peak, kb*1024)
					}
				}
			}
			select {
			case <-stop:
				out <- peak
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return out
}

// TestBoundedMemoryWithoutNewlines pipes a few hundred megabytes that
// hold no line break through the real binary, and checks the output (every
// secret redacted, nothing else lost) and the peak resident memory.
func TestBoundedMemoryWithoutNewlines(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 400 MB")
	}
	sdir := secretsDir(t)
	const size = 400 << 20
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	src := newNoNewlines(size)
	cmd := exec.Command(hushBin, "scrub", "--quiet", "--secrets-dir", sdir, "-")
	cmd.Stdin = src
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopRSS := make(chan struct{})
	rss := peakRSS(cmd.Process.Pid, stopRSS)
	// Count redactions and look for the value across read boundaries.
	v := []byte(demoSecrets["prod/db/password"])
	mark := []byte("[REDACTED:prod/db/password]")
	buf := make([]byte, 1<<20)
	chunk := make([]byte, 0, 2<<20)
	var tail []byte
	redactions, total, newlines := 0, 0, 0
	for {
		n, err := stdout.Read(buf)
		total += n
		chunk = append(append(chunk[:0], tail...), buf[:n]...)
		if bytes.Contains(chunk, v) {
			t.Fatal("secret prod/db/password leaked")
		}
		newlines += bytes.Count(buf[:n], []byte{'\n'})
		redactions += bytes.Count(chunk, mark)
		keep := min(len(chunk), len(mark)-1)
		// Don't count a mark twice: keep a tail too short to hold one.
		tail = append(tail[:0], chunk[len(chunk)-keep:]...)
		if err != nil {
			break
		}
	}
	// The last poll happens after the output is complete, so the process
	// has done all its work.
	close(stopRSS)
	maxRSS := <-rss
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	if redactions != src.secrets || newlines != 0 {
		t.Errorf("%d redactions, want %d; %d line breaks, want 0", redactions, src.secrets, newlines)
	}
	wantLen := size + src.secrets*(len(mark)-len(v))
	if total != wantLen {
		t.Errorf("output %d bytes, want %d", total, wantLen)
	}
	t.Logf("streamed %d MB with no line break; peak RSS %.1f MB", size>>20, float64(maxRSS)/(1<<20))
	if maxRSS > 96<<20 {
		t.Errorf("peak RSS %.1f MB for a %d MB line: memory is not bounded", float64(maxRSS)/(1<<20), size>>20)
	}
}

// TestOtherUser runs hush as an unprivileged user (when the test runs as
// root): a file it may not read is reported by name while the rest is
// scanned, and an in-place scrub in a directory it may not write leaves the
// file untouched.
func TestOtherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch to an unprivileged user")
	}
	sdir := secretsDir(t)
	dir := filepath.Join(t.TempDir(), "logs")
	os.MkdirAll(dir, 0o755)
	openUp(t, dir)
	os.WriteFile(filepath.Join(dir, "a.log"), []byte("x "+demoSecrets["api/token"]+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "private.log"), []byte("y "+demoSecrets["api/token"]+"\n"), 0o600)
	run := func(args ...string) (int, string, string) {
		cmd := exec.Command(hushBin, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, out.String(), errb.String()
	}
	code, out, errs := run("scan", "--secrets-dir", sdir, dir)
	if code != 1 || !strings.Contains(out, "a.log:1:3:") || !strings.Contains(errs, "private.log: cannot open: permission denied") {
		t.Errorf("scan: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	before := sum(t, filepath.Join(dir, "a.log"))
	code, _, errs = run("scrub", "--secrets-dir", sdir, "-i", filepath.Join(dir, "a.log"))
	if code != 4 || !strings.Contains(errs, "a.log: create temporary file") || !strings.Contains(errs, "left unchanged") {
		t.Errorf("in place in a read-only directory: exit %d, %s", code, errs)
	}
	if sum(t, filepath.Join(dir, "a.log")) != before {
		t.Error("file changed")
	}
	if name := leaked([]byte(errs)); name != "" {
		t.Errorf("secret %s leaked to stderr", name)
	}
}

// TestInterruptDuringInPlace: SIGINT in the middle of an in-place scrub
// removes the temporary file, leaves the original as it was, and exits 130.
func TestInterruptDuringInPlace(t *testing.T) {
	dir := t.TempDir()
	sdir := secretsDir(t)
	log := bigLog(t, dir, 300<<20)
	before := sum(t, log)
	cmd := exec.Command(hushBin, "scrub", "--jobs", "1", "--secrets-dir", sdir, "--in-place", log)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		m, _ := filepath.Glob(filepath.Join(dir, ".big.log.hush-*.tmp"))
		if len(m) == 1 {
			if fi, err := os.Stat(m[0]); err == nil && fi.Size() > 4<<20 {
				break
			}
		}
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want 130 (did it finish before the signal?): %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "big.log: interrupted; the file was left unchanged") {
		t.Errorf("stderr: %s", stderr.String())
	}
	if sum(t, log) != before {
		t.Error("the original changed")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".big.log.hush-*.tmp")); len(m) > 0 {
		t.Errorf("temporary file left after an interrupt: %v", m)
	}
}
