package hushprocessor

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/hushlog/hush/redact"
	"github.com/hushlog/hush/redact/provider"
	"github.com/hushlog/hush/redact/provider/config"
)

// TODO(providers): replace with the builders of redact/provider/config once
// they land; until then only static secrets are wired.
func buildListers(cfg *config.Config, _ *zap.Logger) ([]provider.Lister, error) {
	var out []provider.Lister
	if len(cfg.Static) > 0 {
		s := make([]redact.Secret, len(cfg.Static))
		for i, st := range cfg.Static {
			s[i] = redact.Secret{Name: st.Name, Value: string(st.Value)}
		}
		out = append(out, staticLister(s))
	}
	return out, nil
}

type staticLister []redact.Secret

func (s staticLister) Name() string { return "static" }
func (s staticLister) List(context.Context) ([]redact.Secret, error) {
	return append([]redact.Secret(nil), s...), nil
}

func refreshInterval(c *config.Config) time.Duration {
	if c.RefreshInterval == 0 {
		return config.DefaultRefreshInterval
	}
	return c.RefreshInterval
}

func gracePeriod(c *config.Config) time.Duration {
	if c.GracePeriod == 0 {
		return config.DefaultGracePeriod
	}
	return c.GracePeriod
}
