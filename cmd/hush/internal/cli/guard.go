package cli

import (
	"io"
	"sync"

	"github.com/hushlog/hush/redact"
)

// guard is the one place every message hush writes about itself passes
// through: errors, warnings, notices, the summary, the progress bar, and
// the listing of hush sources. It scrubs them of every secret value learnt
// so far — from a configuration file (static values, hash keys), from each
// source as it answers, even one that then fails part-way — so that an
// error quoting a file name, a path, a line of a command's standard error
// or a configuration value never prints a value hush knows, whichever
// source or step produced it and however late it is printed.
//
// Each Write is scrubbed as a whole: hush writes each message in one call.
//
// The values are indexed when a message is written, not as they are
// learnt, and a run whose sources all answered hands over its own
// Redactor (adopt), which holds them all: the guard then costs no second
// index of every secret.
type guard struct {
	mu      sync.Mutex
	opts    []redact.Option
	secrets []redact.Secret
	dirty   bool             // values learnt since r was built
	r       *redact.Redactor // nil until a value is learnt
}

func newGuard() *guard { return &guard{} }

// learn adds values to scrub from everything written from now on.
func (g *guard) learn(secrets ...redact.Secret) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, s := range secrets {
		if s.Value != "" {
			g.secrets = append(g.secrets, s)
			g.dirty = true
		}
	}
}

// configure makes the guard match as the run does (minimum length,
// encodings, replacement, detectors), once the configuration is known.
func (g *guard) configure(opts []redact.Option) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.opts = opts
	g.dirty = g.dirty || g.r != nil
}

// adopt makes the guard scrub with r, the run's Redactor, built from every
// value learnt so far.
func (g *guard) adopt(r *redact.Redactor) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.r, g.dirty = r, false
}

// redactor returns the Redactor to scrub with, indexing what was learnt
// since it was built; nil when nothing was.
func (g *guard) redactor() *redact.Redactor {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.dirty {
		if r, err := redact.New(g.opts...); err == nil && r.Set(g.secrets) == nil {
			g.r = r
		}
		g.dirty = false
	}
	return g.r
}

// writer returns w with everything written to it scrubbed.
func (g *guard) writer(w io.Writer) io.Writer {
	if g == nil {
		return w
	}
	return &guardedWriter{g: g, w: w}
}

type guardedWriter struct {
	g *guard
	w io.Writer
}

func (gw *guardedWriter) Write(p []byte) (int, error) {
	r := gw.g.redactor()
	if r == nil || !r.Contains(p) {
		return gw.w.Write(p)
	}
	if _, err := gw.w.Write(r.Scrub(nil, p)); err != nil {
		return 0, err
	}
	return len(p), nil
}
