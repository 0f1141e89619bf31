package hushprocessor

import (
	"context"
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/hushlog/hush/config"
	"github.com/hushlog/hush/otelprocessor/internal/metadata"
)

// NewFactory returns the factory of the hush processor (component type
// "hush") for logs, traces and metrics.
func NewFactory() processor.Factory {
	return processor.NewFactory(
		metadata.Type,
		createDefaultConfig,
		processor.WithLogs(createLogs, metadata.LogsStability),
		processor.WithTraces(createTraces, metadata.TracesStability),
		processor.WithMetrics(createMetrics, metadata.MetricsStability),
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

// newProcessor builds the processor of one signal and the lifecycle hooks
// that share the component's index.
func newProcessor(set processor.Settings, cfg component.Config, signal string) (*hushProcessor, []processorhelper.Option, error) {
	pCfg, ok := cfg.(*Config)
	if !ok {
		return nil, nil, errors.New("hush processor: configuration is not a *hushprocessor.Config")
	}
	tel, err := newProcessorTelemetry(set.TelemetrySettings, set.ID)
	if err != nil {
		return nil, nil, err
	}
	idx, err := acquireIndex(pCfg, set.TelemetrySettings, set.ID)
	if err != nil {
		return nil, nil, err
	}
	p, err := newHushProcessor(signal, pCfg, idx, tel)
	if err != nil {
		_ = idx.release()
		return nil, nil, err
	}
	var host component.Host // this processor's, for status reports
	opts := []processorhelper.Option{
		processorhelper.WithCapabilities(processorCapabilities),
		processorhelper.WithStart(func(_ context.Context, h component.Host) error {
			host = h
			return idx.start(h)
		}),
		processorhelper.WithShutdown(func(context.Context) error {
			if host != nil {
				idx.status.remove(host)
			}
			return idx.release()
		}),
	}
	return p, opts, nil
}

func createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	p, opts, err := newProcessor(set, cfg, "logs")
	if err != nil {
		return nil, err
	}
	proc, err := processorhelper.NewLogs(ctx, set, cfg, next, p.processLogs, opts...)
	if err != nil {
		_ = p.idx.release()
		return nil, err
	}
	return proc, nil
}

func createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	p, opts, err := newProcessor(set, cfg, "traces")
	if err != nil {
		return nil, err
	}
	proc, err := processorhelper.NewTraces(ctx, set, cfg, next, p.processTraces, opts...)
	if err != nil {
		_ = p.idx.release()
		return nil, err
	}
	return proc, nil
}

func createMetrics(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Metrics) (processor.Metrics, error) {
	p, opts, err := newProcessor(set, cfg, "metrics")
	if err != nil {
		return nil, err
	}
	proc, err := processorhelper.NewMetrics(ctx, set, cfg, next, p.processMetrics, opts...)
	if err != nil {
		_ = p.idx.release()
		return nil, err
	}
	return proc, nil
}
