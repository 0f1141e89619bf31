package detect

import (
	"math/rand/v2"
	"testing"
)

func mixedCaseRef(b []byte) bool {
	up, lo := false, false
	for _, c := range b {
		up = up || c >= 'A' && c <= 'Z'
		lo = lo || c >= 'a' && c <= 'z'
		if up && lo {
			return true
		}
	}
	return up && lo
}

// mixedCase (eight bytes at a time) agrees with a bytewise reading on runs of
// base64 characters of every mix of classes.
func TestMixedCaseMatchesBytewise(t *testing.T) {
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50000 {
		n := rng.IntN(40)
		b := make([]byte, n)
		sub := alpha[rng.IntN(3)*26/2:]
		for i := range b {
			switch rng.IntN(4) {
			case 0:
				b[i] = alpha[rng.IntN(len(alpha))]
			case 1:
				b[i] = "0123456789+/-_"[rng.IntN(14)]
			default:
				b[i] = sub[rng.IntN(len(sub))]
			}
		}
		if mixedCase(b) != mixedCaseRef(b) {
			t.Fatalf("mixedCase differs from the bytewise reference on a %d-byte run", len(b))
		}
	}
}
