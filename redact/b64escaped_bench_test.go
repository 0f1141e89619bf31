package redact_test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/hushlog/hush/internal/leaktest"
)

// BenchmarkScrubLongRuns scrubs clean log lines full of runs the scan
// decodes (64 characters or more of the standard base64 alphabet): image
// digests, base64 of random bytes, base64 of a JSON document with escapes
// (the case escapedRun decodes and searches).
func BenchmarkScrubLongRuns(b *testing.B) {
	r := newRedactor(b, append(leaktest.Secrets(), leaktest.EdgeSecrets()...))
	var sb strings.Builder
	for i := 0; sb.Len() < 1<<20; i++ {
		sum := sha256.Sum256([]byte(fmt.Sprint(i)))
		rnd := make([]byte, 96)
		_, _ = rand.Read(rnd)
		doc := fmt.Sprintf(`{"user":"u%d@example.com","note":"say \"hi\" \u003cb\u003e","path":"a%%2Fb"}`, i)
		fmt.Fprintf(&sb, "pulled image sha256:%s blob=%s body=%s\n", hex.EncodeToString(sum[:]), base64.StdEncoding.EncodeToString(rnd), base64.StdEncoding.EncodeToString([]byte(doc)))
	}
	text := []byte(sb.String())
	dst := make([]byte, 0, len(text)+1024)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		dst = r.Scrub(dst[:0], text)
	}
}
