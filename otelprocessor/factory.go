package hushprocessor

import (
	"context"
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/xconsumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.opentelemetry.io/collector/processor/processorhelper/xprocessorhelper"
	"go.opentelemetry.io/collector/processor/xprocessor"

	"github.com/hushlog/hush/config"
	"github.com/hushlog/hush/otelprocessor/internal/metadata"
)

// NewFactory returns the factory of the hush processor (component type
// "hush") for logs, traces, metrics and profiles. Profiles are alpha, as
// the Collector's profiles signal (pdata/pprofile) is; a Collector runs a
// profiles pipeline only with its feature gate service.profilesSupport on.
func NewFactory() xprocessor.Factory {
	return xprocessor.NewFactory(
		metadata.Type,
		createDefaultConfig,
		xprocessor.WithLogs(createLogs, metadata.LogsStability),
		xprocessor.WithTraces(createTraces, metadata.TracesStability),
		xprocessor.WithMetrics(createMetrics, metadata.MetricsStability),
		xprocessor.WithProfiles(createProfiles, metadata.ProfilesStability),
	)
}

func createDefaultConfig() component.Config {
	return &Config{
		Config:       *config.Default(),
		WhenNotReady: NotReadyRefuse,
		WaitTimeout:  DefaultWaitTimeout,
		Summary:      SummarySilent,
	}
}

var processorCapabilities = consumer.Capabilities{MutatesData: true}

// lifecycle is what a processor of one signal does on Start and Shutdown:
// start and release the component's shared index, and report status.
type lifecycle struct {
	start    component.StartFunc
	shutdown component.ShutdownFunc
}

func (l lifecycle) options() []processorhelper.Option {
	return []processorhelper.Option{
		processorhelper.WithCapabilities(processorCapabilities),
		processorhelper.WithStart(l.start),
		processorhelper.WithShutdown(l.shutdown),
	}
}

func (l lifecycle) xoptions() []xprocessorhelper.Option {
	return []xprocessorhelper.Option{
		xprocessorhelper.WithCapabilities(processorCapabilities),
		xprocessorhelper.WithStart(l.start),
		xprocessorhelper.WithShutdown(l.shutdown),
	}
}

// newProcessor builds the processor of one signal and the lifecycle hooks
// that share the component's index.
func newProcessor(set processor.Settings, cfg component.Config, signal string) (*hushProcessor, lifecycle, error) {
	pCfg, ok := cfg.(*Config)
	if !ok {
		return nil, lifecycle{}, errors.New("hush processor: configuration is not a *hushprocessor.Config")
	}
	tel, err := newProcessorTelemetry(set.TelemetrySettings, set.ID)
	if err != nil {
		return nil, lifecycle{}, err
	}
	idx, err := acquireIndex(pCfg, set.TelemetrySettings, set.ID)
	if err != nil {
		return nil, lifecycle{}, err
	}
	p, err := newHushProcessor(signal, pCfg, idx, tel)
	if err != nil {
		_ = idx.release()
		return nil, lifecycle{}, err
	}
	var host component.Host // this processor's, for status reports
	lc := lifecycle{
		start: func(_ context.Context, h component.Host) error {
			host = h
			return idx.start(h)
		},
		shutdown: func(context.Context) error {
			if host != nil {
				idx.status.remove(host)
			}
			return idx.release()
		},
	}
	return p, lc, nil
}

func createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	p, lc, err := newProcessor(set, cfg, "logs")
	if err != nil {
		return nil, err
	}
	proc, err := processorhelper.NewLogs(ctx, set, cfg, next, p.processLogs, lc.options()...)
	if err != nil {
		_ = p.idx.release()
		return nil, err
	}
	return proc, nil
}

func createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	p, lc, err := newProcessor(set, cfg, "traces")
	if err != nil {
		return nil, err
	}
	proc, err := processorhelper.NewTraces(ctx, set, cfg, next, p.processTraces, lc.options()...)
	if err != nil {
		_ = p.idx.release()
		return nil, err
	}
	return proc, nil
}

func createMetrics(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Metrics) (processor.Metrics, error) {
	p, lc, err := newProcessor(set, cfg, "metrics")
	if err != nil {
		return nil, err
	}
	proc, err := processorhelper.NewMetrics(ctx, set, cfg, next, p.processMetrics, lc.options()...)
	if err != nil {
		_ = p.idx.release()
		return nil, err
	}
	return proc, nil
}

func createProfiles(ctx context.Context, set processor.Settings, cfg component.Config, next xconsumer.Profiles) (xprocessor.Profiles, error) {
	p, lc, err := newProcessor(set, cfg, "profiles")
	if err != nil {
		return nil, err
	}
	proc, err := xprocessorhelper.NewProfiles(ctx, set, cfg, next, p.processProfiles, lc.xoptions()...)
	if err != nil {
		_ = p.idx.release()
		return nil, err
	}
	return proc, nil
}
