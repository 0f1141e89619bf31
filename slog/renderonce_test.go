package hushslog_test

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// renderCounts counts the calls of each rendering method of a value.
type renderCounts struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *renderCounts) add(method string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[method]++
}

// counted renders itself every way slog's handlers may ask.
type counted struct{ c *renderCounts }

func (v counted) Error() string  { v.c.add("Error"); return "e" }
func (v counted) String() string { v.c.add("String"); return "s" }
func (v counted) Format(f fmt.State, verb rune) {
	v.c.add("Format")
	fmt.Fprint(f, "f")
}
func (v counted) MarshalJSON() ([]byte, error) { v.c.add("MarshalJSON"); return []byte(`"j"`), nil }
func (v counted) MarshalText() ([]byte, error) { v.c.add("MarshalText"); return []byte("t"), nil }

// countedValuer resolves to a group holding a counted value.
type countedValuer struct{ c *renderCounts }

func (v countedValuer) LogValue() slog.Value {
	v.c.add("LogValue")
	return slog.GroupValue(slog.String("user", "app"), slog.Any("v", counted(v)))
}

// countedString is counted as a plain fmt.Stringer.
type countedString struct{ c *renderCounts }

func (v countedString) String() string { v.c.add("String"); return "s" }

// TestRenderersRunOnce: every way into slog runs each rendering method of
// a value (LogValue, Error, String, the "%+v" Format, MarshalJSON,
// MarshalText) at most once per record: a second call costs a slow
// renderer twice, and may answer differently from what was checked.
func TestRenderersRunOnce(t *testing.T) {
	values := map[string]func(c *renderCounts) any{
		"all":      func(c *renderCounts) any { return counted{c} },
		"error":    func(c *renderCounts) any { return error(counted{c}) },
		"stringer": func(c *renderCounts) any { return countedString{c} },
		"valuer":   func(c *renderCounts) any { return countedValuer{c} },
	}
	r := newRedactor(t, allSecrets...)
	for name, newHandler := range handlers {
		for vname, value := range values {
			c := &renderCounts{n: map[string]int{}}
			buf := &syncBuffer{}
			slog.New(newHandler(buf, r)).Info("m", "k", value(c))
			if buf.String() == "" {
				t.Fatalf("%s, %s: nothing logged", name, vname)
			}
			for method, n := range c.n {
				if n > 1 {
					t.Errorf("%s, %s: %s ran %d times", name, vname, method, n)
				}
			}
		}
	}
}

// fickleValuer resolves to a group of clean names the first time and to a
// group holding a password the next times.
type fickleValuer struct{ calls *atomic.Int32 }

func (v fickleValuer) LogValue() slog.Value {
	if v.calls.Add(1) == 1 {
		return slog.GroupValue(slog.String("user", "app"))
	}
	return slog.GroupValue(slog.String("user", "app"), slog.String("password", tableText))
}

// TestKeyRulesOnTheValueWritten: the key rules judge the value a LogValuer
// resolves to, and that resolution is the one written: a LogValuer that
// answers differently the second time cannot slip a credential past them.
func TestKeyRulesOnTheValueWritten(t *testing.T) {
	r := newRedactor(t, allSecrets...)
	for name, newHandler := range handlers {
		buf := &syncBuffer{}
		slog.New(newHandler(buf, r)).Info("m", "db", fickleValuer{new(atomic.Int32)})
		if strings.Contains(buf.String(), tableText) {
			t.Errorf("%s: a key-ruled value written", name)
		}
	}
}
