package detect

import (
	"encoding/base64"
	"encoding/binary"
)

// Microsoft's common annotated security keys carry a Marvin32 checksum
// (microsoft/security-utilities: CommonAnnotatedKey.TryCreate,
// IdentifiableSecrets.VersionTwoChecksumSeed = ComputeHisV1ChecksumSeed
// ("Default0"), Marvin.ComputeHash32): the hash of the 60 bytes the first 80
// characters decode to, its four bytes little-endian, base64: the key's
// characters 80-83 are the first four of that encoding (84-character form),
// or 80-85 the first six followed by "==" (88-character form). Checked here
// for standard keys (character 57 is '9'); derived keys ('D', a base62
// checksum) and the others stay prefix-only.

// caskSeed is ComputeHisV1ChecksumSeed("Default0"): its bytes big-endian.
var caskSeed = binary.BigEndian.Uint64([]byte("Default0"))

// caskChecksum verifies key (84 or 88 characters). checked is false when the
// key is not a standard one, whose checksum is not verified.
func caskChecksum(key []byte) (checked, ok bool) {
	if key[57] != '9' {
		return false, false
	}
	var raw [60]byte
	if n, err := base64.StdEncoding.Decode(raw[:], key[:80]); err != nil || n != 60 {
		return true, false
	}
	sum := marvin32(raw[:], caskSeed)
	var enc [8]byte
	base64.StdEncoding.Encode(enc[:], []byte{byte(sum), byte(sum >> 8), byte(sum >> 16), byte(sum >> 24)})
	if len(key) == 88 {
		return true, string(key[80:86]) == string(enc[:6]) && key[86] == '=' && key[87] == '='
	}
	return true, string(key[80:84]) == string(enc[:4])
}

// marvin32 is Microsoft's Marvin32 hash folded to 32 bits as
// Marvin.ComputeHash32 returns it (SymCrypt lib/marvin32.c).
func marvin32(data []byte, seed uint64) uint32 {
	p0, p1 := uint32(seed), uint32(seed>>32)
	for len(data) >= 4 {
		p0 += binary.LittleEndian.Uint32(data)
		p0, p1 = marvinBlock(p0, p1)
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
	p0, p1 = marvinBlock(p0, p1)
	p0, p1 = marvinBlock(p0, p1)
	return p0 ^ p1
}

func marvinBlock(p0, p1 uint32) (uint32, uint32) {
	p1 ^= p0
	p0 = p0<<20 | p0>>12
	p0 += p1
	p1 = p1<<9 | p1>>23
	p1 ^= p0
	p0 = p0<<27 | p0>>5
	p0 += p1
	p1 = p1<<19 | p1>>13
	return p0, p1
}
