package cli

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
)

// TestWrappedBase64AcrossChunks: a secret inside base64 wrapped at 64 or
// 76 columns is cut by a line break; scrubbing in chunks (whose cuts fall
// after line breaks) gives exactly what scrubbing the whole text gives, and
// scan finds the same.
func TestWrappedBase64AcrossChunks(t *testing.T) {
	r, look := newTestRedactor(t)
	for _, width := range []int{64, 76} {
		var b bytes.Buffer
		for i := 0; b.Len() < 40*look; i++ {
			s := testSecrets[i%len(testSecrets)].Value
			enc := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("p", i%61) + s + strings.Repeat("q", 50)))
			b.WriteString("blob:\n")
			for len(enc) > width {
				b.WriteString(enc[:width] + "\n")
				enc = enc[width:]
			}
			b.WriteString(enc + "\n")
		}
		data := b.Bytes()
		want := r.Scrub(nil, data)
		if bytes.Equal(want, data) {
			t.Fatal("nothing redacted in the whole text")
		}
		if got := pipelineScrub(t, r, look, data, 256, 3); !bytes.Equal(got, want) {
			t.Errorf("width %d: chunked scrub differs from whole scrub", width)
		}
		if got, want := pipelineScan(t, r, look, data, 256, 2), referenceFindings(r, data); !slices.Equal(got, want) {
			t.Errorf("width %d: scan: %d findings, reference %d", width, len(got), len(want))
		}
	}
}
