//go:build !amd64

package detect

import "unsafe"

// haveCandAVX2 is false: the scan runs candState.step on chunkMasks.
const (
	haveCandAVX2 = false
	haveCand512  = false
)

var forceCandAVX2 = false

// candChunksFast is not called where haveCandAVX2 is false; it is the Go
// reference, so that the code compiles and stays correct everywhere.
func candChunksFast(p *byte, n int, t *candTabs, st *candState, ev *[candBatch]candEvent) (off, count int) {
	return candChunksGo(unsafe.Slice(p, n+1), n, t, st, ev)
}
