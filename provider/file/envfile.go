package file

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
func (e *EnvFile) read() (expanded, literal map[string]string, err error) {
	fi, err := os.Stat(e.path)
	if err != nil {
		return nil, nil, provider.NewError("env file "+e.path, "", kindOf(err), err)
	}
	if fi.Size() > e.opts.MaxFileSize {
		return nil, nil, provider.NewError("env file "+e.path, "", provider.Permanent,
			fmt.Errorf("%d bytes, more than the %d allowed", fi.Size(), e.opts.MaxFileSize))
	}
	b, err := os.ReadFile(e.path)
	if err != nil {
		return nil, nil, provider.NewError("env file "+e.path, "", kindOf(err), err)
	}
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
func (e *EnvFile) List(context.Context) ([]redact.Secret, error) {
	m, lit, err := e.read()
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
func (e *EnvFile) Get(_ context.Context, name string) (redact.Secret, error) {
	m, _, err := e.read()
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
