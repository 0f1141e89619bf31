package hushslog_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushslog "github.com/hushlog/hush/slog"
)

// TestMiddlewareZoneName: fmt prints a time.Time with its zone's name
// (time.Time.String), and a location of the program's own (FixedZone)
// may be named anything: inside an Any value that slog's text handler
// prints with fmt, a time in such a zone is checked with its name. Times
// in UTC and the local zone stay unchecked and allocate nothing.
func TestMiddlewareZoneName(t *testing.T) {
	zone := time.FixedZone(secretDB.Value, 3600)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, zone)
	type event struct {
		At   time.Time
		Name string
	}
	values := map[string]any{
		"slice":     []time.Time{at},
		"struct":    event{At: at, Name: "x"},
		"pointer":   &event{At: at},
		"map-value": map[string]time.Time{"k": at},
		"in-any":    []any{at},
	}
	nexts := map[string]func(io.Writer) slog.Handler{
		"text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
		"stringify": func(w io.Writer) slog.Handler {
			return slog.NewJSONHandler(w, &slog.HandlerOptions{ReplaceAttr: replaceStringify})
		},
	}
	for name, next := range nexts {
		for vname, v := range values {
			t.Run(name+"/"+vname, func(t *testing.T) {
				plain := &syncBuffer{}
				slog.New(next(plain)).Info("m", "v", v)
				if !leaked(plain.String(), secretDB) {
					t.Fatal("the value does not print the zone's name: the test does not test")
				}
				buf := &syncBuffer{}
				slog.New(hushslog.NewHandler(next(buf), newRedactor(t, secretDB))).Info("m", "v", v)
				leaktest.Check(t, []redact.Secret{secretDB}, []byte(buf.String()), "zone")
				assertRedacted(t, buf.String(), secretDB.Name)
			})
		}
	}
	if raceEnabled {
		return
	}
	r := newRedactor(t, secretDB)
	hushed := slog.New(hushslog.NewHandler(slog.NewJSONHandler(io.Discard, nil), r))
	plain := slog.New(slog.NewJSONHandler(io.Discard, nil))
	times := []time.Time{time.Now(), time.Now().UTC(), time.Unix(0, 0).In(time.Local)}
	hushed.Info("m", "v", times)
	n := testing.AllocsPerRun(100, func() { hushed.Info("m", "v", times) })
	p := testing.AllocsPerRun(100, func() { plain.Info("m", "v", times) })
	if n != p {
		t.Errorf("times in UTC and the local zone: %v allocations with hush, %v without", n, p)
	}
}
