package benchmarks

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/hushlog/hush/internal/benchcorpus"
	"github.com/hushlog/hush/redact"
)

// The corpus: the *.log files of the directory $HUSH_CORPUS names (the
// loghub sample logs in the published results, see internal/benchcorpus).
// Unset, the benchmarks and the checks of this package run on generated log
// text.

// generatedSize is how much log text to generate without a corpus.
const generatedSize = 4 << 20

// corpus is the clean text every method scans, and where it came from.
type corpus struct {
	text   []byte
	lines  [][]byte // text split after each '\n'
	source string
}

var (
	corpusOnce sync.Once
	theCorpus  corpus
	corpusErr  error
)

// loadCorpus returns the benchmark text: the concatenated *.log files of the
// directory $HUSH_CORPUS names, or generated log text in the same shapes
// when it is unset. A set $HUSH_CORPUS without readable *.log files fails
// the test or benchmark rather than quietly measuring something else.
func loadCorpus(tb testing.TB) corpus {
	tb.Helper()
	corpusOnce.Do(func() {
		c, err := benchcorpus.Load(func() []byte { return generateLogs(generatedSize) })
		theCorpus, corpusErr = corpus{text: c.Text, lines: c.Lines, source: c.Source}, err
	})
	if corpusErr != nil {
		tb.Fatal(corpusErr)
	}
	return theCorpus
}

// generateLogs makes size bytes of realistic, deterministic log text: the
// shapes of the loghub sets (syslog, Java services, HTTP access logs, JSON
// lines), with timestamps, hosts, IPs, UUIDs, paths, ids and numbers.
func generateLogs(size int) []byte {
	rng := rand.New(rand.NewPCG(7, 11))
	levels := []string{"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"}
	comps := []string{"dfs.DataNode$PacketResponder", "org.apache.hadoop.mapred.TaskTracker", "nova.compute.manager", "sshd", "kernel", "zookeeper.server.NIOServerCnxn", "spark.storage.BlockManager", "com.example.api.OrderService"}
	paths := []string{"/api/v1/orders", "/healthz", "/static/app.js", "/v2/images/detail", "/login", "/users/42/profile"}
	methods := []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
	uuid := func() string {
		var b [16]byte
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		h := hex.EncodeToString(b[:])
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	}
	ip := func() string {
		return fmt.Sprintf("10.%d.%d.%d", rng.IntN(256), rng.IntN(256), rng.IntN(256))
	}
	var b bytes.Buffer
	for sec := 0; b.Len() < size; sec++ {
		ts := fmt.Sprintf("2025-11-%02d %02d:%02d:%02d,%03d", 1+sec/86400%28, sec/3600%24, sec/60%60, sec%60, rng.IntN(1000))
		switch rng.IntN(5) {
		case 0:
			fmt.Fprintf(&b, "%s %s %s: Received block blk_%d of size %d from /%s\n", ts, levels[rng.IntN(len(levels))], comps[rng.IntN(2)], rng.Int64(), rng.IntN(1<<26), ip())
		case 1:
			fmt.Fprintf(&b, "%s %s %s [req-%s] %s \"%s %s HTTP/1.1\" status: %d len: %d time: %.7f\n", ts, levels[rng.IntN(len(levels))], comps[2], uuid(), ip(), methods[rng.IntN(len(methods))], paths[rng.IntN(len(paths))], []int{200, 200, 201, 204, 404, 500}[rng.IntN(6)], rng.IntN(20000), rng.Float64())
		case 2:
			fmt.Fprintf(&b, "Nov %2d %02d:%02d:%02d combo sshd(pam_unix)[%d]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=%s user=root\n", 1+sec/86400%28, sec/3600%24, sec/60%60, sec%60, 1000+rng.IntN(30000), ip())
		case 3:
			fmt.Fprintf(&b, `{"ts":"%s","level":"%s","logger":"%s","msg":"order processed","order_id":%d,"trace_id":"%s","duration_ms":%.3f}`+"\n", ts, strings.ToLower(levels[rng.IntN(len(levels))]), comps[7], rng.IntN(1<<30), strings.ReplaceAll(uuid(), "-", ""), rng.Float64()*100)
		default:
			fmt.Fprintf(&b, "%s - - [%s] \"%s %s?page=%d HTTP/1.1\" %d %d \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"\n", ip(), ts, methods[rng.IntN(len(methods))], paths[rng.IntN(len(paths))], rng.IntN(50), []int{200, 304, 404}[rng.IntN(3)], rng.IntN(100000))
		}
	}
	return b.Bytes()
}

// maxSecrets is the largest secret count benchmarked.
const maxSecrets = 100_000

var (
	secretsOnce sync.Once
	allSecrets  []redact.Secret
)

// benchSecrets returns the first n of a fixed list of random secrets: 16 to
// 48 printable ASCII characters (0x21-0x7E, so every encoding has something
// to escape), from a fixed seed.
func benchSecrets(n int) []redact.Secret {
	secretsOnce.Do(func() {
		rng := rand.New(rand.NewPCG(2026, 1))
		seen := make(map[string]bool, maxSecrets)
		for len(allSecrets) < maxSecrets {
			b := make([]byte, 16+rng.IntN(33))
			for i := range b {
				b[i] = byte(0x21 + rng.IntN(0x7F-0x21))
			}
			v := string(b)
			if seen[v] {
				continue
			}
			seen[v] = true
			allSecrets = append(allSecrets, redact.Secret{Name: fmt.Sprintf("bench/secret-%06d", len(allSecrets)), Version: "v1", Value: v})
		}
	})
	return allSecrets[:n]
}

// encoder renders a secret the way some real service would print it.
type encoder struct {
	name string
	f    func(string) string
}

// encoders are the forms injected into the dirty text: every family hush
// protects, produced by the standard library rather than by hush's own
// encoders.
var encoders = []encoder{
	{"raw", func(s string) string { return s }},
	{"json", func(s string) string { b, _ := json.Marshal(s); return string(b[1 : len(b)-1]) }},
	{"json-nohtml", func(s string) string {
		var w bytes.Buffer
		e := json.NewEncoder(&w)
		e.SetEscapeHTML(false)
		_ = e.Encode(s)
		b := bytes.TrimSpace(w.Bytes())
		return string(b[1 : len(b)-1])
	}},
	{"url-query", url.QueryEscape},
	{"url-path", url.PathEscape},
	{"basic-auth", func(s string) string { return base64.StdEncoding.EncodeToString([]byte("user:" + s)) }},
	{"base64-newline", func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s + "\n")) }},
	{"base64url", func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }},
	{"hex", func(s string) string { return hex.EncodeToString([]byte(s)) }},
	{"HEX", func(s string) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) }},
	{"html", html.EscapeString},
	{"shell", func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }},
}

// injection records one secret form placed in the dirty text.
type injection struct {
	start, end int // of the encoded form in the dirty text
	secret     int // index into the secret list
	enc        string
}

// inject returns a copy of lines joined into one text, where every
// interval-th line carries one of secrets, in a random form from encoders,
// inserted after a random space (or at the start of the line).
func inject(lines [][]byte, secrets []redact.Secret, interval int, seed uint64) ([]byte, []injection) {
	return injectForms(lines, secrets, interval, seed, encoders)
}

// injectForms is inject with the forms drawn from encs.
func injectForms(lines [][]byte, secrets []redact.Secret, interval int, seed uint64, encs []encoder) ([]byte, []injection) {
	rng := rand.New(rand.NewPCG(seed, 3))
	var out []byte
	var inj []injection
	for i, line := range lines {
		if i%interval != interval/2 {
			out = append(out, line...)
			continue
		}
		si := rng.IntN(len(secrets))
		e := encs[rng.IntN(len(encs))]
		form := e.f(secrets[si].Value)
		cut := 0
		if sp := spaces(line); len(sp) > 0 {
			cut = sp[rng.IntN(len(sp))] + 1
		}
		out = append(out, line[:cut]...)
		out = append(out, "token="...)
		inj = append(inj, injection{start: len(out), end: len(out) + len(form), secret: si, enc: e.name})
		out = append(out, form...)
		out = append(out, ' ')
		out = append(out, line[cut:]...)
	}
	return out, inj
}

func spaces(line []byte) []int {
	var sp []int
	for i, c := range line {
		if c == ' ' {
			sp = append(sp, i)
		}
	}
	return sp
}
