package redact_test

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// binaryKeys are binary keys kept as text, as secret stores hold them:
// base64 (padded, with "+" and "/", unpadded, URL-safe as Fernet writes
// it) and hex in both cases (openssl rand -hex 32).
func binaryKeys() []redact.Secret {
	return append(leaktest.BinarySecrets(),
		redact.Secret{Name: "keys/fernet", Value: "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="},
		redact.Secret{Name: "keys/hex", Value: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		redact.Secret{Name: "keys/HEX", Value: "3A7BD3E2360A3D29EEA436FCFB7E44C735D117C42D1C1835420B6B9942DD4F1B"},
	)
}

// TestBinaryKeyBytes: an application decodes a binary key kept as text
// and writes its bytes in another encoding: hex of a base64 key's bytes
// (hex.EncodeToString, "%x", "%X"), base64 of a hex key's bytes (zap.Binary,
// slog's JSON handler), with a version byte before them (every base64
// alignment), the other base64 alphabet, "%q" of the bytes, the byte lists
// of Go's "%v" and "% x" (Node's Buffer) and Java's Arrays.toString. Every such form
// of every key, inside a log line, is redacted, and no byte around it
// changes.
func TestBinaryKeyBytes(t *testing.T) {
	keys := binaryKeys()
	r := newRedactor(t, keys, redact.WithDetectors(nil))
	for _, k := range keys {
		d, ok := decodeKey(k.Value)
		if !ok {
			t.Fatalf("%s: not a binary key", k.Name)
		}
		for name, form := range map[string]string{
			"hex":             hex.EncodeToString(d),
			"HEX":             strings.ToUpper(hex.EncodeToString(d)),
			"base64":          base64.StdEncoding.EncodeToString(d),
			"base64 raw":      base64.RawStdEncoding.EncodeToString(d),
			"base64url":       base64.URLEncoding.EncodeToString(d),
			"base64, 1 byte":  base64.StdEncoding.EncodeToString(append([]byte{1}, d...)),
			"base64, 2 bytes": base64.StdEncoding.EncodeToString(append([]byte{1, 2}, d...)),
			"%q":              fmt.Sprintf("%q", d),
			"%v":              fmt.Sprintf("%v", d),
			"% x":             fmt.Sprintf("% x", d),
			"java":            javaBytes(d),
		} {
			if strings.Contains(form, k.Value) {
				continue // the value as it is
			}
			text := `{"level":"debug","msg":"key loaded","key":"` + form + `"}` + "\n"
			out := r.Scrub(nil, []byte(text))
			leaktest.Check(t, keys, out, k.Name+" "+name)
			if !strings.HasPrefix(string(out), `{"level":"debug","msg":"key loaded","key":"`) || !strings.HasSuffix(string(out), "\"}\n") {
				t.Errorf("%s %s: the text around the key changed", k.Name, name)
			}
			if !strings.Contains(string(out), r.Replacement(k.Name)) {
				t.Errorf("%s %s: not redacted", k.Name, name)
			}
		}
	}
}

// javaBytes is d as Java's Arrays.toString prints a byte[].
func javaBytes(d []byte) string {
	out := make([]string, len(d))
	for i, c := range d {
		out[i] = strconv.Itoa(int(int8(c)))
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// decodeKey decodes a key of binaryKeys.
func decodeKey(v string) ([]byte, bool) {
	if d, err := hex.DecodeString(v); err == nil {
		return d, true
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if d, err := enc.DecodeString(v); err == nil {
			return d, true
		}
	}
	return nil, false
}

// TestTokensAreNotBinaryKeys: a token of letters, digits, "-" and "_"
// (GitHub's and Stripe's prefixes, a UUID, dashed groups, Python's
// token_urlsafe) decodes as unpadded URL-safe base64 too, but is no key
// kept as text: it gets the forms of the same value with those bytes
// replaced by a letter, not a dozen forms of its decoding. (A value that
// differs from a live one only in base64's padding bits, as a rotated
// "...-A1" and "...-A2" do, would otherwise be protected by the live one.)
func TestTokensAreNotBinaryKeys(t *testing.T) {
	for _, v := range []string{
		"ghp_Kq7Wm2Zx9Lp4Rt8Vn3Bd6Fs1Gy5Jt0Ne3Ru8",
		"sk_live_51Hq3Zr8VnT2mKx7Lc4Wp9Bd6Fs1Gy5Jt0N",
		"550e8400-e29b-41d4-a716-446655440000",
		"Zq8v-4Lw2-9pXc-7yTb-A1",
		"Xy3-9Kq_Wm2Zx9Lp4Rt8Vn3Bd6Fs1Gy5Jt0Ne3Ru8Ao",
	} {
		plain := strings.NewReplacer("-", "z", "_", "z").Replace(v)
		n := func(val string) int {
			r := newRedactor(t, []redact.Secret{{Name: "tok", Value: val}}, redact.WithDetectors(nil))
			return r.Stats().Patterns
		}
		if got, want := n(v), n(plain); got != want {
			t.Errorf("a token of %d bytes with - or _: %d forms, the same without them %d", len(v), got, want)
		}
	}
}
