package hushzap

import (
	"slices"

	"go.uber.org/zap"

	"github.com/hushlog/hush/redact"
)

// Build is cfg.Build(zopts...) with Wrap's scrubbing over everything the
// logger writes, Config.InitialFields included:
//
//	logger, err := hushzap.Build(zap.NewProductionConfig(), r, nil)
//
// zap.Config.Build encodes InitialFields into its core before any option
// given to it applies, so Wrap passed to cfg.Build never sees them (see
// WrapCore). Build takes them out of cfg, wraps the core first, and adds
// them back as the context of the wrapped logger, in the order Build would
// (sorted by key, before the fields of any zap.Fields in zopts), where
// WrapCore's With scrubs their keys and values. opts are Wrap's.
//
// The logger is otherwise the one cfg.Build(zopts...) makes: sampling,
// caller, stack traces, hooks and sinks as configured.
func Build(cfg zap.Config, r *redact.Redactor, opts []Option, zopts ...zap.Option) (*zap.Logger, error) {
	keys := make([]string, 0, len(cfg.InitialFields))
	for k := range cfg.InitialFields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fields := make([]zap.Field, 0, len(keys))
	for _, k := range keys {
		fields = append(fields, zap.Any(k, cfg.InitialFields[k]))
	}
	cfg.InitialFields = nil // cfg is a copy; the caller's map is untouched
	first := []zap.Option{Wrap(r, opts...)}
	if len(fields) > 0 {
		first = append(first, zap.Fields(fields...))
	}
	return cfg.Build(append(first, zopts...)...)
}
