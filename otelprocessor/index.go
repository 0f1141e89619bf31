package hushprocessor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.uber.org/zap"

	"github.com/hushlog/hush/config"
	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/otelmetric"
	"github.com/hushlog/hush/redact"
)

// sharedIndex is the redactor of one processor configuration and the
// refresher that keeps it current. The logs, traces and metrics processors
// created from one configuration share it, so each component lists its
// providers once, not once per pipeline. It is started by the first
// processor's Start and stopped by the last one's Shutdown.
//
// The pipeline never waits for it: the refresher lists the providers and
// rebuilds the index on its own goroutines and publishes each index with an
// atomic swap inside the redactor; processors only load it.
type sharedIndex struct {
	cfg       *Config
	redactor  *redact.Redactor
	refresher *provider.Refresher
	// providerMetrics reports the refresher's listings and status.
	providerMetrics *otelmetric.Metrics
	listers         int
	logger          *zap.Logger
	tel             *indexTelemetry
	// status reports the index's health to the processors' hosts.
	status statusReporter

	ready atomic.Bool

	mu      sync.Mutex
	refs    int
	started bool
	cancel  context.CancelFunc
	done    chan struct{}
}

var indexes = struct {
	sync.Mutex
	m map[*Config]*sharedIndex
}{m: map[*Config]*sharedIndex{}}

// acquireIndex returns the index of cfg, creating it on first use. Each
// call must be matched by a release (through the processor's Start and
// Shutdown, or directly when creation fails).
func acquireIndex(cfg *Config, set component.TelemetrySettings, id component.ID) (*sharedIndex, error) {
	indexes.Lock()
	defer indexes.Unlock()
	if idx, ok := indexes.m[cfg]; ok {
		idx.refs++
		return idx, nil
	}
	idx, err := newSharedIndex(cfg, set, id)
	if err != nil {
		return nil, err
	}
	idx.refs = 1
	indexes.m[cfg] = idx
	return idx, nil
}

func newSharedIndex(cfg *Config, set component.TelemetrySettings, id component.ID) (*sharedIndex, error) {
	opts, err := cfg.RedactOptions()
	if err != nil {
		return nil, err
	}
	r, err := redact.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("hush processor: %w", err)
	}
	listers, err := cfg.Listers(context.Background())
	if err != nil {
		return nil, fmt.Errorf("hush processor: providers: %w", err)
	}
	pm, err := otelmetric.New(set.MeterProvider, providerMetricOptions(id)...)
	if err != nil {
		for _, l := range listers {
			closeLister(l)
		}
		return nil, fmt.Errorf("hush processor: %w", err)
	}
	idx := &sharedIndex{cfg: cfg, redactor: r, providerMetrics: pm, listers: len(listers), logger: set.Logger}
	ropts := cfg.RefresherOptions(config.Settings{Observer: pm, Logger: set.Logger})
	ropts.OnRound = idx.reportStatus
	ref, err := provider.NewRefresher(r, listers, ropts)
	if err != nil {
		for _, l := range listers {
			closeLister(l)
		}
		return nil, fmt.Errorf("hush processor: %w", err)
	}
	idx.refresher = ref
	if err := pm.ObserveRefresher(ref, nil); err != nil {
		_ = ref.Close()
		return nil, fmt.Errorf("hush processor: %w", err)
	}
	if idx.tel, err = newIndexTelemetry(set, id, idx); err != nil {
		_ = ref.Close()
		_ = pm.Close()
		return nil, err
	}
	return idx, nil
}

// start registers the host of one processor for status reports and begins
// refreshing on the first call.
func (idx *sharedIndex) start(host component.Host) error {
	idx.mu.Lock()
	defer idx.mu.Unlock()
	if host != nil {
		idx.status.add(host, idx.statusEvent())
	}
	if idx.started {
		return nil
	}
	idx.started = true
	if idx.listers == 0 {
		if !idx.cfg.Detectors.Off() {
			idx.logger.Info("hush processor: no secret provider configured; only the detectors and the key and value rules apply")
		} else {
			idx.logger.Warn("hush processor: no secret provider configured; only the key and value rules apply")
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	idx.cancel = cancel
	idx.done = make(chan struct{})
	if err := idx.refresher.Start(ctx); err != nil {
		cancel()
		close(idx.done)
		return fmt.Errorf("hush processor: %w", err)
	}
	go idx.watchReady(ctx)
	if idx.listers == 0 {
		// With nothing to list, one round publishes the empty set.
		if err := idx.refresher.Refresh(ctx); err != nil {
			return fmt.Errorf("hush processor: %w", err)
		}
	}
	return nil
}

// watchReady flips the ready flag the hot path reads, so processors test
// one atomic instead of a channel.
func (idx *sharedIndex) watchReady(ctx context.Context) {
	defer close(idx.done)
	select {
	case <-idx.refresher.Ready():
		idx.ready.Store(true)
		idx.reportStatus()
		st := idx.redactor.Stats()
		idx.logger.Info("hush processor: secret index ready",
			zap.Int("secrets", st.Secrets), zap.Int("patterns", st.Patterns), zap.Int("index_bytes", st.IndexBytes))
		for _, s := range st.Skipped {
			idx.logger.Info("hush processor: secret not indexed", zap.String("secret", s.Name), zap.String("reason", s.Reason))
		}
	case <-ctx.Done():
	}
}

func (idx *sharedIndex) isReady() bool { return idx.ready.Load() }

// statusEvent is the component status of the index now.
func (idx *sharedIndex) statusEvent() *componentstatus.Event {
	return statusEvent(idx.refresher.Status(), idx.isReady())
}

// reportStatus reports the current status to the processors' hosts; the
// refresher calls it after each round.
func (idx *sharedIndex) reportStatus() { idx.status.report(idx.statusEvent()) }

func (idx *sharedIndex) readyCh() <-chan struct{} { return idx.refresher.Ready() }

// release drops one reference; the last one stops the refresher.
func (idx *sharedIndex) release() error {
	indexes.Lock()
	idx.refs--
	last := idx.refs == 0
	if last {
		delete(indexes.m, idx.cfg)
	}
	indexes.Unlock()
	if !last {
		return nil
	}
	idx.mu.Lock()
	defer idx.mu.Unlock()
	var errs []error
	if idx.cancel != nil {
		idx.cancel()
		<-idx.done
	}
	if err := idx.refresher.Close(); err != nil {
		errs = append(errs, fmt.Errorf("hush processor: %w", err))
	}
	idx.tel.close()
	if err := idx.providerMetrics.Close(); err != nil {
		errs = append(errs, fmt.Errorf("hush processor: %w", err))
	}
	return errors.Join(errs...)
}

func closeLister(l provider.Lister) {
	if c, ok := l.(interface{ Close() error }); ok {
		_ = c.Close()
	}
}
