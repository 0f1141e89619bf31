package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// encodedForms returns some of the forms under which the test secrets are
// protected, as real encoders produce them.
func encodedForms() []string {
	var out []string
	for _, s := range testSecrets {
		j, _ := json.Marshal(s.Value)
		out = append(out,
			s.Value,
			string(j[1:len(j)-1]),
			url.QueryEscape(s.Value),
			base64.StdEncoding.EncodeToString([]byte("user:"+s.Value)),
			hex.EncodeToString([]byte(s.Value)),
		)
	}
	return out
}

// TestSecretStraddlingEveryCut puts a secret (in each of several encoded
// forms) across every cut of a multi-chunk file, at every offset relative to
// the cut, in a file whose single line is much longer than a chunk, and
// checks that scrubbing in chunks gives exactly what scrubbing the whole
// text gives, and that scan finds every occurrence at the right line and
// column.
func TestSecretStraddlingEveryCut(t *testing.T) {
	r, look := newTestRedactor(t)
	size := 4 * look // what the engine uses for a small --chunk-size
	const chunks = 6
	fillers := []byte(".x =")
	for _, form := range encodedForms() {
		for shift := 1; shift < len(form); shift++ {
			var b bytes.Buffer
			want := 0
			for k := 1; k <= chunks; k++ {
				// Up to shift bytes before the cut, the rest after it.
				for b.Len() < k*size-shift {
					b.WriteByte(fillers[b.Len()%len(fillers)])
				}
				b.WriteString(form)
				want++
			}
			b.WriteString(strings.Repeat(".", 100))
			data := b.Bytes()
			whole := r.Scrub(nil, data)
			for _, jobs := range []int{1, 3} {
				got := pipelineScrub(t, r, look, data, 256, jobs)
				if !bytes.Equal(got, whole) {
					t.Fatalf("form %d bytes, shift %d, jobs %d: chunked scrub differs from whole scrub", len(form), shift, jobs)
				}
			}
			assertNoValue(t, "scrubbed", whole)
			if n := len(r.Find(data)); n != want {
				t.Fatalf("form %d bytes, shift %d: %d matches in the whole text, want %d", len(form), shift, n, want)
			}
			if shift%3 == 1 {
				got := pipelineScan(t, r, look, data, 256, 2)
				if ref := referenceFindings(r, data); !slices.Equal(got, ref) {
					t.Fatalf("form %d bytes, shift %d: scan findings differ:\n got %+v\nwant %+v", len(form), shift, got, ref)
				}
			}
		}
	}
}

// TestChunkedEqualsWhole compares chunked and whole scrubbing, and chunked
// and reference scanning, on random texts mixing short lines, lines longer
// than a chunk, CRLF, multi-byte runes and secrets in every form, for
// several chunk sizes and worker counts.
func TestChunkedEqualsWhole(t *testing.T) {
	r, look := newTestRedactor(t)
	forms := encodedForms()
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 40 {
		var b bytes.Buffer
		for b.Len() < 20000+rng.IntN(40000) {
			switch rng.IntN(8) {
			case 0:
				b.WriteString(forms[rng.IntN(len(forms))])
			case 1:
				b.WriteString("\n")
			case 2:
				b.WriteString("\r\n")
			case 3:
				b.WriteString("héllo wörld ✓ ")
			case 4:
				b.WriteString(strings.Repeat("long-line-", rng.IntN(600)))
			default:
				fmt.Fprintf(&b, "ts=%d level=info msg=\"request\" id=%x ", rng.Int64(), rng.Uint32())
			}
		}
		data := b.Bytes()
		whole := r.Scrub(nil, data)
		chunk := []int{256, 1000, 4096}[iter%3]
		jobs := 1 + iter%4
		if got := pipelineScrub(t, r, look, data, chunk, jobs); !bytes.Equal(got, whole) {
			t.Fatalf("iteration %d (chunk %d, jobs %d): chunked scrub differs from whole scrub", iter, chunk, jobs)
		}
		if got, ref := pipelineScan(t, r, look, data, chunk, jobs), referenceFindings(r, data); !slices.Equal(got, ref) {
			t.Fatalf("iteration %d: %d findings, reference %d", iter, len(got), len(ref))
		}
	}
}

func TestCutInsideMovesPastMatch(t *testing.T) {
	r, look := newTestRedactor(t)
	c := cutter{r: r, size: 4 * look, look: look}
	v := testSecrets[0].Value
	for shift := 1; shift < len(v); shift++ {
		b := bytes.Repeat([]byte{'.'}, c.size+2*look)
		copy(b[c.size-shift:], v)
		got := c.cut(b)
		if got != c.size-shift+len(v) {
			t.Errorf("shift %d: cut at %d, want just after the secret at %d", shift, got, c.size-shift+len(v))
		}
	}
	// A line break in the second half of the chunk is where it cuts.
	b := bytes.Repeat([]byte{'.'}, c.size+2*look)
	b[c.size-10] = '\n'
	if got := c.cut(b); got != c.size-9 {
		t.Errorf("cut at %d, want after the line break at %d", got, c.size-9)
	}
}

func TestInvalidUTF8(t *testing.T) {
	for _, tc := range []struct {
		in         string
		head, tail bool
		want       int
	}{
		{"plain ascii", false, false, -1},
		{"héllo", false, false, -1},
		{"ab\xffcd", false, false, 2},
		{"\xa9llo", false, false, 0},
		{"\xa9llo", true, false, -1},  // continuation of a rune cut at the start
		{"hell\xc3", false, true, -1}, // rune completed by the next chunk
		{"hell\xc3", false, false, 4},
		{"a\xc3(b", false, true, 1},
	} {
		if got := invalidUTF8([]byte(tc.in), tc.head, tc.tail); got != tc.want {
			t.Errorf("invalidUTF8(%q, %v, %v) = %d, want %d", tc.in, tc.head, tc.tail, got, tc.want)
		}
	}
}
