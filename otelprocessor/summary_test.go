package hushprocessor

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// TestSummaryKeysNeverJoinIntoASecret: at debug level the summary lists
// key names, joined: a body key path with ".", the list with ",", merged
// with an upstream list. Each key is scrubbed alone, yet keys that hold no
// secret can join into one (a secret with a "." or a "," in it). The
// lists as written hold none, whichever way the pieces meet.
func TestSummaryKeysNeverJoinIntoASecret(t *testing.T) {
	secrets := []redact.Secret{
		{Name: "joined/dot", Value: "Kq7vPz3m.Rt5wXy8n"},
		{Name: "joined/comma", Value: "Hv2LmQ9x,Wz4NpT6c"},
		{Name: "joined/upstream", Value: "Bd8RkY3s,Jf5GtU1e"},
	}
	cfg := secretsConfig(secrets)
	cfg.BlockedValues = []string{"^masked$"}
	cfg.AllowedKeys = []string{"Hv2LmQ9x", "Wz4NpT6c", "Kq7vPz3m", "Rt5wXy8n", "keep"}
	cfg.Summary = SummaryDebug
	require.NoError(t, cfg.Validate())

	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	// Attribute list: "Hv2LmQ9x,Wz4NpT6c" once sorted and joined.
	lr.Attributes().PutStr("Hv2LmQ9x", "masked")
	lr.Attributes().PutStr("Wz4NpT6c", "masked")
	// An upstream list ending in "Bd8RkY3s" merged with a key removed
	// here, "Jf5GtU1e".
	lr.Attributes().PutStr(attrRedactedKeys, "Bd8RkY3s")
	lr.Attributes().PutInt(attrRedactedCount, 1)
	lr.Attributes().PutStr("Jf5GtU1e", "x")
	// Body path "Kq7vPz3m.Rt5wXy8n".
	lr.Body().SetEmptyMap().PutEmptyMap("Kq7vPz3m").PutStr("Rt5wXy8n", "masked")
	out := runLogs(t, cfg, ld)
	leaktest.Check(t, secrets, logsBytes(t, out), "summary attributes")
}
