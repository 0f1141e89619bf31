//go:build !amd64

package redact

import "unsafe"

// haveBlocks is false: the decoding scan runs bytes.IndexByte per marker
// and samples for wrapped base64 instead (see decodedSpans).
const haveBlocks = false

// blockEvents is not called where haveBlocks is false; it is the Go
// reference, so that the code compiles and stays correct everywhere.
func blockEvents(p *byte, n int, tab *[16]byte) int {
	return blockEventsGo(unsafe.Slice(p, n), tab)
}
