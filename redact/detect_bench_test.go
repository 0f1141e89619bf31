package redact_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/internal/benchcorpus"
	"github.com/hushlog/hush/internal/pairbench"
	"github.com/hushlog/hush/redact"
)

// benchCorpus is $HUSH_CORPUS's *.log files concatenated, or generated log
// text when it is unset.
func benchCorpus(b *testing.B) ([]byte, string) {
	c, err := benchcorpus.Load(benchLog)
	if err != nil {
		b.Fatal(err)
	}
	if os.Getenv(benchcorpus.Env) == "" {
		return c.Text, "generated"
	}
	return c.Text, "corpus"
}

// BenchmarkScrubDetectors scrubs log text with known secrets alone and
// with the default detectors as well, at 10 and 10,000 secrets.
func BenchmarkScrubDetectors(b *testing.B) {
	text, src := benchCorpus(b)
	for _, n := range []int{10, 10000} {
		secrets := benchSecrets(n)
		for _, det := range []struct {
			name string
			set  *detect.Set
		}{{"none", nil}, {"default", detect.Default()}} {
			r := newRedactor(b, secrets, redact.WithDetectors(det.set))
			b.Run(fmt.Sprintf("%s/secrets=%d/detectors=%s", src, n, det.name), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(text)))
				dst := make([]byte, 0, len(text)+1024)
				for b.Loop() {
					dst = r.Scrub(dst[:0], text)
				}
			})
		}
	}
}

// BenchmarkDetectorOverhead is the paired comparison: scrubbing 64 KiB
// blocks of the text with the default detectors against without them, in
// alternating chunks (overhead-% is the median ratio minus one).
func BenchmarkDetectorOverhead(b *testing.B) {
	text, src := benchCorpus(b)
	const block = 64 << 10
	var blocks [][]byte
	for i := 0; i+block <= len(text); i += block {
		blocks = append(blocks, text[i:i+block])
	}
	for _, n := range []int{10, 10000} {
		secrets := benchSecrets(n)
		off := newRedactor(b, secrets, redact.WithDetectors(nil))
		on := newRedactor(b, secrets)
		b.Run(fmt.Sprintf("%s/secrets=%d", src, n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(block)
			d1 := make([]byte, 0, block+1024)
			d2 := make([]byte, 0, block+1024)
			pairbench.Overhead(b,
				func(i int) { d1 = off.Scrub(d1[:0], blocks[i%len(blocks)]) },
				func(i int) { d2 = on.Scrub(d2[:0], blocks[i%len(blocks)]) })
		})
	}
}
