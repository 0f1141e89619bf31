package detect

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/hushlog/hush/detect/detecttest"
)

// TestPEMAcrossDecodeChunks: decodeRun decodes a run in chunks of
// b64Chunk; a PEM block whose encoding crosses a chunk's end (at any
// offset) is found whole, exactly its encoding, with its END line.
func TestPEMAcrossDecodeChunks(t *testing.T) {
	s, err := Parse("private-key")
	if err != nil {
		t.Fatal(err)
	}
	g := detecttest.New(43)
	filler := strings.Repeat("level=info msg=\"syncing shard 17 of 64\" took=12ms\n", 800)
	pem := g.Variant("private-key", "pem-rsa-lf").Text
	chunkDoc := b64Chunk / 4 * 3 // document bytes the first chunk decodes
	for _, back := range []int{len(pem) + 3, len(pem) - 1, len(pem) / 2, 40, 11, 1, 0} {
		lead := chunkDoc - back
		doc := filler[:lead] + pem + "\n" + filler[:300]
		text := []byte(base64.StdEncoding.EncodeToString([]byte(doc)))
		start, end := lead/3*4, (lead+len(pem)+2)/3*4
		var got []Finding
		for _, f := range s.decodeRun(nil, text, 0, len(text)) {
			if f.Rule.ID == "private-key" {
				got = append(got, f)
			}
		}
		if len(got) == 0 || got[0].Start != start || got[0].End != end || got[0].Confidence != Structure {
			var first Finding
			if len(got) > 0 {
				first = got[0]
			}
			t.Errorf("block at document offset %d (the chunk ends %d bytes into it): %d findings, first [%d,%d) confidence %v, want [%d,%d) structure",
				lead, back, len(got), first.Start, first.End, first.Confidence, start, end)
		}
	}
}
