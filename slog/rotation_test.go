package hushslog_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hushlog/hush/redact"
)

// TestRotationWhileLogging changes the secret set while 8 goroutines log; no
// record whose logging started after Set returned may hold the new value.
func TestRotationWhileLogging(t *testing.T) {
	for _, kind := range handlerKinds {
		if !kind.json {
			continue
		}
		t.Run(kind.name, func(t *testing.T) {
			prev := redact.Secret{Name: "prod/db/password", Version: "v1", Value: "Zq8rT2vLx9-s3cr3t"}
			next := redact.Secret{Name: "prod/db/password", Version: "v2", Value: "Nw4kP9xQ-rotated-77"}
			r := newRedactor(t, prev)
			buf := &syncBuffer{}
			l := slog.New(kind.new(buf, r))
			// Context holding the new value before it is a secret: only the
			// byte-level handlers promise to catch it after the change.
			withCtx := l.With("pending", next.Value)

			var after atomic.Bool
			var logged, loggedAfter atomic.Int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						phase := "before"
						if after.Load() {
							phase = "after"
						}
						args := []any{"phase", phase, "g", g,
							"dsn", "postgres://app:" + next.Value + "@db",
							"err", errors.New("auth " + prev.Value + " failed"),
							slog.Group("req", "body", []byte("p="+next.Value))}
						if !kind.middle && i%2 == 0 {
							withCtx.Info("rotating "+next.Value, args...)
						} else {
							l.Info("rotating "+next.Value, args...)
						}
						logged.Add(1)
						if phase == "after" {
							loggedAfter.Add(1)
						}
					}
				})
			}
			time.Sleep(30 * time.Millisecond)
			if err := r.Set([]redact.Secret{prev, next}); err != nil {
				t.Fatal(err)
			}
			after.Store(true)
			// Let every goroutine log a while after the change, however
			// loaded the machine.
			for deadline := time.Now().Add(10 * time.Second); loggedAfter.Load() < 400 && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			close(stop)
			wg.Wait()

			var nAfter int
			for _, line := range buf.Lines() {
				if !json.Valid([]byte(line)) {
					t.Fatal("corrupt line")
				}
				assertNoLeak(t, line, prev)
				if strings.Contains(line, `"phase":"after"`) {
					nAfter++
					assertNoLeak(t, line, next)
				}
			}
			if nAfter == 0 {
				t.Fatal("nothing logged after the change")
			}
			t.Logf("%d records, %d after the change", logged.Load(), nAfter)
		})
	}
}

// TestDirtyRecordsConcurrently exercises the pooled scratch space of dirty
// records from many goroutines.
func TestDirtyRecordsConcurrently(t *testing.T) {
	for _, kind := range handlerKinds {
		if !kind.json {
			continue
		}
		t.Run(kind.name, func(t *testing.T) {
			r := newRedactor(t, allSecrets...)
			buf := &syncBuffer{}
			l := slog.New(kind.new(buf, r))
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					for i := range 200 {
						s := allSecrets[(g+i)%len(allSecrets)]
						l.Info(fmt.Sprintf("g%d-i%d", g, i), "v", s.Value, "pad", strings.Repeat("x", i*10))
					}
				})
			}
			wg.Wait()
			seen := map[string]bool{}
			for _, line := range buf.Lines() {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatalf("corrupt line: %v", err)
				}
				msg, _ := m["msg"].(string)
				var g, i int
				if _, err := fmt.Sscanf(msg, "g%d-i%d", &g, &i); err != nil || m["pad"] != strings.Repeat("x", i*10) {
					t.Fatalf("mixed line for %q", msg)
				}
				seen[msg] = true
			}
			if len(seen) != 8*200 {
				t.Errorf("%d distinct lines, want %d", len(seen), 8*200)
			}
			assertNoLeak(t, buf.String(), allSecrets...)
		})
	}
}
