package cli

import (
	"bytes"
	"slices"
	"testing"
)

// FuzzChunkedEqualsWhole: for any text, with secrets spliced in at
// fuzzer-chosen places, scrubbing in small chunks on several workers gives
// exactly Scrub of the whole text, and scan finds what Find finds, at the
// same lines and columns.
func FuzzChunkedEqualsWhole(f *testing.F) {
	f.Add([]byte("plain text\nwith lines\r\n"), uint16(3), uint8(0))
	f.Add(bytes.Repeat([]byte("no newline at all "), 100), uint16(250), uint8(1))
	f.Add([]byte("héllo\xff\x00wörld\n"), uint16(1), uint8(2))
	r, look := newTestRedactor(f)
	forms := encodedForms()
	f.Fuzz(func(t *testing.T, text []byte, at uint16, which uint8) {
		var b bytes.Buffer
		// Repeat the text with a secret form every so often, so that
		// the input spans several chunks.
		for i := 0; b.Len() < 3000; i++ {
			b.Write(text)
			if len(text) == 0 || i%(1+int(at)%7) == 0 {
				b.WriteString(forms[(int(which)+i)%len(forms)])
			}
		}
		data := b.Bytes()
		if got, want := pipelineScrub(t, r, look, data, 256, 3), r.Scrub(nil, data); !bytes.Equal(got, want) {
			t.Fatal("chunked scrub differs from whole scrub")
		}
		if got, want := pipelineScan(t, r, look, data, 256, 2), referenceFindings(r, data); !slices.Equal(got, want) {
			t.Fatalf("scan: %d findings, reference %d", len(got), len(want))
		}
	})
}
