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
type guard struct {
	mu      sync.Mutex
	opts    []redact.Option
	secrets []redact.Secret
	r       *redact.Redactor // nil until a value is learnt
}

func newGuard() *guard { return &guard{} }

// learn adds values to scrub from everything written from now on.
func (g *guard) learn(secrets ...redact.Secret) {
	if g == nil {
		return
	}
	var keep []redact.Secret
	for _, s := range secrets {
		if s.Value != "" {
			keep = append(keep, s)
		}
	}
	if len(keep) == 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.secrets = append(g.secrets, keep...)
	if g.r == nil {
		g.rebuild()
		return
	}
	_ = g.r.Add(keep...) // fails only on options New accepted: never
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
	g.rebuild()
}

// rebuild indexes the values learnt with the options; on failure the
// previous index stays. Called with mu held.
func (g *guard) rebuild() {
	r, err := redact.New(g.opts...)
	if err != nil {
		return
	}
	if err := r.Add(g.secrets...); err != nil {
		return
	}
	g.r = r
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
	gw.g.mu.Lock()
	r := gw.g.r
	gw.g.mu.Unlock()
	if r == nil || !r.Contains(p) {
		return gw.w.Write(p)
	}
	if _, err := gw.w.Write(r.Scrub(nil, p)); err != nil {
		return 0, err
	}
	return len(p), nil
}
