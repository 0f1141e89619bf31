package cli

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"

	"github.com/hushlog/hush/redact"
)

// chunk is one piece of one input on its way through the pipeline: read in
// order by the producer, processed by any worker, consumed in order.
type chunk struct {
	in     *input
	buf    []byte // the pooled buffer data lives in, returned after consume
	data   []byte // the input's bytes [offset, offset+len(data))
	offset int64

	first, last bool
	// midStart and midEnd are set when the chunk starts or ends at a cut
	// inside a line (a line longer than a chunk).
	midStart, midEnd bool

	// On the first chunk: the input's container format.
	comp compression
	hdr  *gzip.Header
	// On the last chunk: why the input stopped early, or was skipped.
	err  error
	skip string

	// control marks a chunk without content that opens or closes an
	// archive (arch set; zipComment on the opening one), or stands for an
	// archive member without content (a directory, a link).
	control    bool
	arch       archiveKind
	zipComment string
	// meta holds the container's bytes that are not content, to check
	// (see containerMeta): on the first chunk of an archive or member, or
	// on the last chunk of a compressed stream.
	meta *containerMeta
	// member is set on the first chunk of an archive member.
	member *member
	// enc is the text encoding of the content, on its first chunk.
	enc textEncoding
	// pass marks content that is copied unchanged, not checked; unchecked
	// (on the first chunk) says why.
	pass      bool
	unchecked string

	// Filled by a worker.
	matches []redact.Match
	out     []byte // scrubbed data; aliases data when nothing matched
	outBuf  []byte // pooled buffer out lives in, if any
	nulAt   int    // first NUL byte in data, or -1
	badAt   int    // first invalid UTF-8 byte in data, or -1
	pos     []position
	lines   int // line breaks in data
	tail    int // runes after the last line break (or in all of data)

	done chan struct{}
}

// position is where a match starts and ends, relative to its chunk: line
// breaks before the point, and the column (in runes, from 0) after the
// last of them, or from the start of the chunk when there is none.
type position struct {
	line, col       int
	endLine, endCol int
}

// pipeline scrubs or scans chunks on several goroutines and hands them, in
// input order, to a single consumer. At most inflight chunks exist at once,
// each in a buffer of bufSize bytes, which bounds memory whatever the size
// of an input or of its lines.
type pipeline struct {
	jobs     int
	inflight int
	bufSize  int

	free  chan []byte // input buffers ready for reuse
	made  atomic.Int32
	outs  chan []byte // output buffers ready for reuse
	work  chan *chunk
	order chan *chunk

	process func(*chunk) // run by the workers
	consume func(*chunk) // run in input order by one goroutine
}

func newPipeline(jobs, bufSize int, process, consume func(*chunk)) *pipeline {
	jobs = max(1, jobs)
	inflight := 2*jobs + 2
	return &pipeline{
		jobs:     jobs,
		inflight: inflight,
		bufSize:  bufSize,
		free:     make(chan []byte, inflight),
		outs:     make(chan []byte, inflight),
		work:     make(chan *chunk, inflight),
		order:    make(chan *chunk, inflight),
		process:  process,
		consume:  consume,
	}
}

// getBuf returns an input buffer of bufSize bytes, waiting for one to be
// released when inflight are in use.
func (p *pipeline) getBuf(ctx context.Context) ([]byte, bool) {
	select {
	case b := <-p.free:
		return b, true
	default:
	}
	if int(p.made.Load()) < p.inflight+1 {
		p.made.Add(1)
		return make([]byte, p.bufSize), true
	}
	select {
	case b := <-p.free:
		return b, true
	case <-ctx.Done():
		return nil, false
	}
}

func (p *pipeline) putBuf(b []byte) {
	if b == nil {
		return
	}
	select {
	case p.free <- b[:cap(b)]:
	default:
	}
}

// getOut returns an empty output buffer with room for at least n bytes.
func (p *pipeline) getOut(n int) []byte {
	select {
	case b := <-p.outs:
		if cap(b) >= n {
			return b[:0]
		}
	default:
	}
	return make([]byte, 0, n+n/8)
}

func (p *pipeline) putOut(b []byte) {
	if b == nil {
		return
	}
	select {
	case p.outs <- b[:0]:
	default:
	}
}

// run starts the workers and the consumer, calls produce with a function
// that enqueues one chunk (false once the run is cancelled), and returns
// when every chunk produced has been consumed.
func (p *pipeline) run(ctx context.Context, produce func(emit func(*chunk) bool)) {
	var workers sync.WaitGroup
	for range p.jobs {
		workers.Go(func() {
			for c := range p.work {
				p.process(c)
				close(c.done)
			}
		})
	}
	consumed := make(chan struct{})
	go func() {
		defer close(consumed)
		for c := range p.order {
			<-c.done
			p.consume(c)
			p.putBuf(c.buf)
			p.putOut(c.outBuf)
			c.buf, c.outBuf, c.data, c.out = nil, nil, nil, nil
		}
	}()
	emit := func(c *chunk) bool {
		c.done = make(chan struct{})
		c.nulAt, c.badAt = -1, -1
		p.order <- c
		switch {
		case c.skip != "" || c.control:
			close(c.done)
		case c.pass:
			c.out = c.data
			close(c.done)
		default:
			p.work <- c
		}
		return ctx.Err() == nil
	}
	produce(emit)
	close(p.work)
	close(p.order)
	workers.Wait()
	<-consumed
}
