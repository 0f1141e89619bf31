package cli

import (
	"context"
	"errors"

	"github.com/hushlog/hush/redact"
	"github.com/hushlog/hush/redact/provider/config"
)

// listSecrets asks every configured source for its secrets once.
// TEMPORARY: static secrets only, until the providers land.
func listSecrets(ctx context.Context, cfg *config.Config) ([]redact.Secret, error) {
	var out []redact.Secret
	for _, s := range cfg.Static {
		out = append(out, redact.Secret{Name: s.Name, Value: string(s.Value)})
	}
	if len(cfg.Files.Dirs) > 0 || len(cfg.EnvFiles) > 0 || cfg.Env.Enabled || cfg.AWS.Enabled() || cfg.Exec.Command != "" {
		return out, errors.New("provider not wired yet")
	}
	return out, nil
}
