package cli

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	"github.com/hushlog/hush/redact"
)

// DefaultChunkSize is the size of the pieces an input is cut into for the
// workers: large enough that the per-chunk cost vanishes, small enough that
// a few per core fit in cache-friendly, bounded memory.
const DefaultChunkSize = 1 << 20

// runOptions are the settings scrub and scan share.
type runOptions struct {
	jobs      int  // worker goroutines
	chunkSize int  // bytes per chunk
	binary    bool // process binary files instead of skipping them
	quiet     bool // no progress bar, notices or summary
	// progress is "on" or "off" when --progress or --no-progress forces
	// the bar, "" to decide from the terminals.
	progress                string
	progressOn, progressOff bool

	cpuProfile string // hidden: write a CPU profile here
}

// engine drives one run of the pipeline over a list of inputs.
type engine struct {
	r    *redact.Redactor
	look int // longest match that can cross a cut
	// longest is the longest secret value (its wrapped base64 form sets
	// the least chunk size: see chunkSize).
	longest int
	opts    runOptions
	con     *console
	stdin   io.Reader
	// bar, when set, draws progress (a terminal on stderr, not quiet).
	bar func(total int64) *progress

	bytesRead atomic.Int64
	start     time.Time
}

// run feeds inputs through a pipeline whose workers run process and whose
// consumer runs consume, and returns when all is consumed or ctx is done.
func (e *engine) run(ctx context.Context, inputs []*input, process func(*pipeline) func(*chunk), consume func(*chunk)) {
	e.start = time.Now()
	size := chunkSize(e.opts.chunkSize, e.look, e.longest)
	p := newPipeline(e.opts.jobs, size+2*e.look, nil, consume)
	p.process = process(p)
	rd := &reader{p: p, cut: cutter{r: e.r, size: size, look: e.look}, binary: e.opts.binary, done: &e.bytesRead, stdin: e.stdin}

	var bar *progress
	if e.bar != nil {
		total := int64(0)
		for _, in := range inputs {
			if n := in.size(); n >= 0 && total >= 0 {
				total += n
			} else {
				total = -1
			}
		}
		bar = e.bar(total)
		rd.done = &bar.done
		e.con.mu.Lock()
		e.con.barShown = true
		e.con.mu.Unlock()
		bar.run()
		defer func() {
			bar.finish()
			e.con.mu.Lock()
			e.con.barShown = false
			e.con.mu.Unlock()
			e.bytesRead.Store(bar.done.Load())
		}()
	}
	p.run(ctx, func(emit func(*chunk) bool) {
		for _, in := range inputs {
			if bar != nil {
				bar.setFile(e.r.ScrubString(in.name()))
			}
			if !rd.read(ctx, in, emit) {
				return
			}
		}
	})
}
