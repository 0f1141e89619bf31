package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"slices"
	"testing"

	"github.com/hushlog/hush/detect"
)

// separateSweep is the sweep of the decoding scan's own pass (blocks):
// the blocks blockEvents reports with a marker (marks) or of base64 only
// (dense), bit k for text[32k:32k+32], and the bit of the tail after the
// last whole block when it holds a marker (what blocks searches with
// IndexByte). goRef takes blockEventsGo instead of the assembly.
func separateSweep(text []byte, tab *[16]byte, goRef bool) (marks, dense uint64) {
	n := len(text) &^ 31
	for off := 0; off < n; {
		var r int
		if goRef {
			r = blockEventsGo(text[off:n], tab)
		} else {
			r = blockEvents(&text[off], n-off, tab)
		}
		if r == n-off {
			break
		}
		b := off + r&^31
		if r&1 != 0 {
			marks |= 1 << (b / 32)
		}
		if r&2 != 0 {
			dense |= 1 << (b / 32)
		}
		off = b + 32
	}
	for _, c := range text[n:] {
		if c < 0x80 && tab[c&15] == c {
			marks |= 1 << (n / 32)
		}
	}
	return marks, dense
}

// sweepSnapshots are snapshots of every set of decoders (with and without
// '+'), with the default detectors.
func sweepSnapshots(t testing.TB) []*snapshot {
	var out []*snapshot
	for _, enc := range []Encoding{AllEncodings, URL, JSON, HTML, URL | JSON, JSON | HTML | Base64, Base64, Raw} {
		for _, plus := range []bool{false, true} {
			r, err := New(WithEncodings(enc))
			if err != nil {
				t.Fatal(err)
			}
			s := *r.cur.Load()
			s.plusSpace = plus && s.decoders&URL != 0
			out = append(out, &s)
		}
	}
	return out
}

// sweepTexts are random texts up to past detect.SweepMax: log-like bytes,
// escapes of every decoder, base64 runs, and the markers' high-bit twins.
func fusedTexts(rng *rand.Rand) [][]byte {
	pieces := []string{"plain log text ", "a%2F", "%", "\\u00", "\\", "&amp;", "&#x2B;", "&", "+", "=", "==", "\n", "\r\n",
		"\xa5", "\xdc", "\xa6", "\xab", "\x80", "\x00", "ghp_", "AKIA", "key=", "https://u:p@h/",
		"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xt", "Zm9vYmFy+/-_", " "}
	var texts [][]byte
	for _, n := range []int{0, 1, 31, 32, 33, 64, 96, 140, 1000, 2047, 2048, 2049, 2200} {
		for range 8 {
			var b []byte
			for len(b) < n {
				b = append(b, pieces[rng.IntN(len(pieces))]...)
			}
			texts = append(texts, b[:n])
		}
	}
	return texts
}

// checkFused: the sweep the detectors' scan makes for s equals the
// decoding scan's own (assembly and Go), on texts it sweeps.
func checkFused(t *testing.T, s *snapshot, text []byte) {
	t.Helper()
	fs := detect.Sweep{Markers: s.sweepSetup().words}
	s.det.set.FindEncodedSweep(nil, text, &fs)
	if fs.Done != (len(text) <= detect.SweepMax) {
		t.Fatalf("text %d bytes: Done %v", len(text), fs.Done)
	}
	if !fs.Done {
		return
	}
	var tab [16]byte
	binary.LittleEndian.PutUint64(tab[:8], fs.Markers[0])
	binary.LittleEndian.PutUint64(tab[8:], fs.Markers[1])
	sw := sweep{s: s}
	for k, d := range s.decs() {
		if s.decoders&d.enc != 0 {
			sw.decs[sw.nd] = &s.decs()[k]
			sw.nd++
		}
	}
	if want := sw.markerTable(); tab != want {
		t.Fatalf("decoders %b, plus %v: marker words %x, markerTable %q", s.decoders, s.plusSpace, fs.Markers, want)
	}
	for _, goRef := range []bool{false, true} {
		if !haveBlocks && !goRef {
			continue
		}
		m, d := separateSweep(text, &tab, goRef)
		if s.decoders&Base64 == 0 {
			d, fs.Dense = 0, 0 // swept ignores them
		}
		if fs.Marks != m || fs.Dense != d {
			t.Fatalf("text %d bytes, decoders %b, plus %v (Go %v): fused marks %x dense %x, separate %x %x",
				len(text), s.decoders, s.plusSpace, goRef, fs.Marks, fs.Dense, m, d)
		}
	}
}

func TestFusedSweepEqualsSeparate(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	texts := fusedTexts(rng)
	for _, s := range sweepSnapshots(t) {
		for _, text := range texts {
			checkFused(t, s, text)
		}
	}
}

// TestFusedSpansAgree: the decoding scan finds the same spans with the
// sweep of the detectors' scan, with its own pass and with the portable
// scan, on texts full of escapes, tokens and wrapped base64 of every
// length around detect.SweepMax.
func TestFusedSpansAgree(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(53, 54))
	var secrets []Secret
	for i := range 6 {
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
	if s.det == nil {
		t.Fatal("no detectors by default")
	}
	var forms [][]byte
	for _, sec := range secrets {
		js, _ := json.Marshal(sec.Value)
		b64 := base64.StdEncoding.EncodeToString(append(bytes.Repeat([]byte("x"), rng.IntN(60)), sec.Value...))
		forms = append(forms, []byte(sec.Value), []byte(url.QueryEscape(sec.Value)), js,
			wrapLines(b64, 64, "\n"), wrapLines(b64, 76, "\r\n"), []byte(url.QueryEscape(string(js))))
	}
	tok := "ghp_" + "Xk29vLq8Rt4Wm7Zn3Bc6Df1Gh5Jk0Pq2Sa9"
	forms = append(forms, []byte(tok), []byte(url.QueryEscape("token="+tok)), []byte(base64.StdEncoding.EncodeToString([]byte("Authorization: "+tok))))
	long := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xa5, 0x3c, 0x7e}, 40))
	fillers := []string{"plain log text ", "a%2 ", "\\u00", "\\", "%", "+", "&", "\r\n", "\n", "QUJD", "==", long, long + "\n"}
	defer func() { forceNoBlocks, forceNoFuse = false, false }()
	for round := range 120 {
		var text []byte
		want := 40 + rng.IntN(2300)
		for len(text) < want {
			if rng.IntN(3) == 0 {
				text = append(text, forms[rng.IntN(len(forms))]...)
			} else {
				text = append(text, fillers[rng.IntN(len(fillers))]...)
			}
		}
		for _, cut := range []int{len(text), detect.SweepMax, detect.SweepMax - 1, detect.SweepMax + 1, 140, 129} {
			in := text[:min(cut, len(text))]
			forceNoBlocks, forceNoFuse = false, false
			a := s.spans(nil, in)
			forceNoFuse = true
			b := s.spans(nil, in)
			forceNoBlocks = true
			c := s.spans(nil, in)
			if !slices.Equal(a, b) || !slices.Equal(a, c) {
				t.Fatalf("round %d, %d bytes: %d spans fused, %d by blocks, %d by the portable scan", round, len(in), len(a), len(b), len(c))
			}
			checkFused(t, s, in)
		}
	}
}

// FuzzFusedSweep: on any text, the sweep of the detectors' scan equals
// the decoding scan's own, for every set of decoders, and the spans found
// with it equal those found without.
func FuzzFusedSweep(f *testing.F) {
	rng := rand.New(rand.NewPCG(55, 56))
	for _, text := range fusedTexts(rng)[:60] {
		f.Add(text)
	}
	snaps := sweepSnapshots(f)
	r, err := New()
	if err != nil {
		f.Fatal(err)
	}
	s := r.cur.Load()
	f.Fuzz(func(t *testing.T, text []byte) {
		for _, sn := range snaps {
			checkFused(t, sn, text)
		}
		defer func() { forceNoFuse = false }()
		forceNoFuse = false
		a := s.spans(nil, text)
		forceNoFuse = true
		b := s.spans(nil, text)
		if !slices.Equal(a, b) {
			t.Fatalf("%d bytes: %d spans fused, %d by blocks", len(text), len(a), len(b))
		}
	})
}

// TestSweepSetups: the setup of every set of encodings (with and without
// '+') holds the decoders the scan enables and their markers' table.
func TestSweepSetups(t *testing.T) {
	for enc := Encoding(0); enc <= AllEncodings; enc++ {
		for _, plus := range []bool{false, true} {
			s := snapshot{decoders: enc & decodedFamilies, plusSpace: plus && enc&URL != 0}
			set := s.sweepSetup()
			var want []*decoder
			var tab [16]byte
			for i := range tab {
				tab[i] = 0x80
			}
			for k, d := range s.decs() {
				if s.decoders&d.enc != 0 {
					want = append(want, &s.decs()[k])
					tab[d.marker&15] = d.marker
				}
			}
			if !slices.Equal(set.decs[:set.nd], want) || set.tab != tab {
				t.Fatalf("encodings %b, plus %v: setup %d decoders, table %q; want %d, %q", enc, plus, set.nd, set.tab, len(want), tab)
			}
			var w [16]byte
			binary.LittleEndian.PutUint64(w[:8], set.words[0])
			binary.LittleEndian.PutUint64(w[8:], set.words[1])
			if w != tab {
				t.Fatalf("encodings %b, plus %v: words %x, table %q", enc, plus, set.words, tab)
			}
		}
	}
}
