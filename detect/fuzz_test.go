package detect

import (
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
)

// FuzzDetect: Find and FindEncoded never panic, report findings in bounds,
// in order and apart, and every token found as written is found again on
// its own (the boundaries hold it, not its context).
func FuzzDetect(f *testing.F) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, fam := range families {
		tok := fam.gen(rng)
		f.Add([]byte("x=" + tok + "\n"))
		f.Add([]byte("Basic " + base64.StdEncoding.EncodeToString([]byte("u:"+tok))))
	}
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\\nMIIB\\n-----END RSA PRIVATE KEY-----"))
	f.Add([]byte("https://u:p@h ghp_ AKIA \xff\xfe"))
	set := allSet(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, enc := range []bool{false, true} {
			fs := set.find(nil, data, enc)
			prev := 0
			for _, fd := range fs {
				if fd.Start < prev || fd.End <= fd.Start || fd.End > len(data) || fd.Rule == nil {
					t.Fatalf("finding %s out of bounds or order (text %d bytes)", spans([]Finding{fd}), len(data))
				}
				prev = fd.End
				if fd.Base64 != enc && fd.Base64 {
					t.Fatal("Find reported a base64 finding")
				}
				if fd.Base64 || fd.Rule.ID == "url-password" || fd.Rule.ID == "private-key" {
					continue
				}
				again := set.Find(nil, data[fd.Start:fd.End])
				if len(again) != 1 || again[0].Start != 0 || again[0].End != fd.End-fd.Start || again[0].Rule != fd.Rule || again[0].Confidence != fd.Confidence {
					t.Fatalf("finding %s not found again alone: %v", spans([]Finding{fd}), spans(again))
				}
			}
		}
	})
}

func TestFindEncodedBase64(t *testing.T) {
	s := Default()
	rng := rand.New(rand.NewPCG(13, 14))
	for _, fam := range families {
		if !s.Has(fam.rule) {
			continue
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
			for _, pre := range []string{"", "user:", `{"t":"`} {
				tok := fam.gen(rng)
				b := enc.EncodeToString([]byte(pre + tok + "\n"))
				text := "Authorization: Basic " + b + " tail"
				fs := s.FindEncoded(nil, []byte(text))
				var got []Finding
				for _, f := range fs {
					if f.Base64 && f.Rule.ID == fam.rule {
						got = append(got, f)
					}
				}
				// The finding covers every base64 character that holds a
				// bit of the token.
				a := 21 + len(pre)*4/3
				e := 21 + (len(pre)+len(tok)+2)/3*4
				if len(got) != 1 || got[0].Start > a || got[0].End < min(e, 21+len(strings.TrimRight(b, "="))) {
					t.Fatalf("%s prefix %d: %v (want within [%d,%d))", fam.rule, len(pre), spans(got), a, e)
				}
				if len(Default().Find(nil, []byte(text))) != 0 && fam.rule != "microsoft-identifiable-key" {
					t.Fatalf("%s: Find reported base64 content", fam.rule)
				}
			}
		}
	}
}

// TestBase64RunsDecodeInLinearTime: the chunks of a long base64 run move
// on by at least half a chunk, and keep the overlap a token crossing a
// chunk's end needs, for the overlap of every rule set.
func TestBase64RunsDecodeInLinearTime(t *testing.T) {
	for _, spec := range []string{"default", "all"} {
		s, err := Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		ov := s.b64Overlap()
		if 2*ov > b64Chunk {
			t.Errorf("%s: overlap %d is more than half a chunk (%d)", spec, ov, b64Chunk)
		}
		for c := 0; c < 3*b64Chunk; c += 4 {
			e := c + b64Chunk
			n := nextChunk(c, e, ov)
			if n < c+b64Chunk/2 {
				t.Fatalf("%s: chunk at %d moves on by %d", spec, c, n-c)
			}
			if e-n < ov-3 || (n-c)%4 != 0 {
				t.Fatalf("%s: chunk at %d keeps %d bytes of overlap, want %d, aligned", spec, c, e-n, ov)
			}
		}
	}
}
