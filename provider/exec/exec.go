// Package exec is a provider that runs a command printing secrets as JSON,
// the escape hatch for any store hush has no provider for. It belongs to the
// provider layer of hush (see package provider).
//
// The command prints on standard output either an object
//
//	{"prod/db/password": "...", "prod/api/token": "..."}
//
// or an array
//
//	[{"name": "prod/db/password", "value": "...", "version": "optional"}]
//
// and exits 0 within the timeout. Its standard error is never quoted
// verbatim in errors: at most one bounded line, with every value known to
// the provider and every long token-like run replaced by [REDACTED].
package exec // import "github.com/hushlog/hush/provider/exec"

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	osexec "os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// Defaults of Config.
const (
	DefaultTimeout   = 30 * time.Second
	DefaultMaxOutput = 16 << 20
	maxStderr        = 64 << 10
	maxStderrQuote   = 200
	// waitDelay is how long output is still read after the command exits
	// (or is killed), for what it wrote just before; pipes that a process
	// it left behind holds open are closed then.
	waitDelay = time.Second
)

// Config says what to run.
type Config struct {
	// Command is the program, looked up in PATH when it has no slash.
	Command string
	// Args are its arguments.
	Args []string
	// Env, when not nil, is the program's whole environment; nil means
	// this process's environment.
	Env []string
	// Dir is the working directory; empty means this process's.
	Dir string
	// Timeout bounds one run; default 30s. The program is killed when it
	// runs out.
	Timeout time.Duration
	// MaxOutput bounds standard output; default 16 MiB.
	MaxOutput int64
}

// Provider runs the command on every List and Get. It is a provider.Getter
// and a provider.Lister, safe for concurrent use.
type Provider struct {
	cfg  Config
	name string

	mu   sync.Mutex
	last []string // values of the last successful run, to scrub stderr
}

var (
	_ provider.Getter = (*Provider)(nil)
	_ provider.Lister = (*Provider)(nil)
)

// New returns a Provider running cfg.Command.
func New(cfg Config) (*Provider, error) {
	if cfg.Command == "" {
		return nil, errors.New("exec: empty command")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxOutput <= 0 {
		cfg.MaxOutput = DefaultMaxOutput
	}
	return &Provider{cfg: cfg, name: "exec:" + filepath.Base(cfg.Command)}, nil
}

// Name returns "exec:" and the command's base name.
func (p *Provider) Name() string { return p.name }

func (p *Provider) errorf(kind provider.ErrorKind, format string, a ...any) *provider.Error {
	return provider.NewError(p.name, "", kind, fmt.Errorf(format, a...))
}

// List runs the command and returns the secrets it printed, sorted by name.
func (p *Provider) List(ctx context.Context) ([]redact.Secret, error) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	cmd := osexec.CommandContext(ctx, p.cfg.Command, p.cfg.Args...)
	cmd.Env = p.cfg.Env
	cmd.Dir = p.cfg.Dir
	// A command that exits while a process it started (a daemon, `sleep
	// &`) still holds its standard output or error open is done: what it
	// printed before exiting is in the pipe, read within WaitDelay, after
	// which the pipes are closed and Wait returns ErrWaitDelay. Without
	// WaitDelay, Wait would wait for the child to close them: forever.
	cmd.WaitDelay = waitDelay
	var stdout limitedBuffer
	stdout.max = p.cfg.MaxOutput
	stderr := limitedBuffer{max: maxStderr}
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	if errors.Is(err, osexec.ErrWaitDelay) && ctx.Err() == nil && cmd.ProcessState != nil && cmd.ProcessState.Success() {
		err = nil // exited 0; only a child of it kept the pipes open
	}
	secrets, perr := parse(stdout.Bytes())
	if err != nil {
		var known []string
		for _, s := range secrets {
			known = append(known, s.Value)
		}
		p.mu.Lock()
		known = append(known, p.last...)
		p.mu.Unlock()
		detail := ""
		if line := sanitize(stderr.Bytes(), known); line != "" {
			detail = "; stderr: " + line
		}
		switch {
		case ctx.Err() != nil:
			return nil, p.errorf(provider.Transient, "%s: %w", "timed out or cancelled", ctx.Err())
		default:
			var ee *osexec.ExitError
			if errors.As(err, &ee) {
				return nil, p.errorf(provider.Permanent, "exited with status %d%s", ee.ExitCode(), detail)
			}
			return nil, p.errorf(provider.Permanent, "%w%s", err, detail)
		}
	}
	if stdout.overflow {
		return nil, p.errorf(provider.Malformed, "output larger than %d bytes", p.cfg.MaxOutput)
	}
	if perr != nil {
		return nil, p.errorf(provider.Malformed, "%w", perr)
	}
	vals := make([]string, len(secrets))
	for i, s := range secrets {
		vals[i] = s.Value
	}
	p.mu.Lock()
	p.last = vals
	p.mu.Unlock()
	return secrets, nil
}

// Get runs the command and returns the secret with this name.
func (p *Provider) Get(ctx context.Context, name string) (redact.Secret, error) {
	all, err := p.List(ctx)
	if err != nil {
		return redact.Secret{}, err
	}
	for _, s := range all {
		if s.Name == name {
			return s, nil
		}
	}
	return redact.Secret{}, provider.NewError(p.name, name, provider.NotFound, nil)
}

// parse reads either output shape. Its errors never quote the output.
func parse(b []byte) ([]redact.Secret, error) {
	// A UTF-8 byte order mark (Windows PowerShell, Out-File) is not JSON.
	b = bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(b), []byte{0xEF, 0xBB, 0xBF}))
	if len(b) == 0 {
		return nil, errors.New("no output")
	}
	var out []redact.Secret
	switch b[0] {
	case '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, jsonError(err)
		}
		for k, raw := range m {
			var v string
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, fmt.Errorf("the value of %q is not a string", k)
			}
			if v != "" {
				out = append(out, redact.Secret{Name: k, Value: v})
			}
		}
	case '[':
		var list []struct {
			Name    *string `json:"name"`
			Value   *string `json:"value"`
			Version string  `json:"version"`
		}
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, jsonError(err)
		}
		for i, e := range list {
			if e.Name == nil || *e.Name == "" || e.Value == nil {
				return nil, fmt.Errorf("entry %d lacks a name or a string value", i)
			}
			if *e.Value != "" {
				out = append(out, redact.Secret{Name: *e.Name, Version: e.Version, Value: *e.Value})
			}
		}
	default:
		return nil, errors.New("output is neither a JSON object nor a JSON array")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// jsonError describes a decoding error by position and type only: the
// decoder's own message can quote the input.
func jsonError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("output is not valid JSON (syntax error at byte %d)", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("output has the wrong shape (a JSON %s at byte %d)", te.Value, te.Offset)
	}
	return errors.New("output is not valid JSON")
}

// sanitize returns the last non-empty line of stderr, cut to 200 bytes,
// printable ASCII only, with known values and long token-like runs replaced.
func sanitize(stderr []byte, known []string) string {
	s := string(stderr)
	sort.Slice(known, func(i, j int) bool { return len(known[i]) > len(known[j]) })
	for _, v := range known {
		for _, form := range []string{v, strings.TrimSpace(v)} {
			if len(form) >= 4 {
				s = strings.ReplaceAll(s, form, "[REDACTED]")
			}
		}
	}
	lines := strings.Split(s, "\n")
	line := ""
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			line = l
			break
		}
	}
	var b strings.Builder
	flush := func(tok string) {
		if len(tok) >= 16 {
			b.WriteString("[REDACTED]")
		} else {
			b.WriteString(tok)
		}
	}
	var tok strings.Builder
	for _, r := range line {
		if r < 0x20 || r > 0x7e {
			r = '?'
		}
		if isTokenChar(r) {
			tok.WriteRune(r)
			continue
		}
		flush(tok.String())
		tok.Reset()
		b.WriteRune(r)
	}
	flush(tok.String())
	out := b.String()
	if len(out) > maxStderrQuote {
		out = out[:maxStderrQuote] + "..."
	}
	return out
}

func isTokenChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '+' || r == '/' || r == '=' || r == '_' || r == '-' || r == '.' || r == '~' || r == ':'
}

// limitedBuffer keeps the first max bytes written and drops the rest.
type limitedBuffer struct {
	bytes.Buffer
	max      int64
	overflow bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	room := b.max - int64(b.Len())
	if int64(len(p)) > room {
		b.overflow = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

var _ io.Writer = (*limitedBuffer)(nil)
