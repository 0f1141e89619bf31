package kubernetes

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-logr/logr"
	"go.uber.org/zap"
	"k8s.io/klog/v2"

	"github.com/hushlog/hush/provider"
)

// What client-go says reaches the provider's logger, never the process's
// stderr: by default it writes the API server's Warning headers and its
// informers' complaints through klog to stderr, where no redactor stands,
// and both may quote what a server sent (a proxy or an admission webhook
// can echo a Secret's value into a warning). Each such text is filtered by
// provider.ServerText first.

// serverWarnings handles the Warning headers of the API server's responses
// (rest.Config.WarningHandlerWithContext).
type serverWarnings struct{ log *zap.Logger }

func (w serverWarnings) HandleWarningHeaderWithContext(_ context.Context, code int, _ string, text string) {
	w.log.Warn("kubernetes API server warning", zap.Int("code", code), zap.String("text", provider.ServerText(text)))
}

// clientContext returns ctx carrying a klog logger that writes to log:
// client-go's informers and reflectors log through the logger of the
// context they are started with.
func clientContext(ctx context.Context, log *zap.Logger) context.Context {
	return klog.NewContext(ctx, logr.New(&clientSink{log: log}))
}

// clientSink is a logr.LogSink over a zap logger that quotes nothing of
// what it is given unfiltered: messages, values and errors pass through
// provider.ServerText. Informational messages go out at Debug, errors at
// Warn (an informer retries on its own).
type clientSink struct {
	log  *zap.Logger
	name string
	kv   []any
}

func (s *clientSink) Init(logr.RuntimeInfo) {}

// Enabled keeps client-go's verbose levels (V(1) and up) quiet.
func (s *clientSink) Enabled(level int) bool { return level <= 0 }

func (s *clientSink) Info(_ int, msg string, kv ...any) {
	s.log.Debug("kubernetes client: "+provider.ServerText(msg), s.fields(kv)...)
}

func (s *clientSink) Error(err error, msg string, kv ...any) {
	fs := s.fields(kv)
	if err != nil {
		fs = append(fs, zap.String("error", provider.ServerText(err.Error())))
	}
	s.log.Warn("kubernetes client: "+provider.ServerText(msg), fs...)
}

func (s *clientSink) fields(kv []any) []zap.Field {
	all := append(s.kv[:len(s.kv):len(s.kv)], kv...)
	fs := make([]zap.Field, 0, 1+len(all)/2)
	if s.name != "" {
		fs = append(fs, zap.String("logger", s.name))
	}
	for i := 0; i < len(all); i += 2 {
		key := fmt.Sprint(all[i])
		var val any = "(missing)"
		if i+1 < len(all) {
			val = all[i+1]
		}
		fs = append(fs, zap.String(provider.ServerText(key), provider.ServerText(fmt.Sprint(val))))
	}
	return fs
}

func (s *clientSink) WithValues(kv ...any) logr.LogSink {
	c := *s
	c.kv = append(s.kv[:len(s.kv):len(s.kv)], kv...)
	return &c
}

func (s *clientSink) WithName(name string) logr.LogSink {
	c := *s
	c.name = strings.TrimPrefix(s.name+"."+name, ".")
	return &c
}
