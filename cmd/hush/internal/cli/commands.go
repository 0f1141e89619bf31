package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hushlog/hush/internal/buildinfo"
)

const exitCodesHelp = `

Exit codes:
  0  scan: no secret and no detected token found, and every input was
     checked; scrub: every input processed
  1  scan: at least one secret or detected token found
  2  bad flags or arguments, or an invalid configuration file
  3  a secret source could not be read, gave no secret to look for, or
     did not answer within --timeout
  4  some input could not be checked or processed: missing, unreadable,
     truncated or corrupt (archive or compressed file), a directory loop,
     a binary file skipped (without --binary), an archive member hush
     cannot read (binary, an archive inside, encrypted), a format it
     cannot open (xz, bzip2, 7z, RAR, lz4); the rest were. Scan never
     exits 0 when something was not checked.
  130 interrupted`

const inputsHelp = `
Inputs are files, directories (walked, following symbolic links; each file
once; loops reported) and "-" for standard input, which is also the default.
Gzip and zstd inputs are recognised by their content and decompressed.
Archives (tar, tar.gz/.tgz, zip; by content) are opened and every member is
read like a file (findings name ARCHIVE!MEMBER); scrub writes them back as
archives of the same kind. UTF-16 text with a byte order mark is decoded,
and written back in UTF-16. Binary files (a NUL byte in the first 8000
bytes, not counting runs of NULs such as logrotate's copytruncate leaves)
are not checked unless --binary is given; that fails the run (exit 4).
Text that is not UTF-8 is processed byte for byte, with a notice.`

func newScrubCommand(stdio IO) *cobra.Command {
	var o scrubOptions
	var src sourceFlags
	c := &cobra.Command{
		Use:   "scrub [flags] [FILE|DIR|-]...",
		Short: "Write the inputs with every secret replaced",
		Long: `Scrub writes the inputs with every occurrence of a secret, raw or encoded,
replaced by "[REDACTED:name]" (see --replacement), and every token the
detectors recognise by "[REDACTED:detected:RULE]" (see --detect; with
detection on, no secret source is needed). Nothing else changes: line
breaks, whitespace, invalid UTF-8 and every byte outside a secret stay as they
were, so plain text, JSON lines and OTLP-JSON stay valid (an encoded form is
replaced where it stands, inside its JSON string or URL).

Output goes to standard output (several inputs are concatenated, as cat
does), to -o FILE, to -o DIR (a directory mirroring the inputs: DIR/<input
name>/...; a file with several names, hard links, appears under each), or
back into the files with --in-place. An -o naming an input (by any name) is
refused: use --in-place. In-place edits are crash-safe: each file is written
to a temporary file beside it, synced, and renamed over the original,
keeping its mode and owner; if anything fails, or hush is killed, the
original is untouched. A file with nothing to redact is left alone. Compressed inputs are written back
compressed the same way (see --compress), and archives as archives of
the same kind, member by member, with the new sizes and checksums; a
member hush cannot check is copied unchanged and reported.
` + inputsHelp + "\n\n" + sourcesHelp + exitCodesHelp,
		Example: `  # One file to standard output
  hush scrub --secrets-dir /var/run/secrets/app app.log > app.clean.log

  # A support bundle into a clean copy (clean/bundle/...)
  hush scrub --env-file .env -o clean/ bundle/

  # Rotated archives in place; .gz stays .gz
  hush scrub --aws prefix:prod/ --in-place /var/log/app/*.log.gz

  # As a filter, line by line as it comes
  kubectl logs -f deploy/api | hush scrub --from-env '*_TOKEN'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScrub(cmd.Context(), cmd, stdio, &o, &src, args)
		},
	}
	runFlags(c, &o.runOptions)
	f := c.Flags()
	f.StringVarP(&o.output, "output", "o", "", "write to `PATH`: a file (one input) or a directory mirroring the inputs")
	f.BoolVarP(&o.inPlace, "in-place", "i", false, "replace each file with its scrubbed version (crash-safe)")
	f.StringVar(&o.compress, "compress", "auto", "output compression: auto (as the input), none, gzip, zstd")
	src.register(c, true)
	src.registerDetect(c)
	return c
}

func runScrub(ctx context.Context, cmd *cobra.Command, stdio IO, o *scrubOptions, src *sourceFlags, args []string) error {
	if err := checkRunOptions(&o.runOptions); err != nil {
		return err
	}
	comp, auto, err := parseCompression(o.compress)
	if err != nil {
		return usageError(err)
	}
	if err := checkScrubArgs(o, args); err != nil {
		return usageError(err)
	}
	if err := checkOutputNotInput(o.output, args); err != nil {
		return usageError(err)
	}
	if err := src.check(cmd); err != nil {
		return err
	}
	stop, err := startProfile(&o.runOptions)
	if err != nil {
		return err
	}
	defer stop()
	con := newConsole(stdio, o.quiet)
	e, err := newEngine(ctx, stdio, src, o.runOptions, con, !o.inPlace && (o.output == "" || o.output == "-"), args)
	if err != nil {
		return err
	}
	s := &scrubber{e: e, opts: *o, comp: comp, auto: auto, stdout: stdio.Out, stdoutTT: stdio.OutTerminal}
	var exclude []string
	if o.output != "" && o.output != "-" {
		exclude = append(exclude, o.output)
	}
	stdinHint(stdio, args, con)
	inputs, err := expand(args, con, exclude...)
	if err != nil {
		return usageError(err)
	}
	inputs, err = s.plan(args, inputs)
	if err != nil {
		return usageError(err)
	}
	s.run(ctx, inputs)
	s.summary()
	return finalCode(ctx, con, false)
}

func newScanCommand(stdio IO) *cobra.Command {
	var o scanOptions
	var src sourceFlags
	c := &cobra.Command{
		Use:   "scan [flags] [FILE|DIR|-]...",
		Short: "Report where secrets appear, without changing anything",
		Long: `Scan reports every occurrence of a secret in the inputs: file, line, column,
the secret's name and the encoding it was found in. Never the value. It also
reports the tokens the detectors recognise by their format (see --detect):
by rule and confidence. With detection on (the default) no secret source is
needed: "hush scan logs/" is a standalone token scanner.

Formats (--format):
  text   file:line:column: secret NAME (ENCODING), or
         file:line:column: detected RULE, confidence C (ENCODING),
         one per line
  json   one JSON object per finding (JSON lines): path, line, column,
         end_line, end_column, offset, length, secret, encoding, and for
         a detected token rule and confidence (secret is "detected:RULE")
  sarif  a SARIF 2.1.0 log, for GitHub code scanning and other CI tools:
         one rule for the known secrets, one per detector with where to
         revoke or rotate the token; each result's confidence is a property

Lines and columns count from 1; columns count Unicode code points. In a
compressed file they refer to the decompressed text, in UTF-16 text to the
decoded text; in an archive, to the member (named ARCHIVE!MEMBER).
` + inputsHelp + "\n\n" + sourcesHelp + exitCodesHelp,
		Example: `  # Is any live production secret in these logs?
  hush scan --aws prefix:prod/ /var/log/app/

  # In CI, for GitHub code scanning
  hush scan --secrets-dir ./secrets --format sarif -o hush.sarif logs/

  # Findings as JSON lines, from a stream
  zcat archive.gz | hush scan --env-file .env --format json

  # Tokens alone, no secret source: every default detector and JWTs
  hush scan --detect=default,jwt build-logs/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScan(cmd.Context(), cmd, stdio, &o, &src, args)
		},
	}
	runFlags(c, &o.runOptions)
	f := c.Flags()
	f.StringVarP(&o.format, "format", "f", "text", "findings format: text, json or sarif")
	f.StringVarP(&o.output, "output", "o", "", "write the report to `FILE` instead of standard output")
	src.register(c, false)
	src.registerDetect(c)
	return c
}

func runScan(ctx context.Context, cmd *cobra.Command, stdio IO, o *scanOptions, src *sourceFlags, args []string) error {
	if err := checkRunOptions(&o.runOptions); err != nil {
		return err
	}
	switch o.format {
	case "text", "json", "sarif":
	default:
		return usageError(fmt.Errorf("--format %q: want text, json or sarif", o.format))
	}
	if err := checkOutputNotInput(o.output, args); err != nil {
		return usageError(err)
	}
	if err := src.check(cmd); err != nil {
		return err
	}
	stop, err := startProfile(&o.runOptions)
	if err != nil {
		return err
	}
	defer stop()
	con := newConsole(stdio, o.quiet)
	e, err := newEngine(ctx, stdio, src, o.runOptions, con, o.output == "" || o.output == "-", args)
	if err != nil {
		return err
	}
	var exclude []string
	if o.output != "" && o.output != "-" {
		exclude = append(exclude, o.output)
	}
	stdinHint(stdio, args, con)
	inputs, err := expand(args, con, exclude...)
	if err != nil {
		return usageError(err)
	}
	var out io.Writer = stdio.Out
	if o.output != "" && o.output != "-" {
		f, err := os.Create(o.output)
		if err != nil {
			return usageError(fmt.Errorf("-o: %w", err))
		}
		defer f.Close()
		out = f
	}
	rep, err := newReporter(o.format, out, toolInfo{name: "hush", version: version()}, src.set.Rules())
	if err != nil {
		return usageError(err)
	}
	s := &scanner{e: e, rep: rep}
	s.run(ctx, inputs)
	if err := rep.end(con.all()); err != nil && s.repErr == nil {
		s.repErr = err
	}
	if s.repErr != nil {
		con.problem("", fmt.Errorf("write report: %w", s.repErr))
	}
	s.summary()
	return finalCode(ctx, con, len(s.counts) > 0)
}

// Version overrides the version hush reports; a release built from a
// checkout may set it with
// -ldflags "-X github.com/hushlog/hush/cmd/hush/internal/cli.Version=v1.2.3".
// Empty (the default): the version of the module github.com/hushlog/hush/cmd/hush
// from the binary's build information (the tag for go install ...@v1.2.3,
// buildinfo.Dev for a build from a checkout).
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	return buildinfo.Main()
}

// hushModule is the root of hush's module paths; `hush version` lists every
// hush module linked in with its version.
const hushModule = "github.com/hushlog/hush"

func newVersionCommand(stdio IO) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of hush",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var b strings.Builder
			fmt.Fprintf(&b, "hush %s (%s, %s/%s)\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			for _, d := range buildinfo.Deps(hushModule) {
				fmt.Fprintf(&b, "  %s %s\n", d.Path, d.Version)
			}
			_, err := io.WriteString(stdio.Out, b.String())
			return err
		},
	}
}
