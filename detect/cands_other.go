//go:build !amd64

package detect

import "unsafe"

// haveCandAVX2 is false: the scan runs its Go path (scanGo, cands_go.go).
const (
	haveCandAVX2 = false
	haveCand512  = false
)

var forceCandAVX2 = false

// candChunks and candChunks512 are not called where haveCandAVX2 is
// false; they are here so that the code compiles.
func candChunks(p *byte, n, stop int, t *candTabs, st *candState, ev *[candBatch]candEvent) (off, count int) {
	return candChunksGo(unsafe.Slice(p, n), n, stop, t, st, ev)
}

func candChunks512(p *byte, n int, t *candTabs, st *candState, ev *[candBatch]candEvent) (off, count int) {
	panic("no AVX-512 here")
}
