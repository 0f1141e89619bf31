package detect

import "golang.org/x/sys/cpu"

// haveCandAVX2 reports whether candChunks runs here; haveCand512 whether
// candChunks512 does (AVX-512 with byte permutes), which is then used.
var (
	haveCandAVX2 = cpu.X86.HasAVX2
	haveCand512  = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI
	// forceCandAVX2 makes the scan use candChunks where candChunks512
	// runs (tests run both).
	forceCandAVX2 = false
)

// candChunks is the candidate scan of the 64-byte chunks of p[:n] (n a
// multiple of 64, p[n] readable): the offset of the first chunk with
// candidates or base64 ends and its masks, st carried past it; n when
// there is none. candChunksGo is its reference.
//
//go:noescape
func candChunks(p *byte, n int, t *candTabs, st *candState) (off int, cand, ends uint64)

// candChunks512 is candChunks with AVX-512.
//
//go:noescape
func candChunks512(p *byte, n int, t *candTabs, st *candState) (off int, cand, ends uint64)

func candChunksFast(p *byte, n int, t *candTabs, st *candState) (off int, cand, ends uint64) {
	if haveCand512 && !forceCandAVX2 {
		return candChunks512(p, n, t, st)
	}
	return candChunks(p, n, t, st)
}
