package cli

import (
	"bytes"
	"io"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUTF16RoundTrip: decoding and encoding again gives the same bytes,
// whatever the read and write sizes, lone surrogates included.
func TestUTF16RoundTrip(t *testing.T) {
	units := utf16.Encode([]rune("héllo wörld 𝄞 ✓\r\n"))
	units = append(units, 0xD800, 'x', 0xDC00, 0xD834) // lone high, lone low, high at the end
	for _, enc := range []textEncoding{utf16LE, utf16BE} {
		var in bytes.Buffer
		for _, u := range units {
			if enc == utf16BE {
				in.Write([]byte{byte(u >> 8), byte(u)})
			} else {
				in.Write([]byte{byte(u), byte(u >> 8)})
			}
		}
		for _, step := range []int{1, 2, 3, 7, 1 << 10} {
			d := newUTF16Decoder(&oneByteReader{b: in.Bytes(), step: step}, enc)
			var decoded []byte
			buf := make([]byte, step)
			for {
				n, err := d.Read(buf)
				decoded = append(decoded, buf[:n]...)
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
			}
			var out bytes.Buffer
			e := newUTF16Encoder(&out, enc)
			for i := 0; i < len(decoded); i += step {
				_, err := e.Write(decoded[i:min(len(decoded), i+step)])
				require.NoError(t, err)
			}
			require.NoError(t, e.Close())
			bom := []byte{0xFF, 0xFE}
			if enc == utf16BE {
				bom = []byte{0xFE, 0xFF}
			}
			assert.Equal(t, append(bom, in.Bytes()...), out.Bytes(), "%s, step %d", enc, step)
		}
	}
	// Odd length: an error, not a silent loss.
	d := newUTF16Decoder(bytes.NewReader([]byte{'a', 0, 'b'}), utf16LE)
	_, err := io.ReadAll(d)
	assert.ErrorIs(t, err, errOddUTF16)
}

type oneByteReader struct {
	b    []byte
	step int
}

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), r.step)], r.b)
	r.b = r.b[n:]
	return n, nil
}

func TestStrayNUL(t *testing.T) {
	pad := bytes.Repeat([]byte{0}, nulRunMin)
	for _, tc := range []struct {
		b                         string
		atStart, midStart, midEnd bool
		want                      int
	}{
		{"\x00\x00abc", true, false, false, -1},
		{"\x00\x00abc", false, false, false, 0},
		{"ab\x00c", true, false, false, 2},
		{"ab" + string(pad) + "c", false, false, false, -1},
		{"ab\x00", false, false, true, -1},
		{"\x00ab", false, true, false, -1},
		{"text", false, false, false, -1},
	} {
		assert.Equal(t, tc.want, strayNUL([]byte(tc.b), tc.atStart, tc.midStart, tc.midEnd), "%q", tc.b)
	}
	assert.Equal(t, -1, sniffBinary(append(bytes.Repeat([]byte{0}, 20000), "log line\n"...), true))
	assert.Equal(t, 8, sniffBinary([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), true))
}
