package detect

import "golang.org/x/sys/cpu"

// haveCandAVX2 reports whether candChunks runs here.
var haveCandAVX2 = cpu.X86.HasAVX2

// candChunks is the candidate scan of the 64-byte chunks of p[:n] (n a
// multiple of 64, p[n] readable): the offset of the first chunk with
// candidates or base64 ends and its masks, st carried past it; n when
// there is none. candChunksGo is its reference.
//
//go:noescape
func candChunks(p *byte, n int, t *candTabs, st *candState) (off int, cand, ends uint64)
