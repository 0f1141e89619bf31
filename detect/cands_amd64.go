package detect

import "golang.org/x/sys/cpu"

// haveCandAVX2 reports whether candChunks runs here; haveCand512 whether
// candChunks512 does (AVX-512 with byte permutes), which is then used.
var (
	haveCandAVX2 = cpu.X86.HasAVX2
	haveCand512  = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI && cpu.X86.HasBMI1 && cpu.X86.HasBMI2
	// forceCandAVX2 makes the scan use candChunks where candChunks512
	// runs (tests run both).
	forceCandAVX2 = false
)

// candChunks is the candidate scan of the 64-byte chunks of p[:n] (n a
// multiple of 64, p[n] readable): it writes the chunks with candidates or
// base64 ends to ev until ev is full, and returns where it stopped and how
// many it wrote, st carried along. candChunksGo is its reference.
//
//go:noescape
func candChunks(p *byte, n int, t *candTabs, st *candState, ev *[candBatch]candEvent) (off, count int)

// candChunks512 is candChunks with AVX-512 (and BMI1, BMI2), over all of p[:n] (any n)
// and the chunk that holds n: off is past n when it is done.
//
//go:noescape
func candChunks512(p *byte, n int, t *candTabs, st *candState, ev *[candBatch]candEvent) (off, count int)
