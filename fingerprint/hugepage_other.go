//go:build !linux

package fingerprint

// allocFilter returns a zeroed filter of words 64-bit words (huge pages are
// requested on Linux only).
func allocFilter(words int) []uint64 { return make([]uint64, words) }
