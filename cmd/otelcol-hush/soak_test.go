package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/hushlog/hush/internal/smfake"
	"github.com/hushlog/hush/redact"
)

// TestSoak drives the distribution at a sustained rate with a secret
// rotation every 5 s and reports records in and out, leaks and the
// collector's peak memory. It runs only when HUSH_SOAK is set to a
// duration (soak.sh sets 60s):
//
//	HUSH_SOAK=60s go test -run '^TestSoak$' -v -timeout 10m ./cmd/otelcol-hush
//
// Knobs: HUSH_SOAK_RATE (log records per second, default 5000; spans are a
// tenth of it), HUSH_SOAK_SECRETS (default 100).
func TestSoak(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv("HUSH_SOAK"))
	if err != nil || d <= 0 {
		t.Skip("set HUSH_SOAK=60s to run the soak")
	}
	rate := envInt("HUSH_SOAK_RATE", 5000)
	nSecrets := envInt("HUSH_SOAK_SECRETS", 100)
	const batch = 100

	bin := buildCollector(t)
	sm := smfake.New()
	defer sm.Close()

	// The values in use, and a detector that knows every value ever used
	// (rotated-out ones too) in every encoding.
	detector, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, nSecrets)
	var current sync.Map // name -> value
	for i := range names {
		names[i] = fmt.Sprintf("prod/soak/%03d", i)
		v := randomValue()
		current.Store(names[i], v)
		if err := detector.Add(redact.Secret{Name: names[i], Value: v}); err != nil {
			t.Fatal(err)
		}
		sm.Put(names[i], v)
	}
	var leaks atomic.Int64
	s := startSink(t, false)
	s.scan = func(what string, data []byte) {
		if detector.Contains(data) {
			leaks.Add(1)
		}
	}
	c := startCollector(t, bin, sm, s.addr, time.Second)

	// Wait for the first index (the collector refuses until then).
	c.waitMetric(t, "otelcol_processor_hush_index_ready", func(v float64) bool { return v == 1 }, 30*time.Second)

	var inLogs, inSpans atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// Rotation every 5 s: stage the next value as AWSPENDING, give the
	// collector 5 s (several refreshes) to learn it, then finish the
	// rotation, after which the senders use it.
	rotations := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		pending, pendingValue := "", ""
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if pending != "" {
				if err := sm.FinishRotation(pending); err != nil {
					t.Error(err)
					return
				}
				current.Store(pending, pendingValue)
				rotations++
			}
			pending = names[rotations%len(names)]
			v := randomValue()
			pendingValue = v
			if err := detector.Add(redact.Secret{Name: pending, Value: v}); err != nil {
				t.Error(err)
				return
			}
			if _, err := sm.PutPending(pending, v); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	// Senders: logs over gRPC at rate, spans over HTTP at rate/10.
	pace := func(perSecond int, send func(seq int)) {
		defer wg.Done()
		interval := time.Duration(float64(time.Second) * batch / float64(perSecond))
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for seq := 0; ; seq++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			send(seq)
		}
	}
	value := func(i int) string { v, _ := current.Load(names[i%len(names)]); return v.(string) }
	wg.Add(2)
	go pace(rate, func(seq int) {
		c.sendLogsGRPC(t, soakLogs(seq, batch, value))
		inLogs.Add(batch)
	})
	go pace(max(rate/10, batch), func(seq int) {
		c.sendTracesHTTP(t, soakTraces(seq, batch, value))
		inSpans.Add(batch)
	})

	start := time.Now()
	time.Sleep(d)
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)

	// Drain: everything acknowledged must reach the sink.
	deadline := time.Now().Add(30 * time.Second)
	for {
		l, sp := s.counts()
		if int64(l) >= inLogs.Load() && int64(sp) >= inSpans.Load() || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	outLogs, outSpans := s.counts()
	peak := c.peakRSS()
	c.stop(t)

	report := fmt.Sprintf("soak: %v, %d secrets, %d rotations; log records in=%d out=%d; spans in=%d out=%d; "+
		"%.0f records/s; leaks=%d; collector peak RSS=%.1f MiB",
		elapsed.Round(time.Second), nSecrets, rotations, inLogs.Load(), outLogs, inSpans.Load(), outSpans,
		float64(inLogs.Load()+inSpans.Load())/elapsed.Seconds(), leaks.Load(), float64(peak)/1024)
	t.Log(report)
	fmt.Println(report)
	if int64(outLogs) != inLogs.Load() || int64(outSpans) != inSpans.Load() {
		t.Errorf("records in != records out")
	}
	if leaks.Load() != 0 {
		t.Errorf("%d exported batches held a secret", leaks.Load())
	}
	if rotations < int(d/(5*time.Second))-1 {
		t.Errorf("only %d rotations", rotations)
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func randomValue() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%+-"
	b := make([]byte, 24)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[n.Int64()]
	}
	return string(b)
}

// soakLogs is a batch of realistic records; every fourth carries a secret
// raw, base64-encoded or hex-encoded.
func soakLogs(seq, n int, value func(int) string) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "checkout")
	rl.Resource().Attributes().PutStr("host.name", "ip-10-0-3-17")
	lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
	for i := 0; i < n; i++ {
		k := seq*n + i
		lr := lrs.AppendEmpty()
		lr.SetTimestamp(pcommon.NewTimestampFromTime(time.Now()))
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		a := lr.Attributes()
		a.PutStr("http.request.method", "POST")
		a.PutStr("url.path", "/api/v1/orders/"+strconv.Itoa(k))
		a.PutInt("http.response.status_code", 200)
		a.PutStr("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36")
		msg := "order " + strconv.Itoa(k) + " accepted in 12ms"
		switch k % 12 {
		case 0:
			msg = "connecting with password=" + value(k)
		case 4:
			a.PutStr("http.request.header.authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("svc:"+value(k))))
		case 8:
			a.PutStr("debug.dump", hex.EncodeToString([]byte(value(k))))
		}
		lr.Body().SetStr(msg)
	}
	return ld
}

func soakTraces(seq, n int, value func(int) string) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "checkout")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	for i := 0; i < n; i++ {
		k := seq*n + i
		sp := spans.AppendEmpty()
		sp.SetName("GET /api/v1/orders")
		sp.SetTraceID(pcommon.TraceID{byte(k), byte(k >> 8), byte(k >> 16), 1})
		sp.SetSpanID(pcommon.SpanID{byte(k), byte(k >> 8), 2})
		sp.Attributes().PutStr("db.system", "postgresql")
		q := "SELECT * FROM orders WHERE id = " + strconv.Itoa(k)
		if k%5 == 0 {
			q = "ALTER USER app WITH PASSWORD '" + value(k) + "'"
		}
		sp.Attributes().PutStr("db.query.text", q)
	}
	return td
}
