package cli

import (
	"fmt"
	"io"
	"sync"

	"github.com/hushlog/hush/redact"
)

// console prints hush's own messages on standard error, without tearing
// the progress bar, and remembers the problems for the exit code and the
// reports.
type console struct {
	mu       sync.Mutex
	w        io.Writer
	quiet    bool
	barShown bool
	problems []problem
	// scrub, once the secrets are known, scrubs the file names and messages
	// printed: a file may be named after a secret.
	scrub func(string) string
	// guard scrubs all hush writes about itself of the values learnt so
	// far; learn adds to them.
	guard *guard
}

// newConsole returns the console of a run, printing on stdio.Err.
func newConsole(stdio IO, quiet bool) *console {
	return &console{w: stdio.Err, quiet: quiet, guard: stdio.guard}
}

// learn makes every message from now on scrubbed of the values of secrets
// too (see guard).
func (c *console) learn(secrets ...redact.Secret) { c.guard.learn(secrets...) }

// clean scrubs s when the secrets are known. Called with mu held.
func (c *console) clean(s string) string {
	if c.scrub == nil {
		return s
	}
	return c.scrub(s)
}

// setScrub makes the console scrub what it prints.
func (c *console) setScrub(f func(string) string) {
	c.mu.Lock()
	c.scrub = f
	c.mu.Unlock()
}

// problem reports an input that could not be (fully) processed. It is
// always printed, and makes the run's exit code non-zero.
func (c *console) problem(path string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	path, msg := c.clean(path), c.clean(err.Error())
	c.problems = append(c.problems, problem{path: path, msg: msg})
	c.print(path, msg)
}

// notice reports something the user should know that does not fail the
// run (a binary file skipped). --quiet silences it.
func (c *console) notice(path, msg string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	path, msg = c.clean(path), c.clean(msg)
	c.problems = append(c.problems, problem{path: path, msg: msg, notice: true})
	if !c.quiet {
		c.print(path, msg)
	}
}

// printf prints a line of its own (the summary) unless quiet.
func (c *console) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.quiet {
		return
	}
	c.clearBar()
	io.WriteString(c.w, c.clean(fmt.Sprintf(format, args...)))
}

func (c *console) print(path, msg string) {
	c.clearBar()
	if path != "" {
		fmt.Fprintf(c.w, "hush: %s: %s\n", path, msg)
	} else {
		fmt.Fprintf(c.w, "hush: %s\n", msg)
	}
}

func (c *console) clearBar() {
	if c.barShown {
		io.WriteString(c.w, "\r\x1b[K")
	}
}

// failed counts the problems that fail the run.
func (c *console) failed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, p := range c.problems {
		if !p.notice {
			n++
		}
	}
	return n
}

func (c *console) all() []problem {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]problem(nil), c.problems...)
}
