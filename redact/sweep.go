package redact

import (
	"encoding/binary"
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

// sweepSetup is what the decoding scan of a snapshot starts from: the
// enabled decoders (as sweep.decs) and their markers' table, as
// blockEvents (tab) and detect.Sweep (words) take it. The setups are
// built once for every set of decoders (sweepSetups): read from memory,
// the table is not built on every line (its bytes stored one by one and
// loaded whole stall the load).
type sweepSetup struct {
	decs  [4]*decoder
	nd    int
	tab   [16]byte
	words [2]uint64
}

// sweepKey indexes sweepSetups: the decoders of a snapshot (JSON, URL,
// HTML among decoders, and plusSpace).
func sweepKey(decoders Encoding, plusSpace bool) int {
	k := 0
	if decoders&JSON != 0 {
		k |= 1
	}
	if decoders&URL != 0 {
		k |= 2
	}
	if decoders&HTML != 0 {
		k |= 4
	}
	if plusSpace {
		k |= 8
	}
	return k
}

var sweepSetups = func() (t [16]sweepSetup) {
	for _, plus := range []bool{false, true} {
		for _, enc := range []Encoding{0, JSON, URL, JSON | URL, HTML, JSON | HTML, URL | HTML, JSON | URL | HTML} {
			s := snapshot{decoders: enc, plusSpace: plus}
			t[sweepKey(enc, plus)] = s.newSweepSetup()
		}
	}
	return t
}()

// newSweepSetup builds the sweepSetup of s.
func (s *snapshot) newSweepSetup() (set sweepSetup) {
	sw := sweep{s: s}
	decs := s.decs()
	for k := range decs {
		if s.decoders&decs[k].enc != 0 {
			sw.decs[sw.nd] = &decs[k]
			sw.nd++
		}
	}
	set.decs, set.nd, set.tab = sw.decs, sw.nd, sw.markerTable()
	set.words[0] = binary.LittleEndian.Uint64(set.tab[:8])
	set.words[1] = binary.LittleEndian.Uint64(set.tab[8:])
	return set
}

// sweepSetup returns the sweepSetup of s.
func (s *snapshot) sweepSetup() *sweepSetup {
	return &sweepSetups[sweepKey(s.decoders, s.plusSpace)]
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
