//go:build !(386 || amd64 || arm64 || loong64 || ppc64le || wasm)

package fingerprint

import (
	"encoding/binary"
	"unsafe"
)

// The portable path: big-endian architectures (s390x, ppc64, mips) would read
// a native load in the opposite byte order from the grams the index is built
// from, and some architectures fault or trap on unaligned loads. Reading
// through encoding/binary is correct everywhere; the compiler still merges it
// into one load (plus a byte swap on big-endian) where the target allows.

// load64 reads the 8 bytes at base+p as a little-endian uint64.
func load64(base unsafe.Pointer, p int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice((*byte)(unsafe.Add(base, p)), 8))
}

// load32 reads the 4 bytes at base+p as a little-endian uint32.
func load32(base unsafe.Pointer, p int) uint32 {
	return binary.LittleEndian.Uint32(unsafe.Slice((*byte)(unsafe.Add(base, p)), 4))
}
