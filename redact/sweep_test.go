package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"slices"
	"testing"
)

// The markers of all decoders have distinct low four bits: blockEvents
// finds them all through one 16-entry table.
func TestMarkerNibblesDistinct(t *testing.T) {
	seen := map[byte]byte{}
	for _, d := range append(decodersPlus, pythonBytes) {
		if m, ok := seen[d.marker&15]; ok && m != d.marker {
			t.Fatalf("markers %q and %q share their low four bits", m, d.marker)
		}
		seen[d.marker&15] = d.marker
		if d.marker >= 0x80 || d.marker == 0 {
			t.Fatalf("marker %q is not ASCII or is 0 (see detect.Sweep)", d.marker)
		}
	}
}

// blockEvents (assembly where there is one) agrees with blockEventsGo on
// every block, for every set of markers, on bytes drawn around the
// classifier's edges.
func TestBlockEventsAgree(t *testing.T) {
	edges := []byte{0, '\n', '\r', ' ', '*', '+', ',', '-', '.', '/', '0', '9', ':', '<', '=', '>', '?', '@',
		'A', 'Z', '[', '\\', ']', '^', '_', '`', 'a', 'z', '{', '|', '}', '~', 0x7f, 0x80, 0xab, 0xfe, 0xff, '%', '&'}
	rng := rand.New(rand.NewPCG(1, 2))
	tables := [][]byte{nil, {'%'}, {'\\'}, {'%', '\\'}, {'%', '\\', '+'}}
	buf := make([]byte, 32*40)
	for round := range 3000 {
		var tab [16]byte
		for i := range tab {
			tab[i] = 0x80
		}
		for _, m := range tables[round%len(tables)] {
			tab[m&15] = m
		}
		// Mostly base64, with a few other bytes: blocks of every kind.
		rate := rng.IntN(200)
		for i := range buf {
			if rng.IntN(1000) < rate {
				buf[i] = edges[rng.IntN(len(edges))]
			} else {
				buf[i] = base64Alphabet[rng.IntN(len(base64Alphabet))]
			}
		}
		n := 32 * rng.IntN(41)
		for off := 0; off < n; {
			got := blockEvents(&buf[off], n-off, &tab)
			want := blockEventsGo(buf[off:n], &tab)
			if got != want {
				t.Fatalf("round %d, offset %d of %d: blockEvents %#x, blockEventsGo %#x", round, off, n, got, want)
			}
			if got == n-off {
				break
			}
			off += got&^31 + 32
		}
	}
}

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_="

// The scan by blocks and the portable scan (IndexByte per marker, sampling
// for wrapped base64) find the same spans, on texts full of escapes and
// of base64 wrapped at both widths, at every alignment.
func TestSweepWaysAgree(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var secrets []Secret
	for i := range 8 {
		v := make([]byte, 12+rng.IntN(40))
		for j := range v {
			v[j] = byte(' ' + rng.IntN(95))
		}
		secrets = append(secrets, Secret{Name: "s" + string(rune('a'+i)), Value: string(v)})
	}
	if err := r.Set(secrets); err != nil {
		t.Fatal(err)
	}
	s := r.cur.Load()
	forms := [][]byte{}
	for _, sec := range secrets {
		v := []byte(sec.Value)
		js, _ := json.Marshal(sec.Value)
		b64 := func(pad int) string {
			return base64.StdEncoding.EncodeToString(append(bytes.Repeat([]byte("x"), pad), v...))
		}
		forms = append(forms, v, []byte(url.QueryEscape(sec.Value)), js, []byte(b64(0)),
			wrapLines(b64(rng.IntN(60)), 64, "\n"), wrapLines(b64(rng.IntN(80)), 76, "\r\n"),
			[]byte(url.QueryEscape(string(js))))
	}
	long := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xa5, 0x3c, 0x7e}, 40))
	fillers := []string{"plain log text ", "a%2 ", "\\u00", "\\", "%", "+", "\r\n", "\n", "QUJD", "==", long, long + "\n", "key=" + long[:64] + "\n"}
	defer func() { forceNoBlocks = false }()
	for round := range 150 {
		var text []byte
		for range 3 + rng.IntN(12) {
			if rng.IntN(3) == 0 {
				text = append(text, forms[rng.IntN(len(forms))]...)
			} else {
				text = append(text, fillers[rng.IntN(len(fillers))]...)
			}
		}
		for pad := range 33 {
			in := append(bytes.Repeat([]byte{' '}, pad), text...)
			forceNoBlocks = false
			a := s.spans(nil, in)
			forceNoBlocks = true
			b := s.spans(nil, in)
			if !slices.Equal(a, b) {
				t.Fatalf("round %d, pad %d: %d spans by blocks, %d by the portable scan", round, pad, len(a), len(b))
			}
		}
	}
}

// wrapLines breaks s into lines of width characters.
func wrapLines(s string, width int, eol string) []byte {
	var b []byte
	for len(s) > width {
		b = append(append(b, s[:width]...), eol...)
		s = s[width:]
	}
	return append(b, s...)
}

// Contains agrees with Find on base64 wrapped at both widths, where a
// value is often found only across a line break.
func TestContainsSeesWrappedBase64(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set([]Secret{{Name: "k", Value: "Vr7Qm2Xk9Lp4Ws8Zt3Nc6Bh1Jd5Fg0Ya"}}); err != nil {
		t.Fatal(err)
	}
	for _, width := range wrapWidths {
		for pad := range 80 {
			v := append(bytes.Repeat([]byte{'.'}, pad), "Vr7Qm2Xk9Lp4Ws8Zt3Nc6Bh1Jd5Fg0Ya"...)
			text := append([]byte("blob:\n"), wrapLines(base64.StdEncoding.EncodeToString(v), width, "\n")...)
			found := len(r.Find(text)) > 0
			if !found {
				t.Fatalf("width %d, pad %d: wrapped base64 not found", width, pad)
			}
			if !r.Contains(text) {
				t.Fatalf("width %d, pad %d: Find finds the value, Contains says the text is clean", width, pad)
			}
		}
	}
}
