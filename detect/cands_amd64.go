package detect

import "golang.org/x/sys/cpu"

// haveCandAVX2 reports whether candChunks runs here; haveCand512 whether
// candChunks512 does (AVX-512 with byte permutes), which is then used.
var (
	haveCandAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasBMI1 && cpu.X86.HasBMI2 && cpu.X86.HasLZCNT
	haveCand512  = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI && cpu.X86.HasBMI1 && cpu.X86.HasBMI2
	// forceCandAVX2 makes the scan use candChunks where candChunks512
	// runs (tests run both).
	forceCandAVX2 = false
)

// candChunks is the candidate scan (AVX2, BMI1, BMI2, LZCNT) of the
// 64-byte chunks of p at 0, 64, ... below stop, up to the chunk that holds
// n, the bytes from p[n] on read as zero: it writes the chunks with
// candidates or base64 ends to ev until ev is full, and returns where it
// stopped (past n when it is done) and how many it wrote, st carried
// along. It reads each chunk it scans and the byte after it, past n too
// (and clears what it read there), but not the chunk at n when n is a
// multiple of 64: the caller makes sure that memory may be read
// (candScan.fill). candChunksGo is its reference.
//
//go:noescape
func candChunks(p *byte, n, stop int, t *candTabs, st *candState, ev *[candBatch]candEvent) (off, count int)

// candChunks512 is candChunks with AVX-512 (and BMI1, BMI2), over all of p[:n] (any n)
// and the chunk that holds n: off is past n when it is done.
//
//go:noescape
func candChunks512(p *byte, n int, t *candTabs, st *candState, ev *[candBatch]candEvent) (off, count int)
