package hushprocessor

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/hushlog/hush/internal/smfake"
)

// statusHost is a Collector host that records the status events its
// component reports, as the service's host does for the health check
// extension.
type statusHost struct {
	component.Host
	mu     sync.Mutex
	events []*componentstatus.Event
}

var _ componentstatus.Reporter = (*statusHost)(nil)

func newStatusHost() *statusHost { return &statusHost{Host: componenttest.NewNopHost()} }

func (h *statusHost) Report(ev *componentstatus.Event) {
	h.mu.Lock()
	h.events = append(h.events, ev)
	h.mu.Unlock()
}

func (h *statusHost) last() *componentstatus.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.events) == 0 {
		return nil
	}
	return h.events[len(h.events)-1]
}

func (h *statusHost) lastStatus() componentstatus.Status {
	if ev := h.last(); ev != nil {
		return ev.Status()
	}
	return componentstatus.StatusNone
}

// "Refusing data: index not built" is a component status the health check
// extension sees: RecoverableError with the cause and advice while not
// ready, OK once ready, on the host of every processor sharing the index.
func TestStatusReporting(t *testing.T) {
	sm := newStandIn(t)
	sm.DenyAccess(dbName)
	cfg := awsConfig(func(c *Config) { c.RefreshInterval = time.Hour })

	logsHost, tracesHost := newStatusHost(), newStatusHost()
	logs, err := NewFactory().CreateLogs(context.Background(), settings(), cfg, new(consumertest.LogsSink))
	require.NoError(t, err)
	traces, err := NewFactory().CreateTraces(context.Background(), settings(), cfg, new(consumertest.TracesSink))
	require.NoError(t, err)
	require.NoError(t, logs.Start(context.Background(), logsHost))
	require.NoError(t, traces.Start(context.Background(), tracesHost))
	t.Cleanup(func() {
		_ = logs.Shutdown(context.Background())
		_ = traces.Shutdown(context.Background())
	})
	idx := indexOf(t, cfg)
	require.Error(t, idx.refresher.Refresh(context.Background()))

	for name, h := range map[string]*statusHost{"logs": logsHost, "traces": tracesHost} {
		require.Eventually(t, func() bool {
			ev := h.last()
			return ev != nil && ev.Err() != nil && strings.Contains(ev.Err().Error(), "access_denied")
		}, testWait, 10*time.Millisecond, "%s host: no status with the failure", name)
		ev := h.last()
		assert.Equal(t, componentstatus.StatusRecoverableError, ev.Status(), name)
		msg := ev.Err().Error()
		assert.Contains(t, msg, "refusing data: the secret index is not built yet", name)
		assert.Contains(t, msg, "secrets never read: ", name)
		assert.Contains(t, msg, dbName, name)
		assert.Contains(t, msg, "grant it read access", name)
		if strings.Contains(msg, dbSecret) || strings.Contains(msg, apiSecret) {
			t.Errorf("%s host: the status holds a secret value", name)
		}
	}
	for _, h := range []*statusHost{logsHost, tracesHost} {
		h.mu.Lock()
		for _, ev := range h.events {
			assert.NotEqual(t, componentstatus.StatusOK, ev.Status(), "OK reported before the index was built")
		}
		h.mu.Unlock()
	}

	sm.Heal()
	sm.Put(dbName, dbSecret)
	require.NoError(t, idx.refresher.Refresh(context.Background()))
	for _, h := range []*statusHost{logsHost, tracesHost} {
		require.Eventually(t, func() bool { return h.lastStatus() == componentstatus.StatusOK }, testWait, 10*time.Millisecond)
	}

	// A processor started later hears the current status at once.
	late := newStatusHost()
	metrics, err := NewFactory().CreateMetrics(context.Background(), settings(), cfg, new(consumertest.MetricsSink))
	require.NoError(t, err)
	require.NoError(t, metrics.Start(context.Background(), late))
	t.Cleanup(func() { _ = metrics.Shutdown(context.Background()) })
	assert.Equal(t, componentstatus.StatusOK, late.lastStatus())
}

// A secret named later that cannot be read is reported while the index is
// built and data flows.
func TestStatusReportsUnreadableSecretWhenReady(t *testing.T) {
	sm := newStandIn(t)
	cfg := awsConfig(func(c *Config) { c.RefreshInterval = time.Hour })
	h := newStatusHost()
	p, err := NewFactory().CreateLogs(context.Background(), settings(), cfg, new(consumertest.LogsSink))
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), h))
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	idx := indexOf(t, cfg)
	require.Eventually(t, func() bool { return h.lastStatus() == componentstatus.StatusOK }, testWait, 10*time.Millisecond)

	sm.Put("prod/new/token", "Hq2w-new-Lp0o-Mn3b-Vc4x")
	sm.FailDecryption("prod/new/token")
	require.Error(t, idx.refresher.Refresh(context.Background()))
	ev := h.last()
	require.Equal(t, componentstatus.StatusRecoverableError, ev.Status())
	assert.Contains(t, ev.Err().Error(), "secrets never read, not protected: ")
	assert.Contains(t, ev.Err().Error(), "prod/new/token")
	assert.True(t, idx.isReady(), "an unreadable new secret does not stop a built index")
}

// A source that keeps the processor refusing data is logged at error level
// through the Collector's logger, with the secrets left unprotected and what
// to do; never a value.
func TestNotReadyFailureLoggedAsError(t *testing.T) {
	sm := newStandIn(t)
	sm.Fail(smfake.OpBatchGetSecretValue, smfake.Denied, 0)
	core, logs := observer.New(zapcore.InfoLevel)
	set := settings()
	set.Logger = zap.New(core)
	cfg := awsConfig(func(c *Config) { c.RefreshInterval = time.Hour })
	createStarted(t, cfg, set)
	require.Error(t, indexOf(t, cfg).refresher.Refresh(context.Background()))

	errs := logs.FilterLevelExact(zapcore.ErrorLevel).FilterMessageSnippet("not ready").All()
	require.NotEmpty(t, errs)
	f := errs[len(errs)-1].ContextMap()
	assert.Equal(t, "access_denied", f["kind"])
	assert.ElementsMatch(t, []any{dbName, apiName}, f["unprotected_secrets"])
	assert.Contains(t, f["advice"], "grant it read access")
	for _, e := range logs.All() {
		line := e.Message
		for k, v := range e.ContextMap() {
			line += " " + k + "=" + fmt.Sprint(v)
		}
		if strings.Contains(line, dbSecret) || strings.Contains(line, apiSecret) {
			t.Error("a log entry holds a secret value")
		}
	}
}
