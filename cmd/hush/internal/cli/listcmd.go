package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hushlog/hush/redact"
)

// hush sources: check a setup before a long run. For each source, the
// names of the secrets it gives (never a value), how many values each has
// (an AWS secret has one per version), and what will not be protected, and
// why; a source that fails says how.

func newSourcesCommand(stdio IO) *cobra.Command {
	var src sourceFlags
	c := &cobra.Command{
		Use:   "sources [flags]",
		Short: "List the secret names each source gives, without values",
		Long: `Sources reads the secret sources as scrub and scan would, and lists, for each
source, the names of the secrets it gives and how many values each has (an
AWS secret has one per version), then what will not be protected, and why
(too short, a common word, a JSON object without credential-like fields).
Values are never printed. Use it to check a setup before a long run.

` + sourcesHelp + `

Exit codes:
  0  every source was read, and there is at least one secret to look for
  2  bad flags, or an invalid configuration file
  3  a source could not be read or did not answer within --timeout, or
     there is no secret to look for (the other sources are still listed)
  130 interrupted`,
		Example: `  # What does the configuration of the Collector give, before a long scan?
  hush sources --config hush.yaml

  hush sources --aws prefix:prod/ --region eu-west-1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSources(cmd.Context(), cmd, stdio, &src)
		},
	}
	src.register(c, false)
	return c
}

func runSources(ctx context.Context, cmd *cobra.Command, stdio IO, src *sourceFlags) error {
	if err := src.check(cmd); err != nil {
		return err
	}
	con := newConsole(stdio, false)
	cfg, err := src.config(ctx, con)
	if err != nil {
		return err
	}
	opts, err := cfg.RedactOptions()
	if err != nil {
		return usageError(fmt.Errorf("configuration: %w", err))
	}
	con.guard.configure(opts)
	if err := setAWSProfile(src.profile); err != nil {
		return usageError(fmt.Errorf("--profile: %w", err))
	}
	res, err := listSources(ctx, cfg, src.timeout, con.learn)
	if errors.Is(err, context.Canceled) {
		return err
	}
	if err != nil {
		return sourceError(err)
	}
	failed, indexed := 0, 0
	for _, r := range res {
		// The listing too: a failure quotes what the source said.
		n, err := printSource(con.guard.writer(stdio.Out), r, opts)
		var ee *exitError
		if err != nil && !errors.As(err, &ee) {
			// The listing could not be written (a full disk, a closed pipe).
			return &exitError{ExitInput, fmt.Errorf("write the listing: %w", err)}
		}
		if err != nil {
			return err
		}
		indexed += n
		if r.err != nil {
			failed++
		}
	}
	switch {
	case failed > 0:
		return sourceError(fmt.Errorf("%s of %d could not be read (see above)", plural(failed, "source"), len(res)))
	case indexed == 0:
		return sourceError(errors.New("no secret to look for: the sources gave nothing that can be protected"))
	}
	return nil
}

// printSource prints one source's names and returns how many names it
// will protect.
func printSource(w io.Writer, r sourceResult, opts []redact.Option) (int, error) {
	if r.err != nil {
		_, err := fmt.Fprintf(w, "%s: failed: %v\n", r.name, r.err)
		return 0, err
	}
	values := map[string]int{}
	var names []string
	for _, s := range r.secrets {
		if values[s.Name] == 0 {
			names = append(names, s.Name)
		}
		values[s.Name]++
	}
	slices.Sort(names)
	// The same index a run builds, for this source alone: what it skips.
	rd, err := redact.New(opts...)
	if err != nil {
		return 0, usageError(err)
	}
	if err := rd.Set(r.secrets); err != nil {
		return 0, sourceError(fmt.Errorf("index the secrets of %s: %w", r.name, err))
	}
	st := rd.Stats()
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, %s; %d protected", r.name, plural(len(names), "secret"), plural(len(r.secrets), "value"), st.Secrets)
	if len(st.Skipped) > 0 {
		fmt.Fprintf(&b, ", %d not protected", len(st.Skipped))
	}
	b.WriteString("\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %s", n)
		if values[n] > 1 {
			fmt.Fprintf(&b, " (%d values)", values[n])
		}
		b.WriteString("\n")
	}
	for _, sk := range st.Skipped {
		fmt.Fprintf(&b, "  not protected: %s: %s\n", sk.Name, sk.Reason)
	}
	_, err = io.WriteString(w, b.String())
	return st.Secrets, err
}
