package leaktest

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime/quotedprintable"
	"strings"
	"testing"

	"github.com/hushlog/hush/redact"
)

// TestOracleKnowsOtherProducers: outputs that hold a secret only as
// producers beyond JSON, URLs, base64, hex and HTML write it (base32 in
// both alphabets and inside a larger blob, quoted-printable with soft line
// breaks, JavaScript's escape(), Perl's \x{} and \N{U+}, YAML's \_ and \x,
// Python's ascii(), bash's printf %q, Latin-1 text) are leaks; and a long
// secret that survives only in part is one too.
func TestOracleKnowsOtherProducers(t *testing.T) {
	uni := redact.Secret{Name: "uni", Value: "Pässwörd=日本-🔑-Kq2"}
	lat := redact.Secret{Name: "lat", Value: "Grüße Ñandú=2024"}
	nbsp := redact.Secret{Name: "nbsp", Value: "Zx9\u00a0Kq2\u00a0Lm7\u00a0Pv4"}
	spec := redact.Secret{Name: "spec", Value: "p@ss $x [y] (z)!"}
	long := redact.Secret{Name: "long", Value: strings.Repeat("Kq2Lm7Pv4Zx9-", 800)}
	var qp strings.Builder
	w := quotedprintable.NewWriter(&qp)
	_, _ = w.Write([]byte("header text, then the key: " + uni.Value + strings.Repeat(" and more", 9)))
	_ = w.Close()
	cases := []struct {
		what   string
		secret redact.Secret
		out    string
	}{
		{"base32 std", uni, "k=" + base32.StdEncoding.EncodeToString([]byte(uni.Value))},
		{"base32 hex raw in a blob", uni, "k=" + base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("user:"+uni.Value+"@host"))},
		{"quoted-printable, soft breaks", uni, qp.String()},
		{"js escape", uni, "q=" + jsEscape(uni.Value)},
		{"perl dumper", uni, `$VAR1 = "` + perlDumper(uni.Value) + `";`},
		{"perl N{U+}", uni, strings.NewReplacer("ä", `\N{U+E4}`, "ö", `\N{U+F6}`, "日", `\N{U+65E5}`, "本", `\N{U+672C}`, "🔑", `\N{U+1F511}`).Replace(uni.Value)},
		{"python ascii", uni, "'" + pythonASCII(uni.Value) + "'"},
		{"yaml", lat, `pw: "` + strings.NewReplacer("ü", `\xFC`, "ß", `\xDF`, "Ñ", `\xD1`, "ú", `\xFA`).Replace(lat.Value) + `"`},
		{"yaml nbsp", nbsp, `pw: "Zx9\_Kq2\_Lm7\_Pv4"`},
		{"latin-1 text", lat, "Kennwort: " + func() string { l, _ := latin1(lat.Value); return l }() + " \xbb"},
		{"bash printf %q", spec, "run " + strings.NewReplacer("@", `\@`, " ", `\ `, "$", `\$`, "[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`, "!", `\!`).Replace(spec.Value)},
		{"sql literal", redact.Secret{Name: "apos", Value: "it's-Kq7Wm2Zx'9"}, "UPDATE t SET pw = 'it''s-Kq7Wm2Zx''9'"},
		{"csv field", redact.Secret{Name: "quot", Value: `say"hi"-Kq7Wm2Zx`}, `app,"say""hi""-Kq7Wm2Zx",x`},
		{"hex of a base64 key's bytes", redact.Secret{Name: "k", Value: "q3Vd8XkP0bZr7LmN2sYt5WcA9hGf4JeU1oKi6RxBnQw="}, "key=" + hex.EncodeToString(mustB64("q3Vd8XkP0bZr7LmN2sYt5WcA9hGf4JeU1oKi6RxBnQw="))},
		{"base64 of a hex key's bytes", redact.Secret{Name: "k", Value: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}, "key=" + base64.StdEncoding.EncodeToString(mustHex("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))},
		{"go % x", spec, "bytes: " + fmt.Sprintf("% x", spec.Value)},
		{"node Buffer", uni, "<Buffer " + fmt.Sprintf("% x", uni.Value) + ">"},
		{".NET BitConverter", spec, strings.ReplaceAll(fmt.Sprintf("% X", spec.Value), " ", "-")},
		{"a long secret cut short", long, "x " + long.Value[:5000] + "[REDACTED]" + long.Value[9000:] + " y"},
	}
	for _, c := range cases {
		if len(Find([]redact.Secret{c.secret}, []byte(c.out))) == 0 {
			t.Errorf("%s: no leak found", c.what)
		}
	}
}

func mustB64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
