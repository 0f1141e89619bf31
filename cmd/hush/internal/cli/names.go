package cli

import (
	"archive/tar"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/hushlog/hush/redact"
)

// Names.
//
// A file or an archive member can be named after a secret (a core dump
// named after a token, a cache directory after a key), and so can a link's
// target or an archive comment. Such a name is data like any other: scan
// reports the secrets in it, and scrub writes it scrubbed — in a rewritten
// archive, and under -o DIR — so that the clean copy holds no secret, not
// even in its names.

// scrubPath returns the path p (components separated by "/") with every
// secret replaced, and the matches. A replacement never adds or removes a
// path component: its "/" and "\" become "_" ("[REDACTED:prod_db_password]"),
// and a component that would become "." or ".." becomes "_", so a scrubbed
// name stays where the original was.
func scrubPath(r *redact.Redactor, p string) (string, []redact.Match) {
	ms := r.Find([]byte(p))
	if len(ms) == 0 {
		return p, nil
	}
	var b strings.Builder
	prev := 0
	for _, m := range ms {
		b.WriteString(p[prev:m.Start])
		orig := p[m.Start:m.End]
		repl := r.ScrubString(orig)
		if repl == orig {
			// The value's form is only recognised in its context (an
			// encoding aligned on the text around it).
			repl = "[REDACTED:" + m.Name + "]"
		}
		b.WriteString(pathSafe.Replace(repl))
		prev = m.End
	}
	b.WriteString(p[prev:])
	out := b.String()
	origParts := strings.Split(p, "/")
	parts := strings.Split(out, "/")
	for i, c := range parts {
		if (c == "." || c == "..") && (i >= len(origParts) || origParts[i] != c) {
			parts[i] = "_"
		}
	}
	return strings.Join(parts, "/"), ms
}

// pathSafe makes a replacement text one path component.
var pathSafe = strings.NewReplacer("/", "_", "\\", "_", "\x00", "_")

// scrubText returns free text (a comment, a user name) with every secret
// replaced, and the matches.
func scrubText(r *redact.Redactor, t string) (string, []redact.Match) {
	ms := r.Find([]byte(t))
	if len(ms) == 0 {
		return t, nil
	}
	return r.ScrubString(t), ms
}

// scrubMemberNames scrubs, in place, what an archive member's header says
// besides its content: its name and a link's target (as paths), its
// comment, owner names and extended attributes (as text). It returns the
// matches, and the name the member would have had but for a collision
// with another member's (see outNames, which names holds for the archive),
// when different. A tar header that changed is written in whatever format
// its new fields need; a zip entry copied raw loses the extra fields that
// would repeat its old name or comment (Info-ZIP Unicode Path, Comment).
func scrubMemberNames(r *redact.Redactor, m *member, names *outNames) (all []redact.Match, wanted string) {
	path := func(p string) string {
		out, ms := scrubPath(r, p)
		all = append(all, ms...)
		return out
	}
	// A member's own name, and a hard link's target (another member's
	// name): placed among the archive's names, never on another's.
	place := func(p string, dir bool) string {
		if names == nil {
			return path(p)
		}
		trimmed := strings.TrimSuffix(p, "/")
		if trimmed == "" {
			return p
		}
		final, w, ms := names.place(trimmed, dir)
		all = append(all, ms...)
		if w != "" && wanted == "" {
			wanted = w
		}
		return final + p[len(trimmed):]
	}
	text := func(t string) string {
		out, ms := scrubText(r, t)
		all = append(all, ms...)
		return out
	}
	switch {
	case m.tar != nil:
		h := m.tar
		h.Name = place(h.Name, h.Typeflag == tar.TypeDir || strings.HasSuffix(h.Name, "/"))
		if h.Typeflag == tar.TypeLink {
			h.Linkname = place(h.Linkname, false)
		} else {
			h.Linkname = path(h.Linkname)
		}
		h.Uname, h.Gname = text(h.Uname), text(h.Gname)
		if len(h.PAXRecords) > 0 {
			recs := make(map[string]string, len(h.PAXRecords))
			for k, v := range h.PAXRecords {
				switch k {
				case "path", "linkpath", "uname", "gname":
					// The header's fields say these, and win.
				default:
					recs[text(k)] = text(v)
				}
			}
			h.PAXRecords = recs
		}
		h.Xattrs = scrubXattrs(h.Xattrs, text) //lint:ignore SA1019 the reader fills Xattrs from the SCHILY.xattr records, and the writer prefers it to PAXRecords
		if len(all) > 0 {
			h.Format = 0 // tar.FormatUnknown: the writer chooses
		}
	case m.zip != nil:
		h := m.zip
		h.Name, h.Comment = place(h.Name, strings.HasSuffix(h.Name, "/")), text(h.Comment)
		if len(all) > 0 {
			h.Extra = dropZipExtra(h.Extra, 0x7075, 0x6375)
		}
	}
	return all, wanted
}

// dropZipExtra returns a zip extra field without the records of the given
// ids; a malformed field is dropped whole.
func dropZipExtra(extra []byte, ids ...uint16) []byte {
	var out []byte
	for b := extra; len(b) > 0; {
		if len(b) < 4 {
			return out
		}
		id, n := uint16(b[0])|uint16(b[1])<<8, int(b[2])|int(b[3])<<8
		if len(b) < 4+n {
			return out
		}
		keep := true
		for _, d := range ids {
			keep = keep && id != d
		}
		if keep {
			out = append(out, b[:4+n]...)
		}
		b = b[4+n:]
	}
	return out
}

// dropZipExtraMatching returns a zip extra field without the records that
// hold a secret; a malformed field is dropped whole if it holds one.
func dropZipExtraMatching(r *redact.Redactor, extra []byte) []byte {
	if len(r.Find(extra)) == 0 {
		return extra
	}
	var out []byte
	for b := extra; len(b) > 0; {
		if len(b) < 4 {
			return out
		}
		n := int(b[2]) | int(b[3])<<8
		if len(b) < 4+n {
			return out
		}
		if len(r.Find(b[:4+n])) == 0 {
			out = append(out, b[:4+n]...)
		}
		b = b[4+n:]
	}
	return out
}

// outNames gives the inputs their names under -o DIR: scrubbed, component
// by component, and never the same for two inputs. Two different names
// that scrub the same (two values of one secret, a file already named
// like the scrubbed form of another) make the second "NAME~2.EXT" (~3,
// ...); the same name met again (the directory of several files) keeps
// what it was given.
type outNames struct {
	r    *redact.Redactor
	dirs map[string]*outDir // by final directory path, "" for the top
}

type outDir struct {
	given map[string]string // a raw name and kind ("f" or "d") to its final name
	used  map[string]bool   // the final names used
}

func newOutNames(r *redact.Redactor) *outNames {
	return &outNames{r: r, dirs: map[string]*outDir{}}
}

// place returns the final name of rel ("/"-separated), the name it would
// have had but for a collision, when different, and the secrets replaced
// in the components named for the first time.
//
// The last component is a file's name, or a directory's when dir is set.
func (o *outNames) place(rel string, dir bool) (final, wanted string, ms []redact.Match) {
	parts := strings.Split(rel, "/")
	var fin, want []string
	parent := ""
	for i, c := range parts {
		kind := "d"
		if i == len(parts)-1 && !dir {
			kind = "f"
		}
		d := o.dirs[parent]
		if d == nil {
			d = &outDir{given: map[string]string{}, used: map[string]bool{}}
			o.dirs[parent] = d
		}
		sc, cms := scrubPath(o.r, c)
		f, ok := d.given[kind+c]
		if !ok {
			ms = append(ms, cms...)
			f = sc
			for n := 2; d.used[f]; n++ {
				f = numbered(sc, n)
			}
			d.used[f] = true
			d.given[kind+c] = f
		}
		fin, want = append(fin, f), append(want, sc)
		parent = strings.Join(fin, "/")
	}
	final = strings.Join(fin, "/")
	if w := strings.Join(want, "/"); w != final {
		wanted = w
	}
	return final, wanted, ms
}

// numbered returns name with "~n" before its extension: app~2.log,
// bundle~2.tar.gz, .env~2.
func numbered(name string, n int) string {
	base, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		base, ext = name[:i], name[i:]
		switch ext {
		case ".gz", ".zst", ".bz2", ".xz":
			if j := strings.LastIndexByte(base, '.'); j > 0 {
				base, ext = name[:j], name[j:]
			}
		}
	}
	return base + "~" + strconv.Itoa(n) + ext
}

// scrubGzipHeader scrubs, in place, the original file name a gzip header
// keeps (`gzip dump-TOKEN.log` stores "dump-TOKEN.log"), which the output
// is written with again; its comment and extra field are not written back.
// It returns the matches, those in the comment and extra field too: a
// secret there is redacted by the rewrite (and an in-place scrub must not
// keep the file as it was).
func scrubGzipHeader(r *redact.Redactor, h *gzip.Header) []redact.Match {
	if h == nil {
		return nil
	}
	name, ms := scrubPath(r, h.Name)
	if b := latin1(h.Name); string(b) != h.Name {
		// The name as stored (see latin1), scrubbed, and decoded again as
		// the writer encodes it.
		if out, bms := scrubPath(r, string(b)); len(bms) > 0 {
			rs := make([]rune, 0, len(out))
			for i := 0; i < len(out); i++ {
				rs = append(rs, rune(out[i]))
			}
			name, ms = string(rs), append(ms, bms...)
		}
	}
	h.Name = name
	for _, t := range []string{h.Comment, string(latin1(h.Comment)), string(h.Extra)} {
		ms = append(ms, r.Find([]byte(t))...)
	}
	return ms
}

// scrubXattrs returns a tar header's extended attributes (the deprecated
// field the reader still fills) with text applied to keys and values.
func scrubXattrs(x map[string]string, text func(string) string) map[string]string {
	if len(x) == 0 {
		return x
	}
	out := make(map[string]string, len(x))
	for k, v := range x {
		out[text(k)] = text(v)
	}
	return out
}
