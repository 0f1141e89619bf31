package file

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/joho/godotenv"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// EnvFile reads a .env file.
type EnvFile struct {
	path string
	opts Options
}

var (
	_ provider.Getter  = (*EnvFile)(nil)
	_ provider.Lister  = (*EnvFile)(nil)
	_ provider.Watcher = (*EnvFile)(nil)
)

// NewEnvFile returns an EnvFile reading path.
func NewEnvFile(path string, opts Options) (*EnvFile, error) {
	if path == "" {
		return nil, errors.New("file: empty .env path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("file: %w", err)
	}
	return &EnvFile{path: abs, opts: opts.withDefaults()}, nil
}

// Name returns "env_file:" and the path.
func (e *EnvFile) Name() string { return "env_file:" + e.path }

// read returns the variables as godotenv gives them to the application,
// with $NAME and ${NAME} expanded, and, for the values that held such a
// reference, the value as written: loaders differ (Node's dotenv does not
// expand), so both are protected.
//
// The file is read in a goroutine that ctx does not wait for: a named pipe
// no one writes to (a process substitution whose command hangs) blocks its
// open and read until a writer comes, and read returns when ctx is done,
// with a Transient error, leaving the stuck reader to finish on its own.
func (e *EnvFile) read(ctx context.Context) (expanded, literal map[string]string, err error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := e.readFile()
		done <- result{b, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-ctx.Done():
		return nil, nil, provider.NewError("env file "+e.path, "", provider.Transient,
			fmt.Errorf("still reading it when the time was up (a pipe no one writes to?): %w", context.Cause(ctx)))
	}
	if res.err != nil {
		return nil, nil, res.err
	}
	return e.parse(res.b)
}

// readFile reads the file's bytes, up to the size allowed.
func (e *EnvFile) readFile() ([]byte, error) {
	fi, err := os.Stat(e.path)
	if err != nil {
		return nil, provider.NewError("env file "+e.path, "", kindOf(err), err)
	}
	if fi.Size() > e.opts.MaxFileSize {
		return nil, provider.NewError("env file "+e.path, "", provider.Permanent,
			fmt.Errorf("%d bytes, more than the %d allowed", fi.Size(), e.opts.MaxFileSize))
	}
	f, err := os.Open(e.path)
	if err != nil {
		return nil, provider.NewError("env file "+e.path, "", kindOf(err), err)
	}
	defer f.Close()
	// A pipe has no size to check beforehand: the limit holds as it is read.
	b, err := io.ReadAll(io.LimitReader(f, e.opts.MaxFileSize+1))
	if err != nil {
		return nil, provider.NewError("env file "+e.path, "", kindOf(err), err)
	}
	if int64(len(b)) > e.opts.MaxFileSize {
		return nil, provider.NewError("env file "+e.path, "", provider.Permanent,
			fmt.Errorf("more than the %d bytes allowed", e.opts.MaxFileSize))
	}
	return b, nil
}

// parse reads the variables of a .env file's bytes (see read).
func (e *EnvFile) parse(b []byte) (expanded, literal map[string]string, err error) {
	// A byte order mark would make the first line unparsable (or its key
	// start with the mark): loaders such as python-dotenv and .NET's read
	// the file as text, without it.
	b = bytes.TrimPrefix(b, utf8BOM)
	m, err := godotenv.UnmarshalBytes(b)
	if err != nil {
		// The parser's message quotes the offending text, which may be a
		// value: say only that it failed.
		return nil, nil, provider.NewError("env file "+e.path, "", provider.Malformed, errors.New("not a valid .env file"))
	}
	if !bytes.ContainsRune(b, '$') {
		return m, nil, nil
	}
	// Parsed again with every $ escaped, godotenv leaves references as
	// written (a single-quoted value keeps the backslash, removed after).
	lit, err := godotenv.UnmarshalBytes(bytes.ReplaceAll(b, []byte("$"), []byte(`\$`)))
	if err != nil {
		return m, nil, nil
	}
	for k, v := range lit {
		v = strings.ReplaceAll(v, `\$`, "$")
		if v == m[k] || !strings.Contains(v, "$") {
			delete(lit, k)
			continue
		}
		lit[k] = v
	}
	return m, lit, nil
}

// List returns every non-empty variable of the file, sorted by name. A
// value with a $NAME or ${NAME} reference is listed twice under its name:
// expanded, as godotenv (and so the application) sees it, and as written,
// with Version "unexpanded", as a loader that does not expand sees it.
func (e *EnvFile) List(ctx context.Context) ([]redact.Secret, error) {
	m, lit, err := e.read(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]redact.Secret, 0, len(m)+len(lit))
	for k, v := range m {
		if v != "" {
			out = append(out, redact.Secret{Name: k, Value: v})
		}
	}
	for k, v := range lit {
		out = append(out, redact.Secret{Name: k, Version: "unexpanded", Value: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

// Get returns the variable name of the file.
func (e *EnvFile) Get(ctx context.Context, name string) (redact.Secret, error) {
	m, _, err := e.read(ctx)
	if err != nil {
		return redact.Secret{}, err
	}
	if v, ok := m[name]; ok && v != "" {
		return redact.Secret{Name: name, Value: v}, nil
	}
	return redact.Secret{}, provider.NewError("env file "+e.path, name, provider.NotFound, nil)
}

// Watch reports changes of the file's directory until ctx is done.
func (e *EnvFile) Watch(ctx context.Context, changed func()) error {
	return watch(ctx, filepath.Dir(e.path), e.opts.PollInterval, false, changed)
}
