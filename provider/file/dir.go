package file

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// Defaults of Options.
const (
	DefaultPollInterval = 45 * time.Second
	DefaultMaxFileSize  = 1 << 20
	maxDepth            = 8
)

// Options tune Dir and EnvFile. Zero fields take the defaults.
type Options struct {
	// PollInterval is the backstop of Watch: a change is reported at least
	// this often even if the file-system watch misses it. Default 45s.
	PollInterval time.Duration
	// MaxFileSize skips files larger than this, with a per-secret error of
	// kind provider.Skipped (no index could hold such a value; it does not
	// keep a Refresher from being ready). Default 1 MiB.
	MaxFileSize int64
	// TrimNewline drops one line break (LF or CRLF) at the end of each
	// value. A value is otherwise the file's bytes as they are, and files
	// written by `echo`, most editors and many secret stores end with a
	// line break, which then ends up in a password or a DSN built from it.
	// (Redaction is not affected either way: the Redactor protects the
	// value trimmed of surrounding whitespace.) .env files are parsed and
	// need no trimming.
	TrimNewline bool
}

func (o Options) withDefaults() Options {
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	return o
}

// The file-system calls that read secrets. Tests replace them to fail an
// open or a directory read the way the kernel fails it for an unprivileged
// user, where it will not (CI runs as root, and root reads a mode-000 file).
var (
	readDir  = os.ReadDir
	openFile = openNonblocking
)

// openNonblocking opens a file for reading without blocking on a named
// pipe (where the platform has O_NONBLOCK). Reading a regular file is not
// affected by the flag.
func openNonblocking(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|nonblock, 0)
}

// Dir reads a directory of one file per secret.
type Dir struct {
	dir  string
	opts Options
	open func(string) (*os.File, error) // tests only; nil: openFile
}

var (
	_ provider.Getter  = (*Dir)(nil)
	_ provider.Lister  = (*Dir)(nil)
	_ provider.Watcher = (*Dir)(nil)
)

// NewDir returns a Dir reading dir. The directory need not exist yet (a
// volume mounted later); listing it fails until it does.
func NewDir(dir string, opts Options) (*Dir, error) {
	if dir == "" {
		return nil, errors.New("file: empty directory path")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("file: %w", err)
	}
	return &Dir{dir: abs, opts: opts.withDefaults()}, nil
}

// Name returns "file:" and the directory.
func (d *Dir) Name() string { return "file:" + d.dir }

func (d *Dir) errorf(name string, kind provider.ErrorKind, err error) *provider.Error {
	return provider.NewError("file "+d.dir, name, kind, err)
}

// List reads every regular file under the directory (following symlinks,
// skipping the kubelet's mount machinery, names that start with ".."),
// sorted by name. A key that starts with one dot (".dockerconfigjson") is a
// secret like any other. A file that cannot
// be read is a per-secret error; a missing directory fails the listing.
//
// The directories are walked in order and the files read by up to
// maxReaders goroutines at once (reading 10,000 files one by one is most
// of the time it takes to start a scan); the secrets and the errors come
// out in the same order, with the same text, as a one-by-one walk gives.
// Only a regular file is opened: a named pipe, socket or device, directly
// or behind a symlink, is skipped as before, and a file is opened
// non-blocking, so a pipe swapped in after the check cannot block a read.
// When ctx is done List returns at once, even if a read is stuck (a file
// on a dead network mount); the stuck reader finishes on its own.
func (d *Dir) List(ctx context.Context) ([]redact.Secret, error) {
	if _, err := os.Stat(d.dir); err != nil {
		return nil, d.errorf("", kindOf(err), err)
	}
	items, ok := d.listTree(ctx, d.dir, "", 0)
	if !ok || ctx.Err() != nil {
		return nil, d.errorf("", provider.Transient, context.Cause(ctx))
	}
	var out []redact.Secret
	var errs []error
	var collect func(items []entry)
	collect = func(items []entry) {
		for i := range items {
			it := &items[i]
			switch {
			case it.err != nil:
				errs = append(errs, it.err)
			case it.sub != nil:
				collect(it.sub)
			case it.sec.Value != "":
				out = append(out, it.sec)
			}
		}
	}
	collect(items)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, errors.Join(errs...)
}

// entry is one directory entry of List's walk, in walk order: a failure, a
// subdirectory's entries, or a file's secret (or nothing: an empty file,
// a pipe).
type entry struct {
	full, name string
	dirfd      int    // the open directory holding it, or -1
	base       string // its name in that directory
	depth      int
	typ        fs.FileMode // the type the directory listing gave
	err        error
	sub        []entry // the entries of a subdirectory, in order
	isDir      bool    // a symlink that turned out to lead to a directory
	sec        redact.Secret
}

// maxReaders bounds the files List reads at once: enough to keep the cores
// busy on a local disk and to overlap the round trips of a network mount,
// few enough to stay far from any limit on open files.
const maxReaders = 16

// listTree walks dir and reads its files. It returns false when ctx was
// done before the reads finished.
func (d *Dir) listTree(ctx context.Context, dir, rel string, depth int) ([]entry, bool) {
	var reads readList
	items := d.walk(ctx, dir, rel, depth, &reads)
	if !d.readAll(ctx, &reads) {
		return nil, false
	}
	// A symlink to a directory is walked once it is known to be one, at
	// its place in the order.
	var expand func(items []entry) bool
	expand = func(items []entry) bool {
		for i := range items {
			it := &items[i]
			if it.isDir && it.depth < maxDepth {
				sub, ok := d.listTree(ctx, it.full, it.name, it.depth+1)
				if !ok {
					return false
				}
				it.sub = sub
			} else if it.sub != nil && !expand(it.sub) {
				return false
			}
		}
		return true
	}
	return items, expand(items)
}

// walk lists dir and, depth first, its real subdirectories, and appends
// every other entry to reads.
func (d *Dir) walk(ctx context.Context, dir, rel string, depth int, reads *readList) []entry {
	des, err := readDir(dir)
	if err != nil {
		return []entry{{err: d.errorf(rel, kindOf(err), err)}}
	}
	dirfd := -1
	if fastRead && len(des) > 0 {
		if dirfd = openDir(dir); dirfd >= 0 {
			reads.dirs = append(reads.dirs, dirfd)
		}
	}
	items := make([]entry, 0, len(des))
	for _, e := range des {
		if mountMachinery(e.Name()) || ctx.Err() != nil {
			continue
		}
		full := filepath.Join(dir, e.Name())
		name := path.Join(rel, e.Name())
		if e.Type().IsDir() {
			if depth < maxDepth {
				// walk never returns nil: sub != nil marks a directory.
				items = append(items, entry{full: full, name: name, depth: depth, sub: d.walk(ctx, full, name, depth+1, reads)})
			}
			continue
		}
		items = append(items, entry{full: full, name: name, dirfd: dirfd, base: e.Name(), depth: depth, typ: e.Type()})
	}
	for i := range items {
		if items[i].sub == nil {
			reads.entries = append(reads.entries, &items[i])
		}
	}
	return items
}

// readList is what a walk leaves to read: the entries, and the directories
// it opened for them, closed once every reader is done.
type readList struct {
	entries []*entry
	dirs    []int
}

// readAll reads the entries, up to maxReaders at once. It returns false if
// ctx was done first; the readers still running then write only to entries
// that no one reads any more.
func (d *Dir) readAll(ctx context.Context, list *readList) bool {
	reads := list.entries
	workers := min(len(reads), maxReaders)
	if workers == 0 {
		closeDirs(list.dirs)
		return ctx.Err() == nil
	}
	var next atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(reads) || ctx.Err() != nil {
					return
				}
				d.readEntry(reads[i])
			}
		})
	}
	go func() {
		wg.Wait()
		closeDirs(list.dirs)
		close(done)
	}()
	select {
	case <-done:
		return ctx.Err() == nil
	case <-ctx.Done():
		return false
	}
}

// readEntry reads one entry that is not a real directory, as the one-by-one
// walk did: stat (following symlinks) what the listing does not say is a
// regular file, walk a directory, skip what is not a regular file, read the
// rest.
func (d *Dir) readEntry(it *entry) {
	if !it.typ.IsRegular() {
		fi, err := os.Stat(it.full) // follows the ..data symlinks
		if err != nil {
			it.err = d.errorf(it.name, kindOf(err), err)
			return
		}
		switch {
		case fi.IsDir():
			it.isDir = true
			return
		case !fi.Mode().IsRegular():
			return
		}
	}
	s, err := d.read(it.full, it.name, it.dirfd, it.base)
	if err != nil {
		it.err = err
		return
	}
	it.sec = s
}

// read reads the regular file full as the secret name; dirfd, when not
// negative, is its directory, open, and base its name there. It opens the
// file non-blocking, so that a named pipe put in its place since it was
// listed cannot block, and reads it only if it still is a regular file.
func (d *Dir) read(full, name string, dirfd int, base string) (redact.Secret, error) {
	var f fileRead
	if dirfd >= 0 && d.open == nil && fastRead {
		f = readFileAt(dirfd, base, full, d.opts.MaxFileSize)
	} else {
		open := openFile
		if d.open != nil {
			open = d.open
		}
		f = readFileOS(open, full, d.opts.MaxFileSize)
	}
	switch {
	case f.err != nil:
		return redact.Secret{}, d.errorf(name, kindOf(f.err), f.err)
	case !f.regular:
		return redact.Secret{}, nil // swapped for a pipe or a device since it was listed
	case f.size > d.opts.MaxFileSize:
		return redact.Secret{}, d.errorf(name, provider.Skipped, fmt.Errorf("%d bytes, more than the %d allowed", f.size, d.opts.MaxFileSize))
	case int64(len(f.b)) > d.opts.MaxFileSize:
		return redact.Secret{}, d.errorf(name, provider.Skipped, fmt.Errorf("more than the %d bytes allowed", d.opts.MaxFileSize))
	}
	// A UTF-8 byte order mark (Notepad, PowerShell's Out-File) is not
	// part of the value an application reading the file as text uses, and
	// the value protected must be that one: a log holds the password, not
	// the mark before it.
	b := bytes.TrimPrefix(f.b, utf8BOM)
	if d.opts.TrimNewline && bytes.HasSuffix(b, []byte("\n")) {
		b = bytes.TrimSuffix(b[:len(b)-1], []byte("\r"))
	}
	return redact.Secret{Name: name, Version: f.mtime.UTC().Format(time.RFC3339Nano), Value: string(b)}, nil
}

// utf8BOM is the UTF-8 byte order mark, trimmed from the start of a secret
// file and of a .env file.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// fileRead is what reading one file found: its bytes (at most the limit
// and one more), its size and modification time, whether it is a regular
// file (else it was not read), or the failure, an *fs.PathError as os
// reports it.
type fileRead struct {
	b       []byte
	size    int64
	mtime   time.Time
	regular bool
	err     error
}

// readFileOS reads full with the os package.
func readFileOS(open func(string) (*os.File, error), full string, limit int64) fileRead {
	f, err := open(full)
	if err != nil {
		return fileRead{err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fileRead{err: err}
	}
	r := fileRead{size: fi.Size(), mtime: fi.ModTime(), regular: fi.Mode().IsRegular()}
	if !r.regular || r.size > limit {
		return r
	}
	r.b, r.err = io.ReadAll(io.LimitReader(f, limit+1))
	return r
}

// Get reads the secret with this name (a relative path).
func (d *Dir) Get(_ context.Context, name string) (redact.Secret, error) {
	clean := path.Clean("/" + name)[1:]
	hidden := false
	for _, seg := range strings.Split(clean, "/") {
		hidden = hidden || mountMachinery(seg)
	}
	if clean == "" || clean != name || hidden {
		return redact.Secret{}, d.errorf(name, provider.NotFound, errors.New("not a secret name"))
	}
	full := filepath.Join(d.dir, filepath.FromSlash(clean))
	fi, err := os.Stat(full)
	if err != nil {
		return redact.Secret{}, d.errorf(name, kindOf(err), err)
	}
	if !fi.Mode().IsRegular() {
		return redact.Secret{}, d.errorf(name, provider.NotFound, errors.New("not a regular file"))
	}
	s, err := d.read(full, name, -1, "")
	if err == nil && s.Name == "" {
		return s, d.errorf(name, provider.NotFound, errors.New("not a regular file"))
	}
	return s, err
}

// Watch reports changes under the directory until ctx is done.
func (d *Dir) Watch(ctx context.Context, changed func()) error {
	return watch(ctx, d.dir, d.opts.PollInterval, true, changed)
}

// mountMachinery reports whether a directory entry belongs to how the
// kubelet mounts a Secret or ConfigMap (..data, ..2024_01_01_00_00_00.1234,
// ..data_tmp) rather than to its keys. A Secret's keys cannot start with
// "..", but ".dockerconfigjson" is a key.
func mountMachinery(name string) bool {
	return strings.HasPrefix(name, "..")
}

// kindOf classifies a file-system error.
func kindOf(err error) provider.ErrorKind {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return provider.NotFound
	case errors.Is(err, fs.ErrPermission):
		return provider.AccessDenied
	}
	return provider.Transient
}
