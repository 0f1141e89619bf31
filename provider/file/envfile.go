package file

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

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

func (e *EnvFile) read() (map[string]string, error) {
	fi, err := os.Stat(e.path)
	if err != nil {
		return nil, provider.NewError("env file "+e.path, "", kindOf(err), err)
	}
	if fi.Size() > e.opts.MaxFileSize {
		return nil, provider.NewError("env file "+e.path, "", provider.Permanent,
			fmt.Errorf("%d bytes, more than the %d allowed", fi.Size(), e.opts.MaxFileSize))
	}
	m, err := godotenv.Read(e.path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, provider.NewError("env file "+e.path, "", kindOf(err), err)
		}
		// The parser's message quotes the offending text, which may be a
		// value: say only that it failed.
		return nil, provider.NewError("env file "+e.path, "", provider.Malformed, errors.New("not a valid .env file"))
	}
	return m, nil
}

// List returns every non-empty variable of the file, sorted by name.
func (e *EnvFile) List(context.Context) ([]redact.Secret, error) {
	m, err := e.read()
	if err != nil {
		return nil, err
	}
	out := make([]redact.Secret, 0, len(m))
	for k, v := range m {
		if v != "" {
			out = append(out, redact.Secret{Name: k, Value: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Get returns the variable name of the file.
func (e *EnvFile) Get(_ context.Context, name string) (redact.Secret, error) {
	m, err := e.read()
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
