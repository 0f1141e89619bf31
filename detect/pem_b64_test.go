package detect_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// TestPEMInLongBase64Run: a PEM block in a long run of base64 (a document
// encoded whole) is found whole, END line included, wherever it sits in
// the run: the scan hands a long run over in pieces and decodes a piece in
// chunks, and a block crossing a piece's or a chunk's end is decoded from
// its start to its end. The finding is exactly the aligned part of the run
// that encodes the block, and the redactor leaves no piece of it.
func TestPEMInLongBase64Run(t *testing.T) {
	g := detecttest.New(41)
	filler := strings.Repeat("level=info msg=\"syncing shard 17 of 64\" took=12ms\n", 1000)
	for _, spec := range []string{"all", "private-key", "private-key,url-password,aws-access-key-id"} {
		s := mustParse(t, spec)
		r := detectingRedactor(t, s)
		for _, variant := range []string{"pem-rsa-lf", "pem-openssh-crlf"} {
			for k := range 24 {
				if testing.Short() && k%4 != 0 {
					continue
				}
				pem := g.Variant("private-key", variant).Text
				lead := k*1733 + g.Rand().IntN(3) // the block's offset in the document
				doc := filler[:lead] + pem + "\n" + filler[:g.Rand().IntN(600)]
				const head = "2026-12-02 12:00:00 job=sync blob="
				text := head + base64.StdEncoding.EncodeToString([]byte(doc)) + " size=512\n"
				start := len(head) + lead/3*4
				end := len(head) + (lead+len(pem)+2)/3*4
				where := fmt.Sprintf("%s: %s at offset %d of a %d-byte document", spec, variant, lead, len(doc))
				found := false
				for _, f := range s.FindEncoded(nil, []byte(text)) {
					if f.Rule.ID != "private-key" {
						continue
					}
					if f.Start == start && f.End == end && f.Base64 && f.Confidence == detect.Structure {
						found = true
					} else {
						t.Errorf("%s: finding at [%d,%d) (base64 %v, confidence %s), want the block's encoding [%d,%d)", where, f.Start, f.End, f.Base64, f.Confidence, start, end)
					}
				}
				if !found {
					t.Errorf("%s: the block's encoding [%d,%d) not found", where, start, end)
				}
				out := r.ScrubString(text)
				if leaks := leaktest.Find(windows(variant, pem), []byte(out)); len(leaks) > 0 {
					t.Errorf("%s: %d pieces of the block left, first %s", where, len(leaks), leaks[0])
				}
				if want := text[:start] + replacementFor("private-key") + text[end:]; out != want {
					t.Errorf("%s: the redactor did not replace exactly the block's encoding (output length %d, want %d)", where, len(out), len(want))
				}
			}
		}
	}
	_ = redact.Raw
}
