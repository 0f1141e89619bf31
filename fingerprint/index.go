package fingerprint

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"
	"time"
	"unsafe"

	"github.com/cespare/xxhash/v2"
)

// Pattern is one byte string to find. Value is read during Build and never
// retained: the Index keeps only keyed fingerprints and filter bits.
type Pattern struct {
	Value []byte
	// ID is returned in every Match of this pattern; the caller maps it to
	// a secret and an encoding.
	ID uint32
}

// Match is one occurrence of a pattern: text[Start:End] equals the pattern
// (up to a 2^-48 chance per entry compared of a collision of tag and
// fingerprint; see the package documentation: a false match redacts text
// that is no secret, it never misses one).
type Match struct {
	Start, End int
	ID         uint32
}

// MinPatternLen is the shortest pattern an Index accepts.
const MinPatternLen = 4

// MaxPatternLen is the longest pattern an Index accepts.
const MaxPatternLen = math.MaxUint16

// Index is an immutable multi-pattern matcher. It is safe for concurrent use
// by any number of goroutines. The zero value and nil are valid, empty indexes.
type Index struct {
	classes  []class // scanned in order; at most two (short and long)
	patterns int
	minLen   int
	maxLen   int
	build    time.Duration
}

// class holds the patterns whose lengths share one q-gram size and stride.
// See the package documentation for the algorithm.
type class struct {
	q      int // gram size in bytes: 4 or 8
	stride int // sampling step s; grams at pattern offsets 0..s-1 are in the filter
	minLen int // shortest pattern in the class

	// filter is a blocked bit filter over keyed hashes of q-grams: each gram
	// sets four bits in one 64-bit word (see filterMask), the word picked by
	// the top 32 bits of the hash scaled to the filter's length (see word).
	filter []uint64
	fkey   uint64
	fwords uint64 // len(filter), at most 2^32

	// The prefix table: patterns bucketed by a keyed hash of their first q
	// bytes, in CSR form (bucket b holds entries[offsets[b]:offsets[b+1]]).
	pkey    uint64
	pshift  uint
	offsets []uint32
	entries []entry
	fpSeed  uint64

	touched uint64 // the build's read-ahead values (see touchBatch); unused
}

// entry describes one pattern without its bytes: 12 bytes.
type entry struct {
	fp     uint32 // low half of a seeded xxhash of the whole pattern
	id     uint32
	length uint16 // MaxPatternLen fits
	tag    uint16 // low bits of the prefix hash, to skip most non-candidates without hashing
}

const (
	shortLimit  = 16      // patterns shorter than this go to the q=4 class
	maxStride   = 16      // more grams per pattern cost filter bits for little speed
	smallBits   = 16      // filter bits per gram of a small filter (four set per gram, in one word)
	smallFilter = 8 << 20 // bytes: a filter up to this size gets smallBits per gram
	largeStride = 9       // the stride of a larger filter: 16-byte patterns need no more
	largeBits   = 135     // filter bits per pattern of a larger filter: 15 per gram at stride 9
	minWords    = 8
	maxWords    = math.MaxInt32 // filter words (16 GiB): an int on every platform
	mulK        = 0x9E3779B97F4A7C15
)

// Build returns an Index over patterns. Patterns must be between
// MinPatternLen and MaxPatternLen bytes long; duplicate values should be
// removed by the caller (each occurrence is reported once per pattern).
func Build(patterns []Pattern) (*Index, error) {
	start := time.Now()
	ix := &Index{patterns: len(patterns)}
	if len(patterns) == 0 {
		return ix, nil
	}
	var short, long []int
	ix.minLen = math.MaxInt
	for i, p := range patterns {
		n := len(p.Value)
		if n < MinPatternLen || n > MaxPatternLen {
			return nil, fmt.Errorf("fingerprint: pattern %d (id %d) has length %d, want %d..%d", i, p.ID, n, MinPatternLen, MaxPatternLen)
		}
		ix.minLen = min(ix.minLen, n)
		ix.maxLen = max(ix.maxLen, n)
		if n < shortLimit {
			short = append(short, i)
		} else {
			long = append(long, i)
		}
	}
	if uint64(len(patterns)) > math.MaxUint32-1 {
		return nil, errors.New("fingerprint: too many patterns")
	}
	// The long class first: it is the common case, and Contains can stop
	// early.
	if len(long) > 0 {
		ix.classes = append(ix.classes, class{})
	}
	if len(short) > 0 {
		ix.classes = append(ix.classes, class{})
	}
	var wg sync.WaitGroup
	if len(long) > 0 {
		wg.Go(func() { ix.classes[0] = buildClass(patterns, long, 8) })
	}
	if len(short) > 0 {
		wg.Go(func() { ix.classes[len(ix.classes)-1] = buildClass(patterns, short, 4) })
	}
	wg.Wait()
	ix.build = time.Since(start)
	return ix, nil
}

func randomKey() uint64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand never fails on supported platforms; fall back to the
		// clock rather than a constant.
		return uint64(time.Now().UnixNano()) * mulK
	}
	return binary.LittleEndian.Uint64(b[:])
}

// filterWords sizes a class's filter and caps its stride. A filter of at
// most smallFilter bytes gets smallBits bits per gram: it sits in L2 and
// memory does not matter, speed does. A larger one is held to about
// largeBits bits per pattern, at most 16.9 bytes (a stride of at most
// largeStride grams of 15 bits each): its probes miss the cache anyway, and
// with 12-byte entries the index stays under 32 bytes per pattern. Fewer
// bits a gram make a smaller filter that passes more samples, and each
// pass costs up to largeStride probes of the prefix table, which misses the
// cache too: 12 bits a gram took 22% more instructions and 12% more L1
// misses a byte than 15 at 1.07 M patterns (callgrind's cache simulation).
func filterWords(patterns, stride int) (words, newStride int) {
	if patterns*stride*smallBits/8 <= smallFilterBytes {
		return max(minWords, (patterns*stride*smallBits+63)/64), stride
	}
	stride = min(stride, largeStride)
	bpg := min(smallBits, largeBits/stride)
	return min(max(minWords, (patterns*stride*bpg+63)/64), maxWords), stride
}

// smallFilterBytes is smallFilter; the layout benchmark moves it.
var smallFilterBytes = smallFilter

func buildClass(patterns []Pattern, members []int, q int) class {
	c := class{q: q, fkey: randomKey(), pkey: randomKey(), fpSeed: randomKey(), minLen: math.MaxInt}
	for _, i := range members {
		c.minLen = min(c.minLen, len(patterns[i].Value))
	}
	c.stride = min(c.minLen-q+1, maxStride)

	words, stride := filterWords(len(members), c.stride)
	c.stride = stride
	c.filter = allocFilter(words)
	c.fwords = uint64(words)

	// Prefix table: a power of two number of buckets, one per two to four
	// patterns (1 to 2 bytes of offsets per pattern; a bucket's entries
	// span one or two cache lines).
	buckets := 1 << bits.Len(uint(len(members)/4))
	c.pshift = uint(64 - bits.TrailingZeros(uint(buckets)))
	c.offsets = make([]uint32, buckets+1)
	hashes := make([]uint64, len(members))
	fps := make([]uint64, len(members))

	// Filling the filter (cache misses on a large bit array) and hashing
	// the patterns (CPU) run side by side.
	var wg sync.WaitGroup
	var filled uint64
	wg.Go(func() { filled = c.fillFilter(patterns, members) })
	for k, i := range members {
		v := patterns[i].Value
		hashes[k] = c.prefixHash(load(v, q))
		fps[k] = c.fingerprint(v)
		c.offsets[(hashes[k]>>c.pshift)+1]++
	}
	for b := 1; b <= buckets; b++ {
		c.offsets[b] += c.offsets[b-1]
	}
	c.entries = make([]entry, len(members))
	placed := c.placeEntries(patterns, members, hashes, fps)
	wg.Wait()
	c.touched = filled ^ placed
	return c
}

// touchBatch is the number of random memory writes the build prepares at a
// time: their targets are computed and read first, so that the cache
// misses overlap, then written. At 1.9 M patterns this halves the build.
const touchBatch = 64

// fillFilter inserts every pattern's s grams into the filter. It returns
// the XOR of the words it read ahead, so that the compiler keeps the reads.
func (c *class) fillFilter(patterns []Pattern, members []int) uint64 {
	var idx, mask [touchBatch]uint64
	n := 0
	var sink uint64
	flush := func() {
		for k := 0; k < n; k++ {
			sink ^= c.filter[idx[k]]
		}
		for k := 0; k < n; k++ {
			c.filter[idx[k]] |= mask[k]
		}
		n = 0
	}
	for _, i := range members {
		v := patterns[i].Value
		for o := 0; o < c.stride; o++ {
			h := (load(v[o:], c.q) ^ c.fkey) * mulK
			idx[n] = word(h, c.fwords)
			mask[n] = filterMask(h)
			n++
			if n == touchBatch {
				flush()
			}
		}
	}
	flush()
	return sink
}

// placeEntries writes each pattern's entry into its bucket (c.offsets holds
// the bucket starts), a batch at a time: the bucket cursors are read, then
// the entries they point to, then the entries are written.
func (c *class) placeEntries(patterns []Pattern, members []int, hashes, fps []uint64) uint64 {
	fill := slices.Clone(c.offsets[:len(c.offsets)-1])
	var pos [touchBatch]uint32
	var sink uint32
	for k0 := 0; k0 < len(members); k0 += touchBatch {
		hs := hashes[k0:min(k0+touchBatch, len(members))]
		for _, h := range hs {
			sink ^= fill[h>>c.pshift]
		}
		for j, h := range hs {
			b := h >> c.pshift
			pos[j] = fill[b]
			fill[b]++
		}
		for j := range hs {
			sink ^= c.entries[pos[j]].id
		}
		for j, h := range hs {
			p := &patterns[members[k0+j]]
			c.entries[pos[j]] = entry{fp: uint32(fps[k0+j]), id: p.ID, length: uint16(len(p.Value)), tag: uint16(h)}
		}
	}
	return uint64(sink)
}

// load reads q (4 or 8) bytes little-endian.
func load(b []byte, q int) uint64 {
	if q == 8 {
		return binary.LittleEndian.Uint64(b)
	}
	return uint64(binary.LittleEndian.Uint32(b))
}

// word maps a filter hash to a word index in [0, fwords): the top 32 bits
// scaled by the length (Lemire's multiply-shift), so the filter need not
// be a power of two long.
func word(h, fwords uint64) uint64 { return (h >> 32) * fwords >> 32 }

// filterMask picks four bits from hash bits 14 to 37, below the bits that
// pick the word for any filter up to 2^26 words. Bits that far up a
// multiplicative hash depend on the first five bytes of the gram (the word
// index on all of it), and constant shifts keep the mask to a few
// instructions in the sampling loop. Four bits of one word cost one load.
func filterMask(h uint64) uint64 {
	return 1<<((h>>14)&63) | 1<<((h>>20)&63) | 1<<((h>>26)&63) | 1<<((h>>32)&63)
}

// prefixHash is a keyed avalanche hash (murmur3's finalizer) of a gram, so
// that the stored tags reveal nothing useful about the gram.
func (c *class) prefixHash(g uint64) uint64 {
	h := g ^ c.pkey
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

func (c *class) fingerprint(b []byte) uint64 {
	var d xxhash.Digest
	d.ResetWithSeed(c.fpSeed)
	d.Write(b)
	return d.Sum64()
}

// Len reports the number of patterns.
func (ix *Index) Len() int {
	if ix == nil {
		return 0
	}
	return ix.patterns
}

// MinLen and MaxLen report the shortest and longest pattern lengths (0 when
// empty).
func (ix *Index) MinLen() int {
	if ix == nil {
		return 0
	}
	return ix.minLen
}

// MaxLen reports the longest pattern length (0 when empty). A streaming
// scanner must hold back at most MaxLen()-1 bytes.
func (ix *Index) MaxLen() int {
	if ix == nil {
		return 0
	}
	return ix.maxLen
}

// BuildTime reports how long Build took.
func (ix *Index) BuildTime() time.Duration {
	if ix == nil {
		return 0
	}
	return ix.build
}

// MemoryBytes reports the heap memory held by the index structures.
func (ix *Index) MemoryBytes() int {
	if ix == nil {
		return 0
	}
	n := int(unsafe.Sizeof(*ix))
	for _, c := range ix.classes {
		n += int(unsafe.Sizeof(c)) + 8*len(c.filter) + 4*len(c.offsets) + int(unsafe.Sizeof(entry{}))*len(c.entries)
	}
	return n
}

// Find appends every occurrence of every pattern in text to dst and returns
// it. Matches are in no particular order and may overlap. Find allocates
// only when dst must grow.
func (ix *Index) Find(dst []Match, text []byte) []Match {
	if ix == nil {
		return dst
	}
	for i := range ix.classes {
		c := &ix.classes[i]
		if len(text) < c.minLen {
			continue
		}
		if c.q == 8 {
			dst = c.scan8(dst, text, false)
		} else {
			dst = c.scan4(dst, text, false)
		}
	}
	return dst
}

// Contains reports whether any pattern occurs in text. It never allocates.
func (ix *Index) Contains(text []byte) bool {
	if ix == nil {
		return false
	}
	var buf [1]Match
	for i := range ix.classes {
		c := &ix.classes[i]
		if len(text) < c.minLen {
			continue
		}
		var m []Match
		if c.q == 8 {
			m = c.scan8(buf[:0], text, true)
		} else {
			m = c.scan4(buf[:0], text, true)
		}
		if len(m) > 0 {
			return true
		}
	}
	return false
}

// scan8 samples text every stride bytes, tests the 8-gram there against the
// filter, and verifies the few positions that pass.
func (c *class) scan8(dst []Match, text []byte, first bool) []Match {
	n := len(text)
	s := c.stride
	filter := c.filter
	fkey, fw := c.fkey, c.fwords
	base := unsafe.Pointer(unsafe.SliceData(text))
	fbase := unsafe.Pointer(unsafe.SliceData(filter))
	last := n - 8
	p := 0
	// Four samples per iteration: independent loads let the CPU overlap
	// filter cache misses.
	for ; p+3*s <= last; p += 4 * s {
		g0 := load64(base, p)
		g1 := load64(base, p+s)
		g2 := load64(base, p+2*s)
		g3 := load64(base, p+3*s)
		h0 := (g0 ^ fkey) * mulK
		h1 := (g1 ^ fkey) * mulK
		h2 := (g2 ^ fkey) * mulK
		h3 := (g3 ^ fkey) * mulK
		m0, m1, m2, m3 := filterMask(h0), filterMask(h1), filterMask(h2), filterMask(h3)
		// word(h) < len(filter) by construction.
		hit0 := *(*uint64)(unsafe.Add(fbase, word(h0, fw)*8))&m0 == m0
		hit1 := *(*uint64)(unsafe.Add(fbase, word(h1, fw)*8))&m1 == m1
		hit2 := *(*uint64)(unsafe.Add(fbase, word(h2, fw)*8))&m2 == m2
		hit3 := *(*uint64)(unsafe.Add(fbase, word(h3, fw)*8))&m3 == m3
		if hit0 || hit1 || hit2 || hit3 {
			for k, hit := range [4]bool{hit0, hit1, hit2, hit3} {
				if hit {
					dst = c.verify(dst, text, p+k*s)
					if first && len(dst) > 0 {
						return dst
					}
				}
			}
		}
	}
	for ; p <= last; p += s {
		g := load64(base, p)
		h := (g ^ fkey) * mulK
		m := filterMask(h)
		if filter[word(h, fw)]&m == m {
			dst = c.verify(dst, text, p)
			if first && len(dst) > 0 {
				return dst
			}
		}
	}
	return dst
}

// scan4 is scan8 for the short-pattern class (4-byte grams).
func (c *class) scan4(dst []Match, text []byte, first bool) []Match {
	n := len(text)
	s := c.stride
	filter := c.filter
	fkey, fw := c.fkey, c.fwords
	base := unsafe.Pointer(unsafe.SliceData(text))
	for p := 0; p <= n-4; p += s {
		g := uint64(load32(base, p))
		h := (g ^ fkey) * mulK
		m := filterMask(h)
		if filter[word(h, fw)]&m == m {
			dst = c.verify(dst, text, p)
			if first && len(dst) > 0 {
				return dst
			}
		}
	}
	return dst
}

// verify checks every pattern start that a filter hit at sample p could
// mean: p-o for o in [0, stride).
func (c *class) verify(dst []Match, text []byte, p int) []Match {
	n := len(text)
	for o := 0; o < c.stride; o++ {
		st := p - o
		if st < 0 {
			break
		}
		if st+c.minLen > n {
			continue
		}
		h := c.prefixHash(load(text[st:], c.q))
		b := h >> c.pshift
		tag := uint16(h)
		for _, e := range c.entries[c.offsets[b]:c.offsets[b+1]] {
			if e.tag != tag {
				continue
			}
			end := st + int(e.length)
			if end > n {
				continue
			}
			if uint32(c.fingerprint(text[st:end])) == e.fp {
				dst = append(dst, Match{Start: st, End: end, ID: e.id})
			}
		}
	}
	return dst
}

// MayStartAt reports whether a pattern may start at text[i]: false means
// no pattern starts there, true that one may (verify with Find). It tests
// the one gram every pattern has in the filter, its first, per length
// class, and where the filter admits it, whether the prefix table holds a
// pattern with that first gram's tag (and, with final set, a length that
// fits): a few loads, and no allocation. With final set, text ends where
// the searched text ends, so a pattern longer than what is left cannot
// start at i; else a short remainder is admitted.
//
// The prefix table makes it about as selective as verification without
// hashing a whole window: a caller that searches a pattern's whole reach
// when it says true (a decoder restarted inside an escape, in package
// redact) does so rarely even when the patterns are long.
func (ix *Index) MayStartAt(text []byte, i int, final bool) bool {
	if ix == nil {
		return false
	}
	for k := range ix.classes {
		c := &ix.classes[k]
		if i+c.minLen > len(text) {
			if final {
				continue
			}
			if i+c.q > len(text) {
				return true
			}
		}
		g := load(text[i:], c.q)
		h := (g ^ c.fkey) * mulK
		m := filterMask(h)
		if c.filter[word(h, c.fwords)]&m != m {
			continue
		}
		ph := c.prefixHash(g)
		b, tag := ph>>c.pshift, uint16(ph)
		for _, e := range c.entries[c.offsets[b]:c.offsets[b+1]] {
			if e.tag == tag && (!final || i+int(e.length) <= len(text)) {
				return true
			}
		}
	}
	return false
}
