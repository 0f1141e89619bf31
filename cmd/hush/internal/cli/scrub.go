package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hushlog/hush/redact"
)

// scrubOptions are the flags of hush scrub.
type scrubOptions struct {
	runOptions
	output   string // file or directory; "" or "-" for standard output
	inPlace  bool
	compress string // auto, none, gzip, zstd
}

// scrubber consumes scrubbed chunks: it writes each input's bytes to its
// sink, in order, and commits or aborts the sink at the input's end.
type scrubber struct {
	e        *engine
	opts     scrubOptions
	comp     compression
	auto     bool
	stdout   io.Writer
	stdoutTT bool // standard output is a terminal
	targets  map[*input]string
	// aliasTargets are where the other names of a file with several (hard
	// links, symbolic links within the inputs) go under -o DIR.
	aliasTargets map[*input][]string

	counts  map[string]uint64
	files   int
	skipped int
	bytes   int64

	unchecked int

	// The input being consumed: its sink, and for an archive its writer.
	sink      sink
	arch      archiveWriter
	changed   bool
	failed    error
	memberErr error     // an archive member could not be read: the archive is not written
	members   *outNames // the names given in the archive being written
	// The content being consumed (an input's or an archive member's).
	w       io.Writer
	closers []io.Closer // encoders and compressors of w, outermost first
	nulAt   int64
	badAt   int64
}

// checkScrubArgs rejects, before any secret is loaded, the combinations
// of flags and arguments that cannot work.
func checkScrubArgs(o *scrubOptions, args []string) error {
	switch {
	case o.inPlace && o.output != "":
		return errors.New("--in-place and -o cannot be used together")
	case o.inPlace && (len(args) == 0 || slices.Contains(args, "-")):
		return errors.New("--in-place needs files or directories, not standard input")
	case o.inPlace || o.output != "" && o.output != "-":
		return nil
	}
	for _, a := range args {
		if fi, err := os.Stat(a); err == nil && fi.IsDir() {
			return fmt.Errorf("%s is a directory: give -o DIR (a directory mirroring it) or --in-place", a)
		}
	}
	// Several files to standard output are concatenated, as cat does.
	return nil
}

// plan decides where each input's output goes, or fails with a usage
// error. It drops (and reports) inputs that cannot be scrubbed in place.
func (s *scrubber) plan(args []string, inputs []*input) ([]*input, error) {
	s.targets = map[*input]string{}
	s.aliasTargets = map[*input][]string{}
	s.counts = map[string]uint64{} // the names scrubbed under -o DIR count
	switch {
	case s.opts.inPlace:
		if s.opts.output != "" {
			return nil, errors.New("--in-place and -o cannot be used together")
		}
		var keep []*input
		for _, in := range inputs {
			if in.path == "-" {
				return nil, errors.New("--in-place needs files, not standard input")
			}
			target, err := inPlaceTarget(in)
			if err != nil {
				s.e.con.problem(in.name(), err)
				continue
			}
			if _, ms := scrubPath(s.e.r, filepath.ToSlash(filepath.Join(rootBase(in.root), in.rel))); len(ms) > 0 {
				s.e.con.notice(in.name(), "its name holds a secret, which --in-place leaves as it is (rename the file, or scrub with -o DIR, which scrubs names too)")
			}
			s.targets[in] = target
			keep = append(keep, in)
		}
		return keep, nil

	case s.opts.output == "" || s.opts.output == "-":
		return inputs, nil
	}

	out := s.opts.output
	fi, err := os.Stat(out)
	toDir := err == nil && fi.IsDir() || strings.HasSuffix(out, string(filepath.Separator)) || strings.HasSuffix(out, "/")
	if len(args) > 1 {
		toDir = true
	}
	if len(args) == 1 && args[0] != "-" {
		if afi, err := os.Stat(args[0]); err == nil && afi.IsDir() {
			toDir = true
		}
	}
	if toDir && err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("-o %s: not a directory, but the inputs need one", out)
	}
	seen := map[string]*input{}
	names := newOutNames(s.e.r)
	// dirTarget is where a name goes under -o DIR: scrubbed of secrets,
	// and distinct from every other input's.
	dirTarget := func(in *input, root, rel string) string {
		final, wanted, ms := names.place(filepath.ToSlash(filepath.Join(rootBase(root), rel)), false)
		for _, m := range ms {
			s.counts[m.Name]++
		}
		if wanted != "" {
			s.e.con.notice(in.name(), fmt.Sprintf("written as %s, as %s is another input's: their names are the same once their secrets are replaced", filepath.Join(out, final), filepath.Join(out, wanted)))
		}
		return filepath.Join(out, filepath.FromSlash(final))
	}
	var keep []*input
	for _, in := range inputs {
		target := out
		if toDir {
			if in.path == "-" {
				return nil, errors.New("standard input needs -o FILE, not a directory")
			}
			target = filepath.Join(out, rootBase(in.root), in.rel)
		}
		if prev, dup := seen[target]; dup {
			return nil, fmt.Errorf("%s and %s would both be written to %s", prev.name(), in.name(), target)
		}
		seen[target] = in
		if toDir {
			target = dirTarget(in, in.root, in.rel)
		}
		if tfi, err := os.Stat(target); err == nil && in.info != nil && os.SameFile(tfi, in.info) {
			s.e.con.problem(in.name(), fmt.Errorf("the output %s is the input itself; use --in-place to scrub a file where it is", target))
			continue
		}
		s.targets[in] = target
		keep = append(keep, in)
		if toDir {
			for _, a := range in.aliases {
				t := filepath.Join(out, rootBase(a.root), a.rel)
				if t == filepath.Join(out, rootBase(in.root), in.rel) {
					continue // the same name given twice
				}
				if prev, dup := seen[t]; dup {
					return nil, fmt.Errorf("%s and %s would both be written to %s", prev.name(), a.path, t)
				}
				seen[t] = in
				s.aliasTargets[in] = append(s.aliasTargets[in], dirTarget(in, a.root, a.rel))
			}
		}
	}
	return keep, nil
}

// rootBase is the name a command-line argument gets under -o DIR.
func rootBase(root string) string {
	b := filepath.Base(filepath.Clean(root))
	if b == "." || b == ".." || b == string(filepath.Separator) {
		if abs, err := filepath.Abs(root); err == nil {
			b = filepath.Base(abs)
		}
	}
	if b == string(filepath.Separator) || b == "." {
		b = "root"
	}
	return b
}

// inPlaceTarget resolves the file an in-place scrub replaces: the target of
// a symbolic link (so the link stays a link), and never a file with other
// hard links, which would keep the secrets under their other names.
func inPlaceTarget(in *input) (string, error) {
	if in.info == nil || !in.info.Mode().IsRegular() {
		return "", errors.New("--in-place needs a regular file")
	}
	if _, _, nlink, ok := owner(in.info); ok && nlink > 1 {
		return "", fmt.Errorf("has %d hard links; scrubbing it in place would leave the secrets under the other names (scrub with -o instead)", nlink)
	}
	target, err := filepath.EvalSymlinks(in.path)
	if err != nil {
		return "", fmt.Errorf("resolve symbolic link: %w", unwrapPath(err))
	}
	return target, nil
}

// run scrubs the inputs.
func (s *scrubber) run(ctx context.Context, inputs []*input) {
	if s.counts == nil {
		s.counts = map[string]uint64{}
	}
	check := !s.e.opts.binary
	var cur *input
	s.e.run(ctx, inputs, func(p *pipeline) func(*chunk) {
		return scrubChunk(s.e.r, p, check)
	}, func(c *chunk) {
		cur = c.in
		if cur.parent != nil {
			cur = cur.parent
		}
		s.consume(c)
	})
	// Cancelled in the middle of an input: discard its partial output.
	if s.sink != nil {
		for _, c := range s.closers {
			c.Close()
		}
		s.sink.abort()
		s.sink = nil
		s.e.con.problem(cur.name(), s.abortMessage(cur, errInterrupted))
	}
}

func (s *scrubber) consume(c *chunk) {
	in := c.in
	top := in
	if in.parent != nil {
		top = in.parent
	}
	// The container's bytes around the content, checked before the names
	// are scrubbed in place (a name's secret is in its raw header too).
	var metaMs []redact.Match
	var metaErr error
	if c.meta != nil {
		metaMs, metaErr = s.metaMatches(in, c)
	}
	if in.parent == nil && c.first {
		// A new input: a file of content, or an archive.
		s.sink, s.arch, s.changed, s.failed, s.memberErr = nil, nil, false, nil, nil
		if c.skip != "" {
			s.skipped++
			s.e.con.problem(in.name(), fmt.Errorf("not checked: %s; %s (pass --binary to scrub it byte for byte)", c.skip, s.notWritten(in)))
			return
		}
		if c.control || c.buf != nil { // no buffer: the input could not even be opened
			s.count(scrubGzipHeader(s.e.r, c.hdr))
			s.sink, s.failed = s.open(in, c)
			if s.failed == nil && c.control {
				comment, ms := scrubText(s.e.r, c.zipComment)
				s.count(ms)
				s.members = newOutNames(s.e.r)
				s.arch, s.failed = newArchiveWriter(c.arch, s.sink, comment)
			}
		}
	}
	s.count(metaMs)
	if metaErr != nil && s.failed == nil {
		s.failed = metaErr
	}
	switch {
	case c.control && in.parent != nil:
		// An archive entry without content.
		s.memberNames(in, c.member)
		if s.failed == nil && s.arch != nil {
			if err := s.arch.entry(c.member); err != nil {
				s.failed = fmt.Errorf("write %s: %w", s.outName(top), err)
			}
		}
		return
	case c.control && c.first:
		return // the archive is open
	case c.control:
		// The archive's end.
		if s.failed == nil && s.memberErr == nil && c.err == nil && s.arch != nil {
			if err := s.arch.close(); err != nil {
				s.failed = fmt.Errorf("write %s: %w", s.outName(top), err)
			}
		}
		s.endInput(in, c.err)
		return
	}

	// Content: a file's or an archive member's.
	if c.first {
		s.beginContent(in, c)
	}
	if s.w != nil && s.failed == nil && len(c.out) > 0 {
		if _, err := s.w.Write(c.out); err != nil {
			s.failed = fmt.Errorf("write %s: %w", s.outName(top), unwrapPath(err))
		}
	}
	s.count(c.matches)
	s.bytes += int64(len(c.data))
	if s.nulAt < 0 && c.nulAt >= 0 {
		s.nulAt = c.offset + int64(c.nulAt)
	}
	if s.badAt < 0 && c.badAt >= 0 {
		s.badAt = c.offset + int64(c.badAt)
	}
	if !c.last {
		return
	}
	s.endContent(in, c.err)
	if in.parent == nil {
		s.endInput(in, c.err)
	}
}

// metaMatches returns the secrets in the bytes of a container that are not
// content (see containerMeta), which the output never holds (its headers
// and frames are new), but for those in a name or comment at the same
// chunk, counted with it; and, if some of these bytes could not be checked,
// the error that keeps the output from being written.
func (s *scrubber) metaMatches(in *input, c *chunk) ([]redact.Match, error) {
	var seen map[string]bool
	if c.first {
		for _, f := range headerFields(in, c) {
			for _, m := range s.e.r.Find([]byte(f.text)) {
				if seen == nil {
					seen = map[string]bool{}
				}
				seen[f.text[m.Start:m.End]] = true
			}
		}
	}
	var ms []redact.Match
	for _, part := range c.meta.parts {
		for _, m := range s.e.r.Find(part.data) {
			if !seen[string(part.data[m.Start:m.End])] {
				ms = append(ms, m)
			}
		}
	}
	if len(c.meta.unchecked) > 0 {
		return ms, fmt.Errorf("not checked: %s", strings.Join(c.meta.unchecked, "; "))
	}
	return ms, nil
}

// beginContent starts writing a stream of content: an input's, through
// its sink, or an archive member's, through the archive writer; compressed
// again if the member was compressed, encoded again if it was UTF-16.
func (s *scrubber) beginContent(in *input, c *chunk) {
	s.w, s.closers, s.nulAt, s.badAt = nil, nil, -1, -1
	if c.unchecked != "" {
		s.unchecked++
		s.e.con.problem(in.name(), fmt.Errorf("not checked: %s; copied unchanged", c.unchecked))
	}
	if in.parent != nil {
		s.memberNames(in, c.member)
		s.count(scrubGzipHeader(s.e.r, c.hdr))
	}
	if s.sink == nil || s.failed != nil {
		return
	}
	var w io.Writer = s.sink
	if in.parent != nil {
		var err error
		if w, err = s.arch.begin(c.member); err != nil {
			s.failed = fmt.Errorf("write %s: %w", s.outName(in.parent), err)
			return
		}
		if c.comp != plain {
			z, err := compressor(c.comp, w, c.hdr)
			if err != nil {
				s.failed = err
				return
			}
			s.closers = append(s.closers, z)
			w = z
		}
	}
	if c.enc != utf8Text {
		e := newUTF16Encoder(w, c.enc)
		s.closers = append(s.closers, e)
		w = e
	}
	s.w = w
}

// memberNames scrubs an archive member's names before it is written, and
// says when its name had to differ from another member's.
func (s *scrubber) memberNames(in *input, m *member) {
	ms, wanted := scrubMemberNames(s.e.r, m, s.members)
	s.count(ms)
	if m.zip != nil {
		// Written back for an entry copied raw: without the records that
		// hold a secret (counted with the zip's records).
		m.zip.Extra = dropZipExtraMatching(s.e.r, m.zip.Extra)
	}
	if wanted != "" {
		name := ""
		switch {
		case m.tar != nil:
			name = m.tar.Name
		case m.zip != nil:
			name = m.zip.Name
		}
		s.e.con.notice(in.name(), fmt.Sprintf("written in the archive as %s, as %s is another member's: their names are the same once their secrets are replaced", name, wanted))
	}
}

// count counts redactions made in the input being consumed.
func (s *scrubber) count(ms []redact.Match) {
	for _, m := range ms {
		s.counts[m.Name]++
	}
	s.changed = s.changed || len(ms) > 0
}

// endContent completes a stream of content begun by beginContent.
func (s *scrubber) endContent(in *input, err error) {
	for i := len(s.closers) - 1; i >= 0; i-- {
		if cerr := s.closers[i].Close(); cerr != nil && s.failed == nil {
			s.failed = fmt.Errorf("write %s: %w", s.outName(in), cerr)
		}
	}
	s.w, s.closers = nil, nil
	if in.parent != nil {
		if err != nil {
			if s.memberErr == nil {
				s.memberErr = err
				s.e.con.problem(in.name(), s.abortMessage(in.parent, err))
			}
			return
		}
		if s.failed == nil && s.arch != nil {
			if aerr := s.arch.end(in.member); aerr != nil {
				s.failed = fmt.Errorf("write %s: %w", s.outName(in.parent), aerr)
			}
		}
	}
	if err == nil && s.failed == nil {
		s.files++
		reportBadBytes(s.e.con, in, s.nulAt, s.badAt, "scrubbed")
	}
}

// endInput commits or aborts the output of a whole input.
func (s *scrubber) endInput(in *input, err error) {
	sk := s.sink
	s.sink, s.arch = nil, nil
	if s.memberErr != nil {
		// Already reported with the member that failed.
		if sk != nil {
			sk.abort()
		}
		return
	}
	switch err := firstErr(err, s.failed); {
	case err != nil:
		if sk != nil {
			sk.abort()
		}
		s.e.con.problem(in.name(), s.abortMessage(in, err))
	case sk != nil:
		if err := sk.commit(s.changed); err != nil {
			s.e.con.problem(in.name(), s.abortMessage(in, err))
			return
		}
		for _, t := range s.aliasTargets[in] {
			if err := linkOrCopy(s.targets[in], t); err != nil {
				s.e.con.problem(in.name(), fmt.Errorf("write its other name %s: %w", t, err))
			}
		}
	}
}

// linkOrCopy makes dst a hard link to src, as the inputs were, or a copy
// where a link cannot be made.
func linkOrCopy(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return unwrapPath(err)
	}
	os.Remove(dst)
	if os.Link(src, dst) == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return unwrapPath(err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return unwrapPath(err)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm())
	if err != nil {
		return unwrapPath(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	return out.Close()
}

// notWritten says what became of a skipped input's output.
func (s *scrubber) notWritten(in *input) string {
	switch {
	case s.opts.inPlace:
		return "the file was left as it is"
	case s.targets[in] != "":
		return "no output written"
	}
	return "nothing written for it"
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// abortMessage says what became of the output after err.
func (s *scrubber) abortMessage(in *input, err error) error {
	switch {
	case s.opts.inPlace:
		return fmt.Errorf("%w; the file was left unchanged", err)
	case s.targets[in] != "":
		return fmt.Errorf("%w; no output written", err)
	case errors.Is(err, context.Canceled):
		return err
	}
	return fmt.Errorf("%w; the output above is incomplete", err)
}

// reportBadBytes tells about an input processed despite NUL bytes or
// invalid UTF-8. Text that is not UTF-8 (Latin-1, a stray byte) was
// processed byte for byte, every byte outside a secret kept: a success,
// with a notice. A NUL byte past the start (outside a run of padding) may
// mean binary content that a byte-for-byte edit breaks, so it fails the
// run unless --binary said such files are fine.
func reportBadBytes(con *console, in *input, nulAt, badAt int64, did string) {
	switch {
	case nulAt >= 0:
		con.problem(in.name(), fmt.Errorf("NUL byte at offset %d: not a text file (%s byte for byte; pass --binary to accept such files)", nulAt, did))
	case badAt >= 0:
		con.notice(in.name(), fmt.Sprintf("not UTF-8 (first invalid byte at offset %d): %s byte for byte, every byte outside a secret kept as it was", badAt, did))
	}
}

func (s *scrubber) outName(in *input) string {
	if t := s.targets[in]; t != "" {
		return t
	}
	return "standard output"
}

// open creates the sink for an input whose first chunk is c.
func (s *scrubber) open(in *input, c *chunk) (sink, error) {
	comp := s.comp
	if s.auto {
		comp = c.comp
		if s.targets[in] == "" && s.stdoutTT {
			comp = plain // never spray compressed bytes on a terminal
		}
	}
	if c.control && s.targets[in] == "" && s.stdoutTT {
		return nil, fmt.Errorf("a %s archive: give -o FILE rather than write it to the terminal", c.arch)
	}
	// Typed nil pointers must not reach the interface.
	if t := s.targets[in]; t != "" {
		fs, err := newFileSink(t, in.info, s.opts.inPlace, comp, c.hdr)
		if err != nil {
			return nil, err
		}
		return fs, nil
	}
	ss, err := newStreamSink(s.stdout, comp, c.hdr)
	if err != nil {
		return nil, err
	}
	return ss, nil
}

// summary prints what the run did.
func (s *scrubber) summary() {
	var total uint64
	for _, n := range s.counts {
		total += n
	}
	what := fmt.Sprintf("scrubbed %s (%s) in %s", plural(s.files, "file"), humanBytes(s.bytes), elapsed(s.e.start))
	if s.skipped > 0 {
		what += fmt.Sprintf(", skipped %s", plural(s.skipped, "binary file"))
	}
	if s.unchecked > 0 {
		what += fmt.Sprintf(", copied %s unchecked", plural(s.unchecked, "archive member"))
	}
	if total == 0 {
		s.e.con.printf("hush: %s: nothing to redact\n", what)
		return
	}
	s.e.con.printf("hush: %s: %s (%s)\n", what, plural(int(total), "redaction"), byName(s.counts))
}

var (
	_ sink = (*fileSink)(nil)
	_ sink = (*streamSink)(nil)
)
