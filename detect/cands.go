package detect

import (
	"math/bits"
	"unsafe"
)

// The candidate scan.
//
// One pass over the text, 64 bytes at a time (AVX-512 or AVX2 where there
// is, see cands_amd64.s; 8-byte words in Go elsewhere, see cands_go.go;
// chunkMasks, the tables read byte by byte, is the reference of both),
// yields two bit masks per 64-byte chunk:
//
//   - cand: the word starts (the byte before is not alphanumeric) whose
//     first two bytes may begin a prefix of the set, and the positions of
//     "JQ" (the start of an identifiable key's signature, 52 bytes into
//     the key) when the set holds microsoft-identifiable-key. With
//     private-key and url-password, "-B" and "//" at a word start tell
//     whether the text may hold a "-----BEGIN " or a "scheme://": their
//     own searches run only then. The pairs
//     are looked up in the 8 buckets of two nibble tables, as Teddy does:
//     a byte's bucket bits for the first byte of a pair are
//     lo[c&15] & hi[c>>4], the same for the second, and a pair may begin
//     a prefix when the two share a bit. The tables over-approximate (a
//     bucket holds the product of its bytes' nibbles), so a candidate is
//     checked exactly (the pairs bitmap, the word start) before the
//     prefixes are compared. The bucket of "JQ" is exact and has no word
//     start (the key's signature follows 52 alphanumerics).
//   - ends: the end of every run of base64 characters (either alphabet) of
//     at least MinBase64Run that holds an upper-case and a lower-case
//     letter (see mixedCase), at the position of the byte after it.
//     Runs cross chunks: the state carries the length of the run the
//     chunk ends in and whether it holds each case so far. Inside a chunk
//     the flags reach a run's end by addition: m + U carries from each
//     upper-case letter through the ones of m (the run's bytes) to the
//     byte after the run, and never past a zero; the same for lower case
//     and for the starts of 27 base64 characters in a row.
//
// Every token is a word start with its prefix (or an identifiable key), so
// the scan looks at every place a token can begin, anywhere in the text;
// it costs about a third of a cycle per byte where the AVX2 path runs.

// candTabs are the nibble tables of the scan: the byte classes (class),
// the buckets of the first (first) and second (second) byte of a pair,
// each low nibble then high nibble.
//
// The pairs have 16 buckets, in two tables each (first2 and second2 hold
// buckets 8-15).
type candTabs struct {
	classLo, classHi     [16]byte
	firstLo, firstHi     [16]byte
	secondLo, secondHi   [16]byte
	first2Lo, first2Hi   [16]byte
	second2Lo, second2Hi [16]byte
	// The products for the bytes below 0x80 (the AVX-512 path).
	class, first, second, first2, second2 [128]byte
	// The same for every byte, the pair tables' two halves in one (the
	// Go path).
	cls256                [256]byte
	pairFirst, pairSecond [256]uint16

	// The Go path (cands_go.go): bucketPairs has the bit d<<8|c when
	// bytes c and d share a bucket (pairFirst[c]&pairSecond[d] != 0);
	// cask is set when "JQ" is in the tables. The Go path looks up only
	// the word starts whose byte is of a class some byte that begins a
	// bucket's pair is of: firstDigit, firstSign (+ - / _), firstUpper,
	// firstLower, firstNone (no class) are all ones for those classes.
	bucketPairs                                              [1 << 16 / 64]uint64
	cask                                                     bool
	firstDigit, firstSign, firstUpper, firstLower, firstNone uint64

	// The AVX2 path's tables, 32 bytes each: the pair tables with the
	// 16 buckets merged into 8 (bit k: buckets k and k+8, JQ's bucket
	// left out), first low and high nibble, then second, twice over; the
	// class thresholds clsUpA-1, clsLoA-1, clsSign-1 (a class is one bit,
	// and cls > clsUpA-1 holds upper and lower case and signs, cls >
	// clsLoA-1 lower case and signs, cls > clsSign-1 signs: see
	// classOrder), '=' (the decoders' sweep), 'J' and 'Q' in every byte.
	// The AVX2 path filters the candidates of the merged buckets with
	// bucketPairs, and keeps its "JQ" where cask is set (caskMask).
	ymm      [10][32]byte
	caskMask uint64
	// keep is 64 bytes of 0xff then 64 of 0: the AVX2 path clears the
	// bytes of the last chunk past the end of the text with keep[64-k:]
	// (k bytes of text).
	keep [128]byte
}

// The bits of a byte's class (classLo[c&15] & classHi[c>>4]).
const (
	clsDigit = 1 << iota // 0-9
	clsUpA               // A-O
	clsUpP               // P-Z
	clsLoA               // a-o
	clsLoP               // p-z
	clsSign              // + - /
	clsUnder             // _

	clsAlnum = clsDigit | clsUpA | clsUpP | clsLoA | clsLoP
	clsUpper = clsUpA | clsUpP
	clsLower = clsLoA | clsLoP
)

// classOrder: every byte has at most one class bit (the classes are
// disjoint products of nibble sets), and the bits go digit, upper case,
// lower case, signs (+ - / then _): the AVX2 path tells the classes apart
// by comparing the class byte with clsUpA-1, clsLoA-1 and clsSign-1
// (TestClassOrder).
const classOrder = clsDigit < clsUpA && clsUpA < clsUpP && clsUpP < clsLoA && clsLoA < clsLoP && clsLoP < clsSign && clsSign < clsUnder && clsUnder < 0x80

// caskBucket is the bit of "JQ" in the second tables (bucket 15).
const caskBucket = 1 << 7

var classLo, classHi = func() (lo, hi [16]byte) {
	set := func(bit byte, his []int, los string) {
		for _, h := range his {
			hi[h] |= bit
		}
		for i := 0; i < len(los); i++ {
			c := los[i]
			var n int
			switch {
			case c >= '0' && c <= '9':
				n = int(c - '0')
			default:
				n = int(c-'a') + 10
			}
			lo[n] |= bit
		}
	}
	set(clsDigit, []int{3}, "0123456789")
	set(clsUpA, []int{4}, "123456789abcdef")
	set(clsUpP, []int{5}, "0123456789a")
	set(clsLoA, []int{6}, "123456789abcdef")
	set(clsLoP, []int{7}, "0123456789a")
	set(clsSign, []int{2}, "bdf")
	set(clsUnder, []int{5}, "f")
	return lo, hi
}()

// buildCandTabs assigns the pairs the prefixes begin with to buckets 0-6
// (a greedy choice of the bucket whose product admits the fewest pairs
// that begin no prefix, in a few orders), and "JQ" (when cask is set) to caskBucket,
// the one without a word start. A PEM block's "-----BEGIN" is a word start
// ("-B" after a '-'), and so is the second '/' of a URL's "://": with pem,
// url set, "-B", "//" are among the pairs.
func buildCandTabs(prefixes []string, cask, pem, url bool) *candTabs {
	if pem {
		prefixes = append(prefixes[:len(prefixes):len(prefixes)], "-B")
	}
	if url {
		prefixes = append(prefixes[:len(prefixes):len(prefixes)], "//")
	}
	t := &candTabs{classLo: classLo, classHi: classHi}
	// The second bytes of each first byte.
	var seconds [128][128]bool
	var firsts []byte
	for _, p := range prefixes {
		c := p[0]
		if !anyTrue(seconds[c][:]) {
			firsts = append(firsts, c)
		}
		for d := range 128 {
			if len(p) == 1 || p[1] == byte(d) {
				seconds[c][d] = true
			}
		}
	}
	type bucket struct{ flo, fhi, slo, shi uint16 }
	// cost counts the pairs a bucket admits that begin no prefix.
	cost := func(b bucket) int {
		n := 0
		for fl := b.flo; fl != 0; fl &= fl - 1 {
			for fh := b.fhi; fh != 0; fh &= fh - 1 {
				f := bits.TrailingZeros16(fh)<<4 | bits.TrailingZeros16(fl)
				if f >= 128 {
					continue
				}
				for dl := b.slo; dl != 0; dl &= dl - 1 {
					for dh := b.shi; dh != 0; dh &= dh - 1 {
						d := bits.TrailingZeros16(dh)<<4 | bits.TrailingZeros16(dl)
						if d < 128 && !seconds[f][d] {
							n++
						}
					}
				}
			}
		}
		return n
	}
	adds := make([]bucket, len(firsts))
	for k, c := range firsts {
		adds[k].flo, adds[k].fhi = 1<<(c&15), 1<<(c>>4)
		for d := range 128 {
			if seconds[c][d] {
				adds[k].slo |= 1 << (d & 15)
				adds[k].shi |= 1 << (d >> 4)
			}
		}
	}
	// Greedy placement, in a few orders (fixed), keeping the cheapest.
	var bk [15]bucket
	bestTotal := -1
	order := make([]int, len(firsts))
	for k := range order {
		order[k] = k
	}
	rng := uint64(1)
	for try := range 24 {
		if try > 0 {
			for k := len(order) - 1; k > 0; k-- {
				rng = rng*6364136223846793005 + 1442695040888963407
				r := int(rng>>33) % (k + 1)
				order[k], order[r] = order[r], order[k]
			}
		}
		var cur [15]bucket
		for _, k := range order {
			add := adds[k]
			best, bestCost := 0, -1
			for b := range cur {
				u := bucket{cur[b].flo | add.flo, cur[b].fhi | add.fhi, cur[b].slo | add.slo, cur[b].shi | add.shi}
				if d := cost(u) - cost(cur[b]); bestCost < 0 || d < bestCost {
					best, bestCost = b, d
				}
			}
			b := &cur[best]
			b.flo, b.fhi, b.slo, b.shi = b.flo|add.flo, b.fhi|add.fhi, b.slo|add.slo, b.shi|add.shi
		}
		total := 0
		for _, b := range cur {
			total += cost(b)
		}
		if bestTotal < 0 || total < bestTotal {
			bestTotal, bk = total, cur
		}
	}
	for k, b := range bk {
		fl, fh, sl, sh := &t.firstLo, &t.firstHi, &t.secondLo, &t.secondHi
		if k >= 8 {
			fl, fh, sl, sh = &t.first2Lo, &t.first2Hi, &t.second2Lo, &t.second2Hi
		}
		bit := byte(1) << (k % 8)
		for n := range 16 {
			if b.flo&(1<<n) != 0 {
				fl[n] |= bit
			}
			if b.fhi&(1<<n) != 0 {
				fh[n] |= bit
			}
			if b.slo&(1<<n) != 0 {
				sl[n] |= bit
			}
			if b.shi&(1<<n) != 0 {
				sh[n] |= bit
			}
		}
	}
	for _, p := range []struct {
		on   bool
		pair string
	}{{cask, "JQ"}} {
		if p.on {
			t.first2Lo[p.pair[0]&15] |= caskBucket
			t.first2Hi[p.pair[0]>>4] |= caskBucket
			t.second2Lo[p.pair[1]&15] |= caskBucket
			t.second2Hi[p.pair[1]>>4] |= caskBucket
		}
	}
	// Bytes of 0x80 and up have no class and begin no pair: VPSHUFB
	// reads the high nibble as an index, so its table must say so.
	for n := 8; n < 16; n++ {
		t.classHi[n], t.firstHi[n], t.secondHi[n], t.first2Hi[n], t.second2Hi[n] = 0, 0, 0, 0, 0
	}
	for c := range 128 {
		t.class[c] = t.classLo[c&15] & t.classHi[c>>4]
		t.first[c] = t.firstLo[c&15] & t.firstHi[c>>4]
		t.second[c] = t.secondLo[c&15] & t.secondHi[c>>4]
		t.first2[c] = t.first2Lo[c&15] & t.first2Hi[c>>4]
		t.second2[c] = t.second2Lo[c&15] & t.second2Hi[c>>4]
		t.cls256[c] = t.class[c]
		t.pairFirst[c] = uint16(t.first[c]) | uint16(t.first2[c])<<8
		t.pairSecond[c] = uint16(t.second[c]) | uint16(t.second2[c])<<8
	}
	t.cask = cask
	for i := range 32 {
		t.ymm[0][i] = t.firstLo[i%16] | t.first2Lo[i%16]&^caskBucket
		t.ymm[1][i] = t.firstHi[i%16] | t.first2Hi[i%16]&^caskBucket
		t.ymm[2][i] = t.secondLo[i%16] | t.second2Lo[i%16]&^caskBucket
		t.ymm[3][i] = t.secondHi[i%16] | t.second2Hi[i%16]&^caskBucket
		t.ymm[4][i], t.ymm[5][i], t.ymm[6][i], t.ymm[7][i] = clsUpA-1, clsLoA-1, clsSign-1, '='
		t.ymm[8][i], t.ymm[9][i] = 'J', 'Q'
	}
	if cask {
		t.caskMask = ^uint64(0)
	}
	for i := range 64 {
		t.keep[i] = 0xff
	}
	for c := range 256 {
		if t.pairFirst[c] == 0 {
			continue
		}
		for _, cl := range []struct {
			sel *uint64
			on  bool
		}{
			{&t.firstDigit, t.cls256[c]&clsDigit != 0},
			{&t.firstSign, t.cls256[c]&(clsSign|clsUnder) != 0},
			{&t.firstUpper, t.cls256[c]&clsUpper != 0},
			{&t.firstLower, t.cls256[c]&clsLower != 0},
			{&t.firstNone, t.cls256[c] == 0},
		} {
			if cl.on {
				*cl.sel = ^uint64(0)
			}
		}
		for d := range 256 {
			if t.pairFirst[c]&t.pairSecond[d] != 0 {
				k := d<<8 | c
				t.bucketPairs[k/64] |= 1 << (k % 64)
			}
		}
	}
	return t
}

func anyTrue(b []bool) bool {
	for _, v := range b {
		if v {
			return true
		}
	}
	return false
}

// candState is what the scan carries from one chunk to the next.
type candState struct {
	// aprev is 1 when the byte before the chunk is alphanumeric.
	aprev uint64
	// run is the length of the run of base64 characters the previous
	// chunk ends in; up and low are 1 when it holds an upper-case,
	// a lower-case letter.
	run     uint64
	up, low uint64
	// The decoders' sweep (sweep.go), where swPos is not 0: the marker
	// table (swLo, swHi, as Sweep.Markers), the bit of the next chunk's
	// first block (two bits a chunk: 0 once past SweepMax), and the
	// blocks with markers (marks) and of base64 only (dense) so far.
	swLo, swHi   uint64
	swPos        uint64
	marks, dense uint64
}

// step takes the masks of one chunk (bit k for byte k): b64 (base64
// characters), alnum, upper, lower, pairs (a byte and the next share a
// bucket) and cask (the "JQ" bucket), and returns its candidates and the
// ends of its long mixed-case base64 runs.
func (st *candState) step(b64, alnum, upper, lower, pairs, cask uint64) (cand, ends uint64) {
	cand = pairs&^(alnum<<1|st.aprev) | cask
	st.aprev = alnum >> 63
	return cand, st.runEnds(b64, upper, lower)
}

// runEnds is the base64 half of step: the ends of the chunk's long
// mixed-case runs of base64 characters, the run state carried on.
func (st *candState) runEnds(b64, upper, lower uint64) (ends uint64) {
	m := b64
	su, cu := bits.Add64(m, upper, st.up)
	sl, cl := bits.Add64(m, lower, st.low)
	p2 := m & (m >> 1)
	p4 := p2 & (p2 >> 2)
	p8 := p4 & (p4 >> 4)
	p16 := p8 & (p8 >> 8)
	p27 := p16 & (p8 >> 16) & (p2 >> 24) & (m >> 26)
	var c27 uint64
	if st.run+uint64(bits.TrailingZeros64(^m)) >= MinBase64Run {
		c27 = 1
	}
	s27, _ := bits.Add64(m, p27, c27)
	ends = su & sl & s27 &^ m
	st.up, st.low = cu, cl
	if m == ^uint64(0) {
		st.run += 64
	} else {
		st.run = uint64(bits.LeadingZeros64(^m))
	}
	return ends
}

// chunkMasks computes a chunk's masks in Go from the same tables as the
// assembly: text[o:o+64], the bytes past the end of text reading as 0
// (no class, no pair).
func (t *candTabs) chunkMasks(text []byte, o int) (b64, alnum, upper, lower, pairs, cask uint64) {
	end := min(len(text), o+65)
	if o >= end {
		return
	}
	w := text[o:end] // the chunk and the byte after it
	for k := range min(64, len(w)) {
		var d byte
		if k+1 < len(w) {
			d = w[k+1]
		}
		c := w[k]
		bit := uint64(1) << k
		if cls := t.cls256[c]; cls != 0 {
			b64 |= bit
			if cls&clsAlnum != 0 {
				alnum |= bit
			}
			if cls&clsUpper != 0 {
				upper |= bit
			}
			if cls&clsLower != 0 {
				lower |= bit
			}
		}
		if v := t.pairFirst[c] & t.pairSecond[d]; v != 0 {
			pairs |= bit
			if v&(caskBucket<<8) != 0 {
				cask |= bit
			}
		}
	}
	return
}

// candBatch is how many chunks the scan reports at once (the assembly's
// too: candChunks, candChunks512). Log text has few: about one chunk in
// ten (the loghub corpus, the default set), so a line's scan is one
// batch, and the batch is small for the frame that holds it (each scan
// zeroes it).
const candBatch = 4

// candEvent is a chunk with candidates or base64 ends: its offset, its
// masks, and its base64 characters (where the runs that end there begin).
type candEvent struct {
	off, cand, ends, b64 uint64
}

// candScan walks text chunk by chunk and reports each chunk with
// candidates or base64 ends; the assembly reports them in batches.
type candScan struct {
	st   candState
	o    int // where the scan goes on
	tabs *candTabs
	ev   [candBatch]candEvent
	k, n int // ev[k:n] are still to report
	// shift is added to the offsets in ev.
	shift int
}

// next returns the next chunk with candidates or ends, and false after the
// last (the chunk that holds len(text), where a run at the end of text
// ends).
func (sc *candScan) next(text []byte) (o int, cand, ends, b64 uint64, ok bool) {
	for sc.k == sc.n {
		if !sc.fill(text) {
			return 0, 0, 0, 0, false
		}
	}
	e := &sc.ev[sc.k]
	sc.k++
	return int(e.off) + sc.shift, e.cand, e.ends, e.b64, true
}

// fill scans on to the next batch of events; false at the end of text.
func (sc *candScan) fill(text []byte) bool {
	n := len(text)
	sc.k, sc.n, sc.shift = 0, 0, sc.o
	if sc.o > n {
		return false
	}
	if forceCandTables {
		for ; sc.o <= n && sc.n < candBatch; sc.o += 64 {
			b64, alnum, upper, lower, pairs, cask := sc.tabs.chunkMasks(text, sc.o)
			cand, ends := sc.st.step(b64, alnum, upper, lower, pairs, cask)
			if sc.st.swPos != 0 {
				sc.st.sweepStep(sc.st.sweepMasks(text, sc.o))
			}
			if cand|ends != 0 {
				sc.ev[sc.n] = candEvent{uint64(sc.o - sc.shift), cand, ends, b64}
				sc.n++
			}
		}
		return true
	}
	if !haveCandAVX2 || forceCandGo {
		sc.scanGo(text)
		return true
	}
	if haveCand512 && !forceCandAVX2 {
		// Masked loads take the text to its end. With nothing left
		// (the chunk at len(text), all masked), nothing is read: any
		// pointer into text will do, and none past its end is made.
		p := unsafe.SliceData(text)
		if sc.o < n {
			p = &text[sc.o]
		}
		r, c := candChunks512(p, n-sc.o, sc.tabs, &sc.st, &sc.ev)
		sc.o += r
		sc.n = c
		return true
	}
	// The AVX2 assembly reads each chunk and the byte after it, the
	// chunk that holds len(text) too, and clears the bytes past the end:
	// all of text in one call when the bytes it reads past the end lie in
	// the page of the last byte (tailReadable; a log line almost always
	// does), else the chunks before the last one from text and the rest
	// (at most 64 bytes) from a copy.
	rest := n - sc.o
	p := unsafe.SliceData(text)
	if rest > 0 {
		p = &text[sc.o]
	}
	stop := rest + 1
	if rest > 0 && !tailReadable(text) {
		if base := (n - 1) &^ 63; sc.o < base {
			stop = base - sc.o
		} else {
			var tail [65]byte
			copy(tail[:], text[sc.o:])
			p = &tail[0]
		}
	}
	r, c := candChunks(p, rest, stop, sc.tabs, &sc.st, &sc.ev)
	sc.o += r
	sc.n = c
	return true
}

// tailReadable reports whether the AVX2 scan may read text's last chunk
// (the one that holds its last byte, at a multiple of 64) and the byte
// after it: they end in the page of text's last byte (a page is at least
// 4 KiB). text is not empty.
func tailReadable(text []byte) bool {
	n := len(text)
	a := uintptr(unsafe.Pointer(unsafe.SliceData(text)))
	return (a+uintptr(n-1))>>12 == (a+uintptr((n-1)&^63+64))>>12
}

// forceCandGo makes the scan take the Go path (tests run both);
// forceCandTables makes it take chunkMasks and step, the nibble tables
// read byte by byte: the reference of both other paths.
var forceCandGo, forceCandTables = false, false

// candChunksGo is candChunks in Go: the chunks of text[:n] at 0, 64, ...
// below stop, up to the one that holds n (the bytes from n on read as
// zero).
func candChunksGo(text []byte, n, stop int, t *candTabs, st *candState, ev *[candBatch]candEvent) (off, count int) {
	for off = 0; off < stop && off <= n && count < candBatch; off += 64 {
		var pad [65]byte
		p := &pad
		if off+65 <= n {
			p = (*[65]byte)(text[off:])
		} else {
			copy(pad[:], text[off:n])
		}
		cand, ends, b64 := t.chunkGo(p, st)
		if st.swPos != 0 {
			st.sweepGo(p, b64)
		}
		if cand|ends != 0 {
			ev[count] = candEvent{uint64(off), cand, ends, b64}
			count++
		}
	}
	return off, count
}
