package hushslog_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
	hushslog "github.com/hushlog/hush/slog"
)

func attackHandlers() map[string]func(w io.Writer, r *redact.Redactor) slog.Handler {
	hs := map[string]func(w io.Writer, r *redact.Redactor) slog.Handler{}
	for optName, opts := range map[string]*slog.HandlerOptions{
		"plain":     nil,
		"source":    {AddSource: true},
		"stringify": {AddSource: true, ReplaceAttr: replaceStringify},
	} {
		hs["NewHandler/json/"+optName] = func(w io.Writer, r *redact.Redactor) slog.Handler {
			return hushslog.NewHandler(slog.NewJSONHandler(w, opts), r)
		}
		hs["NewHandler/text/"+optName] = func(w io.Writer, r *redact.Redactor) slog.Handler {
			return hushslog.NewHandler(slog.NewTextHandler(w, opts), r)
		}
		hs["NewJSONHandler/"+optName] = func(w io.Writer, r *redact.Redactor) slog.Handler {
			return hushslog.NewJSONHandler(w, r, opts)
		}
		hs["NewTextHandler/"+optName] = func(w io.Writer, r *redact.Redactor) slog.Handler {
			return hushslog.NewTextHandler(w, r, opts)
		}
	}
	return hs
}

type groupValuer struct{ v string }

func (g groupValuer) LogValue() slog.Value {
	return slog.GroupValue(slog.String(g.v, "x"), slog.Group("inner", slog.String("k", g.v)), slog.Any("nested", groupValuer2(g)))
}

type groupValuer2 struct{ v string }

func (g groupValuer2) LogValue() slog.Value { return slog.StringValue("deep " + g.v) }

type attackFormatter struct{ S string }

// plainName is a string type without methods: plain data.
type plainName string

func (f attackFormatter) Format(s fmt.State, verb rune) { fmt.Fprintf(s, "fmt(%s)", f.S) }

func slogAttacks() map[string]func(l *slog.Logger, v string) {
	return map[string]func(l *slog.Logger, v string){
		"group-valuer": func(l *slog.Logger, v string) { l.Info("m", "g", groupValuer{v}) },
		"map-key":      func(l *slog.Logger, v string) { l.Info("m", "m", map[string]int{v: 1}) },
		"map-pair": func(l *slog.Logger, v string) {
			h := strings.IndexByte(v, ':')
			l.Info("m", "m", map[string]string{v[:max(h, 0)]: v[max(h, 0)+min(h+1, 1):]})
		},
		"words":          func(l *slog.Logger, v string) { l.Info("m", "w", strings.Fields(v)) },
		"map-bytes":      func(l *slog.Logger, v string) { l.Info("m", "m", map[string][]byte{"k": []byte(v)}) },
		"raw-json":       func(l *slog.Logger, v string) { b, _ := json.Marshal(v); l.Info("m", "j", json.RawMessage(b)) },
		"formatter":      func(l *slog.Logger, v string) { l.Info("m", "f", attackFormatter{v}) },
		"reflect-value":  func(l *slog.Logger, v string) { l.Info("m", "r", reflect.ValueOf(v)) },
		"reflect-in-any": func(l *slog.Logger, v string) { l.Info("m", "r", []any{reflect.ValueOf(v)}) },
		"time-zone": func(l *slog.Logger, v string) {
			l.Info("m", "t", []time.Time{time.Date(2020, 1, 1, 0, 0, 0, 0, time.FixedZone(v, 3600))})
		},
		"struct-string": func(l *slog.Logger, v string) {
			l.Info("m", "s", struct {
				N int
				S string
			}{1, v})
		},
		"struct-time-zone": func(l *slog.Logger, v string) {
			l.Info("m", "s", &struct{ At time.Time }{time.Date(2020, 1, 1, 0, 0, 0, 0, time.FixedZone(v, 3600))})
		},
		"named-strings":   func(l *slog.Logger, v string) { l.Info("m", "s", []plainName{"a", plainName(v)}) },
		"error-new":       func(l *slog.Logger, v string) { l.Info("m", "err", errors.New(v)) },
		"error-errorf":    func(l *slog.Logger, v string) { l.Info("m", "err", fmt.Errorf("auth %s failed", v)) },
		"error-in-group":  func(l *slog.Logger, v string) { l.Info("m", slog.Group("g", "err", errors.New("x "+v))) },
		"error-wrapped":   func(l *slog.Logger, v string) { l.Info("m", "err", fmt.Errorf("outer: %w", errors.New(v))) },
		"error-join":      func(l *slog.Logger, v string) { l.Info("m", "err", errors.Join(errors.New("a"), errors.New(v))) },
		"error-verbose":   func(l *slog.Logger, v string) { l.Info("m", "err", fancyError{"clean", "stack " + v}) },
		"with-chain":      func(l *slog.Logger, v string) { l.WithGroup(v).With("k", v).WithGroup("g").With(v, 1).Info("m", v, v) },
		"group-attr":      func(l *slog.Logger, v string) { l.Info("m", slog.Group(v, slog.String(v, v))) },
		"adjacent":        func(l *slog.Logger, v string) { l.Info(v+v, "k", v+"\x00"+v) },
		"spaces":          func(l *slog.Logger, v string) { l.Info(" "+v+" ", "k", "\t"+v+"\n") },
		"level-key-value": func(l *slog.Logger, v string) { l.Log(context.Background(), slog.LevelWarn+1, v, slog.LevelKey, v) },
		"many-attrs": func(l *slog.Logger, v string) {
			l.Info("m", "a", 1, "b", 2, "c", 3, "d", 4, "e", 5, "f", 6, "g", v)
		},
		"source-secret-func": func(l *slog.Logger, v string) { tok_Hq71Mz0PkWn3Rt(l) },
		"source-secret-file": func(l *slog.Logger, v string) { logFromSecretFile(l) },
	}
}

func TestAttackSurface(t *testing.T) {
	secrets := append(leaktest.Secrets(), leaktest.EdgeSecrets()...)
	r := newRedactor(t, secrets...)
	for hName, newHandler := range attackHandlers() {
		for name, attack := range slogAttacks() {
			for _, s := range secrets {
				t.Run(hName+"/"+name+"/"+s.Name, func(t *testing.T) {
					buf := &syncBuffer{}
					l := slog.New(newHandler(buf, r))
					attack(l, s.Value)
					leaktest.Check(t, secrets, []byte(buf.String()), name)
				})
			}
		}
	}
}

func TestAttackDefault(t *testing.T) {
	secrets := append(leaktest.Secrets(), leaktest.EdgeSecrets()...)
	defer slog.SetDefault(slog.Default())
	defer log.SetOutput(log.Writer())
	defer log.SetFlags(log.Flags())
	r := newRedactor(t, secrets...)
	for hName, newHandler := range attackHandlers() {
		for _, s := range secrets {
			t.Run(hName+"/"+s.Name, func(t *testing.T) {
				buf := &syncBuffer{}
				log.SetFlags(log.Lshortfile)
				slog.SetDefault(slog.New(newHandler(buf, r)))
				log.Print("via log " + s.Value)
				log.Printf("%q", s.Value)
				slog.Info("via default", "k", s.Value)
				leaktest.Check(t, secrets, []byte(buf.String()), "default")
			})
		}
	}
}
