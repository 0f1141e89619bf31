package detect

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"testing"
)

// candEvents runs the candidate scan over text and returns every chunk it
// stops at with its masks.
func candEvents(s *Set, text []byte, goPath, avx2 bool) [][4]uint64 {
	defer func(f, g bool) { forceCandGo, forceCandAVX2 = f, g }(forceCandGo, forceCandAVX2)
	forceCandGo, forceCandAVX2 = goPath, avx2
	return candEventsNow(s, text)
}

// candEventsTables is candEvents of the nibble tables read byte by byte
// (chunkMasks and step), the reference of the Go path and the assembly.
func candEventsTables(s *Set, text []byte) [][4]uint64 {
	defer func(f bool) { forceCandTables = f }(forceCandTables)
	forceCandTables = true
	return candEventsNow(s, text)
}

func candEventsNow(s *Set, text []byte) [][4]uint64 {
	sc := candScan{tabs: s.tabs}
	var out [][4]uint64
	for {
		o, c, e, m, ok := sc.next(text)
		if !ok {
			return out
		}
		out = append(out, [4]uint64{uint64(o), c, e, m})
	}
}

// candEventsRef is the scan written bytewise from its definition: a
// candidate at every word start whose two bytes begin a prefix (the exact
// pairs) and at every "JQ"; an end after every run of at least
// MinBase64Run base64 characters that holds both cases. The fast paths
// may report more candidates (the buckets over-approximate), never fewer.
func candEventsRef(s *Set, text []byte) (cands map[int]bool, ends map[int]bool) {
	cands, ends = map[int]bool{}, map[int]bool{}
	for i := range text {
		if s.cask != nil && i+1 < len(text) && text[i] == 'J' && text[i+1] == 'Q' {
			cands[i] = true
		}
		if i > 0 && alnum[text[i-1]] {
			continue
		}
		if s.pem != nil && i+1 < len(text) && text[i] == '-' && text[i+1] == 'B' {
			cands[i] = true
		}
		if s.url != nil && i+1 < len(text) && text[i] == '/' && text[i+1] == '/' {
			cands[i] = true
		}
		k := int(text[i]) << 8
		if i+1 < len(text) {
			k |= int(text[i+1])
		}
		if s.pairs[k/64]&(1<<(k%64)) != 0 {
			cands[i] = true
		}
	}
	for i := 0; i < len(text); {
		if !b64Any[text[i]] {
			i++
			continue
		}
		j := i
		for j < len(text) && b64Any[text[j]] {
			j++
		}
		if j-i >= MinBase64Run && mixedCaseRef(text[i:j]) {
			ends[j] = true
		}
		i = j
	}
	return cands, ends
}

// candTexts are random and adversarial texts for the scan: runs of base64
// across chunk boundaries, prefixes at every offset, bytes above 0x7f, NULs.
func candTexts(rng *rand.Rand) [][]byte {
	var out [][]byte
	alpha := []string{
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_",
		"abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789",
		" .:=@\n\x00\x80\xff{}[]`~", "ghp_AKIAsk-xoxb-JQQJ9SG.dp.glpat-",
	}
	for range 400 {
		n := rng.IntN(300)
		if rng.IntN(10) == 0 {
			n = rng.IntN(3000)
		}
		b := make([]byte, 0, n)
		for len(b) < n {
			a := alpha[rng.IntN(len(alpha))]
			for k := rng.IntN(70); k > 0 && len(b) < n; k-- {
				b = append(b, a[rng.IntN(len(a))])
			}
		}
		out = append(out, b)
	}
	// Runs of every length around 27 and 64, ending at every offset.
	for _, l := range []int{26, 27, 28, 63, 64, 65, 127, 128, 129, 200} {
		for off := range 70 {
			b := bytes.Repeat([]byte{' '}, off)
			for k := range l {
				b = append(b, "aB"[k%2])
			}
			out = append(out, b, append(append([]byte(nil), b...), ' '))
		}
	}
	for _, fam := range families {
		tok := fam.gen(rng)
		for off := range 66 {
			b := append(bytes.Repeat([]byte{'.'}, off), tok...)
			out = append(out, b, []byte(base64.StdEncoding.EncodeToString(b)))
		}
	}
	return out
}

// TestCandScanAgrees: the assembly and the Go path stop at the same chunks
// with the same masks, and both report every candidate and base64 end of
// the bytewise reference (and only ends it reports).
func TestCandScanAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, s := range []*Set{Default(), allSet(t), mustSet(t, "aws-access-key-id")} {
		for ti, text := range candTexts(rng) {
			goEv := candEvents(s, text, true, false)
			for _, path := range []struct {
				name string
				have bool
				avx2 bool
			}{{"tables", true, false}, {"AVX2", haveCandAVX2, true}, {"AVX-512", haveCand512, false}} {
				if !path.have {
					continue
				}
				var asmEv [][4]uint64
				if path.name == "tables" {
					asmEv = candEventsTables(s, text)
				} else {
					asmEv = candEvents(s, text, false, path.avx2)
				}
				if len(asmEv) != len(goEv) {
					t.Fatalf("%s, text %d (%d bytes): %d events there, %d in Go", path.name, ti, len(text), len(asmEv), len(goEv))
				}
				for k := range goEv {
					if asmEv[k] != goEv[k] {
						t.Fatalf("%s, text %d (%d bytes): event %d differs: there %x, Go %x", path.name, ti, len(text), k, asmEv[k], goEv[k])
					}
				}
			}
			cands, ends := candEventsRef(s, text)
			gotC, gotE := map[int]bool{}, map[int]bool{}
			for _, ev := range goEv {
				for k := range 64 {
					if ev[1]>>k&1 != 0 {
						gotC[int(ev[0])+k] = true
					}
					if ev[2]>>k&1 != 0 {
						gotE[int(ev[0])+k] = true
					}
				}
			}
			for i := range cands {
				if !gotC[i] {
					t.Fatalf("text %d (%d bytes): candidate at %d missed", ti, len(text), i)
				}
			}
			if len(gotE) != len(ends) {
				t.Fatalf("text %d (%d bytes): %d base64 ends, want %d", ti, len(text), len(gotE), len(ends))
			}
			for i := range ends {
				if !gotE[i] {
					t.Fatalf("text %d (%d bytes): base64 end at %d missed", ti, len(text), i)
				}
			}
		}
	}
}

func mustSet(t *testing.T, ids ...string) *Set {
	t.Helper()
	s, err := New(ids...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCandScanFindsWhatSamplingFound: on random and adversarial text, the
// candidate scan finds every token the sampling scan found (the same span
// and rule), as written and in base64.
func TestCandScanFindsWhatSamplingFound(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	texts := candTexts(rng)
	// Tokens in log-like text: after separators, inside runs, glued to
	// base64 and to each other.
	for range 300 {
		var b []byte
		for range 1 + rng.IntN(6) {
			b = append(b, []string{" ", "=", "/", ".", "_", "-", "+", "x", "\n", "%2F", ":"}[rng.IntN(11)]...)
			if rng.IntN(3) == 0 {
				for range rng.IntN(40) {
					b = append(b, "aZ09+/_-"[rng.IntN(8)])
				}
			}
			tok := families[rng.IntN(len(families))].gen(rng)
			if rng.IntN(3) == 0 {
				tok = base64.StdEncoding.EncodeToString([]byte([]string{"", "u:", "ab"}[rng.IntN(3)] + tok))
			}
			b = append(b, tok...)
		}
		texts = append(texts, b)
	}
	total := 0
	for _, s := range []*Set{Default(), allSet(t)} {
		for ti, text := range texts {
			for _, b64 := range []bool{false, true} {
				var old, cur []Finding
				if b64 {
					old = s.oldScanTokensB64(nil, text)
					cur = s.scanTokensB64(nil, text, nil)
				} else {
					old = s.oldScanTokens(nil, text)
					cur = s.scanTokens(nil, text)
				}
				total += len(old)
				for _, f := range old {
					found := false
					for _, g := range cur {
						if g.Start == f.Start && g.End == f.End && g.Rule == f.Rule {
							found = true
						}
					}
					if !found {
						t.Errorf("text %d (%d bytes, base64 %v): %s at [%d,%d) found by sampling, not by the candidate scan", ti, len(text), b64, f.Rule.ID, f.Start, f.End)
					}
				}
			}
		}
	}
	t.Logf("%d findings of the sampling scan checked", total)
	if total < 500 {
		t.Fatalf("only %d findings of the sampling scan: the texts do not exercise it", total)
	}
}

// TestCandChunksGoAgrees: candChunksGo (the assembly's stand-in where
// there is none) reports the batches the AVX2 assembly reports, from
// every start, whole texts and prefixes (stop), with and without the
// decoders' sweep; the bytes the assembly reads past the end are random
// (it must clear them).
func TestCandChunksGoAgrees(t *testing.T) {
	if !haveCandAVX2 {
		t.Skip("no assembly here")
	}
	rng := rand.New(rand.NewPCG(27, 28))
	s := allSet(t)
	for ti, text := range candTexts(rng) {
		n := len(text)
		buf := make([]byte, n+129)
		copy(buf, text)
		for i := n; i < len(buf); i++ {
			buf[i] = byte(rng.IntN(256))
		}
		for _, sweep := range []bool{false, true} {
			for _, stop := range []int{n + 1, n &^ 63, (n - 1) &^ 63, rng.IntN(n + 2)} {
				var st1, st2 candState
				if sweep {
					mt := MarkerTable('%', '\\', '&', '+')
					st1.swLo, st1.swHi, st1.swPos = mt[0], mt[1], 1
					st2 = st1
				}
				for o := 0; o < stop && o <= n; {
					var ev1, ev2 [candBatch]candEvent
					r1, c1 := candChunks(&buf[o], n-o, stop-o, s.tabs, &st1, &ev1)
					r2, c2 := candChunksGo(text[o:], n-o, stop-o, s.tabs, &st2, &ev2)
					if r1 != r2 || c1 != c2 || ev1 != ev2 || st1 != st2 {
						t.Fatalf("text %d (%d bytes) at %d, stop %d, sweep %v: assembly (%d, %d), Go (%d, %d), or the batches or states differ", ti, n, o, stop, sweep, r1, c1, r2, c2)
					}
					if r1 == 0 {
						t.Fatalf("text %d: no progress at %d", ti, o)
					}
					o += r1
				}
			}
		}
	}
}

// TestClassOrder: each byte has at most one class bit, in the order the
// AVX2 path compares them in (classOrder).
func TestClassOrder(t *testing.T) {
	if !classOrder {
		t.Fatal("the class bits are not in the order of classOrder")
	}
	tabs := Default().tabs
	for c := range 256 {
		if cls := tabs.cls256[c]; cls&(cls-1) != 0 {
			t.Fatalf("byte %#x has classes %#x", c, cls)
		}
	}
}

// FuzzCandScan: on any text, the assembly paths report what the Go path
// reports, and every candidate and base64 end of the bytewise reference.
func FuzzCandScan(f *testing.F) {
	rng := rand.New(rand.NewPCG(29, 30))
	for _, text := range candTexts(rng)[:60] {
		f.Add(text)
	}
	s := allSet(f)
	f.Fuzz(func(t *testing.T, text []byte) {
		goEv := candEvents(s, text, true, false)
		for _, path := range []struct {
			name       string
			have, avx2 bool
		}{{"tables", true, false}, {"AVX2", haveCandAVX2, true}, {"AVX-512", haveCand512, false}} {
			if !path.have {
				continue
			}
			var ev [][4]uint64
			if path.name == "tables" {
				ev = candEventsTables(s, text)
			} else {
				ev = candEvents(s, text, false, path.avx2)
			}
			if len(ev) != len(goEv) {
				t.Fatalf("%s: %d events, Go %d (text %d bytes)", path.name, len(ev), len(goEv), len(text))
			}
			for k := range ev {
				if ev[k] != goEv[k] {
					t.Fatalf("%s: event %d differs (text %d bytes)", path.name, k, len(text))
				}
			}
		}
		cands, ends := candEventsRef(s, text)
		got := map[int]bool{}
		gotE := 0
		for _, ev := range goEv {
			for k := range 64 {
				if ev[1]>>k&1 != 0 {
					got[int(ev[0])+k] = true
				}
				if ev[2]>>k&1 != 0 {
					gotE++
					if !ends[int(ev[0])+k] {
						t.Fatalf("base64 end at %d not in the reference (text %d bytes)", int(ev[0])+k, len(text))
					}
				}
			}
		}
		if gotE != len(ends) {
			t.Fatalf("%d base64 ends, reference %d (text %d bytes)", gotE, len(ends), len(text))
		}
		for i := range cands {
			if !got[i] {
				t.Fatalf("candidate at %d missed (text %d bytes)", i, len(text))
			}
		}
	})
}

// TestCandGoEveryByte: the Go path (SWAR) reports what the nibble tables
// read byte by byte report, on text of every byte value at every place in
// a word and a chunk: random bytes, and each byte next to the neighbours
// of the class ranges' ends and the same bytes with the high bit set.
func TestCandGoEveryByte(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	edges := []byte("*+,-./09:@AJOPQZ[^_`ajopqz{\x7f")
	for _, c := range edges[:len(edges):len(edges)] {
		edges = append(edges, c|0x80)
	}
	var texts [][]byte
	for range 300 {
		b := make([]byte, rng.IntN(300))
		for i := range b {
			if rng.IntN(2) == 0 {
				b[i] = byte(rng.IntN(256))
			} else {
				b[i] = edges[rng.IntN(len(edges))]
			}
		}
		texts = append(texts, b)
	}
	for c := range 256 {
		for _, d := range edges {
			b := bytes.Repeat([]byte{d}, 130)
			for i := 0; i < len(b); i += 9 {
				b[i] = byte(c)
			}
			texts = append(texts, b)
		}
	}
	for _, s := range []*Set{Default(), allSet(t), mustSet(t, "aws-access-key-id")} {
		for ti, text := range texts {
			goEv := candEvents(s, text, true, false)
			tabEv := candEventsTables(s, text)
			if len(goEv) != len(tabEv) {
				t.Fatalf("text %d (%d bytes): %d events in Go, %d from the tables", ti, len(text), len(goEv), len(tabEv))
			}
			for k := range goEv {
				if goEv[k] != tabEv[k] {
					t.Fatalf("text %d (%d bytes): event %d differs: Go %x, tables %x", ti, len(text), k, goEv[k], tabEv[k])
				}
			}
		}
	}
}
