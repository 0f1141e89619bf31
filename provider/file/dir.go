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
	// MaxFileSize skips (with a per-secret error) files larger than this.
	// Default 1 MiB.
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
	openFile = os.Open
)

// Dir reads a directory of one file per secret.
type Dir struct {
	dir  string
	opts Options
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
func (d *Dir) List(ctx context.Context) ([]redact.Secret, error) {
	if _, err := os.Stat(d.dir); err != nil {
		return nil, d.errorf("", kindOf(err), err)
	}
	var out []redact.Secret
	var errs []error
	var walk func(dir, rel string, depth int)
	walk = func(dir, rel string, depth int) {
		entries, err := readDir(dir)
		if err != nil {
			errs = append(errs, d.errorf(rel, kindOf(err), err))
			return
		}
		for _, e := range entries {
			if mountMachinery(e.Name()) || ctx.Err() != nil {
				continue
			}
			full := filepath.Join(dir, e.Name())
			name := path.Join(rel, e.Name())
			fi, err := os.Stat(full) // follows the ..data symlinks
			if err != nil {
				errs = append(errs, d.errorf(name, kindOf(err), err))
				continue
			}
			switch {
			case fi.IsDir():
				if depth < maxDepth {
					walk(full, name, depth+1)
				}
			case fi.Mode().IsRegular():
				s, err := d.read(full, name, fi)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if s.Value != "" {
					out = append(out, s)
				}
			}
		}
	}
	walk(d.dir, "", 0)
	if err := ctx.Err(); err != nil {
		return nil, d.errorf("", provider.Transient, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, errors.Join(errs...)
}

func (d *Dir) read(full, name string, fi fs.FileInfo) (redact.Secret, error) {
	if fi.Size() > d.opts.MaxFileSize {
		return redact.Secret{}, d.errorf(name, provider.Permanent, fmt.Errorf("%d bytes, more than the %d allowed", fi.Size(), d.opts.MaxFileSize))
	}
	f, err := openFile(full)
	if err != nil {
		return redact.Secret{}, d.errorf(name, kindOf(err), err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, d.opts.MaxFileSize+1))
	if err != nil {
		return redact.Secret{}, d.errorf(name, kindOf(err), err)
	}
	if int64(len(b)) > d.opts.MaxFileSize {
		return redact.Secret{}, d.errorf(name, provider.Permanent, fmt.Errorf("more than the %d bytes allowed", d.opts.MaxFileSize))
	}
	if d.opts.TrimNewline && bytes.HasSuffix(b, []byte("\n")) {
		b = bytes.TrimSuffix(b[:len(b)-1], []byte("\r"))
	}
	return redact.Secret{Name: name, Version: fi.ModTime().UTC().Format(time.RFC3339Nano), Value: string(b)}, nil
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
	return d.read(full, name, fi)
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
