package cli

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// renderEntry writes an entry as an application without hush would log it,
// with slog's JSON and text handlers, one line each: the input of hush scrub.
func renderEntry(e leaktest.Entry) []byte {
	var b bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&b, nil), slog.NewTextHandler(&b, nil)} {
		l := slog.New(h)
		for _, g := range e.Groups {
			l = l.WithGroup(g)
		}
		for _, a := range e.With {
			l = l.With(cliAttr(a))
		}
		args := make([]any, 0, len(e.Attrs))
		for _, a := range e.Attrs {
			args = append(args, cliAttr(a))
		}
		l.Info(e.Message, args...)
	}
	return b.Bytes()
}

func cliAttr(a leaktest.Attr) slog.Attr {
	switch v := a.Value.(type) {
	case leaktest.Group:
		args := make([]any, 0, len(v))
		for _, ga := range v {
			args = append(args, cliAttr(ga))
		}
		return slog.Group(a.Key, args...)
	case leaktest.Object:
		return slog.Any(a.Key, map[string]string(v))
	}
	return slog.Any(a.Key, a.Value)
}

// cliFrontEnd runs "hush scrub" in-process on each rendered entry, from
// standard input, and keeps everything it printed (stdout and stderr).
type cliFrontEnd struct {
	t   *testing.T
	cfg string
	out []byte
}

func (c *cliFrontEnd) Output() []byte { return c.out }

func (c *cliFrontEnd) Log(e leaktest.Entry) error {
	code, stdout, stderr := runMain(c.t, bytes.NewReader(renderEntry(e)), "scrub", "--config", c.cfg, "-")
	require.Equal(c.t, 0, code, "hush scrub exit code")
	c.out = []byte(stdout + stderr)
	return nil
}

// TestConformance runs the leak suite through the CLI.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the command once per scenario")
	}
	leaktest.Run(t, func(t *testing.T, _ *redact.Redactor) leaktest.FrontEnd {
		return &cliFrontEnd{t: t, cfg: writeSecretsConfig(t, t.TempDir(), leaktest.Secrets()...)}
	})
}
