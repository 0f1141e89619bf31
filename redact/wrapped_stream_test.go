package redact_test

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/hushlog/hush/redact"
)

// TestLongWrappedBlobStreams: a Writer holds back at most its longest
// match's reach of trailing full-width lines; in a blob longer than that,
// the cut must still not fall on a line break that a match crosses (the
// match's part on the line after the cut would be found by neither scan).
func TestLongWrappedBlobStreams(t *testing.T) {
	sec := redact.Secret{Name: "k", Value: "Zq8rT2vLx9s3cr3tWq8J"}
	r := newRedactor(t, []redact.Secret{sec})
	for _, width := range []int{64, 76} {
		for pad := 0; pad < 700; pad += 29 {
			blob := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("q", pad) + sec.Value + strings.Repeat("z", 700)))
			text := []byte("start\n" + wrap(blob, width, "\n") + "\nend\n")
			want := r.Scrub(nil, text)
			var parts [][]byte
			for i := range text {
				parts = append(parts, text[i:i+1])
			}
			if got := streamed(t, r, parts...); !bytes.Equal(got, want) {
				t.Errorf("width %d, pad %d: writes of one byte differ from one-shot", width, pad)
			}
		}
	}
}
