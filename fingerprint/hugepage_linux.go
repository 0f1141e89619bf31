//go:build linux

package fingerprint

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

const hugePage = 2 << 20

// allocFilter returns a zeroed filter of words 64-bit words. A filter of
// a huge page or more starts on a 2 MiB boundary and is advised
// MADV_HUGEPAGE before its first write, so that the kernel backs it with
// huge pages where transparent huge pages are enabled ("madvise" or
// "always"): a random probe then costs a cache miss but rarely a TLB miss.
// Any failure leaves ordinary pages, which are correct, only slower.
func allocFilter(words int) []uint64 {
	if words*8 < hugePage {
		return make([]uint64, words)
	}
	backing := make([]uint64, words+hugePage/8)
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(backing)))
	skip := int((hugePage - addr%hugePage) % hugePage / 8)
	f := backing[skip : skip+words : skip+words]
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(f))), words*8)
	_ = unix.Madvise(b[:len(b)/hugePage*hugePage], unix.MADV_HUGEPAGE)
	return f
}
