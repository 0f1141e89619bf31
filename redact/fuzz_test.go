package redact_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"mime/quotedprintable"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/redact"
)

var fuzzSecrets = []redact.Secret{
	{Name: "all", Value: `Q"w\e/r+t=y&u<i>o%p@a:s'd`},
	{Name: "unicode", Value: "pässwörd-日本語-🔑"},
	{Name: "plain", Value: "Zx9Kq2Lm7Pv4Rt8W"},
	{Name: "prefix", Value: "Zx9Kq2Lm"},
	{Name: "pp", Value: "passpassword99"},
	{Name: "space", Value: "Zx9 Kq2 Lm7 Pv4"},
	{Name: "latin", Value: "Grüße-Ñandú=2024"},
	{Name: "bom", Value: "\ufeffZx9Kq2Lm7-bom"}, // found without its BOM
}

func fuzzRedactor(f *testing.F) *redact.Redactor {
	r, err := redact.New()
	if err != nil {
		f.Fatal(err)
	}
	if err := r.Set(fuzzSecrets); err != nil {
		f.Fatal(err)
	}
	return r
}

// FuzzScrub injects secrets in real encodings into arbitrary bytes and
// checks the invariants: no injected form survives, bytes outside the
// redacted spans are untouched, scrubbing is idempotent, and streaming at
// arbitrary split points equals one-shot scrubbing.
func FuzzScrub(f *testing.F) {
	r := fuzzRedactor(f)
	f.Add([]byte("plain log line\n"), uint64(1), uint8(2))
	f.Add([]byte("\xff\xfe\x00binary\r\n"), uint64(7), uint8(5))
	f.Add([]byte(""), uint64(3), uint8(1))
	f.Add([]byte("Zx9Kq2LmZx9Kq2L passpass {\"k\":\"v\"}"), uint64(11), uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64, inject uint8) {
		rng := rand.New(rand.NewPCG(seed, uint64(len(data))))
		text := append([]byte(nil), data...)
		var injected []string
		for k := 0; k < int(inject%6); k++ {
			s := fuzzSecrets[rng.IntN(len(fuzzSecrets))]
			form := realForms[rng.IntN(len(realForms))].encode(s.Value)
			at := rng.IntN(len(text) + 1)
			text = append(text[:at], append([]byte(form), text[at:]...)...)
			injected = append(injected, form)
		}

		out := r.Scrub(nil, text)
		for i, form := range injected {
			if bytes.Contains(out, []byte(form)) {
				t.Fatalf("injected form %d survived", i)
			}
		}

		// Nothing outside the spans changed.
		spans := r.Find(text)
		var rebuilt []byte
		prev := 0
		for _, m := range spans {
			if m.Start < prev || m.End <= m.Start || m.End > len(text) {
				t.Fatalf("bad span %+v after %d", m, prev)
			}
			rebuilt = append(rebuilt, text[prev:m.Start]...)
			rebuilt = append(rebuilt, r.Replacement(m.Name)...)
			prev = m.End
		}
		rebuilt = append(rebuilt, text[prev:]...)
		if !bytes.Equal(rebuilt, out) {
			t.Fatalf("output differs from the input outside the reported spans")
		}
		if len(spans) == 0 && !bytes.Equal(out, text) {
			t.Fatalf("text with no secret changed")
		}

		if again := r.Scrub(nil, out); !bytes.Equal(again, out) {
			t.Fatalf("not idempotent")
		}

		var sb bytes.Buffer
		w := r.NewWriter(&sb)
		for rest := text; len(rest) > 0; {
			n := 1 + rng.IntN(len(rest))
			w.Write(rest[:n])
			rest = rest[n:]
		}
		w.Close()
		if !bytes.Equal(sb.Bytes(), out) {
			t.Fatalf("streaming differs from one-shot")
		}
	})
}

// FuzzSecretValues indexes arbitrary values and checks that the build never
// fails or panics, that scrubbing is idempotent, and that a single-line value
// the policy keeps is found raw exactly where it is planted: one reported
// span covers every byte of it, whatever the text around it.
func FuzzSecretValues(f *testing.F) {
	f.Add("Zx9Kq2Lm7Pv4", "before ", " after")
	f.Add("\x00\x01\x02\x03\x04\x05\x06\x07\x08", "", "")
	f.Add("ab\ncd\r\nefghijklmnop", "x", "y")
	f.Add(`{"password":"Zq8kL2mN4vB"}`, "", "")
	f.Add("  Zx9Kq2Lm7Pv4\t", "Zx9Kq2", "Lm7Pv4")
	f.Add("aaaaaaaaaaaa", "aaaaa", "aaaaa")
	f.Add(`Q"w\e/r+t=y&u<i>o%p`, `{"k":"`, `"}`)
	f.Fuzz(func(t *testing.T, value, before, after string) {
		r, err := redact.New()
		require.NoError(t, err)
		// Set never fails on a value: a bad value is skipped, not an error.
		require.NoError(t, r.Set([]redact.Secret{{Name: "s", Value: value}}))
		text := before + value + after
		out := r.ScrubString(text)
		st := r.Stats()
		if st.Secrets == 0 {
			return // skipped by policy (too short, common, empty, ...)
		}
		if r.Scrub(nil, []byte(out)) == nil && out != "" {
			t.Fatal("nil output")
		}
		if again := r.ScrubString(out); again != out {
			t.Fatal("not idempotent")
		}

		// The raw value, as indexed: trimmed, one line, not a JSON object
		// (those are split into fields or lines and indexed part by part),
		// and kept whole by the policy.
		v := strings.TrimSpace(value)
		if len(st.Skipped) > 0 || strings.ContainsAny(v, "\r\n") || v[0] == '{' && json.Valid([]byte(v)) {
			return
		}
		start := len(before) + len(value) - len(strings.TrimLeftFunc(value, unicode.IsSpace))
		end := start + len(v)
		covered := false
		for _, m := range r.Find([]byte(text)) {
			if m.Start <= start && end <= m.End {
				covered = true
				break
			}
		}
		if !covered {
			// Positions and lengths only: the value may be a secret.
			t.Fatalf("the raw value (%d bytes) planted at %d..%d of %d bytes is not covered by one reported span",
				len(v), start, end, len(text))
		}
	})
}

// composedList is composedForms in a fixed order, for the fuzzer.
func composedList() []func(string) string {
	names := make([]string, 0, len(composedForms))
	for n := range composedForms {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]func(string) string, len(names))
	for i, n := range names {
		out[i] = composedForms[n]
	}
	return out
}

// FuzzComposed injects secrets under composed encodings (base64 in query
// strings, URL twice, JSON in JSON, base64 of base64, wrapped base64),
// under the escapes the scan decodes and under character references, into arbitrary bytes, and checks the
// invariants of FuzzScrub: no injected form survives whole, bytes outside
// the reported spans are untouched, scrubbing is idempotent, and streaming
// at arbitrary split points equals one-shot scrubbing.
func FuzzComposed(f *testing.F) {
	r := fuzzRedactor(f)
	forms := composedList()
	names := make([]string, 0, len(goEncoders))
	for n := range goEncoders {
		names = append(names, n)
	}
	slices.Sort(names) // a fixed order: a failing input must reproduce
	for _, n := range names {
		forms = append(forms, goEncoders[n])
	}
	names = names[:0]
	for n := range entityForms {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		forms = append(forms, entityForms[n])
	}
	// Other languages' escapers, quoted-printable and Latin-1 producers.
	for _, m := range []map[string]func(string) string{moreEscapers, latin1Producers, {"quoted-printable": qpEncode}} {
		names = names[:0]
		for n := range m {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			enc := m[n]
			forms = append(forms, func(v string) string {
				v = strings.TrimPrefix(v, "\ufeff") // the value as the application sees it
				if m["latin-1 bytes"] != nil && !fitsLatin1(v) {
					return "" // not written by a Latin-1 producer
				}
				return enc(v)
			})
		}
	}
	f.Add([]byte("plain log line\n"), uint64(1), uint8(2))
	f.Add([]byte("%41%2 \\u00 &#x4 \\\\x41\n"), uint64(5), uint8(3))
	f.Add([]byte(strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2\n", 3)), uint64(9), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64, inject uint8) {
		rng := rand.New(rand.NewPCG(seed, uint64(len(data))))
		text := append([]byte(nil), data...)
		var injected []string
		for k := 0; k < int(inject%4); k++ {
			s := fuzzSecrets[rng.IntN(len(fuzzSecrets))]
			form := forms[rng.IntN(len(forms))](s.Value)
			if form == "" {
				continue
			}
			at := rng.IntN(len(text) + 1)
			text = append(text[:at], append([]byte(form), text[at:]...)...)
			injected = append(injected, form)
		}
		out := r.Scrub(nil, text)
		for i, form := range injected {
			if bytes.Contains(out, []byte(form)) {
				t.Fatalf("injected form %d survived", i)
			}
		}
		var rebuilt []byte
		prev := 0
		for _, m := range r.Find(text) {
			if m.Start < prev || m.End <= m.Start || m.End > len(text) {
				t.Fatalf("bad span %+v after %d", m, prev)
			}
			rebuilt = append(rebuilt, text[prev:m.Start]...)
			rebuilt = append(rebuilt, r.Replacement(m.Name)...)
			prev = m.End
		}
		rebuilt = append(rebuilt, text[prev:]...)
		if !bytes.Equal(rebuilt, out) {
			t.Fatalf("output differs from the input outside the reported spans")
		}
		if again := r.Scrub(nil, out); !bytes.Equal(again, out) {
			t.Fatalf("not idempotent")
		}
		var sb bytes.Buffer
		w := r.NewWriter(&sb)
		for rest := text; len(rest) > 0; {
			n := 1 + rng.IntN(len(rest))
			w.Write(rest[:n])
			rest = rest[n:]
		}
		w.Close()
		if !bytes.Equal(sb.Bytes(), out) {
			t.Fatalf("streaming differs from one-shot")
		}
	})
}

// fitsLatin1 reports whether every character of v is in ISO 8859-1.
func fitsLatin1(v string) bool {
	for _, r := range v {
		if r > 0xff {
			return false
		}
	}
	return true
}

// qpEncode is v in quoted-printable, by mime/quotedprintable.
func qpEncode(v string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	_, _ = w.Write([]byte(v))
	_ = w.Close()
	return b.String()
}
