//go:build unix

package file_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/file"
)

// TestEnvFilePipeHonoursContext: a .env file that is a named pipe no one
// writes to (a process substitution whose command hangs, a mistake) does
// not hold List or Get past their context: they fail, Transient, when it
// is done — never a hang, never an empty success. A pipe that is written
// to is read like a file (hush scan --env-file <(sops -d .env)).
func TestEnvFilePipeHonoursContext(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "stuck.env")
	mkfifo(t, p)
	e, err := file.NewEnvFile(p, file.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []struct {
		name string
		f    func(context.Context) error
	}{
		{"List", func(ctx context.Context) error { _, err := e.List(ctx); return err }},
		{"Get", func(ctx context.Context) error { _, err := e.Get(ctx, "DB_PASSWORD"); return err }},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		done := make(chan error, 1)
		go func() { done <- call.f(ctx) }()
		select {
		case err := <-done:
			if err == nil || provider.Kind(err) != provider.Transient {
				t.Errorf("%s of a pipe no one writes: %v, want a Transient error", call.name, err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s of a pipe no one writes still running 5s after its context was done", call.name)
		}
		cancel()
	}
	// Unblock the readers left behind (a non-blocking open fails, rather
	// than waits, when none is left).
	if w, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close()
	}

	// A pipe with a writer is read.
	p2 := filepath.Join(dir, "fed.env")
	mkfifo(t, p2)
	go func() {
		w, err := os.OpenFile(p2, os.O_WRONLY, 0)
		if err == nil {
			w.WriteString("DB_PASSWORD=" + pass1 + "\n")
			w.Close()
		}
	}()
	e2, _ := file.NewEnvFile(p2, file.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := e2.List(ctx)
	if err != nil || len(s) != 1 || s[0].Value != pass1 {
		t.Errorf("a pipe written to: %d secrets; %v", len(s), err)
	}
}
