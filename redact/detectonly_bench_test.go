package redact_test

import (
	"testing"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/redact"
)

// BenchmarkScrubDetectOnly scrubs log text with a Redactor that has the
// default detectors and no known secrets (hush scan --detect without a
// source, the Collector with only detectors): since issue 13 it decodes
// JSON, URL and wrapped base64 lines as a Redactor with secrets does.
func BenchmarkScrubDetectOnly(b *testing.B) {
	text, src := benchCorpus(b)
	r, err := redact.New(redact.WithDetectors(detect.Default()))
	if err != nil {
		b.Fatal(err)
	}
	b.Run(src, func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(text)))
		dst := make([]byte, 0, len(text)+1024)
		for b.Loop() {
			dst = r.Scrub(dst[:0], text)
		}
	})
}
