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
	small := g.Variant("private-key", "pem-rsa-lf").Text
	// An RSA 8192 key's size: its block is longer than half a chunk, so
	// that the next chunk (which starts at most half a chunk on) does not
	// hold its BEGIN line.
	body := make([]byte, 4700)
	for i := range body {
		body[i] = byte(g.Rand().Uint32())
	}
	enc := base64.StdEncoding.EncodeToString(body)
	var sb strings.Builder
	sb.WriteString("-----BEGIN RSA PRIVATE KEY-----\n")
	for ; len(enc) > 64; enc = enc[64:] {
		sb.WriteString(enc[:64] + "\n")
	}
	sb.WriteString(enc + "\n-----END RSA PRIVATE KEY-----")
	big := sb.String()
	chunkDoc := b64Chunk / 4 * 3 // document bytes the first chunk decodes
	for _, c := range []struct {
		pem  string
		back int
	}{
		{big, len(big) - 1}, {big, len(big) / 2}, {big, 40}, {big, 1},
		{small, len(small) + 3}, {small, len(small) - 1}, {small, len(small) / 2}, {small, 11}, {small, 0},
	} {
		pem, back := c.pem, c.back
		lead := chunkDoc - back
		doc := strings.Repeat(filler, 2)[:lead] + pem + "\n" + filler[:300]
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
