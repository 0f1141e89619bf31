package redact_test

import (
	"bytes"
	"mime/quotedprintable"
	"strings"
	"testing"

	"github.com/hushlog/hush/redact"
)

// TestQuotedPrintable checks values in quoted-printable, as Go's
// mime/quotedprintable (and every MIME library) writes them: "=" and
// non-ASCII as =XX. A line of mail text around the value is kept.
func TestQuotedPrintable(t *testing.T) {
	secrets := []redact.Secret{
		{Name: "equals", Value: "Zx9Kq2=Lm7Pv4=="},
		{Name: "umlaut", Value: "pässwörd-Kq2Lm7"},
		{Name: "cjk", Value: "Kq2-日本語-Lm7Pv4"},
		{Name: "both", Value: "a=b&c ü Kq2Lm7"},
	}
	r := newRedactor(t, secrets)
	for _, s := range secrets {
		var b bytes.Buffer
		w := quotedprintable.NewWriter(&b)
		if _, err := w.Write([]byte(s.Value)); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		form := b.String()
		text := "Password: " + form + " (keep it)\r\n"
		want := "Password: " + r.Replacement(s.Name) + " (keep it)\r\n"
		if got := r.ScrubString(text); got != want {
			t.Errorf("%s: the quoted-printable form (%d bytes) is not redacted whole (got %d bytes)", s.Name, len(form), len(got))
		}
		if strings.Contains(form, "=\r\n") {
			t.Errorf("%s: a soft line break in a short value", s.Name)
		}
	}
}
