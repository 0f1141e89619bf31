package hushprocessor

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/hushlog/hush/internal/leaktest"
)

// TestManyKeysStayLinear: a map whose keys each hold a secret (or a token
// the detectors find: anyone can make those) has them renamed, and keys
// the rules drop (those allowed_keys does not list) removed, in
// attributes and in a log body. pcommon.Map finds a key by scanning it, so doing so one key
// at a time costs the square of the number of keys: a batch of 40,000
// such keys, a few megabytes of OTLP, took seconds. The cost must grow
// with the number of keys, not its square: 8 times the keys may cost at
// most 24 times the CPU time (the square would be 64).
func TestManyKeysStayLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("processes 90,000 keys")
	}
	v := leaktest.Secrets()[0].Value
	batch := func(n int) plog.Logs {
		// Built from Go maps: putting key by key would be quadratic here.
		attrs, body := map[string]any{}, map[string]any{}
		for i := 0; i < n; i++ {
			k := fmt.Sprintf("k%d_%s", i, v)
			attrs[k], body[k] = "x", "x"
			attrs[fmt.Sprintf("drop%d", i)] = "x"
		}
		ld := plog.NewLogs()
		lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		if err := lr.Attributes().FromRaw(attrs); err != nil {
			t.Fatal(err)
		}
		if err := lr.Body().SetEmptyMap().FromRaw(body); err != nil {
			t.Fatal(err)
		}
		return ld
	}
	for name, cfg := range map[string]*Config{
		"plain": suiteConfig(),
		"rules": func() *Config {
			c := suiteConfig()
			c.AllowedKeys = []string{"other"} // every key removed
			c.Summary = SummaryDebug
			return c
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			cost := func(n int) time.Duration {
				t.Helper()
				ld := batch(n)
				start := processCPU()
				out := runLogs(t, cfg, ld)
				d := processCPU() - start
				if n <= 5000 {
					leaktest.Check(t, leaktest.Secrets(), logsBytes(t, out), name)
					// Plain: every key kept, renamed. Rules: none of them
					// allowed, every one removed.
					want := n
					if name == "rules" {
						want = 0
					}
					lr := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
					for what, m := range map[string]pcommon.Map{"attributes": lr.Attributes(), "body": lr.Body().Map()} {
						renamed := 0
						for k := range m.All() {
							if strings.HasPrefix(k, "k") && strings.HasSuffix(k, "_[REDACTED:"+leaktest.Secrets()[0].Name+"]") {
								renamed++
							}
						}
						if renamed != want {
							t.Errorf("%s: %d keys renamed, want %d", what, renamed, want)
						}
					}
				}
				return d
			}
			cost(1000) // warm up
			small, large := cost(5000), cost(40000)
			if large > 24*small {
				t.Errorf("40,000 keys cost %v, 5,000 keys %v: %.0f times", large, small, float64(large)/float64(small))
			}
		})
	}
}
