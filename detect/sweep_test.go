package detect

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"slices"
	"testing"
)

// sweepRef is the sweep written from its definition (see Sweep).
func sweepRef(text, markers []byte) (marks, dense uint64) {
	for k := 0; 32*k < len(text); k++ {
		b := text[32*k : min(len(text), 32*k+32)]
		for _, c := range b {
			if bytes.IndexByte(markers, c) >= 0 {
				marks |= 1 << k
			}
		}
		d := len(b) == 32
		for _, c := range b {
			if !(c == '=' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_') {
				d = false
			}
		}
		if d {
			dense |= 1 << k
		}
	}
	return marks, dense
}

// sweepPaths are the paths of the candidate scan a sweep is made on.
var sweepPaths = []struct {
	name                string
	have                bool
	tables, goPath, sse bool
}{
	{"tables", true, true, false, false},
	{"Go", true, false, true, false},
	{"AVX2", haveCandAVX2, false, false, true},
	{"AVX-512", haveCand512, false, false, false},
}

// sweepOn runs FindEncodedSweep on the path p.
func sweepOnPath(s *Set, text []byte, markers []byte, tables, goPath, avx2 bool) ([]Finding, Sweep) {
	defer func(f, g, h bool) { forceCandGo, forceCandAVX2, forceCandTables = f, g, h }(forceCandGo, forceCandAVX2, forceCandTables)
	forceCandGo, forceCandAVX2, forceCandTables = goPath, avx2, tables
	sw := Sweep{Markers: MarkerTable(markers...)}
	fs := s.FindEncodedSweep(nil, text, &sw)
	return fs, sw
}

// checkSweep: on every path, FindEncodedSweep and FindEncoded (which
// scan up to the first event before they search) find what find finds,
// and FindEncodedSweep sweeps text as the definition says (where it is
// short enough).
func checkSweep(t *testing.T, s *Set, text, markers []byte) {
	t.Helper()
	want := s.find(nil, text, true)
	if got := s.FindEncoded(nil, text); !slices.Equal(got, want) {
		t.Fatalf("FindEncoded: %d findings, find %d (text %d bytes)", len(got), len(want), len(text))
	}
	wm, wd := sweepRef(text, markers)
	for _, p := range sweepPaths {
		if !p.have {
			continue
		}
		fs, sw := sweepOnPath(s, text, markers, p.tables, p.goPath, p.sse)
		if !slices.Equal(fs, want) {
			t.Fatalf("%s: %d findings, find %d (text %d bytes)", p.name, len(fs), len(want), len(text))
		}
		if sw.Done != (len(text) <= SweepMax) {
			t.Fatalf("%s: Done %v for a text of %d bytes", p.name, sw.Done, len(text))
		}
		if !sw.Done {
			continue
		}
		if sw.Marks != wm || sw.Dense != wd {
			t.Fatalf("%s: text %d bytes, markers %q: marks %x dense %x, want %x %x", p.name, len(text), markers, sw.Marks, sw.Dense, wm, wd)
		}
	}
}

// sweepMarkerSets are the marker sets of the tests: redact's (with and
// without '+'), none, and ones whose table has a marker at index 0 or
// 0x80 next to one (the bytes with the high bit set must not match).
var sweepMarkerSets = [][]byte{
	[]byte("%\\&"), []byte("%\\&+"), nil, []byte("@"), []byte("0\x7f"), []byte("p?"), []byte("=A/"),
}

// sweepTexts are random and adversarial texts: every length up to past
// SweepMax's end; markers and their high-bit twins (0xa5 for '%') at the
// ends of blocks and chunks; blocks of base64 with one byte spoilt;
// '=' runs; the placeholder byte 0x80.
func sweepTexts(rng *rand.Rand) [][]byte {
	alpha := []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=")
	odd := []byte("%\\&+@0p\x7f=A-/\xa5\xdc\xa6\xab\xc0\x80\x00 \n.:")
	var texts [][]byte
	for _, n := range []int{0, 1, 31, 32, 33, 63, 64, 65, 95, 96, 127, 128, 129, 140, 200, 1000, 2015, 2016, 2047, 2048, 2049, 2100} {
		for range 6 {
			b := make([]byte, n)
			for i := range b {
				switch r := rng.IntN(10); {
				case r < 6:
					b[i] = alpha[rng.IntN(len(alpha))]
				case r < 9:
					b[i] = odd[rng.IntN(len(odd))]
				default:
					b[i] = byte(rng.IntN(256))
				}
			}
			texts = append(texts, b)
		}
		// Dense base64 with one odd byte at each block edge.
		for _, c := range odd {
			b := make([]byte, n)
			for i := range b {
				b[i] = alpha[rng.IntN(len(alpha)-1)]
			}
			for i := 0; i < n; i += 32 {
				if rng.IntN(3) == 0 {
					b[i] = c
				} else if i+31 < n && rng.IntN(2) == 0 {
					b[i+31] = c
				}
			}
			texts = append(texts, b)
		}
	}
	for range 200 {
		b := make([]byte, rng.IntN(SweepMax+100))
		for i := range b {
			b[i] = odd[rng.IntN(len(odd))]
			if rng.IntN(4) != 0 {
				b[i] = alpha[rng.IntN(len(alpha))]
			}
		}
		texts = append(texts, b)
	}
	return texts
}

// sweepTokenTexts are log lines holding tokens of every family (as
// written, base64-encoded, URL-escaped) at every offset of a chunk, and
// texts of the gates' tests (URLs with userinfo, PEM blocks): texts the
// scan has events in and the searches find something in.
func sweepTokenTexts(rng *rand.Rand) [][]byte {
	var out [][]byte
	for _, f := range families {
		tok := f.gen(rng)
		for off := 0; off < 70; off += 1 + rng.IntN(9) {
			pad := bytes.Repeat([]byte{' '}, off)
			out = append(out,
				[]byte(string(pad)+"token="+tok+" %2F done"),
				[]byte(string(pad)+"auth "+base64.StdEncoding.EncodeToString([]byte("key: "+tok))+"\n"),
			)
		}
	}
	g := gateTexts(rng)
	for range 150 {
		out = append(out, g[rng.IntN(len(g))])
	}
	return out
}

func TestSweepPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	texts := append(sweepTexts(rng), sweepTokenTexts(rng)...)
	found := 0
	for _, s := range []*Set{Default(), allSet(t), mustSet(t, "aws-access-key-id")} {
		for _, markers := range sweepMarkerSets {
			for _, text := range texts {
				checkSweep(t, s, text, markers)
			}
		}
		for _, text := range texts {
			found += len(s.find(nil, text, true))
		}
	}
	if found < len(families) {
		t.Fatalf("%d findings in all: the texts do not exercise the searches", found)
	}
}

// TestSweepEveryByte: each byte value at every place of a block, in a
// text of base64 and in one of spaces, for the marker sets.
func TestSweepEveryByte(t *testing.T) {
	s := Default()
	for _, markers := range sweepMarkerSets {
		for c := range 256 {
			for _, fill := range []byte{'Q', ' '} {
				b := bytes.Repeat([]byte{fill}, 200)
				for i := c % 7; i < len(b); i += 7 {
					b[i] = byte(c)
				}
				checkSweep(t, s, b, markers)
				checkSweep(t, s, b[:129], markers)
			}
		}
	}
}

// TestSweepNoScan: a set that does not scan (none) does not sweep.
func TestSweepNoScan(t *testing.T) {
	var s *Set
	sw := Sweep{Markers: MarkerTable('%'), Marks: 1, Done: true}
	if fs := s.FindEncodedSweep(nil, []byte("a%b"), &sw); len(fs) != 0 || sw.Done || sw.Marks != 0 {
		t.Fatalf("nil set: %d findings, sweep %+v", len(fs), sw)
	}
}

// FuzzSweep: on any text and markers, every path's sweep is the
// definition's, and its findings FindEncoded's.
func FuzzSweep(f *testing.F) {
	rng := rand.New(rand.NewPCG(43, 44))
	for k, text := range append(sweepTexts(rng)[:80], sweepTokenTexts(rng)[:40]...) {
		f.Add(text, sweepMarkerSets[k%len(sweepMarkerSets)])
	}
	s := allSet(f)
	f.Fuzz(func(t *testing.T, text, markers []byte) {
		// A table holds one marker a low nibble, from 1 to 0x7f.
		var seen [16]bool
		var ms []byte
		for _, c := range markers {
			if c != 0 && c < 0x80 && !seen[c&15] {
				seen[c&15] = true
				ms = append(ms, c)
			}
		}
		checkSweep(t, s, text, ms)
	})
}
