//go:build linux

package detect

import (
	"math/rand/v2"
	"syscall"
	"testing"
)

// TestCandScanPageEnd: the scan reads nothing past the end of a text that
// ends right before a page it may not read (the AVX2 path reads past the
// end only within the page of the last byte), and reports what the Go path
// reports (the events, and the decoders' sweep), for texts of every length
// up to 300 ending 0 to 70 bytes before the page.
func TestCandScanPageEnd(t *testing.T) {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip("mmap:", err)
	}
	defer syscall.Munmap(mem)
	if err := syscall.Mprotect(mem[page:], syscall.PROT_NONE); err != nil {
		t.Skip("mprotect:", err)
	}
	rng := rand.New(rand.NewPCG(41, 42))
	alpha := "ghp_AKIAsk-xoxb-JQQJ9SG.dp.glpat- aB0+/=%\\&\x00\x80"
	for i := range page {
		mem[i] = alpha[rng.IntN(len(alpha))]
	}
	s := allSet(t)
	markers := []byte{'%', '\\', '&'}
	for n := 0; n <= 300; n++ {
		for gap := range 71 {
			text := mem[page-gap-n : page-gap]
			goEv := candEvents(s, text, true, false)
			_, goSw := sweepOnPath(s, text, markers, false, true, false)
			for _, path := range []struct {
				name string
				have bool
				avx2 bool
			}{{"AVX2", haveCandAVX2, true}, {"AVX-512", haveCand512, false}} {
				if !path.have {
					continue
				}
				ev := candEvents(s, text, false, path.avx2)
				if len(ev) != len(goEv) {
					t.Fatalf("%s, %d bytes, %d before the page: %d events, Go %d", path.name, n, gap, len(ev), len(goEv))
				}
				for k := range ev {
					if ev[k] != goEv[k] {
						t.Fatalf("%s, %d bytes, %d before the page: event %d differs", path.name, n, gap, k)
					}
				}
				_, sw := sweepOnPath(s, text, markers, false, false, path.avx2)
				if sw != goSw {
					t.Fatalf("%s, %d bytes, %d before the page: sweep %+v, Go %+v", path.name, n, gap, sw, goSw)
				}
			}
		}
	}
}
