package detect

import (
	"encoding/binary"
	"math/bits"
)

// The Go path of the candidate scan: what the assembly computes with
// nibble tables, with 8-byte words (SWAR) where there is no assembly
// (arm64, s390x, ...) and for the last bytes of a text. It yields exactly
// the masks of chunkMasks and candState.step (tests compare the three):
//
//   - The byte classes are ranges, tested on all eight bytes of a word at
//     once: with the high bit of each byte cleared (x7), x7 + (0x80-c)
//     sets a byte's high bit when the byte is c or more, and no carry
//     crosses a byte (both terms are below 0x80). A byte of 0x80 or more
//     has no class. The high bits are gathered into one bit a byte by a
//     multiplication (movemask).
//   - The pairs of the buckets matter only at word starts (and "JQ",
//     whose bucket has no word start): the scan looks up each word start
//     whose byte is of a class (digit, sign, upper or lower case, none)
//     that a byte beginning a bucket's pair is of, in bucketPairs, the
//     buckets' pairs as a bitmap; log text has about one such word start
//     in ten bytes (the loghub corpus, the default set).
//   - "JQ" is looked for at the pairs of upper-case letters.
//   - The base64 runs' ends are candState.runEnds, as for the assembly.
//
// It costs about 13 instructions a byte on amd64 (the bytewise tables,
// 44), about 1.1 ns a byte where the AVX2 assembly costs 0.25.

const (
	swarOnes = 0x0101010101010101
	swarHigh = 0x8080808080808080
	swarLow7 = 0x7f7f7f7f7f7f7f7f
)

// movemask gathers the high bits of x's bytes, x holding no other bits:
// bit k is the high bit of byte k. The product moves byte k's high bit
// (bit 8k+7) to bit 56+k and leaves no other term or carry there.
func movemask(x uint64) uint64 {
	return x * 0x0002040810204081 >> 56
}

// chunkGo is chunkMasks and candState.step of the chunk p[:64], p[64]
// the byte after it: the chunk's candidates, its base64 ends and its
// base64 characters.
func (t *candTabs) chunkGo(p *[65]byte, st *candState) (cand, ends, b64 uint64) {
	// Three masks tell the five classes apart: the base64 characters,
	// the letters, and the digits and lower-case letters. The words go
	// from the last to the first, each one's eight bits in at the bottom.
	var letter, digitLower uint64
	for j := 56; j >= 0; j -= 8 {
		x := binary.LittleEndian.Uint64(p[j:])
		x7 := x & swarLow7
		below := ^x & swarHigh // the bytes below 0x80
		g30 := x7 + (0x80-'0')*swarOnes
		g3a := x7 + (0x80-'9'-1)*swarOnes
		digit := g30 &^ g3a
		// + - / are the odd bytes of 0x2b-0x2f.
		sign := (x7 + (0x80-'+')*swarOnes) &^ g30 & (x << 7)
		// Letters of either case are the bytes that are 0x61-0x7a with
		// bit 5 set (y); bit 5 (moved to bit 7) tells lower case. With
		// bit 5 set, _ (0x5f) is 0x7f, as is 0x7f, which has bit 5.
		y := x7 | 0x20*swarOnes
		bit5 := x << 2
		let := (y + (0x80-'a')*swarOnes) &^ (y + (0x80-'z'-1)*swarOnes)
		under := (y + swarOnes) &^ bit5
		b64 = b64<<8 | movemask((digit|sign|under|let)&below)
		letter = letter<<8 | movemask(let&below)
		digitLower = digitLower<<8 | movemask((digit|let&bit5)&below)
	}
	upper := letter &^ digitLower
	lower := letter & digitLower
	alnum := letter | digitLower
	starts := ^(alnum<<1 | st.aprev)
	st.aprev = alnum >> 63
	// The word starts whose byte may begin a bucket's pair.
	look := starts & (digitLower&^letter&t.firstDigit | b64&^alnum&t.firstSign |
		upper&t.firstUpper | lower&t.firstLower | ^b64&t.firstNone)
	for ; look != 0; look &= look - 1 {
		k := bits.TrailingZeros64(look) & 63
		i := binary.LittleEndian.Uint16(p[k:])
		cand |= t.bucketPairs[i>>6] >> (i & 63) & 1 << k
	}
	if t.cask {
		// "JQ" is two upper-case letters in a row.
		next := upper >> 1
		if t.cls256[p[64]]&clsUpper != 0 {
			next |= 1 << 63
		}
		uu := upper & next
		for ; uu != 0; uu &= uu - 1 {
			k := bits.TrailingZeros64(uu) & 63
			if p[k] == 'J' && p[k+1] == 'Q' {
				cand |= 1 << k
			}
		}
	}
	return cand, st.runEnds(b64, upper, lower), b64
}

// scanGo is the Go path of candScan.fill: the chunks from sc.o on, until a
// batch of events is full or the chunk that holds len(text) is done.
func (sc *candScan) scanGo(text []byte) {
	n := len(text)
	for ; sc.o <= n && sc.n < candBatch; sc.o += 64 {
		var cand, ends, b64 uint64
		if sc.o+65 <= n {
			cand, ends, b64 = sc.tabs.chunkGo((*[65]byte)(text[sc.o:]), &sc.st)
			if sc.st.swPos != 0 {
				sc.st.sweepGo((*[65]byte)(text[sc.o:]), b64)
			}
		} else {
			// The last chunks: a copy, the bytes past the end of
			// text zero (no class, no pair, as in chunkMasks), and no
			// candidate there.
			var pad [65]byte
			k := copy(pad[:], text[sc.o:])
			cand, ends, b64 = sc.tabs.chunkGo(&pad, &sc.st)
			if sc.st.swPos != 0 {
				sc.st.sweepGo(&pad, b64)
			}
			if k < 64 {
				cand &= 1<<k - 1
			}
		}
		if cand|ends != 0 {
			sc.ev[sc.n] = candEvent{uint64(sc.o - sc.shift), cand, ends, b64}
			sc.n++
		}
	}
}
