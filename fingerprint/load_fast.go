//go:build 386 || amd64 || arm64 || loong64 || ppc64le || wasm

package fingerprint

import "unsafe"

// On these little-endian architectures an unaligned 8- or 4-byte load through
// a pointer is both legal and fast, and reads the bytes in the same order as
// binary.LittleEndian, the order the index is built in. The compiler turns
// each into one instruction.

// load64 reads the 8 bytes at base+p as a little-endian uint64.
func load64(base unsafe.Pointer, p int) uint64 { return *(*uint64)(unsafe.Add(base, p)) }

// load32 reads the 4 bytes at base+p as a little-endian uint32.
func load32(base unsafe.Pointer, p int) uint32 { return *(*uint32)(unsafe.Add(base, p)) }
