package fingerprint

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// naive finds every occurrence of every pattern by brute force.
func naive(patterns []Pattern, text []byte) []Match {
	var out []Match
	for _, p := range patterns {
		for i := 0; i+len(p.Value) <= len(text); i++ {
			if bytes.Equal(text[i:i+len(p.Value)], p.Value) {
				out = append(out, Match{Start: i, End: i + len(p.Value), ID: p.ID})
			}
		}
	}
	return sorted(out)
}

func sorted(ms []Match) []Match {
	slices.SortFunc(ms, func(a, b Match) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		if a.End != b.End {
			return a.End - b.End
		}
		return int(a.ID) - int(b.ID)
	})
	return ms
}

func randBytes(rng *rand.Rand, n int, alphabet string) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return b
}

func TestFindMatchesNaive(t *testing.T) {
	// A small alphabet makes overlaps, repeats and near misses common.
	for _, alphabet := range []string{"ab", "abc", "abcdefghijklmnopqrstuvwxyz0123456789"} {
		for _, lens := range [][2]int{{4, 8}, {4, 40}, {12, 20}, {16, 64}, {30, 31}} {
			t.Run(fmt.Sprintf("%d-%v", len(alphabet), lens), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(len(alphabet)), uint64(lens[0]*100+lens[1])))
				for round := 0; round < 20; round++ {
					seen := map[string]bool{}
					var ps []Pattern
					for len(ps) < 1+rng.IntN(30) {
						v := randBytes(rng, lens[0]+rng.IntN(lens[1]-lens[0]+1), alphabet)
						if seen[string(v)] {
							continue
						}
						seen[string(v)] = true
						ps = append(ps, Pattern{Value: v, ID: uint32(len(ps))})
					}
					text := randBytes(rng, rng.IntN(400), alphabet)
					for k := 0; k < 5; k++ { // plant some occurrences
						p := ps[rng.IntN(len(ps))].Value
						at := rng.IntN(len(text) + 1)
						text = append(text[:at], append(append([]byte(nil), p...), text[at:]...)...)
					}
					want := naive(ps, text)
					ix, err := Build(ps)
					if err != nil {
						t.Fatal(err)
					}
					got := sorted(ix.Find(nil, text))
					if !slices.Equal(got, want) {
						t.Fatalf("round %d: Find = %v, want %v", round, got, want)
					}
					if ix.Contains(text) != (len(want) > 0) {
						t.Fatalf("round %d: Contains = %v, want %v", round, !(len(want) > 0), len(want) > 0)
					}
				}
			})
		}
	}
}

func TestEdges(t *testing.T) {
	p := []byte("0123456789abcdefXYZ")
	ix, err := Build([]Pattern{{Value: p, ID: 7}, {Value: []byte("tiny"), ID: 8}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want int
	}{
		{"", 0},
		{"tin", 0},
		{"tiny", 1},
		{string(p), 1},
		{string(p[:len(p)-1]), 0},
		{"x" + string(p), 1},
		{string(p) + "x", 1},
		{string(p) + string(p), 2},
		{"tinytiny", 2},
		{string(p[1:]), 0},
	} {
		if got := len(ix.Find(nil, []byte(tc.text))); got != tc.want {
			t.Errorf("Find(%q): %d matches, want %d", tc.text, got, tc.want)
		}
	}
	var empty *Index
	if empty.Find(nil, p) != nil || empty.Contains(p) || empty.Len() != 0 {
		t.Error("nil index found something")
	}
	if _, err := Build([]Pattern{{Value: []byte("abc")}}); err == nil {
		t.Error("Build accepted a 3-byte pattern")
	}
}

// dump returns every byte the index structures hold.
func (ix *Index) dump() []byte {
	var b []byte
	raw := func(p unsafe.Pointer, n int) { b = append(b, unsafe.Slice((*byte)(p), n)...) }
	raw(unsafe.Pointer(ix), int(unsafe.Sizeof(*ix)))
	for i := range ix.classes {
		c := &ix.classes[i]
		raw(unsafe.Pointer(c), int(unsafe.Sizeof(*c)))
		if len(c.filter) > 0 {
			raw(unsafe.Pointer(&c.filter[0]), 8*len(c.filter))
		}
		if len(c.offsets) > 0 {
			raw(unsafe.Pointer(&c.offsets[0]), 4*len(c.offsets))
		}
		if len(c.entries) > 0 {
			raw(unsafe.Pointer(&c.entries[0]), int(unsafe.Sizeof(entry{}))*len(c.entries))
		}
	}
	return b
}

func TestIndexHoldsNoPlaintext(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var ps []Pattern
	for i := 0; i < 2000; i++ {
		ps = append(ps, Pattern{Value: randBytes(rng, 8+rng.IntN(40), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"), ID: uint32(i)})
	}
	ix, err := Build(ps)
	if err != nil {
		t.Fatal(err)
	}
	mem := ix.dump()
	if len(mem) < ix.MemoryBytes()/2 {
		t.Fatalf("dump covers %d bytes of %d", len(mem), ix.MemoryBytes())
	}
	for _, p := range ps {
		// Any 8-byte piece of a value would be plaintext.
		for o := 0; o+8 <= len(p.Value); o += 4 {
			if bytes.Contains(mem, p.Value[o:o+8]) {
				t.Fatalf("index memory holds 8 bytes of pattern %d", p.ID)
			}
		}
	}
	// And the index still finds them all.
	for _, p := range ps[:50] {
		if !ix.Contains(p.Value) {
			t.Fatalf("pattern %d not found", p.ID)
		}
	}
}

// TestMemoryPerPattern: past smallFilter of filter (about 470,000
// patterns of 16 bytes), the compact layout holds an index to 32 bytes a
// pattern; below it, speed comes first and the bound is 56.
func TestMemoryPerPattern(t *testing.T) {
	for _, tc := range []struct{ n, budget int }{{100_000, 56}, {600_000, 32}} {
		if tc.n > 100_000 && testing.Short() {
			continue
		}
		memoryPerPattern(t, tc.n, tc.budget)
	}
}

func memoryPerPattern(t *testing.T, n, budget int) {
	rng := rand.New(rand.NewPCG(3, 4))
	var ps []Pattern
	for i := 0; i < n; i++ {
		ps = append(ps, Pattern{Value: randBytes(rng, 16+rng.IntN(33), "abcdefghijklmnopqrstuvwxyz0123456789"), ID: uint32(i)})
	}
	ix, err := Build(ps)
	if err != nil {
		t.Fatal(err)
	}
	per := float64(ix.MemoryBytes()) / float64(len(ps))
	t.Logf("%d patterns: %.1f bytes per pattern, built in %v", n, per, ix.BuildTime())
	if per > float64(budget) {
		t.Errorf("%d patterns: index uses %.1f bytes per pattern, budget is %d", n, per, budget)
	}
}

// TestLargeIndex covers the large filters (past 2 MiB: huge pages; past
// smallFilter, 8 MiB: stride capped at 9, 15 bits per gram): every planted
// occurrence is found, every match is a real one, and the memory stays
// within budget, for short and long shortest patterns.
func TestLargeIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("builds indexes of 40,000 to 600,000 patterns")
	}
	for _, tc := range []struct{ n, minLen, maxLen int }{{40_000, 16, 48}, {320_000, 30, 90}, {600_000, 16, 48}, {600_000, 30, 90}} {
		t.Run(fmt.Sprintf("%d-%d", tc.n, tc.minLen), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.n), uint64(tc.minLen)))
			ps := make([]Pattern, tc.n)
			for i := range ps {
				ps[i] = Pattern{Value: randBytes(rng, tc.minLen+rng.IntN(tc.maxLen-tc.minLen+1), "abcdefghijklmnopqrstuvwxyz0123456789"), ID: uint32(i)}
			}
			ix, err := Build(ps)
			if err != nil {
				t.Fatal(err)
			}
			budget := 56.0
			if tc.n >= 600_000 {
				budget = 32 // the compact layout
			}
			if per := float64(ix.MemoryBytes()) / float64(len(ps)); per > budget {
				t.Errorf("%.1f bytes per pattern, budget %.0f", per, budget)
			}
			// Plant 300 patterns in log-like text at random offsets.
			text := append([]byte(nil), benchText()[:200_000]...)
			want := map[Match]bool{}
			for k := 0; k < 300; k++ {
				p := ps[rng.IntN(len(ps))]
				at := rng.IntN(len(text) - len(p.Value))
				copy(text[at:], p.Value)
				want[Match{Start: at, End: at + len(p.Value), ID: p.ID}] = true
			}
			// A later plant can overwrite an earlier one: keep those still there.
			for m := range want {
				if !bytes.Equal(text[m.Start:m.End], ps[m.ID].Value) {
					delete(want, m)
				}
			}
			got := map[Match]bool{}
			for _, m := range ix.Find(nil, text) {
				if !bytes.Equal(text[m.Start:m.End], ps[m.ID].Value) {
					t.Fatalf("false match of pattern %d at %d", m.ID, m.Start)
				}
				got[m] = true
			}
			for m := range want {
				if !got[m] {
					t.Errorf("pattern %d at %d not found", m.ID, m.Start)
				}
			}
			for _, p := range ps[:200] {
				if !ix.Contains(p.Value) || !ix.MayStartAt(p.Value, 0, true) {
					t.Fatalf("pattern %d alone not found", p.ID)
				}
			}
		})
	}
}

func TestFindDoesNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var ps []Pattern
	for i := 0; i < 1000; i++ {
		ps = append(ps, Pattern{Value: randBytes(rng, 16+rng.IntN(33), "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), ID: uint32(i)})
	}
	ix, _ := Build(ps)
	text := bytes.Repeat([]byte("2026-11-26 07:40:31 INFO request served in 3ms path=/v1/items status=200\n"), 100)
	var buf [4]Match
	if n := testing.AllocsPerRun(100, func() { _ = ix.Find(buf[:0], text) }); n != 0 {
		t.Errorf("Find allocated %.1f times on clean text", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = ix.Contains(text) }); n != 0 {
		t.Errorf("Contains allocated %.1f times", n)
	}
}

func benchPatterns(n int) []Pattern {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	ps := make([]Pattern, n)
	for i := range ps {
		ps[i] = Pattern{Value: randBytes(rng, 16+rng.IntN(33), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"), ID: uint32(i)}
	}
	return ps
}

func benchText() []byte {
	rng := rand.New(rand.NewPCG(9, 9))
	words := []string{"INFO", "WARN", "request", "served", "user", "id=", "path=/api/v1/items", "status=200", "latency=3ms", "2026-11-26T07:40:31Z", "connection", "from", "10.0.0.12:5432", "closed", "retrying", "session", "cache", "miss"}
	var b bytes.Buffer
	for b.Len() < 1<<20 {
		for k := 0; k < 12; k++ {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// benchSizes are the pattern counts of 10, 1,000, 10,000 and 100,000
// secrets at redact's 19 forms per secret.
var benchSizes = []int{190, 19_000, 190_000, 1_900_000}

func BenchmarkFind(b *testing.B) {
	text := benchText()
	for _, n := range benchSizes {
		ix, err := Build(benchPatterns(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("patterns=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			b.ReportMetric(float64(ix.MemoryBytes())/float64(n), "B/pattern")
			var buf [8]Match
			for b.Loop() {
				if len(ix.Find(buf[:0], text)) != 0 {
					b.Fatal("match in clean text")
				}
			}
		})
	}
}

func BenchmarkBuild(b *testing.B) {
	for _, n := range benchSizes {
		ps := benchPatterns(n)
		b.Run(fmt.Sprintf("patterns=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Build(ps); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestMayStartAtSelective checks that MayStartAt, which a caller uses to
// decide whether to search a whole pattern's reach (redact's decoder
// restarts), admits every pattern start and almost nothing else: the
// prefix table's tags rule out what the filter alone admits (about one
// position in 400 on random text), for long patterns (pieces of long
// values) and short ones alike.
func TestMayStartAtSelective(t *testing.T) {
	for _, n := range []int{6, 24, 4096} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(n), 8))
			const alpha = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			var ps []Pattern
			for i := range 1500 {
				ps = append(ps, Pattern{Value: randBytes(rng, n, alpha), ID: uint32(i)})
			}
			ix, err := Build(ps)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				text := append(append([]byte("xy"), p.Value...), "zz"...)
				if !ix.MayStartAt(text, 2, true) || !ix.MayStartAt(text[:10], 2, false) {
					t.Fatalf("pattern %d: its start is not admitted", p.ID)
				}
				if n > 8 && ix.MayStartAt(text[:len(text)-3], 2, true) {
					t.Fatalf("pattern %d: admitted at a start where it cannot fit in the final text", p.ID)
				}
			}
			text := randBytes(rng, 200000, alpha)
			admitted := 0
			for i := 0; i+n <= len(text); i++ {
				if ix.MayStartAt(text, i, true) {
					admitted++
				}
			}
			// Short patterns have 4-byte first grams: about 20 of the
			// positions start one of them by chance.
			if limit := 20 + 40*min(1, shortLimit/n); admitted > limit {
				t.Errorf("%d of %d positions of random text admitted", admitted, len(text))
			}
		})
	}
}
