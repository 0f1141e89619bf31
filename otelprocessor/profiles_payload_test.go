package hushprocessor

import (
	"archive/zip"
	"bytes"
	"compress/bzip2"
	"compress/zlib"
	"context"
	"io"
	"os"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/otel/attribute"

	"github.com/hushlog/hush/otelprocessor/internal/metadata"
)

// TestProfilesPayloadCodecs: an original payload in every compression it
// can come in is opened (layer by layer), scrubbed and compressed again
// when a secret was in it, kept byte for byte when not; a payload the
// processor cannot open, or cannot write again with the secret removed,
// is removed and counted by reason, never passed on unchecked.
func TestProfilesPayloadCodecs(t *testing.T) {
	content := []byte("\x0a\x00\x0a\x0fmain.handleOrder\x0a\x20dsn=postgres://app:" + dbSecret + "@db/app\x0a\x05/app")
	clean := []byte("\x0a\x00\x0a\x0fmain.handleOrder\x0a\x05/app")
	gz := gzipBytes
	zl := zlibBytes
	zs := zstdBytes
	unzl := func(b []byte) ([]byte, error) {
		r, err := zlib.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(r)
	}
	unzs := func(b []byte) ([]byte, error) {
		d, err := zstd.NewReader(nil)
		if err != nil {
			return nil, err
		}
		defer d.Close()
		return d.DecodeAll(b, nil)
	}
	ungz := func(b []byte) ([]byte, error) {
		out, ok := gunzip(b, maxPayloadContent)
		if !ok {
			return nil, io.ErrUnexpectedEOF
		}
		return out, nil
	}
	file := func(name string) []byte {
		b, err := os.ReadFile("testdata/payloads/" + name)
		require.NoError(t, err)
		return b
	}
	zipOf := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.Create("profile.jfr")
		require.NoError(t, err)
		_, _ = w.Write(b)
		require.NoError(t, zw.Close())
		return buf.Bytes()
	}
	nest := func(b []byte, n int) []byte {
		for range n {
			b = gz(b)
		}
		return b
	}
	// decode undoes the compressions of a kept payload, outermost first.
	type decoder func([]byte) ([]byte, error)
	for _, c := range []struct {
		name    string
		payload []byte
		removed string    // the reason it is removed, "" when kept
		decode  []decoder // kept: how to read the content back
		same    bool      // kept byte for byte
	}{
		{"gzip", gz(content), "", []decoder{ungz}, false},
		{"zlib", zl(content), "", []decoder{unzl}, false},
		{"zstd", zs(content), "", []decoder{unzs}, false},
		{"zstd in gzip", gz(zs(content)), "", []decoder{ungz, unzs}, false},
		{"zstd after a skippable frame", append([]byte{0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 'j', 'u', 'n', 'k'}, zs(content)...), "", []decoder{unzs}, false},
		{"lz4 after a skippable frame", append([]byte{0x5f, 0x2a, 0x4d, 0x18, 0, 0, 0, 0}, file("secret.lz4")...), payloadUnchecked, nil, false},
		{"gzip in zlib in zstd", zs(zl(gz(content))), "", []decoder{unzs, unzl, ungz}, false},
		{"gzip 4 deep", nest(content, maxPayloadLayers), "", []decoder{ungz, ungz, ungz, ungz}, false},
		{"clean gzip", gz(clean), "", nil, true},
		{"clean zlib", zl(clean), "", nil, true},
		{"clean zstd", zs(clean), "", nil, true},
		{"clean bzip2", file("clean.bz2"), "", nil, true},
		{"text that looks like zlib", append([]byte("x^ main;handler "), content...), "", nil, false},
		{"clean text that looks like zlib", []byte("x^ main;handler 10\n"), "", nil, true},
		{"bzip2 holding a secret (cannot be written again)", file("secret.bz2"), payloadSecret, nil, false},
		{"truncated zlib holding a secret", zl(content)[:len(zl(content))-6], payloadSecret, nil, false},
		{"gzip 5 deep", nest(content, maxPayloadLayers+1), payloadUnchecked, nil, false},
		{"clean gzip 5 deep", nest(clean, maxPayloadLayers+1), payloadUnchecked, nil, false},
		{"corrupt zstd", append(zs(content)[:12:12], 1, 2, 3), payloadUnchecked, nil, false},
		{"corrupt gzip inside zstd", zs(gz(content)[:20]), payloadUnchecked, nil, false},
		{"xz", file("secret.xz"), payloadUnchecked, nil, false},
		{"clean xz", file("clean.xz"), payloadUnchecked, nil, false},
		{"lz4", file("secret.lz4"), payloadUnchecked, nil, false},
		{"zip", zipOf(content), payloadUnchecked, nil, false},
		{"snappy framed", append([]byte("\xff\x06\x00\x00sNaPpY"), content...), payloadUnchecked, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			tel := componenttest.NewTelemetry()
			t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
			set := settings()
			set.TelemetrySettings = tel.NewTelemetrySettings()
			p, sink := startProfiles(t, staticConfig(), set)
			b := newProfileBatch()
			b.prof.SetOriginalPayloadFormat("pprof")
			b.prof.OriginalPayload().FromRaw(c.payload)
			require.NoError(t, p.ConsumeProfiles(context.Background(), b.pd))
			out := sink.AllProfiles()[0]
			assertNoLeak(t, c.name, profilesBytes(t, out))
			got := out.ResourceProfiles().At(0).ScopeProfiles().At(0).Profiles().At(0).OriginalPayload().AsRaw()
			if c.removed != "" {
				assert.Empty(t, got, "payload kept")
				assertCounter(t, tel, metadata.MetricPayloadsRemoved, 1, attribute.String("processor", "hush"),
					attribute.String("otel.signal", "profiles"), attribute.String("reason", c.removed))
				return
			}
			require.NotEmpty(t, got, "payload removed")
			if c.same {
				if !bytes.Equal(c.payload, got) {
					t.Errorf("a clean payload changed (%d bytes in, %d out)", len(c.payload), len(got))
				}
				return
			}
			if bytes.Equal(c.payload, got) {
				t.Errorf("a payload holding a secret kept as it was (%d bytes)", len(got))
			}
			for i, d := range c.decode {
				var err error
				got, err = d(got)
				require.NoError(t, err, "layer %d no longer decodes", i)
			}
			assertNoLeak(t, c.name+" (decompressed)", got)
			assert.True(t, bytes.Contains(got, []byte(dbRepl)), "no replacement in the content")
			assert.True(t, bytes.HasPrefix(got, []byte("\x0a\x00\x0a\x0fmain.handleOrder")) ||
				bytes.HasPrefix(got, []byte("x^ main;handler ")), "the clean part changed")
		})
	}
	// The bzip2 fixture holds the secret it is meant to (the case above
	// would pass for a fixture that lost it).
	raw, err := io.ReadAll(bzip2.NewReader(bytes.NewReader(file("secret.bz2"))))
	require.NoError(t, err)
	assert.True(t, bytes.Contains(raw, []byte(dbSecret)), "testdata/payloads/secret.bz2 does not hold the test secret; run gen.sh")
}
