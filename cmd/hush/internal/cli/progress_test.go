package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	var mu sync.Mutex
	p := newProgress(&mu, io.Discard, func() int { return 200 }, 2_000_000_000)
	p.done.Store(500_000_000)
	p.setFile("logs/app.log")
	got := p.line(2 * time.Second)
	for _, want := range []string{"[======>", " 25% ", "500.0 MB / 2.0 GB", "250.0 MB/s", "ETA 0:06", "logs/app.log"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress line %q lacks %q", got, want)
		}
	}
	narrow := newProgress(&mu, io.Discard, func() int { return 30 }, -1)
	narrow.done.Store(1500)
	if got := narrow.line(time.Second); len(got) > 29 || !strings.HasPrefix(got, "1.5 kB  1.5 kB/s") {
		t.Errorf("unknown total, narrow terminal: %q", got)
	}
	if clock(3725*time.Second) != "1:02:05" || humanBytes(999) != "999 B" {
		t.Error("clock or humanBytes")
	}
}

// slowInput feeds lines over about half a second, so a progress bar has
// time to draw.
func slowInput() io.Reader {
	r, w := io.Pipe()
	go func() {
		for i := range 10 {
			io.WriteString(w, strings.Repeat("x", 1000)+" "+testSecrets[0].Value+"\n")
			time.Sleep(time.Duration(50+i) * time.Millisecond)
		}
		w.Close()
	}()
	return r
}

// TestProgressOnlyOnTerminal: the bar is drawn on a terminal, and never
// when stderr is not one, when the output goes to the terminal too, or with
// --quiet.
func TestProgressOnlyOnTerminal(t *testing.T) {
	cfg := writeSecretsConfig(t, t.TempDir())
	for _, tc := range []struct {
		tty, outTTY, quiet, want bool
	}{{true, false, false, true}, {false, false, false, false}, {true, false, true, false}, {true, true, false, false}} {
		args := []string{"scrub", "--config", cfg}
		if tc.quiet {
			args = append(args, "--quiet")
		}
		var out, errb bytes.Buffer
		code := Main(context.Background(), args, IO{In: slowInput(), Out: &out, Err: &errb, ErrTerminal: tc.tty, OutTerminal: tc.outTTY, Width: func() int { return 100 }})
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		drawn := strings.Contains(errb.String(), "\r") && strings.Contains(errb.String(), "B/s")
		if drawn != tc.want {
			t.Errorf("stderr terminal %v, stdout terminal %v, quiet %v: bar drawn %v; stderr %q", tc.tty, tc.outTTY, tc.quiet, drawn, errb.String())
		}
		if summary := strings.Contains(errb.String(), "10 redactions"); summary == tc.quiet {
			t.Errorf("quiet %v: summary printed %v", tc.quiet, summary)
		}
	}
}

// TestScrubStreamsLineByLine: as a filter on a pipe (tail -f | hush
// scrub), each line comes out as soon as it is in, not when a chunk fills.
func TestScrubStreamsLineByLine(t *testing.T) {
	cfg := writeSecretsConfig(t, t.TempDir())
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW := io.Pipe()
	done := make(chan int)
	go func() {
		done <- Main(context.Background(), []string{"scrub", "-q", "--config", cfg}, IO{In: inR, Out: outW, Err: io.Discard})
		outW.Close()
	}()
	lines := bufio.NewReader(outR)
	for i := range 5 {
		if _, err := io.WriteString(inW, "event "+testSecrets[i%3].Value+" end\n"); err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 1)
		go func() { l, _ := lines.ReadString('\n'); got <- l }()
		select {
		case l := <-got:
			if !strings.HasPrefix(l, "event [REDACTED:") {
				t.Fatalf("line %d: %q", i, l)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("line %d not passed on while the input stays open", i)
		}
	}
	inW.Close()
	if code := <-done; code != ExitOK {
		t.Errorf("exit %d", code)
	}
}

// TestInterruptStopsReading: cancelling the run (SIGINT) ends a read blocked
// on a pipe that never closes.
func TestInterruptStopsReading(t *testing.T) {
	cfg := writeSecretsConfig(t, t.TempDir())
	inR, inW, _ := os.Pipe()
	defer inW.Close()
	io.WriteString(inW, "partial line without end")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- Main(ctx, []string{"scrub", "-q", "--config", cfg}, IO{In: inR, Out: io.Discard, Err: io.Discard})
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case code := <-done:
		if code != ExitInterrupted {
			t.Errorf("exit %d, want %d", code, ExitInterrupted)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run not interrupted")
	}
}
