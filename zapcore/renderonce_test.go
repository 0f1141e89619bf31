package hushzap_test

import (
	"fmt"
	"sync"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
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

// counted renders itself every way zap may ask: as an error (with causes
// and a verbose form), a Stringer, JSON, an object and an array.
type counted struct{ c *renderCounts }

func (v counted) Error() string   { v.c.add("Error"); return "e" }
func (v counted) Errors() []error { v.c.add("Errors"); return []error{fmt.Errorf("cause")} }
func (v counted) String() string  { v.c.add("String"); return "s" }
func (v counted) Format(f fmt.State, verb rune) {
	v.c.add("Format")
	fmt.Fprint(f, "f")
}
func (v counted) MarshalJSON() ([]byte, error) { v.c.add("MarshalJSON"); return []byte(`"j"`), nil }
func (v counted) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	v.c.add("MarshalLogObject")
	enc.AddString("k", "v")
	return nil
}
func (v counted) MarshalLogArray(enc zapcore.ArrayEncoder) error {
	v.c.add("MarshalLogArray")
	enc.AppendString("v")
	return nil
}

// fancy is counted without Errors, so zap asks for its "%+v" form.
type fancy struct{ counted }

func (fancy) Errors() {} // hides counted's: not an error group

// TestRenderersRunOnce: every way into zap runs each rendering method of a
// value (Error, Errors, the "%+v" Format, String, MarshalJSON,
// MarshalLogObject, MarshalLogArray) at most once per entry, as plain zap
// does: a second call costs a slow renderer twice, and may answer
// differently from what was checked.
func TestRenderersRunOnce(t *testing.T) {
	fields := map[string]func(v counted) zap.Field{
		"error-group": func(v counted) zap.Field { return zap.Error(v) },
		"error-fancy": func(v counted) zap.Field { return zap.Error(fancy{v}) },
		"stringer":    func(v counted) zap.Field { return zap.Stringer("s", v) },
		"reflect":     func(v counted) zap.Field { return zap.Reflect("r", v) },
		"object":      func(v counted) zap.Field { return zap.Object("o", v) },
		"array":       func(v counted) zap.Field { return zap.Array("a", v) },
		"dict-error":  func(v counted) zap.Field { return zap.Dict("d", zap.Error(fancy{v})) },
	}
	r := newRedactor(t, allSecrets...)
	for encName, newEnc := range encoders {
		for way, newLogger := range zapWays(newEnc) {
			for name, field := range fields {
				c := &renderCounts{n: map[string]int{}}
				buf := &syncBuffer{}
				newLogger(buf, r).Info("m", field(counted{c}))
				if buf.String() == "" {
					t.Fatalf("%s/%s, %s: nothing logged", way, encName, name)
				}
				for method, n := range c.n {
					if n > 1 {
						t.Errorf("%s/%s, %s: %s ran %d times", way, encName, name, method, n)
					}
				}
			}
		}
	}
}
