package detect

// The decoders' sweep, fused into the candidate scan.
//
// A caller that decodes escapes (package redact) reads each text once more
// for the bytes its decoders start at (its markers: '%', '\\', '&', ...)
// and for the 32-byte blocks that hold base64 characters only (where
// wrapped base64 may be). On a log line the candidate scan has the text in
// its registers already: FindEncodedSweep computes both along the way, with
// one more nibble-table lookup per 64 bytes, and the caller skips its own
// pass.

// SweepMax is the longest text FindEncodedSweep sweeps: its 64 blocks of 32
// bytes fit the masks of a Sweep.
const SweepMax = 2048

// A Sweep is the decoders' sweep of a text: which of its 32-byte blocks
// hold a marker byte, and which are dense base64.
type Sweep struct {
	// Markers is the table of the marker bytes (set by the caller): byte
	// k of the table is byte k%8 of Markers[k/8] (little endian); a byte
	// b < 0x80 is a marker when the table's byte b&15 is b. The table's
	// other bytes are 0x80 (never a marker); 0 is not a marker (the scan
	// reads zeros past the end of text).
	Markers [2]uint64
	// Marks has bit k set when text[32k:min(32k+32, len(text))] holds a
	// marker byte; Dense when text[32k:32k+32] lies within text and holds
	// base64 characters (either alphabet) and '=' only.
	Marks, Dense uint64
	// Done reports whether Marks and Dense were computed: the text is at
	// most SweepMax bytes and the set scans it (it has detectors).
	Done bool
}

// MarkerTable returns the Markers of a Sweep for the given marker bytes
// (each from 1 to 0x7f, no two with the same low four bits).
func MarkerTable(markers ...byte) (t [2]uint64) {
	t = [2]uint64{0x8080808080808080, 0x8080808080808080}
	for _, m := range markers {
		k := m & 15
		sh := 8 * (k & 7)
		t[k>>3] = t[k>>3]&^(0xff<<sh) | uint64(m)<<sh
	}
	return t
}

// FindEncodedSweep is FindEncoded that also sweeps text for sw's markers
// (see Sweep): sw.Done tells whether it did.
func (s *Set) FindEncodedSweep(dst []Finding, text []byte, sw *Sweep) []Finding {
	sw.Marks, sw.Dense, sw.Done = 0, 0, false
	return s.findEncoded(dst, text, sw)
}

// findEncoded is FindEncoded, and FindEncodedSweep with sw.
func (s *Set) findEncoded(dst []Finding, text []byte, sw *Sweep) []Finding {
	if s == nil || len(s.rules) == 0 || !(s.tokens || s.pem != nil || s.url != nil) {
		return s.find(dst, text, true)
	}
	// The scan up to its first event: most lines have none (see Quiet),
	// and are done with it (no gates, no searches).
	sc := candScan{tabs: s.tabs}
	sc.st.sweepOn(sw, text)
	for sc.fill(text) && sc.n == 0 && sc.o <= len(text) {
	}
	if sc.n != 0 || ungated {
		dst = s.findFrom(dst, text, &sc)
	}
	sc.st.sweepDone(sw, text)
	return dst
}

// sweepOn makes the scan of text sweep it for sw's markers (st.swPos is
// the bit of the first chunk's first block; 0 turns the sweep off).
func (st *candState) sweepOn(sw *Sweep, text []byte) {
	if sw != nil && len(text) <= SweepMax {
		st.swLo, st.swHi, st.swPos = sw.Markers[0], sw.Markers[1], 1
	}
}

// sweepDone writes the sweep of text that st made (see sweepOn) to sw.
func (st *candState) sweepDone(sw *Sweep, text []byte) {
	if sw != nil && len(text) <= SweepMax {
		sw.Marks, sw.Dense, sw.Done = st.marks, st.dense, true
	}
}

// isMarker reports whether c is a marker of the table lo, hi.
func isMarker(lo, hi uint64, c byte) bool {
	if c >= 0x80 {
		return false
	}
	w := lo
	if c&8 != 0 {
		w = hi
	}
	return byte(w>>(8*(c&7))) == c
}

// sweepStep adds a chunk's blocks to the sweep: mk has bit k set when byte
// k is a marker, dense when it is a base64 character or '='.
func (st *candState) sweepStep(mk, dense uint64) {
	var m, d uint64
	if uint32(mk) != 0 {
		m |= 1
	}
	if mk>>32 != 0 {
		m |= 2
	}
	if uint32(dense) == 1<<32-1 {
		d |= 1
	}
	if dense>>32 == 1<<32-1 {
		d |= 2
	}
	st.marks |= m * st.swPos
	st.dense |= d * st.swPos
	st.swPos <<= 2
}

// sweepMasks are the masks of sweepStep of text[o:o+64], read byte by byte
// (the bytes past the end of text reading as 0, neither).
func (st *candState) sweepMasks(text []byte, o int) (mk, dense uint64) {
	for k := range 64 {
		if o+k >= len(text) {
			break
		}
		c := text[o+k]
		if isMarker(st.swLo, st.swHi, c) {
			mk |= 1 << k
		}
		if c == '=' || b64Any[c] {
			dense |= 1 << k
		}
	}
	return mk, dense
}

// sweepGo is sweepStep for the Go path: p the chunk (zero past the text's
// end), b64 its base64 characters.
func (st *candState) sweepGo(p *[65]byte, b64 uint64) {
	var mk, eq uint64
	for k, c := range p[:64] {
		if isMarker(st.swLo, st.swHi, c) {
			mk |= 1 << k
		}
		if c == '=' {
			eq |= 1 << k
		}
	}
	st.sweepStep(mk, b64|eq)
}
