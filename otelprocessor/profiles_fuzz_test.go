package hushprocessor

import (
	"bytes"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/hushlog/hush/redact"
)

// FuzzProfilesPayload: whatever bytes an original payload holds (seeded
// with the test secret raw and inside every codec, nested), the processor
// does not panic, and what it keeps holds the secret neither as it is nor
// inside any codec it opens.
func FuzzProfilesPayload(f *testing.F) {
	content := []byte("\x0a\x00\x0a\x0fmain.handleOrder\x0a\x20dsn=postgres://app:" + dbSecret + "@db/app")
	for _, seed := range [][]byte{
		content, gzipBytes(content), zlibBytes(content), zstdBytes(content),
		gzipBytes(zstdBytes(content)), zstdBytes(zlibBytes(gzipBytes(content))),
		append([]byte("x^"), content...), zlibBytes(content)[:20],
	} {
		f.Add(seed)
	}
	r, err := redact.New(redact.WithReplacement("[REDACTED:{name}]"))
	if err != nil {
		f.Fatal(err)
	}
	if err := r.Set([]redact.Secret{{Name: dbName, Value: dbSecret}}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		ps := getPass(&hushProcessor{}, r)
		defer ps.release()
		b := pcommon.NewByteSlice()
		b.FromRaw(payload)
		ps.payload(b)
		out := b.AsRaw()
		var check func(b []byte, layer int)
		check = func(b []byte, layer int) {
			if bytes.Contains(b, []byte(dbSecret)) {
				t.Fatalf("the secret %s is in the kept payload (layer %d)", dbName, layer)
			}
			if layer > maxPayloadLayers {
				return
			}
			for _, c := range payloadCodecs {
				if c.is(b) {
					inner, ok := c.open(b, maxPayloadContent)
					if ok || c.weak {
						// A zlib stream that breaks off is read as far as
						// it goes, by a reader too.
						check(inner, layer+1)
					}
					return
				}
			}
		}
		check(out, 0)
	})
}
