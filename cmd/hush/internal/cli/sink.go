package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/gzip"
)

// sink receives the scrubbed bytes of one input.
type sink interface {
	io.Writer
	// commit completes the output. changed says whether anything was
	// redacted; an in-place sink leaves an unchanged file alone.
	commit(changed bool) error
	// abort discards what was written, where that is possible.
	abort()
}

// streamSink writes to standard output.
type streamSink struct {
	z io.WriteCloser
}

func newStreamSink(w io.Writer, comp compression, hdr *gzip.Header) (*streamSink, error) {
	z, err := compressor(comp, w, hdr)
	if err != nil {
		return nil, err
	}
	return &streamSink{z: z}, nil
}

func (s *streamSink) Write(p []byte) (int, error) { return s.z.Write(p) }
func (s *streamSink) commit(bool) error           { return s.z.Close() }
func (s *streamSink) abort()                      { s.z.Close() }

// fileSink writes a file crash-safely: to a temporary file in the target's
// directory, renamed over the target only when complete (and, in place,
// synced to disk before).
// Until the rename the target is untouched, whether the run fails, is
// interrupted or is killed; the rename itself is atomic.
type fileSink struct {
	target  string
	tmp     *os.File
	z       io.WriteCloser
	like    os.FileInfo // mode (and, in place, owner) to give the result
	inPlace bool
	done    bool
}

// The two steps that make an in-place replace safe, as variables so that a
// test can observe their order and fail or interrupt one (fault injection):
// the data reaches the disk (syncFile) before the temporary file takes the
// target's name (renameFile), and the directory is synced after.
var (
	syncFile   = (*os.File).Sync
	renameFile = os.Rename
)

// tempPattern names temporary files after their target, hidden, so that
// one left behind by a killed run says where it came from.
func tempPattern(target string) string {
	return "." + filepath.Base(target) + ".hush-*.tmp"
}

func newFileSink(target string, like os.FileInfo, inPlace bool, comp compression, hdr *gzip.Header) (*fileSink, error) {
	if !inPlace {
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return nil, fmt.Errorf("create output directory: %w", unwrapPath(err))
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), tempPattern(target))
	if err != nil {
		return nil, fmt.Errorf("create temporary file beside %s: %w", target, unwrapPath(err))
	}
	z, err := compressor(comp, tmp, hdr)
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	return &fileSink{target: target, tmp: tmp, z: z, like: like, inPlace: inPlace}, nil
}

func (s *fileSink) Write(p []byte) (int, error) { return s.z.Write(p) }

func (s *fileSink) commit(changed bool) error {
	if s.inPlace && !changed {
		s.abort()
		return nil
	}
	err := s.finish()
	if err != nil {
		s.abort()
		return err
	}
	s.done = true
	return nil
}

func (s *fileSink) finish() error {
	if err := s.z.Close(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if s.like != nil {
		if err := s.tmp.Chmod(s.like.Mode().Perm() | s.like.Mode()&(os.ModeSetuid|os.ModeSetgid|os.ModeSticky)); err != nil {
			return fmt.Errorf("keep file mode: %w", unwrapPath(err))
		}
		if s.inPlace {
			if err := keepOwner(s.tmp, s.like); err != nil {
				return err
			}
		}
	}
	// In place, the rename must not reach the disk before the data, or a
	// power cut could leave an empty file where the original was. A new
	// output (-o) risks nothing the user had, so it skips the wait.
	if s.inPlace {
		if err := syncFile(s.tmp); err != nil {
			return fmt.Errorf("sync: %w", unwrapPath(err))
		}
	}
	if err := s.tmp.Close(); err != nil {
		return fmt.Errorf("close: %w", unwrapPath(err))
	}
	if err := renameFile(s.tmp.Name(), s.target); err != nil {
		return fmt.Errorf("replace: %w", unwrapLink(err))
	}
	if s.inPlace {
		syncDir(filepath.Dir(s.target))
	}
	return nil
}

func (s *fileSink) abort() {
	if s.done {
		return
	}
	s.done = true
	s.z.Close()
	s.tmp.Close()
	os.Remove(s.tmp.Name())
}

// keepOwner gives tmp the owner and group of like, when they differ.
func keepOwner(tmp *os.File, like os.FileInfo) error {
	uid, gid, _, ok := owner(like)
	if !ok {
		return nil
	}
	fi, err := tmp.Stat()
	if err != nil {
		return fmt.Errorf("stat temporary file: %w", unwrapPath(err))
	}
	tuid, tgid, _, _ := owner(fi)
	if tuid == uid && tgid == gid {
		return nil
	}
	if err := tmp.Chown(uid, gid); err != nil {
		return fmt.Errorf("cannot keep owner %d:%d (run as the owner or as root): %w", uid, gid, unwrapPath(err))
	}
	return nil
}

// syncDir makes a rename in dir durable. Failure is not reported: some
// file systems refuse to sync a directory, and the data is already safe.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		syncFile(d)
		d.Close()
	}
}

func unwrapLink(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
