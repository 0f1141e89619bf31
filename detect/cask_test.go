package detect

import "testing"

// TestMarvin32Vectors: microsoft/security-utilities marvin_tests.rs (from
// skeeto/marvin32), 64-bit results folded as ComputeHash32 folds them.
func TestMarvin32Vectors(t *testing.T) {
	cases := []struct {
		seed, want uint64
		data       []byte
	}{
		{0x004fb61a001bdbcc, 0x30ed35c100cd3c7d, nil},
		{0x004fb61a001bdbcc, 0x48e73fc77d75ddc1, []byte{175}},
		{0x004fb61a001bdbcc, 0xb5f6e1fc485dbff8, []byte{231, 15}},
		{0x004fb61a001bdbcc, 0xf0b07c789b8cf7e8, []byte{55, 244, 149}},
		{0x004fb61a001bdbcc, 0x7008f2e87e9cf556, []byte{134, 66, 220, 89}},
		{0x004fb61a001bdbcc, 0xe11847e4f0678c41, []byte{171, 66, 126, 168, 209, 15, 199}},
		{0x804fb61a801bdbcc, 0x71876f2efb1b0ee8, []byte{0, 255, 0, 255, 0, 255, 0}},
	}
	for i, c := range cases {
		if got, want := marvin32(c.data, c.seed), uint32(c.want^c.want>>32); got != want {
			t.Errorf("case %d: %#x, want %#x", i, got, want)
		}
	}
}
