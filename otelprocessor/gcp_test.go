package hushprocessor

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"google.golang.org/grpc/codes"

	"github.com/hushlog/hush/provider/gcpsm"
	"github.com/hushlog/hush/provider/gcpsm/gcpsmtest"
)

// TestGCPSource runs the processor with a gcp section against the Secret
// Manager stand-in: values are scrubbed, a rotated value is protected
// after one refresh while the old one stays protected, and an outage
// keeps the index.
func TestGCPSource(t *testing.T) {
	sf := gcpsmtest.New()
	t.Cleanup(sf.Close)
	t.Setenv(gcpsm.EndpointEnv, sf.Addr())
	const (
		dbPass   = "Gp4wQ8zR1tY6-gcp-db"
		rotated  = "Gr9kL2mN5bX7-gcp-db2"
		apiValue = "Ga3sD6fG8hJ1-gcp-api"
	)
	db := sf.Create("projects/p", "db", map[string]string{"env": "prod"})
	sf.AddVersion(db, []byte(`{"username":"app","password":"`+dbPass+`"}`))
	sf.AddVersion(sf.Create("projects/p", "api", map[string]string{"env": "prod"}), []byte(apiValue))

	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cm := confmap.NewFromStringMap(map[string]any{
		"refresh_interval": "1h",
		"gcp":              map[string]any{"project": "projects/p", "filter": "labels.env=prod"},
	})
	require.NoError(t, cm.Unmarshal(cfg))
	require.NoError(t, cfg.Validate())
	p, sink := startLogs(t, cfg, settings())
	idx := indexOf(t, cfg)

	send := func(s string) string {
		t.Helper()
		sink.Reset()
		require.NoError(t, p.ConsumeLogs(context.Background(), secretLog(s)))
		return bodyOf(sink.AllLogs()[0])
	}
	if got := send(dbPass + " " + apiValue); got != "value=[REDACTED:db#password] [REDACTED:api]" {
		t.Errorf("Secret Manager secrets not scrubbed: %q", strings.NewReplacer(dbPass, "<db>", apiValue, "<api>").Replace(got))
	}

	sf.AddVersion(db, []byte(`{"username":"app","password":"`+rotated+`"}`))
	require.NoError(t, idx.refresher.Refresh(context.Background()))
	for _, v := range []string{dbPass, rotated} {
		if got := send(v); got != "value=[REDACTED:db#password]" {
			t.Error("the old or the rotated value of db is not scrubbed after a refresh")
		}
	}

	sf.Fail("", 1000, codes.Unavailable, 0)
	err := idx.refresher.Refresh(context.Background())
	require.Error(t, err)
	if strings.Contains(err.Error(), rotated) {
		t.Error("the refresh error holds a value")
	}
	if got := send(rotated + " " + apiValue); got != "value=[REDACTED:db#password] [REDACTED:api]" {
		t.Error("scrubbing stopped during a Secret Manager outage")
	}
}
