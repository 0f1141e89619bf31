package redact

import (
	"math/bits"

	"github.com/hushlog/hush/detect"
)

// blockEventsGo is blockEvents in Go: the reference the assembly is tested
// against, and the implementation where there is no assembly (it is not
// called there on the hot path: see haveBlocks).
func blockEventsGo(p []byte, tab *[16]byte) int {
	n := len(p) &^ 31
	for b := 0; b < n; b += 32 {
		r := 0
		dense := true
		for _, c := range p[b : b+32] {
			if c < 0x80 && tab[c&15] == c {
				r |= 1
			}
			if !base64Chars[c] {
				dense = false
			}
		}
		if dense {
			r |= 2
		}
		if r != 0 {
			return b | r
		}
	}
	return n
}

// swept is the scan by the sweep of the detectors' scan (detect.Sweep):
// the blocks with markers (marks, bit k for text[32k:32k+32], the last
// one cut at len(text)) and of base64 only (dense); the events of
// blockEvents, and a marked tail for the bytes after the last whole block.
func (sw *sweep) swept(marks, dense uint64, wrapped bool) {
	if !wrapped {
		dense = 0
	}
	for ev := marks | dense; ev != 0; ev &= ev - 1 {
		k := bits.TrailingZeros64(ev)
		b := 32 * k
		sw.block(b, min(b+32, len(sw.text)), marks>>k&1 != 0, dense>>k&1 != 0)
	}
}

// markerWords is the table of the enabled decoders' markers as
// detect.Sweep takes it (the marker at the index of its low four bits,
// 0x80 elsewhere), built in registers.
func (s *snapshot) markerWords() [2]uint64 {
	t := [2]uint64{0x8080808080808080, 0x8080808080808080}
	for _, d := range s.decs() {
		if s.decoders&d.enc != 0 {
			k := d.marker & 15
			sh := 8 * (k & 7)
			t[k>>3] = t[k>>3]&^(0xff<<sh) | uint64(d.marker)<<sh
		}
	}
	return t
}

// canFuse reports whether the decoding scan takes the sweep from the
// detectors' scan: where blockEvents runs (its events are the same), and
// the tests have not turned it off.
func canFuse() bool { return haveBlocks && !forceNoBlocks && !forceNoFuse }

// forceNoFuse makes the decoding scan make its own sweep (tests compare).
var forceNoFuse = false

// fusedSweep is the sweep the detectors' scan makes for the decoding scan
// (detectRawSweep, decodedSpansSwept).
type fusedSweep = detect.Sweep
