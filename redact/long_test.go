package redact_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/hushlog/hush/redact"
)

// longValue returns a random value of about n bytes whose every encoded
// form differs from the others: letters and digits with spaces, quotes,
// markup, URL and backslash specials, Latin-1 and CJK letters among them.
func longValue(seed uint64, n int) string {
	const alpha = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	specials := []string{" ", `"`, "'", "<", ">", "&", "/", "+", "=", "%", `\`, "ä", "ö", "日", "-", "_"}
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	var b strings.Builder
	b.WriteString("Kq")
	for b.Len() < n-1 {
		if rng.IntN(8) == 0 {
			b.WriteString(specials[rng.IntN(len(specials))])
			continue
		}
		b.WriteByte(alpha[rng.IntN(len(alpha))])
	}
	b.WriteString("Z")
	return b.String()
}

// longForms are the real producers' forms of long values: every form of
// realForms, plus non-ASCII \u escapes, Go quoting and two composed ones.
func longForms() []encodedForm {
	out := append([]encodedForm(nil), realForms...)
	return append(out,
		encodedForm{"json-ascii", redact.JSON, false, func(v string) string { return jsonString(v, false, true) }},
		encodedForm{"go-quote-ascii", redact.JSON, false, func(v string) string { return unquote(strconv.QuoteToASCII(v)) }},
		encodedForm{"url-twice", redact.URL, false, func(v string) string { return url.QueryEscape(url.QueryEscape(v)) }},
		encodedForm{"base64-of-base64", redact.Base64, true, func(v string) string {
			return base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString([]byte(v))))
		}},
	)
}

// survivingWindow returns the offset in form of a window of w bytes of
// the form (at a stride of w, and the last one) that is still in out, or -1.
func survivingWindow(out, form []byte, w int) int {
	if len(form) < w {
		if bytes.Contains(out, form) {
			return 0
		}
		return -1
	}
	for off := 0; ; off += w {
		if off+w > len(form) {
			off = len(form) - w
		}
		if bytes.Contains(out, form[off:off+w]) {
			return off
		}
		if off+w == len(form) {
			return -1
		}
	}
}

// TestLongValuesEveryForm checks values longer than an index pattern may be
// (fingerprint.MaxPatternLen) and values whose encoded forms are: in every
// form, through Scrub and the Writer, no 64-byte window of the form
// survives, the bytes around it are kept, one span covers the whole
// occurrence, and the stream gives what Scrub gives.
func TestLongValuesEveryForm(t *testing.T) {
	sizes := []int{5 << 10, 40 << 10, 70 << 10, 200 << 10}
	if testing.Short() {
		sizes = sizes[:2]
	}
	var secrets []redact.Secret
	for i, n := range sizes {
		secrets = append(secrets, redact.Secret{Name: fmt.Sprintf("long/%dk", n>>10), Value: longValue(uint64(i), n)})
	}
	r := newRedactor(t, secrets)
	if st := r.Stats(); len(st.Skipped) > 0 {
		t.Fatalf("skipped: %v", st.Skipped)
	}
	const head, tail = "<<head ", " tail>>\n"
	for _, s := range secrets {
		for _, f := range longForms() {
			form := []byte(f.encode(s.Value))
			text := []byte(head + string(form) + tail)
			out := r.Scrub(nil, text)
			where := fmt.Sprintf("%s (%d bytes) as %s (%d bytes)", s.Name, len(s.Value), f.name, len(form))
			if off := survivingWindow(out, form, 64); off >= 0 {
				t.Errorf("%s: the form survives at %d of it", where, off)
				continue
			}
			if !bytes.HasPrefix(out, []byte(head)) || !bytes.HasSuffix(out, []byte(tail)) {
				t.Errorf("%s: the bytes around the form changed", where)
			}
			ms := r.Find(text)
			lo, hi := len(head), len(head)+len(form)
			if f.loose {
				// The value's part of the encoding: not a prefix's
				// ("user:"), a suffix's or padding, and an edge character
				// may carry a neighbour's bits.
				enc := strings.TrimRight(f.encode(s.Value[:len(s.Value)/2]), "=")
				lo = len(head) + len(enc)/8
				hi = len(head) + len(bytes.TrimRight(form, "=")) - len(enc)/8
			}
			if len(ms) != 1 || ms[0].Start > lo || ms[0].End < hi {
				t.Errorf("%s: %d spans, want one over %d..%d", where, len(ms), lo, hi)
			}
			rng := rand.New(rand.NewPCG(uint64(len(form)), 7))
			var parts [][]byte
			for rest := text; len(rest) > 0; {
				n := min(len(rest), 1+rng.IntN(3*len(text)/4))
				parts, rest = append(parts, rest[:n]), rest[n:]
			}
			if got := streamed(t, r, parts...); !bytes.Equal(got, out) {
				t.Errorf("%s: the Writer (%d writes) differs from Scrub", where, len(parts))
			}
		}
	}
}

// TestLongEscapedRestarts checks that scrubbing a line dense with escapes
// (a long value URL-escaped, JSON in JSON, entity-escaped) costs work in
// proportion to its length: the decoder restarts inside every escape, and
// may decode and search a match's whole reach from there only where a
// pattern may start. Probing only the filter admitted about one restart in
// ten inside a long value (its grams are in the filter), each of them
// decoding 28 KiB (7 × a 4 KiB piece): scrubbing a 40 KiB value
// URL-escaped took seconds. The full restarts may decode at most eight
// times the text (a piece of an entity form that starts inside an entity
// is a pattern that does start there).
func TestLongEscapedRestarts(t *testing.T) {
	v := longValue(2, 100<<10)
	r := newRedactor(t, []redact.Secret{{Name: "small", Value: longValue(1, 5<<10)}, {Name: "large", Value: v}})
	forms := map[string]func(string) string{
		"url-query":       url.QueryEscape,
		"url-twice":       func(v string) string { return url.QueryEscape(url.QueryEscape(v)) },
		"json-twice-html": func(v string) string { return jsonMarshal(true)(jsonMarshal(true)(v)) },
		"json-ascii":      func(v string) string { return jsonString(v, false, true) },
		"xml":             xmlEscape,
	}
	for name, enc := range forms {
		text := []byte("at " + enc(v) + " end\n")
		var out []byte
		n := redact.CountFullRestarts(func() { out = r.Scrub(nil, text) })
		if n > 8*len(text) {
			t.Errorf("%s: restarts decoded %d bytes of a %d-byte text", name, n, len(text))
		}
		if off := survivingWindow(out, []byte(enc(v)), 64); off >= 0 {
			t.Errorf("%s: the form survives at %d of it", name, off)
		}
	}
}

// TestLongWrappedBase64Stream checks long values in base64 wrapped at 64
// and 76 columns (a MIME attachment, a PEM-like blob) through Scrub and a
// Writer fed in small writes: no line of the blob survives either way, and
// the stream equals Scrub. A match across the lines is written as one span
// per line; the Writer held back only a match's reach of trailing lines
// and wrote the first lines of a match that went on past its cut
// unredacted, and lost the rest, once long values were indexed in pieces.
func TestLongWrappedBase64Stream(t *testing.T) {
	sizes := []int{5 << 10, 40 << 10, 200 << 10}
	if testing.Short() {
		sizes = sizes[:2]
	}
	var secrets []redact.Secret
	for i, n := range sizes {
		secrets = append(secrets, redact.Secret{Name: fmt.Sprintf("long/%dk", n>>10), Value: longValue(uint64(i), n)})
	}
	r := newRedactor(t, secrets)
	for _, s := range secrets {
		for _, w := range []struct {
			width int
			eol   string
		}{{76, "\r\n"}, {64, "\n"}} {
			blob := wrap(std([]byte("Subject: x\r\n\r\n"+s.Value+"\r\ntrailer")), w.width, w.eol)
			text := "begin\n" + blob + "\nend\n"
			out := r.ScrubString(text)
			lines := strings.Split(blob, w.eol)
			for i, l := range lines[1 : len(lines)-2] { // the first and last lines hold other bytes
				if strings.Contains(out, l) {
					t.Errorf("%s at width %d: line %d of the blob survives", s.Name, w.width, i+1)
					break
				}
			}
			for _, size := range []int{1000, 4093} {
				var parts [][]byte
				for i := 0; i < len(text); i += size {
					parts = append(parts, []byte(text[i:min(len(text), i+size)]))
				}
				if got := streamed(t, r, parts...); string(got) != out {
					t.Errorf("%s at width %d: the Writer (writes of %d bytes) differs from Scrub", s.Name, w.width, size)
				}
			}
		}
	}
}
