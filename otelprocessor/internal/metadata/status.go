// Package metadata holds the component type, instrumentation scope and
// stability levels of the hush processor, as mdatagen would generate them
// from metadata.yaml (kept by hand so that building needs no generator).
package metadata // import "github.com/hushlog/hush/otelprocessor/internal/metadata"

import "go.opentelemetry.io/collector/component"

var (
	// Type is the component type used in Collector configurations.
	Type = component.MustNewType("hush")
	// ScopeName is the instrumentation scope of the processor's own
	// telemetry.
	ScopeName = "github.com/hushlog/hush/otelprocessor"
)

// Stability of the processor per signal.
const (
	LogsStability    = component.StabilityLevelBeta
	TracesStability  = component.StabilityLevelBeta
	MetricsStability = component.StabilityLevelBeta
	// ProfilesStability is alpha, as the Collector's profiles signal is.
	ProfilesStability = component.StabilityLevelAlpha
)
