package redact

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
