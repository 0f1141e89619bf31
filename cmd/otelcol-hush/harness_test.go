package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pprofile"
	"go.opentelemetry.io/collector/pdata/pprofile/pprofileotlp"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/hushlog/hush/internal/smfake"
)

// The harness runs the real distribution as a child process against the
// Secrets Manager stand-in and a loopback OTLP sink, all on 127.0.0.1.

// buildCollector builds this package's binary once per test binary run.
var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

func buildCollector(t testing.TB) string {
	t.Helper()
	start := time.Now()
	defer func() { t.Logf("collector binary ready in %v", time.Since(start).Round(time.Millisecond)) }()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "otelcol-hush-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "otelcol-hush")
		goBin, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		// No symbol table or DWARF: links in half the time.
		cmd := exec.Command(goBin, "build", "-ldflags=-s -w", "-o", buildPath, ".")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// sink is a loopback OTLP/gRPC server collecting what the collector
// exports.
type sink struct {
	addr   string
	srv    *grpc.Server
	mu     sync.Mutex
	logs   []plog.Logs
	traces []ptrace.Traces
	// profiles are kept whatever keep says (only the profiles test sends
	// any).
	profiles []pprofile.Profiles
	nLogs    int
	nSpans   int
	keep     bool // keep the batches (e2e) or only count them (soak)
	scan     func(what string, data []byte)
}

type logsSink struct {
	plogotlp.UnimplementedGRPCServer
	s *sink
}

func (l logsSink) Export(_ context.Context, req plogotlp.ExportRequest) (plogotlp.ExportResponse, error) {
	ld := plog.NewLogs()
	req.Logs().CopyTo(ld)
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	l.s.nLogs += ld.LogRecordCount()
	if l.s.keep {
		l.s.logs = append(l.s.logs, ld)
	}
	if l.s.scan != nil {
		b, _ := req.MarshalProto()
		l.s.scan("logs", b)
	}
	return plogotlp.NewExportResponse(), nil
}

type tracesSink struct {
	ptraceotlp.UnimplementedGRPCServer
	s *sink
}

func (tr tracesSink) Export(_ context.Context, req ptraceotlp.ExportRequest) (ptraceotlp.ExportResponse, error) {
	td := ptrace.NewTraces()
	req.Traces().CopyTo(td)
	tr.s.mu.Lock()
	defer tr.s.mu.Unlock()
	tr.s.nSpans += td.SpanCount()
	if tr.s.keep {
		tr.s.traces = append(tr.s.traces, td)
	}
	if tr.s.scan != nil {
		b, _ := req.MarshalProto()
		tr.s.scan("traces", b)
	}
	return ptraceotlp.NewExportResponse(), nil
}

type profilesSink struct {
	pprofileotlp.UnimplementedGRPCServer
	s *sink
}

func (p profilesSink) Export(_ context.Context, req pprofileotlp.ExportRequest) (pprofileotlp.ExportResponse, error) {
	pd := pprofile.NewProfiles()
	req.Profiles().CopyTo(pd)
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	p.s.profiles = append(p.s.profiles, pd)
	return pprofileotlp.NewExportResponse(), nil
}

func startSink(t testing.TB, keep bool) *sink {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{addr: l.Addr().String(), srv: grpc.NewServer(), keep: keep}
	plogotlp.RegisterGRPCServer(s.srv, &logsSink{s: s})
	ptraceotlp.RegisterGRPCServer(s.srv, &tracesSink{s: s})
	pprofileotlp.RegisterGRPCServer(s.srv, &profilesSink{s: s})
	go func() { _ = s.srv.Serve(l) }()
	t.Cleanup(s.srv.Stop)
	return s
}

func (s *sink) counts() (logs, spans int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nLogs, s.nSpans
}

func (s *sink) snapshot() ([]plog.Logs, []ptrace.Traces) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]plog.Logs(nil), s.logs...), append([]ptrace.Traces(nil), s.traces...)
}

// collector is a running otelcol-hush.
type collector struct {
	cmd      *exec.Cmd
	grpcAddr string
	httpURL  string
	metrics  string
	out      *lockedBuffer
	done     chan struct{}
	conn     *grpc.ClientConn
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]byte(nil), l.b.Bytes()...)
}

// collectorConfig is the distribution's configuration for the tests: OTLP
// in (gRPC and HTTP), memory_limiter, hush (AWS Secrets Manager by prefix,
// the SDK's chain pointed at the stand-in through the environment), batch,
// OTLP out to the sink; the Collector's own metrics on a Prometheus port.
func collectorConfig(grpcPort, httpPort, metricsPort int, sinkAddr string, refresh time.Duration) string {
	return fmt.Sprintf(`
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%d
      http:
        endpoint: 127.0.0.1:%d
processors:
  memory_limiter:
    check_interval: 1s
    limit_mib: 1024
  hush:
    aws:
      prefixes: [prod/]
    refresh_interval: %s
    grace_period: 1h
  batch:
    timeout: 100ms
exporters:
  otlp:
    endpoint: %s
    tls:
      insecure: true
    sending_queue:
      enabled: false
    retry_on_failure:
      enabled: true
      initial_interval: 100ms
service:
  telemetry:
    logs:
      level: info
    metrics:
      level: detailed
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %d
  pipelines:
    logs:
      receivers: [otlp]
      processors: [memory_limiter, hush, batch]
      exporters: [otlp]
    traces:
      receivers: [otlp]
      processors: [memory_limiter, hush, batch]
      exporters: [otlp]
`, grpcPort, httpPort, refresh, sinkAddr, metricsPort)
}

func startCollector(t testing.TB, bin string, sm *smfake.Server, sinkAddr string, refresh time.Duration) *collector {
	t.Helper()
	return startCollectorWith(t, bin, sm, sinkAddr, refresh, "")
}

// profilesPipeline is the profiles pipeline of collectorConfig: batch does
// not handle profiles. The Collector runs it only with the feature gate
// service.profilesSupport on.
const profilesPipeline = `    profiles:
      receivers: [otlp]
      processors: [memory_limiter, hush]
      exporters: [otlp]
`

// startCollectorWith is startCollector with more pipelines (appended to
// collectorConfig's) and command-line arguments.
func startCollectorWith(t testing.TB, bin string, sm *smfake.Server, sinkAddr string, refresh time.Duration, pipelines string, args ...string) *collector {
	t.Helper()
	dir := t.TempDir()
	grpcPort, httpPort, metricsPort := freePort(t), freePort(t), freePort(t)
	cfg := collectorConfig(grpcPort, httpPort, metricsPort, sinkAddr, refresh) + pipelines
	c := startWithConfig(t, bin, cfg, sm.Environ(dir), args...)
	c.grpcAddr = "127.0.0.1:" + strconv.Itoa(grpcPort)
	c.httpURL = "http://127.0.0.1:" + strconv.Itoa(httpPort)
	c.metrics = "http://127.0.0.1:" + strconv.Itoa(metricsPort) + "/metrics"
	conn, err := grpc.NewClient(c.grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	c.conn = conn
	return c
}

// startWithConfig starts the collector with a configuration document,
// extra environment variables and extra command-line arguments.
func startWithConfig(t testing.TB, bin, cfg string, env []string, args ...string) *collector {
	t.Helper()
	cfgPath := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &collector{out: &lockedBuffer{}, done: make(chan struct{})}
	c.cmd = exec.Command(bin, append([]string{"--config", cfgPath}, args...)...)
	c.cmd.Env = append(os.Environ(), env...)
	c.cmd.Stdout, c.cmd.Stderr = c.out, c.out
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() { c.stop(t) })
	return c
}

// stop ends the collector with SIGTERM (SIGKILL after 10 s).
func (c *collector) stop(t testing.TB) {
	if c.conn != nil {
		_ = c.conn.Close()
	}
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
		t.Error("collector did not stop on SIGTERM")
	}
}

// peakRSS returns the collector's peak resident memory (VmHWM), in KiB.
func (c *collector) peakRSS() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "VmHWM:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return -1
}

// metric returns the value of the first sample of a Prometheus metric
// whose name starts with prefix, and whether there was one.
func (c *collector) metric(prefix string) (float64, bool) {
	resp, err := http.Get(c.metrics) //nolint:noctx // loopback, test
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err == nil {
			return v, true
		}
	}
	return 0, false
}

// waitMetric polls until cond holds for the metric's value.
func (c *collector) waitMetric(t testing.TB, prefix string, cond func(float64) bool, timeout time.Duration) float64 {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if v, ok := c.metric(prefix); ok && cond(v) {
			return v
		}
		if time.Now().After(deadline) {
			v, ok := c.metric(prefix)
			t.Fatalf("metric %s: condition not met in %v (value %v, present %v)", prefix, timeout, v, ok)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sendLogsGRPC exports ld over OTLP/gRPC, retrying while the collector
// refuses (not started, or index not built yet).
func (c *collector) sendLogsGRPC(t testing.TB, ld plog.Logs) {
	t.Helper()
	client := plogotlp.NewGRPCClient(c.conn)
	c.retry(t, func(ctx context.Context) error {
		_, err := client.Export(ctx, plogotlp.NewExportRequestFromLogs(ld))
		return err
	})
}

func (c *collector) sendTracesGRPC(t testing.TB, td ptrace.Traces) {
	t.Helper()
	client := ptraceotlp.NewGRPCClient(c.conn)
	c.retry(t, func(ctx context.Context) error {
		_, err := client.Export(ctx, ptraceotlp.NewExportRequestFromTraces(td))
		return err
	})
}

// sendLogsHTTP posts ld as OTLP/HTTP JSON; sendTracesHTTP as protobuf.
func (c *collector) sendLogsHTTP(t testing.TB, ld plog.Logs) {
	t.Helper()
	body, err := plogotlp.NewExportRequestFromLogs(ld).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	c.post(t, "/v1/logs", "application/json", body)
}

func (c *collector) sendTracesHTTP(t testing.TB, td ptrace.Traces) {
	t.Helper()
	body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	if err != nil {
		t.Fatal(err)
	}
	c.post(t, "/v1/traces", "application/x-protobuf", body)
}

func (c *collector) post(t testing.TB, path, ctype string, body []byte) {
	t.Helper()
	c.retry(t, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.httpURL+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", ctype)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return nil
	})
}

// retry calls f until it succeeds, failing the test after 30 s or as soon
// as the collector has exited (a port taken by another process, a bad
// configuration).
func (c *collector) retry(t testing.TB, f func(ctx context.Context) error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-c.done:
			t.Fatalf("the collector exited (%v); its output:\n%s", c.cmd.ProcessState, scrubbedOutput(c.out.Bytes()))
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := f(ctx)
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("export still failing after 30s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitForScrubbedFile waits (30 s at most) until the file exporter's output
// at out holds the two clean lines of the source-test log, stops the
// Collector and returns the file. The Collector's own output, printed if it
// exits early, is scrubbed first.
func waitForScrubbedFile(t testing.TB, c *collector, out string) []byte {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, _ := os.ReadFile(out)
		if bytes.Contains(data, []byte("order 1001 accepted")) && bytes.Contains(data, []byte("starting checkout")) {
			break
		}
		select {
		case <-c.done:
			t.Fatalf("the collector exited: %s", scrubbedOutput(c.out.Bytes()))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the scrubbed file never received every line")
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.stop(t)
	data, _ := os.ReadFile(out)
	return data
}

// sourceLines is the log of the source tests: two clean lines (which
// waitForScrubbedFile waits for) around a DSN holding dbValue and a Basic
// header holding apiValue.
func sourceLines() []string {
	return []string{
		"2026-11-26T08:00:00Z INFO starting checkout v2.14.1",
		"2026-11-26T08:00:01Z DEBUG db url postgres://app:" + dbValue + "@db.internal/app",
		"2026-11-26T08:00:02Z WARN upstream auth Basic " + base64.StdEncoding.EncodeToString([]byte("svc:"+apiValue)),
		"2026-11-26T08:00:03Z INFO order 1001 accepted",
	}
}

// runFilePipeline writes lines to a log in dir and runs the distribution
// on it: the filelog receiver, a hush processor configured by hush (its
// keys, indented by four spaces), the file exporter. The lines must hold
// the two clean ones of sourceLines. It returns the stopped Collector and
// what the exporter wrote.
func runFilePipeline(t testing.TB, bin, dir string, lines []string, hush string, env []string) (*collector, []byte) {
	t.Helper()
	in := filepath.Join(dir, "app.log")
	out := filepath.Join(dir, "scrubbed.json")
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := `
receivers:
  filelog:
    include: [` + in + `]
    start_at: beginning
processors:
  hush:
` + hush + `
exporters:
  file:
    path: ` + out + `
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [filelog]
      processors: [hush]
      exporters: [file]
`
	c := startWithConfig(t, bin, cfg, env)
	return c, waitForScrubbedFile(t, c, out)
}
