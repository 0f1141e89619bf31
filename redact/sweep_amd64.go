package redact

import "golang.org/x/sys/cpu"

// haveBlocks reports whether blockEvents runs here (AVX2).
var haveBlocks = cpu.X86.HasAVX2

// blockEvents is the one pass of the decoding scan over clean text (see
// sweep): it returns the offset of the first 32-byte block of p[:n] (n a
// multiple of 32) that holds a marker byte b (tab[b&15] == b, b < 0x80),
// with bit 0 set, or that holds base64 characters only (either alphabet, or
// '='; a block that may lie in wrapped base64), with bit 1 set; n when no
// block does.
//
//go:noescape
func blockEvents(p *byte, n int, tab *[16]byte) int
