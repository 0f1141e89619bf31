package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// progress draws a one-line progress bar on a terminal: bytes done of the
// total, throughput, time left, and the file being read. It redraws a few
// times a second from its own goroutine, reading counters the pipeline
// updates, so the pipeline never waits for it.
type progress struct {
	mu    *sync.Mutex // held while drawing; shared with the console
	w     io.Writer
	width func() int // terminal columns
	total int64      // raw bytes of all inputs; -1 when unknown (stdin)
	done  atomic.Int64
	file  atomic.Pointer[string]
	start time.Time

	stop chan struct{}
	wg   sync.WaitGroup
}

const progressEvery = 200 * time.Millisecond

func newProgress(mu *sync.Mutex, w io.Writer, width func() int, total int64) *progress {
	return &progress{mu: mu, w: w, width: width, total: total, start: time.Now(), stop: make(chan struct{})}
}

func (p *progress) setFile(name string) { p.file.Store(&name) }

// run starts redrawing until finish.
func (p *progress) run() {
	p.wg.Go(func() {
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.mu.Lock()
				io.WriteString(p.w, "\r"+p.line(time.Since(p.start))+"\x1b[K")
				p.mu.Unlock()
			}
		}
	})
}

// finish stops redrawing and clears the line.
func (p *progress) finish() {
	close(p.stop)
	p.wg.Wait()
	p.mu.Lock()
	io.WriteString(p.w, "\r\x1b[K")
	p.mu.Unlock()
}

// line renders the bar for the time elapsed.
func (p *progress) line(elapsed time.Duration) string {
	done := p.done.Load()
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(done) / s
	}
	var b strings.Builder
	if p.total > 0 {
		frac := min(1, float64(done)/float64(p.total))
		const barWidth = 24
		filled := int(frac * barWidth)
		b.WriteByte('[')
		b.WriteString(strings.Repeat("=", filled))
		if filled < barWidth {
			b.WriteByte('>')
			b.WriteString(strings.Repeat(" ", barWidth-filled-1))
		}
		fmt.Fprintf(&b, "] %3.0f%% %s / %s  %s/s", 100*frac, humanBytes(done), humanBytes(p.total), humanBytes(int64(rate)))
		if rate > 0 && done < p.total {
			fmt.Fprintf(&b, "  ETA %s", clock(time.Duration(float64(p.total-done)/rate*float64(time.Second))))
		}
	} else {
		fmt.Fprintf(&b, "%s  %s/s", humanBytes(done), humanBytes(int64(rate)))
	}
	if f := p.file.Load(); f != nil {
		b.WriteString("  ")
		b.WriteString(*f)
	}
	s := b.String()
	if w := p.width(); w > 1 && len(s) > w-1 {
		s = s[:w-1]
	}
	return s
}

// humanBytes renders n in decimal units, as disks and network rates are
// quoted.
func humanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// clock renders d as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
