package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/hushlog/hush/redact"
)

// benchCorpusEnv names a directory of log files (*.log, the loghub sample
// logs in the published results) to build the benchmark input from.
const benchCorpusEnv = "HUSH_CORPUS"

// benchInput builds about size bytes of log text, from the *.log files of
// $HUSH_CORPUS when it is set (generated lines otherwise, as the log says),
// with one of the secrets (raw or base64) every 400 lines.
func benchInput(b *testing.B, size int, secrets []redact.Secret) []byte {
	b.Helper()
	var lines [][]byte
	if dir := os.Getenv(benchCorpusEnv); dir != "" {
		files, err := filepath.Glob(filepath.Join(dir, "*.log"))
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			lines = append(lines, bytes.SplitAfter(data, []byte("\n"))...)
		}
		if len(lines) == 0 {
			b.Fatalf("%s=%s: no *.log file", benchCorpusEnv, dir)
		}
	}
	rng := rand.New(rand.NewPCG(3, 3))
	if len(lines) == 0 {
		b.Log(benchCorpusEnv + " not set: generated log lines")
		for i := range 20000 {
			lines = append(lines, fmt.Appendf(nil, "2025-11-26 07:%02d:%02d INFO [worker-%d] request id=%x status=200\r\n", i/60%60, i%60, rng.IntN(16), rng.Uint64()))
		}
	}
	var buf bytes.Buffer
	for i := 0; buf.Len() < size; i++ {
		l := lines[i%len(lines)]
		if i%400 == 399 {
			buf.Write(bytes.TrimRight(l, "\r\n"))
			buf.WriteString(" token=" + secrets[rng.IntN(len(secrets))].Value + "\r\n")
			continue
		}
		buf.Write(l)
	}
	return buf.Bytes()
}

func benchSecrets(n int) []redact.Secret {
	rng := rand.New(rand.NewPCG(9, uint64(n)))
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	out := make([]redact.Secret, n)
	for i := range out {
		v := make([]byte, 20+rng.IntN(21))
		for j := range v {
			v[j] = alnum[rng.IntN(len(alnum))]
		}
		out[i] = redact.Secret{Name: fmt.Sprintf("bench/%05d", i), Value: string(v)}
	}
	return out
}

// BenchmarkPipeline measures the CLI's pipeline in-process: reading a file
// from the page cache, cutting, scrubbing or scanning on the workers,
// putting the output back in order (discarded). Process start and secret
// loading are not included; benchmarks/cli/run.sh measures those too.
func BenchmarkPipeline(b *testing.B) {
	for _, nsec := range []int{100, 10000} {
		secrets := benchSecrets(nsec)
		r, look := newTestRedactor(b, secrets...)
		data := benchInput(b, 32<<20, secrets)
		path := filepath.Join(b.TempDir(), "big.log")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
		for _, mode := range []string{"scrub", "scan"} {
			for _, jobs := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/secrets=%d/jobs=%d", mode, nsec, jobs), func(b *testing.B) {
					con := &console{w: io.Discard}
					b.SetBytes(int64(len(data)))
					b.ReportAllocs()
					for b.Loop() {
						e := &engine{r: r, look: look, opts: runOptions{jobs: jobs, chunkSize: DefaultChunkSize}, con: con}
						inputs := mustExpand(b, []string{path}, con)
						if mode == "scrub" {
							s := &scrubber{e: e, stdout: io.Discard, auto: true, targets: map[*input]string{}}
							s.run(context.Background(), inputs)
						} else {
							s := &scanner{e: e, rep: &discardReporter{}}
							s.run(context.Background(), inputs)
						}
					}
				})
			}
		}
	}
}

type discardReporter struct{ n int }

func (d *discardReporter) finding(Finding) error { d.n++; return nil }
func (d *discardReporter) end([]problem) error   { return nil }
