package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
)

// input is one file (or standard input) to scrub or scan.
type input struct {
	// path is the file as given or as found by walking a directory;
	// "-" is standard input.
	path string
	// root is the command-line argument the input came from, and rel its
	// path below root ("" when the argument named the file itself).
	root, rel string
	// info describes the file (nil for standard input).
	info os.FileInfo
	id   fileID

	// aliases are the other names under which the walk found the same
	// file (hard links, symbolic links).
	aliases []alias

	// parent is the archive an archive member belongs to, and member the
	// entry as read; arch is set on an input found to be an archive.
	parent *input
	member *member
	arch   archiveKind
	comp   compression // of an archive: how the whole is compressed

	// badAt is the smallest offset at which a worker found a NUL byte or
	// invalid UTF-8 so far; chunks past it need not look again.
	badAt atomic.Int64
}

// alias is another name of an input's file.
type alias struct{ path, root, rel string }

// name is how messages and findings refer to the input.
func (in *input) name() string {
	if in.parent != nil {
		return in.path
	}
	if in.path == "-" {
		return "<stdin>"
	}
	return in.path
}

// size is the input's size on disk, or -1 when unknown.
func (in *input) size() int64 {
	if in.info == nil || !in.info.Mode().IsRegular() {
		return -1
	}
	return in.info.Size()
}

func (in *input) open(stdin io.Reader) (io.ReadCloser, error) {
	if in.path == "-" {
		if rc, ok := stdin.(io.ReadCloser); ok {
			return rc, nil
		}
		return io.NopCloser(stdin), nil
	}
	f, err := os.Open(in.path)
	if err != nil {
		return nil, describeOpenError(err)
	}
	return f, nil
}

// describeOpenError keeps the reason of a failed open and drops the path,
// which every message already starts with.
func describeOpenError(err error) error {
	return fmt.Errorf("cannot open: %w", unwrapPath(err))
}

// walker expands the command-line arguments into inputs: files as they
// are, directories walked in lexical order following symbolic links, each
// file once however many ways it is reached, and a loop of directories
// reported instead of followed.
type walker struct {
	inputs  []*input
	files   map[fileID]*input
	dirs    map[fileID]bool
	exclude map[fileID]bool // never read: the output directory, the report file
	// excluded lists the paths at which an excluded file was found.
	excluded []string
	problem  func(path string, err error)
	notice   func(path, msg string)
}

func newWalker(problem func(string, error), notice func(string, string)) *walker {
	return &walker{
		files:   map[fileID]*input{},
		dirs:    map[fileID]bool{},
		exclude: map[fileID]bool{},
		problem: problem,
		notice:  notice,
	}
}

// add expands one command-line argument.
func (w *walker) add(arg string) {
	if arg == "-" {
		w.inputs = append(w.inputs, newInput("-", "-", "", nil, fileID{}))
		return
	}
	fi, err := os.Stat(arg)
	if err != nil {
		w.problem(arg, statError(arg, err))
		return
	}
	if fi.IsDir() {
		w.dir(arg, arg, nil)
		return
	}
	// Named explicitly, anything readable goes: a FIFO, /dev/stdin, a
	// process substitution.
	w.file(arg, arg, "", fi)
}

func (w *walker) file(path, root, rel string, fi os.FileInfo) {
	id, ok := idOf(fi)
	if ok {
		if w.exclude[id] {
			w.excluded = append(w.excluded, path)
			return
		}
		if first := w.files[id]; first != nil {
			first.aliases = append(first.aliases, alias{path: path, root: root, rel: rel})
			return
		}
		in := newInput(path, root, rel, fi, id)
		w.files[id] = in
		w.inputs = append(w.inputs, in)
		return
	}
	w.inputs = append(w.inputs, newInput(path, root, rel, fi, id))
}

func (w *walker) dir(path, root string, ancestors []fileID) {
	fi, err := os.Stat(path)
	if err != nil {
		w.problem(path, statError(path, err))
		return
	}
	if id, ok := idOf(fi); ok {
		for _, a := range ancestors {
			if a == id {
				w.problem(path, fmt.Errorf("directory loop: leads back to a directory above it; not followed"))
				return
			}
		}
		if w.dirs[id] || w.exclude[id] {
			return
		}
		w.dirs[id] = true
		ancestors = append(ancestors, id)
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		w.problem(path, fmt.Errorf("cannot read directory: %w", unwrapPath(err)))
		// ReadDir returns what it read before the error.
	}
	for _, e := range entries {
		p := filepath.Join(path, e.Name())
		rel, _ := filepath.Rel(root, p)
		fi, err := os.Stat(p) // follows symbolic links
		if err != nil {
			w.problem(p, statError(p, err))
			continue
		}
		switch {
		case fi.IsDir():
			w.dir(p, root, ancestors)
		case fi.Mode().IsRegular():
			w.file(p, root, rel, fi)
		default:
			w.notice(p, fmt.Sprintf("skipped: not a regular file (%s)", fi.Mode().Type()))
		}
	}
}

func statError(path string, err error) error {
	if l, lerr := os.Lstat(path); lerr == nil && l.Mode()&os.ModeSymlink != 0 {
		if t, rerr := os.Readlink(path); rerr == nil {
			return fmt.Errorf("broken symbolic link to %s: %w", t, unwrapPath(err))
		}
	}
	return unwrapPath(err)
}

func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

func newInput(path, root, rel string, fi os.FileInfo, id fileID) *input {
	in := &input{path: path, root: root, rel: rel, info: fi, id: id}
	in.badAt.Store(-1)
	return in
}

// newMember returns the input for one member of the archive parent,
// named ARCHIVE!MEMBER in messages and findings.
func newMember(parent *input, name string, m *member) *input {
	in := &input{path: parent.name() + "!" + name, root: parent.root, rel: parent.rel, parent: parent, member: m}
	in.badAt.Store(-1)
	return in
}
