package detect

import "hash/crc32"

// Byte classes of token bodies.
type class [256]bool

func makeClass(sets ...string) *class {
	var c class
	for _, s := range sets {
		for i := 0; i < len(s); i++ {
			if i+2 < len(s) && s[i+1] == '-' {
				for b := int(s[i]); b <= int(s[i+2]); b++ {
					c[b] = true
				}
				i += 2
				continue
			}
			c[s[i]] = true
		}
	}
	return &c
}

var (
	alnum      = makeClass("A-Za-z0-9")
	b64url     = makeClass("A-Za-z0-9", "_", "-")
	b64std     = makeClass("A-Za-z0-9", "+/")
	upperNum   = makeClass("A-Z0-9")
	lowerHex   = makeClass("0-9a-f")
	anyHex     = makeClass("0-9a-fA-F")
	bech32Up   = makeClass("023456789ACDEFGHJKLMNPQRSTUVWXYZ")
	slackBody  = makeClass("A-Za-z0-9", "-")
	digits     = makeClass("0-9")
	dopplerEnv = makeClass("a-z0-9", "_", "-")
)

// run returns the end of the run of c bytes that starts at i, looking at
// no more than limit bytes.
func run(t []byte, i int, c *class, limit int) int {
	e := i
	end := min(len(t), i+limit)
	for e < end && c[t[e]] {
		e++
	}
	return e
}

// exact reports whether t[i:] starts with exactly n bytes of c, not
// followed by another byte of c.
func exact(t []byte, i, n int, c *class) bool {
	return run(t, i, c, n+1) == i+n
}

// after reports whether the token ending at e is not followed by a byte of
// c (it is not part of a longer run of its alphabet).
func after(t []byte, e int, c *class) bool {
	return e == len(t) || !c[t[e]]
}

// hasPrefix reports whether t[i:] starts with p.
func hasPrefix(t []byte, i int, p string) bool {
	return len(t)-i >= len(p) && string(t[i:i+len(p)]) == p
}

// base62 digits in GitHub's order: 0-9, A-Z, a-z.
var base62Val = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i, c := range "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" {
		v[c] = int8(i)
	}
	return v
}()

// crc32Base62 reports whether the last 6 bytes of tok are the CRC-32
// (IEEE) of the bytes before them, in base62, zero-padded: the checksum of
// GitHub's and npm's tokens.
func crc32Base62(tok []byte) bool {
	n := len(tok) - 6
	if n <= 0 {
		return false
	}
	var v uint64
	for _, c := range tok[n:] {
		d := base62Val[c]
		if d < 0 {
			return false
		}
		v = v*62 + uint64(d)
	}
	return v == uint64(crc32.ChecksumIEEE(tok[:n]))
}

// bech32 (BIP 173) verification.

var bech32Val = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i, c := range "qpzry9x8gf2tvdw0s3jn54khce6mua7l" {
		v[c] = int8(i)
		if c >= 'a' && c <= 'z' {
			v[c-'a'+'A'] = int8(i)
		}
	}
	return v
}()

func bech32Polymod(chk uint32, v byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	b := chk >> 25
	chk = (chk&0x1ffffff)<<5 ^ uint32(v)
	for i := range 5 {
		if (b>>i)&1 == 1 {
			chk ^= gen[i]
		}
	}
	return chk
}

// bech32Valid reports whether s, a whole Bech32 string in one case, has a
// valid checksum (bech32, not bech32m).
func bech32Valid(s []byte) bool {
	sep := -1
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '1' {
			sep = i
			break
		}
	}
	if sep < 1 || len(s)-sep-1 < 6 {
		return false
	}
	chk := uint32(1)
	for _, c := range s[:sep] {
		chk = bech32Polymod(chk, lower(c)>>5)
	}
	chk = bech32Polymod(chk, 0)
	for _, c := range s[:sep] {
		chk = bech32Polymod(chk, lower(c)&31)
	}
	for _, c := range s[sep+1:] {
		d := bech32Val[c]
		if d < 0 {
			return false
		}
		chk = bech32Polymod(chk, byte(d))
	}
	return chk == 1
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
