package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/smfake"
)

// healthStatus is the part of the healthcheckv2 extension's verbose
// /status answer the test reads.
type healthStatus struct {
	Healthy    bool                    `json:"healthy"`
	Status     string                  `json:"status"`
	Error      string                  `json:"error"`
	Components map[string]healthStatus `json:"components"`
}

// TestHealthCheckSeesNotReady runs the distribution with the health check
// extension (v2): while the hush processor refuses data because its index
// cannot be built (every secret of the source denied after discovery), the
// extension reports it, with the cause; once the source is fixed, OK.
func TestHealthCheckSeesNotReady(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the collector")
	}
	bin := buildCollector(t)
	sm := smfake.New()
	t.Cleanup(sm.Close)
	sm.Put("prod/db/password", "Vq7rT2p&Lx9Kw3<Nz8")
	sm.Fail(smfake.OpBatchGetSecretValue, smfake.Denied, 0)

	grpcPort, healthPort := freePort(t), freePort(t)
	cfg := fmt.Sprintf(`
extensions:
  healthcheckv2:
    use_v2: true
    component_health:
      include_recoverable_errors: true
      recovery_duration: 1ms
    http:
      endpoint: 127.0.0.1:%d
      status:
        enabled: true
        path: /status
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%d
processors:
  hush:
    aws:
      prefixes: [prod/]
    refresh_interval: 1s
exporters:
  debug:
service:
  extensions: [healthcheckv2]
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [otlp]
      processors: [hush]
      exporters: [debug]
`, healthPort, grpcPort)
	c := startWithConfig(t, bin, cfg, sm.Environ(t.TempDir()))
	url := "http://127.0.0.1:" + strconv.Itoa(healthPort) + "/status?verbose"

	hush := func() (healthStatus, int, bool) {
		resp, err := http.Get(url) //nolint:noctx // loopback, test
		if err != nil {
			return healthStatus{}, 0, false
		}
		defer resp.Body.Close()
		var st healthStatus
		if json.NewDecoder(resp.Body).Decode(&st) != nil {
			return healthStatus{}, resp.StatusCode, false
		}
		p, ok := st.Components["pipeline:logs"].Components["processor:hush"]
		return p, resp.StatusCode, ok
	}
	var last healthStatus
	var code int
	require.Eventually(t, func() bool {
		p, c, ok := hush()
		last, code = p, c
		return ok && p.Status == "StatusRecoverableError" && strings.Contains(p.Error, "access_denied")
	}, 30*time.Second, 100*time.Millisecond, "health of processor:hush while not ready: %+v (collector output:\n%s)", last, c.out.Bytes())
	require.Contains(t, last.Error, "refusing data: the secret index is not built yet")
	require.Contains(t, last.Error, "prod/db/password")
	require.False(t, last.Healthy, "a not-ready processor past the recovery duration is unhealthy")
	require.Equal(t, http.StatusInternalServerError, code)
	if strings.Contains(string(c.out.Bytes()), "Vq7rT2p") {
		t.Error("the collector's output holds the secret value")
	}

	sm.Heal()
	require.Eventually(t, func() bool {
		p, c, ok := hush()
		last, code = p, c
		return ok && p.Status == "StatusOK"
	}, 30*time.Second, 100*time.Millisecond, "health of processor:hush once ready: %+v", last)
	require.True(t, last.Healthy)
	require.Equal(t, http.StatusOK, code)
}
