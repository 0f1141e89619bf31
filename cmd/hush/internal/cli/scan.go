package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"unicode/utf8"
)

// scanOptions are the flags of hush scan.
type scanOptions struct {
	runOptions
	format string // text, json, sarif
	output string // report file; "" or "-" for standard output
}

// scanner consumes scanned chunks: it turns match positions relative to a
// chunk into lines and columns of the input, carrying the line count and
// the column across chunks, and reports each finding in order.
type scanner struct {
	e   *engine
	rep reporter

	counts   map[string]uint64
	files    int
	withHits int
	skipped  int
	// unchecked counts archive members that could not be scanned.
	unchecked int
	bytes     int64
	repErr    error

	// The input being consumed.
	line  int64 // line breaks before the chunk
	col   int64 // runes between the last line break and the chunk
	hits  int
	seen  map[string]bool // matches reported from names at the first chunk
	nulAt int64
	badAt int64
}

func (s *scanner) run(ctx context.Context, inputs []*input) {
	s.counts = map[string]uint64{}
	check := !s.e.opts.binary
	s.e.run(ctx, inputs, func(*pipeline) func(*chunk) {
		return scanChunk(s.e.r, check)
	}, s.consume)
}

func (s *scanner) consume(c *chunk) {
	in := c.in
	if c.first {
		s.names(in, c)
	}
	if c.meta != nil {
		s.meta(in, c)
	}
	if c.control {
		// An archive opens or closes, or an entry without content.
		if c.first && s.hits > 0 {
			s.withHits++
		}
		if in.parent == nil && c.last && c.err != nil {
			s.e.con.problem(in.name(), fmt.Errorf("%w; the members before were scanned", c.err))
		}
		return
	}
	if c.first {
		s.line, s.col, s.nulAt, s.badAt = 0, 0, -1, -1
		if c.skip != "" {
			if s.hits > 0 {
				s.withHits++
			}
			s.skipped++
			s.e.con.problem(in.name(), fmt.Errorf("not checked: %s (pass --binary to scan it byte for byte)", c.skip))
			return
		}
		if c.unchecked != "" {
			s.unchecked++
			s.e.con.problem(in.name(), fmt.Errorf("not checked: %s", c.unchecked))
		}
	}
	if c.pass {
		if c.last && s.hits > 0 {
			s.withHits++
		}
		if c.last && c.err != nil {
			s.e.con.problem(in.name(), c.err)
		}
		return
	}
	for i, m := range c.matches {
		p := c.pos[i]
		f := Finding{
			Path:       s.e.r.ScrubString(in.name()),
			Line:       s.line + int64(p.line) + 1,
			Column:     int64(p.col) + 1,
			EndLine:    s.line + int64(p.endLine) + 1,
			EndColumn:  int64(p.endCol) + 1,
			Offset:     c.offset + int64(m.Start),
			Length:     m.End - m.Start,
			Secret:     findingName(m.Name, m.Rule),
			Encoding:   m.Encoding.String(),
			Rule:       m.Rule,
			Confidence: m.Confidence,
		}
		if p.line == 0 {
			f.Column += s.col
		}
		if p.endLine == 0 {
			f.EndColumn += s.col
		}
		s.counts[f.Secret]++
		s.hits++
		if s.repErr == nil {
			s.repErr = s.rep.finding(f)
		}
	}
	s.line += int64(c.lines)
	if c.lines > 0 {
		s.col = int64(c.tail)
	} else {
		s.col += int64(c.tail)
	}
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
	if s.hits > 0 {
		s.withHits++
	}
	if c.err != nil {
		msg := fmt.Errorf("%w; scanned only the first %d bytes", c.err, c.offset+int64(len(c.data)))
		if c.buf == nil {
			msg = c.err
		}
		s.e.con.problem(in.name(), msg)
		return
	}
	s.files++
	reportBadBytes(s.e.con, in, s.nulAt, s.badAt, "scanned")
}

// names reports the secrets in what is said about an input rather than in
// its content, once, at its first chunk: the name of a file or of an
// archive member (a core dump named after a token), a link member's target,
// a member's or a zip archive's comment. An input whose name holds a secret
// has a finding even if it could not be read.
func (s *scanner) names(in *input, c *chunk) {
	s.hits = 0
	s.seen = nil
	report := func(what, text string) {
		for _, m := range s.e.r.Find([]byte(text)) {
			if s.seen == nil {
				s.seen = map[string]bool{}
			}
			s.seen[text[m.Start:m.End]] = true
			col := int64(utf8.RuneCountInString(text[:m.Start])) + 1
			f := Finding{
				Path:       s.e.r.ScrubString(in.name()),
				Column:     col,
				EndColumn:  col + int64(utf8.RuneCountInString(text[m.Start:m.End])),
				Offset:     int64(m.Start),
				Length:     m.End - m.Start,
				Secret:     findingName(m.Name, m.Rule),
				Encoding:   m.Encoding.String(),
				Rule:       m.Rule,
				Confidence: m.Confidence,
				In:         what,
			}
			s.counts[f.Secret]++
			s.hits++
			if s.repErr == nil {
				s.repErr = s.rep.finding(f)
			}
		}
	}
	for _, f := range headerFields(in, c) {
		report(f.what, f.text)
	}
}

// field is a text said about an input: its name, a comment, a header.
type field struct{ what, text string }

// headerFields lists what is said about an input or archive member rather
// than in its content, as its first chunk has it (before scrub replaces
// anything in it).
func headerFields(in *input, c *chunk) []field {
	var fs []field
	report := func(what, text string) {
		if text != "" {
			fs = append(fs, field{what, text})
		}
	}
	if c.hdr != nil {
		for _, t := range []string{c.hdr.Name, c.hdr.Comment} {
			report("gzip header", t)
			if b := latin1(t); string(b) != t {
				report("gzip header", string(b)) // as stored: see latin1
			}
		}
		report("gzip header", string(c.hdr.Extra))
	}
	switch mem := c.member; {
	case in.parent == nil:
		// The name as it would be shipped (as -o DIR writes it): the
		// argument's last element and the path below it, not the
		// directories that lead to it.
		if in.path != "-" {
			report("name", filepath.ToSlash(filepath.Join(rootBase(in.root), in.rel)))
		}
		report("comment", c.zipComment)
	case mem != nil && mem.tar != nil:
		report("name", mem.tar.Name)
		report("link", mem.tar.Linkname)
		report("comment", mem.tar.PAXRecords["comment"])
		report("header", mem.tar.Uname)
		report("header", mem.tar.Gname)
		keys := make([]string, 0, len(mem.tar.PAXRecords))
		for k := range mem.tar.PAXRecords {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			switch k {
			case "path", "linkpath", "uname", "gname", "comment":
				// Reported above, from the header's fields.
			default:
				report("header", k)
				report("header", mem.tar.PAXRecords[k])
			}
		}
	case mem != nil && mem.zip != nil:
		report("name", mem.zip.Name)
		report("comment", mem.zip.Comment)
	}
	return fs
}

// meta reports the secrets in the bytes of a container that are not
// content (see containerMeta), but for those already reported from a name
// or comment at the same chunk (a member's name is in its raw header too),
// and what could not be checked, which fails the run.
func (s *scanner) meta(in *input, c *chunk) {
	if !c.first {
		s.seen = nil
	}
	hits := 0
	for _, part := range c.meta.parts {
		for _, m := range s.e.r.Find(part.data) {
			if s.seen[string(part.data[m.Start:m.End])] {
				continue
			}
			f := Finding{
				Path:       s.e.r.ScrubString(in.name()),
				Column:     int64(m.Start) + 1,
				EndColumn:  int64(m.End) + 1,
				Offset:     int64(m.Start),
				Length:     m.End - m.Start,
				Secret:     findingName(m.Name, m.Rule),
				Encoding:   m.Encoding.String(),
				Rule:       m.Rule,
				Confidence: m.Confidence,
				In:         part.where,
			}
			s.counts[f.Secret]++
			hits++
			if s.repErr == nil {
				s.repErr = s.rep.finding(f)
			}
		}
	}
	s.hits += hits
	if c.last && c.control && hits > 0 {
		s.withHits++ // the archive's end: no member counts it
	}
	for _, why := range c.meta.unchecked {
		s.e.con.problem(in.name(), fmt.Errorf("not checked: %s", why))
	}
}

// summary prints what the scan found.
func (s *scanner) summary() {
	var total uint64
	for _, n := range s.counts {
		total += n
	}
	what := fmt.Sprintf("scanned %s (%s) in %s", plural(s.files, "file"), humanBytes(s.bytes), elapsed(s.e.start))
	if s.skipped > 0 {
		what += fmt.Sprintf(", skipped %s", plural(s.skipped, "binary file"))
	}
	if s.unchecked > 0 {
		what += fmt.Sprintf(", could not check %s", plural(s.unchecked, "archive member"))
	}
	if total == 0 {
		if s.e.con.failed() > 0 {
			// Never "clean" when something was not looked at.
			s.e.con.printf("hush: %s: no secret found in what could be checked; not everything could (see above)\n", what)
			return
		}
		s.e.con.printf("hush: %s: no secret found\n", what)
		return
	}
	s.e.con.printf("hush: %s: %s in %s (%s)\n", what, plural(int(total), "finding"), plural(s.withHits, "file"), byName(s.counts))
}
