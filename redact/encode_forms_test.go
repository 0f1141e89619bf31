package redact

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestHTMLStylesDeduplicated: the HTML forms written for a value are the
// distinct forms of all the styles, whatever quotes, apostrophes, control
// bytes and invalid UTF-8 it holds.
func TestHTMLStylesDeduplicated(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	alphabet := []string{"a", "Z", "9", "<", ">", "&", `"`, "'", "\t", "\n", "\r", "\x01", "\xff", "é", " "}
	for i := range 5000 {
		var v string
		for range 1 + rng.IntN(12) {
			v += alphabet[rng.IntN(len(alphabet))]
		}
		var want []string
		if !strings.ContainsAny(v, "<>&'\"\t\r\n") && !hasXMLInvalid(v) {
			continue // no HTML forms (invalid UTF-8 alone is the JSON form's U+FFFD)
		}
		for _, st := range htmlStyles {
			f := string(appendHTML(nil, v, st.quot, st.apos, st.xml))
			if f != v && !slices.Contains(want, f) {
				want = append(want, f)
			}
		}
		var fs formSet
		fs.add(v, HTML)
		var got []string
		for _, f := range fs.forms {
			if f.enc == HTML {
				got = append(got, string(f.b))
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("value %d (%d bytes): %d HTML forms, want %d", i, len(v), len(got), len(want))
		}
	}
}
