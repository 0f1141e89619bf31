package detecttest

import (
	"encoding/binary"
	"hash/crc32"
	"strconv"
	"strings"
)

// The checksums and encodings below are written from the owners' published
// descriptions, independently of package detect's validators; each names its
// source.

const (
	base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	alnum          = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b64url         = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	hexLower       = "0123456789abcdef"
	digits         = "0123456789"
	upperDigits    = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	awsAlphabet    = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" // base32 (RFC 4648)
	bech32Alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
)

// base62CRC is GitHub's checksum of a token body ("Behind GitHub's new
// authentication token formats", github.blog 2021-04-05): the CRC32 (IEEE)
// of the random part, written in base62 with the alphabet 0-9A-Za-z and
// left-padded with '0' to 6 characters. npm's tokens use the same scheme
// (github.blog changelog 2021-09-23, "npm has a new access token format").
func base62CRC(body string) string {
	return base62Pad(uint64(crc32.ChecksumIEEE([]byte(body))), 6)
}

func base62Pad(v uint64, width int) string {
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = base62Alphabet[v%62]
		v /= 62
	}
	return string(b)
}

// base36Pad is Ruby's Integer#to_s(36).rjust(width, '0'), as GitLab's routable
// tokens write their length and checksum.
func base36Pad(v uint64, width int) string {
	s := strconv.FormatUint(v, 36)
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return s
}

// grafanaChecksum is Grafana's service account token checksum
// (grafana/grafana pkg/components/satokengen/tokengen.go): the CRC32 (IEEE)
// of "glsa_<secret>", its four bytes little-endian, in lower-case hex.
func grafanaChecksum(key string) string {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], crc32.ChecksumIEEE([]byte(key)))
	const hx = "0123456789abcdef"
	out := make([]byte, 8)
	for i, c := range b {
		out[2*i] = hx[c>>4]
		out[2*i+1] = hx[c&15]
	}
	return string(out)
}

// Bech32 (BIP 173), the encoding of age's secret keys (age specification,
// C2SP age.md: "AGE-SECRET-KEY-1" + Bech32 with the HRP "age-secret-key-",
// upper-cased).

func bech32Polymod(values []byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := uint32(1)
	for _, v := range values {
		top := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ uint32(v)
		for i := range 5 {
			if (top>>i)&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	return chk
}

func bech32HRPExpand(hrp string) []byte {
	out := make([]byte, 0, 2*len(hrp)+1)
	for i := range len(hrp) {
		out = append(out, hrp[i]>>5)
	}
	out = append(out, 0)
	for i := range len(hrp) {
		out = append(out, hrp[i]&31)
	}
	return out
}

// bech32Encode returns hrp + "1" + data + checksum, lower case.
func bech32Encode(hrp string, data []byte) string {
	values := append(bech32HRPExpand(hrp), data...)
	pm := bech32Polymod(append(values, 0, 0, 0, 0, 0, 0)) ^ 1
	var sb strings.Builder
	sb.WriteString(hrp)
	sb.WriteByte('1')
	for _, d := range data {
		sb.WriteByte(bech32Alphabet[d])
	}
	for i := range 6 {
		sb.WriteByte(bech32Alphabet[(pm>>(5*(5-i)))&31])
	}
	return sb.String()
}

// to5bit regroups bytes into 5-bit groups, padding the last with zeros.
func to5bit(b []byte) []byte {
	var out []byte
	acc, bits := uint32(0), 0
	for _, c := range b {
		acc = acc<<8 | uint32(c)
		bits += 8
		for bits >= 5 {
			bits -= 5
			out = append(out, byte(acc>>bits)&31)
		}
	}
	if bits > 0 {
		out = append(out, byte(acc<<(5-bits))&31)
	}
	return out
}

// marvin32 is Microsoft's Marvin32 hash (SymCrypt lib/marvin32.c; the
// microsoft/security-utilities implementations), folded to 32 bits as
// Marvin.ComputeHash32 returns it: the checksum of Microsoft's identifiable
// keys.
func marvin32(data []byte, seed uint64) uint32 {
	p0, p1 := uint32(seed), uint32(seed>>32)
	block := func() {
		p1 ^= p0
		p0 = p0<<20 | p0>>12
		p0 += p1
		p1 = p1<<9 | p1>>23
		p1 ^= p0
		p0 = p0<<27 | p0>>5
		p0 += p1
		p1 = p1<<19 | p1>>13
	}
	for len(data) >= 4 {
		p0 += binary.LittleEndian.Uint32(data)
		block()
		data = data[4:]
	}
	switch len(data) {
	case 0:
		p0 += 0x80
	case 1:
		p0 += 0x8000 | uint32(data[0])
	case 2:
		p0 += 0x800000 | uint32(binary.LittleEndian.Uint16(data))
	case 3:
		p0 += 0x80000000 | uint32(data[2])<<16 | uint32(binary.LittleEndian.Uint16(data))
	}
	block()
	block()
	return p0 ^ p1
}

// caskSeed is IdentifiableSecrets.VersionTwoChecksumSeed
// (microsoft/security-utilities IdentifiableSecrets.cs):
// ComputeHisV1ChecksumSeed("Default0"), the eight bytes of "Default0" read
// big-endian.
var caskSeed = binary.BigEndian.Uint64([]byte("Default0"))

func crc32IEEE(s string) uint32 { return crc32.ChecksumIEEE([]byte(s)) }
