// Package cli implements the hush command: scrub and scan log files,
// archives and streams for the live values of a set of secrets.
//
// In the flow described in the repository's DESIGN.md ("The flow", "Front
// ends") it is the offline front end: the secrets come from the providers
// (AWS Secrets Manager, a directory, .env files, the environment, a command,
// or a configuration file shared with the Collector processor), go into one
// redact.Redactor, and every input is cut into chunks at line boundaries
// (inside a line when a line is longer than a chunk, never across a match),
// scrubbed or scanned on every core, and put back together in order, in
// bounded memory whatever the size of the input or of its lines.
//
// cmd/hush is a thin main around Main.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// Exit codes. They are part of the interface: CI pipelines branch on them.
const (
	// ExitOK: scan found nothing; scrub processed every input.
	ExitOK = 0
	// ExitFound: scan found at least one secret.
	ExitFound = 1
	// ExitUsage: bad flags or arguments, or an invalid configuration file.
	ExitUsage = 2
	// ExitSource: a secret source could not be read, gave no secret, or
	// did not answer within the timeout.
	ExitSource = 3
	// ExitInput: some input could not be checked, read or written
	// (missing, unreadable, truncated or corrupt, a directory loop, a
	// binary file or archive member skipped, a format hush cannot open);
	// the others were processed. Scan never exits 0 when something was
	// not checked.
	ExitInput = 4
	// ExitInterrupted: the run was interrupted (SIGINT, SIGTERM).
	ExitInterrupted = 130
)

// IO is what a run reads from and writes to.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// InTerminal reports whether In is a terminal (hush then says it is
	// waiting for typed input).
	InTerminal bool
	// OutTerminal reports whether Out is a terminal (compressed output is
	// then written plain).
	OutTerminal bool
	// ErrTerminal reports whether Err is a terminal (progress bar).
	ErrTerminal bool
	// Width returns the terminal's width in columns.
	Width func() int

	// guard scrubs Err (see guard); set by Main.
	guard *guard
}

// StdIO returns the process's standard streams.
func StdIO() IO {
	return IO{
		In:          os.Stdin,
		Out:         os.Stdout,
		Err:         os.Stderr,
		InTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
		OutTerminal: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		Width: func() int {
			w, _, err := term.GetSize(int(os.Stderr.Fd()))
			if err != nil {
				return 80
			}
			return w
		},
	}
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(err error) error  { return &exitError{ExitUsage, err} }
func sourceError(err error) error { return &exitError{ExitSource, err} }

// errExit ends a run with a code whose messages were already printed.
type errExit int

func (e errExit) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// Main runs the hush command line with args (without the program name) and
// returns the process exit code.
func Main(ctx context.Context, args []string, stdio IO) int {
	if stdio.Width == nil {
		stdio.Width = func() int { return 80 }
	}
	// Everything hush says about itself goes through the guard.
	stdio.guard = newGuard()
	stdio.Err = stdio.guard.writer(stdio.Err)
	routeKlog(stdio.Err) // client-go's own stderr (klog.go)
	root := newRoot(stdio)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var code errExit
	if errors.As(err, &code) {
		return int(code)
	}
	var ee *exitError
	if errors.As(err, &ee) {
		fmt.Fprintf(stdio.Err, "hush: %v\n", ee.err)
		if ee.code == ExitUsage {
			fmt.Fprintln(stdio.Err, "Run 'hush --help' or 'hush COMMAND --help' for usage.")
		}
		return ee.code
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stdio.Err, "hush: interrupted")
		return ExitInterrupted
	}
	// Anything else cobra itself reports (unknown command, bad flag).
	fmt.Fprintf(stdio.Err, "hush: %v\nRun 'hush --help' for usage.\n", err)
	return ExitUsage
}

func newRoot(stdio IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "hush",
		Short: "Scrub and scan logs for the live values of your secrets",
		Long: `hush keeps the values of your secrets out of logs. It reads the secrets a service
uses right now (from AWS Secrets Manager, a directory, .env files, the environment
or a command) and finds every occurrence of them, raw or encoded (JSON, URL,
base64, hex, HTML, shell), in log files, archives and streams.

  hush scrub   write a copy of the inputs with every secret replaced
  hush scan    report where secrets appear, for people or for CI (text, JSON, SARIF)
  hush sources list the secret names each source gives (never a value), to
               check a setup before a long run

Secret values never appear in hush's output, messages or reports: only the
secrets' names.`,
		Example: `  # Scrub an exported log with the secrets mounted in a directory
  hush scrub --secrets-dir /var/run/secrets/app app.log > app.clean.log

  # Fail a CI job if a live AWS secret shows up in the build logs
  hush scan --aws prefix:prod/ --format sarif -o hush.sarif build-logs/`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		Version:           version(),
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	root.SetVersionTemplate("hush {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError(suggestFlag(c, err)) })
	root.AddCommand(newScrubCommand(stdio), newScanCommand(stdio), newSourcesCommand(stdio), newVersionCommand(stdio))
	return root
}

// runFlags registers the flags scrub and scan share.
func runFlags(c *cobra.Command, o *runOptions) {
	f := c.Flags()
	f.IntVarP(&o.jobs, "jobs", "j", runtime.GOMAXPROCS(0), "worker goroutines")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress bar, notices or summary (errors are still printed)")
	f.BoolVar(&o.binary, "binary", false, "process binary files (NUL bytes) byte for byte instead of skipping them (archives are still opened, never edited as bytes)")
	f.BoolVar(&o.progressOn, "progress", false, "always draw a progress bar on standard error (default: when it is a terminal and the output is not)")
	f.BoolVar(&o.progressOff, "no-progress", false, "never draw a progress bar")
	f.IntVar(&o.chunkSize, "chunk-size", DefaultChunkSize, "bytes per chunk handed to a worker")
	f.MarkHidden("chunk-size")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile to `FILE` (for hush's developers)")
	f.MarkHidden("cpuprofile")
}

// startProfile starts CPU profiling if asked; the returned function stops
// it.
func startProfile(o *runOptions) (func(), error) {
	if o.cpuProfile == "" {
		return func() {}, nil
	}
	f, err := os.Create(o.cpuProfile)
	if err != nil {
		return nil, usageError(fmt.Errorf("--cpuprofile: %w", err))
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, usageError(fmt.Errorf("--cpuprofile: %w", err))
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func checkRunOptions(o *runOptions) error {
	if o.jobs < 1 {
		return usageError(fmt.Errorf("--jobs %d: want at least 1", o.jobs))
	}
	switch {
	case o.progressOn && o.progressOff:
		return usageError(errors.New("--progress and --no-progress cannot be used together"))
	case o.progressOn:
		o.progress = "on"
	case o.progressOff:
		o.progress = "off"
	}
	if o.chunkSize < 4<<10 {
		return usageError(fmt.Errorf("--chunk-size %d: want at least 4096", o.chunkSize))
	}
	return nil
}

// newEngine loads the secrets and prepares a run. toStdout says the run
// writes its output (scrubbed text, findings) to standard output; args are
// the inputs, to tell whether it reads standard input.
func newEngine(ctx context.Context, stdio IO, src *sourceFlags, o runOptions, con *console, toStdout bool, args []string) (*engine, error) {
	r, look, err := src.redactor(ctx, con)
	if err != nil {
		return nil, err
	}
	e := &engine{r: r, look: look, longest: src.longest, opts: o, con: con, stdin: stdio.In}
	con.setScrub(r.ScrubString)
	if showProgress(stdio, o, toStdout, args) {
		e.bar = func(total int64) *progress {
			return newProgress(&con.mu, stdio.Err, stdio.Width, total)
		}
	}
	return e, nil
}

// showProgress decides whether to draw a progress bar: as asked by
// --progress or --no-progress; otherwise when standard error is a terminal
// where the bar has its line to itself — the output does not go to the
// same terminal, and the input is not typed there.
func showProgress(stdio IO, o runOptions, toStdout bool, args []string) bool {
	switch {
	case o.quiet || o.progress == "off":
		return false
	case o.progress == "on":
		return true
	}
	readsStdin := len(args) == 0 || slices.Contains(args, "-")
	return stdio.ErrTerminal && !(toStdout && stdio.OutTerminal) && !(readsStdin && stdio.InTerminal)
}

// stdinHint tells someone who ran hush without inputs at a terminal why
// nothing happens.
func stdinHint(stdio IO, args []string, con *console) {
	if stdio.InTerminal && (len(args) == 0 || slices.Contains(args, "-")) {
		con.notice("", "reading standard input from the terminal (end with Ctrl-D; give files or directories to read those)")
	}
}

// expand walks the arguments into inputs; no argument is standard input.
// The files named by exclude (the output) are not read; finding one of
// them under another name (a hard link) is an error: it is an input.
func expand(args []string, con *console, exclude ...string) ([]*input, error) {
	w := newWalker(con.problem, con.notice)
	for _, x := range exclude {
		if fi, err := os.Stat(x); err == nil {
			if id, ok := idOf(fi); ok {
				w.exclude[id] = true
			}
		}
	}
	if len(args) == 0 {
		args = []string{"-"}
	}
	for _, a := range args {
		w.add(a)
	}
	for _, p := range w.excluded {
		for _, x := range exclude {
			if !samePath(p, x) {
				return nil, fmt.Errorf("-o %s is the input %s under another name (a hard link): give another file", x, p)
			}
		}
	}
	return w.inputs, nil
}

// samePath reports whether a and b name the same path once made absolute
// and clean (not following links).
func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == ab
}

// finalCode is the exit code once the inputs are done.
func finalCode(ctx context.Context, con *console, found bool) error {
	switch {
	case ctx.Err() != nil:
		return context.Canceled
	case found:
		return errExit(ExitFound)
	case con.failed() > 0:
		return errExit(ExitInput)
	}
	return nil
}

// checkOutputNotInput refuses an output (-o) that is one of the inputs
// (the same file or directory, by any name): writing it would destroy the
// input, or, as the output is never read back, skip it and report nothing
// to do.
func checkOutputNotInput(output string, args []string) error {
	if output == "" || output == "-" {
		return nil
	}
	ofi, err := os.Stat(output)
	if err != nil {
		return nil // does not exist yet: not an input
	}
	for _, a := range args {
		if a == "-" {
			continue
		}
		if afi, err := os.Stat(a); err == nil && os.SameFile(ofi, afi) {
			if ofi.IsDir() {
				return fmt.Errorf("-o %s is the input directory %s itself: give another directory (or --in-place, for scrub)", output, a)
			}
			return fmt.Errorf("-o %s is the input %s itself: give another file (or --in-place, for scrub)", output, a)
		}
	}
	return nil
}

var unknownFlag = regexp.MustCompile(`^unknown flag: --([^ =]+)`)

// suggestFlag adds "did you mean --NAME?" to an unknown flag error when a
// flag of the command is close to it.
func suggestFlag(c *cobra.Command, err error) error {
	m := unknownFlag.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	var names []string
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	})
	if s := suggest(m[1], names); s != "" {
		return fmt.Errorf("%w (did you mean --%s?)", err, s)
	}
	return err
}
