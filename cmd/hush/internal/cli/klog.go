package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"

	"github.com/hushlog/hush/provider"
)

// client-go (the kubernetes source) logs through klog, which writes to the
// process's stderr on its own, past the guard. routeKlog sends klog's
// global logger to w (the guarded stderr) instead, each text filtered by
// provider.ServerText (what a client library prints may quote what a
// server sent, values no redactor knows yet). The provider routes its own
// informers and the API server's warnings to its logger (see
// provider/kubernetes); this catches whatever else client-go says.
func routeKlog(w io.Writer) {
	klog.SetLogger(logr.New(&klogSink{w: w}))
}

type klogSink struct {
	mu   *sync.Mutex
	w    io.Writer
	name string
	kv   []any
}

func (s *klogSink) Init(logr.RuntimeInfo) {
	if s.mu == nil {
		s.mu = new(sync.Mutex)
	}
}

// Enabled keeps client-go's verbose levels quiet.
func (s *klogSink) Enabled(level int) bool { return level <= 0 }

func (s *klogSink) Info(_ int, msg string, kv ...any) { s.write(nil, msg, kv) }

func (s *klogSink) Error(err error, msg string, kv ...any) { s.write(err, msg, kv) }

func (s *klogSink) write(err error, msg string, kv []any) {
	var b strings.Builder
	b.WriteString("hush: kubernetes client: ")
	b.WriteString(provider.ServerText(msg))
	if err != nil {
		b.WriteString(": " + provider.ServerText(err.Error()))
	}
	all := append(s.kv[:len(s.kv):len(s.kv)], kv...)
	for i := 0; i+1 < len(all); i += 2 {
		b.WriteString(" " + provider.ServerText(fmt.Sprint(all[i])) + "=" + provider.ServerText(fmt.Sprint(all[i+1])))
	}
	b.WriteByte('\n')
	if s.mu != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	io.WriteString(s.w, b.String())
}

func (s *klogSink) WithValues(kv ...any) logr.LogSink {
	c := *s
	c.kv = append(s.kv[:len(s.kv):len(s.kv)], kv...)
	return &c
}

func (s *klogSink) WithName(name string) logr.LogSink {
	c := *s
	c.name = strings.TrimPrefix(s.name+"."+name, ".")
	return &c
}
