package redact_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/redact"
)

var writerSecrets = []redact.Secret{
	{Name: "pp", Value: "passpassword99"},
	{Name: "utf", Value: "jäger-日本-✓✓-Kq2"},
	{Name: "b64", Value: "Tr0ub4dor&3-horse"},
	{Name: "short", Value: "Zx9Kq2Lm"},
}

// streamed writes parts through a Writer and returns what came out.
func streamed(t *testing.T, r *redact.Redactor, parts ...[]byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w := r.NewWriter(&out)
	for _, p := range parts {
		n, err := w.Write(p)
		if err != nil || n != len(p) {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestWriterEverySplit(t *testing.T) {
	r := newRedactor(t, writerSecrets)
	text := []byte("a passpasspassword99 b jäger-日本-✓✓-Kq2 c dXNlcjpUcjB1YjRkb3ImMy1ob3JzZQ== Zx9Kq2LmZx9Kq2Lm\r\nend passpassword9 jäger-日本-✓✓-Kq3")
	want := r.Scrub(nil, text)
	if bytes.Contains(want, []byte("passpassword99")) || bytes.Contains(want, []byte("jäger-日本-✓✓-Kq2")) {
		t.Fatal("one-shot scrub left a secret")
	}
	if !bytes.Contains(want, []byte("passpassword9 ")) || !bytes.Contains(want, []byte("✓✓-Kq3")) {
		t.Fatal("near misses were redacted")
	}
	// Every split into two writes (this cuts inside multi-byte characters
	// and inside the repeated prefix passpass|password).
	for i := 0; i <= len(text); i++ {
		if got := streamed(t, r, text[:i], text[i:]); !bytes.Equal(got, want) {
			t.Fatalf("split at %d: %q, want %q", i, hide(string(got), writerSecrets...), want)
		}
	}
	// Every split into three writes.
	for i := 0; i <= len(text); i++ {
		for j := i; j <= len(text); j += 3 {
			if got := streamed(t, r, text[:i], text[i:j], text[j:]); !bytes.Equal(got, want) {
				t.Fatalf("split at %d,%d: %q", i, j, hide(string(got), writerSecrets...))
			}
		}
	}
	// One byte at a time.
	var parts [][]byte
	for i := range text {
		parts = append(parts, text[i:i+1])
	}
	if got := streamed(t, r, parts...); !bytes.Equal(got, want) {
		t.Fatalf("byte by byte: %q", hide(string(got), writerSecrets...))
	}
}

func TestWriterHoldsBackOnlyWhatCouldStartASecret(t *testing.T) {
	r := newRedactor(t, writerSecrets)
	var out bytes.Buffer
	w := r.NewWriter(&out)
	w.Write([]byte("complete line\nand a partial line with passpass"))
	if got := out.String(); got != "complete line\n" {
		t.Errorf("after a partial line, wrote %q", hide(got, writerSecrets...))
	}
	w.Write([]byte("word99 more\n"))
	if got := out.String(); got != "complete line\nand a partial line with [REDACTED:pp] more\n" {
		t.Errorf("after the line ended, wrote %q", hide(got, writerSecrets...))
	}
	// A long line without newline is flushed except for its tail.
	long := strings.Repeat("x", 10000)
	w.Write([]byte(long))
	if held := out.Len() - len("complete line\nand a partial line with [REDACTED:pp] more\n"); held < 10000-1000 { // the hold-back covers a match under two levels of escapes
		t.Errorf("a 10000-byte line without newline: only %d bytes passed on", held)
	}
	w.Close()
	if !strings.HasSuffix(out.String(), long) {
		t.Error("Close did not flush the tail unchanged")
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Error("Write after Close succeeded")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterReportsErrors(t *testing.T) {
	r := newRedactor(t, writerSecrets)
	w := r.NewWriter(failWriter{})
	if _, err := w.Write([]byte("line\n")); err == nil {
		t.Error("write error swallowed")
	}
	if err := w.Close(); err == nil {
		t.Error("Close after a failed write reported no error")
	}
}

// TestWriterLongRunOfMatches streams a line made only of back-to-back
// secrets (one merged redaction as long as the line) in small writes: the
// output equals one-shot scrubbing, and the run is not held back whole.
func TestWriterLongRunOfMatches(t *testing.T) {
	r := newRedactor(t, writerSecrets)
	text := []byte(strings.Repeat("passpassword99", 5000) + " tail\n" + strings.Repeat("Zx9Kq2Lm", 3000))
	want := r.Scrub(nil, text)
	for _, size := range []int{1, 7, 64, 4096} {
		var parts [][]byte
		for i := 0; i < len(text); i += size {
			parts = append(parts, text[i:min(i+size, len(text))])
		}
		if got := streamed(t, r, parts...); !bytes.Equal(got, want) {
			t.Fatalf("writes of %d bytes: %q, want %q", size, hide(string(got), writerSecrets...), want)
		}
	}
}

// TestWriterRebuildWhileOpen swaps the index while a run of matches is
// still open: the run is redacted under the name the old index gave it.
func TestWriterRebuildWhileOpen(t *testing.T) {
	r := newRedactor(t, writerSecrets)
	var out bytes.Buffer
	w := r.NewWriter(&out)
	w.Write([]byte("x " + strings.Repeat("passpassword99", 30)))
	require.NoError(t, r.Set([]redact.Secret{{Name: "other", Value: "Qm4Zr8Tx2Wp6"}}))
	w.Write([]byte("passpassword99 Qm4Zr8Tx2Wp6\n"))
	require.NoError(t, w.Close())
	if got := out.String(); got != "x [REDACTED:pp]passpassword99 [REDACTED:other]\n" {
		t.Fatalf("got %q", hide(got, writerSecrets...))
	}
}
