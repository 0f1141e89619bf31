package fingerprint

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/hushlog/hush/internal/pairbench"
)

// BenchmarkLayoutPair scans the same text with the filter layouts side by
// side, in alternating chunks (pairbench), so that the machine's load hits
// both alike: base is the layout Build picks, the variant the other one
// (the compact layout below smallFilter, the fast one above). Patterns are
// random, 16 to 130 bytes like redact's forms, as many as 10,000 and
// 100,000 secrets make at 10.7 forms each. The text is the benchmark
// corpus when HUSH_CORPUS names it, else generated log lines.
func BenchmarkLayoutPair(b *testing.B) {
	text := benchText()
	if dir := os.Getenv("HUSH_CORPUS"); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		text = nil
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			text = append(text, data...)
		}
	}
	for _, n := range []int{107_000, 1_070_000} {
		rng := rand.New(rand.NewPCG(5, uint64(n)))
		ps := make([]Pattern, n)
		for i := range ps {
			ps[i] = Pattern{Value: randBytes(rng, 16+rng.IntN(115), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), ID: uint32(i)}
		}
		base, err := Build(ps)
		if err != nil {
			b.Fatal(err)
		}
		if float64(n*9*smallBits/8) <= float64(smallFilter) {
			smallFilterBytes = 0 // the compact layout
		} else {
			smallFilterBytes = math.MaxInt // the fast layout
		}
		variant, err := Build(ps)
		smallFilterBytes = smallFilter
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("patterns=%d", n), func(b *testing.B) {
			var dst []Match
			b.SetBytes(int64(len(text)))
			pairbench.Overhead(b, func(int) { dst = base.Find(dst[:0], text) }, func(int) { dst = variant.Find(dst[:0], text) })
			b.ReportMetric(float64(base.MemoryBytes())/float64(n), "base-B/pattern")
			b.ReportMetric(float64(variant.MemoryBytes())/float64(n), "variant-B/pattern")
		})
	}
}
