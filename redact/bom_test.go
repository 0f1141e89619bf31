package redact_test

import (
	"strings"
	"testing"

	"github.com/hushlog/hush/redact"
)

// TestLeadingBOM checks values that reach the engine with a UTF-8 byte
// order mark in front (a file saved by Notepad, read whole): the
// application sees the value without it (most loaders trim it), so the
// value is protected without it, in every form; a JSON document behind a
// BOM is split into its fields.
func TestLeadingBOM(t *testing.T) {
	const bom = "\ufeff"
	cases := []struct {
		value, want, name string
	}{
		{bom + "Zx9Kq2Lm7Pv4", "Zx9Kq2Lm7Pv4", "plain"},
		{bom + "  Zx9Kq2Lm7Pv5\r\n", "Zx9Kq2Lm7Pv5", "spaces"},
		{bom + bom + "Zx9Kq2Lm7Pv6", "Zx9Kq2Lm7Pv6", "twice"},
		{bom + `{"password":"Kq2Lm7Pv4Zx9"}`, "Kq2Lm7Pv4Zx9", "json#password"},
	}
	var secrets []redact.Secret
	for _, c := range cases {
		secrets = append(secrets, redact.Secret{Name: strings.TrimSuffix(c.name, "#password"), Value: c.value})
	}
	r := newRedactor(t, secrets)
	if st := r.Stats(); len(st.Skipped) > 0 {
		t.Errorf("skipped: %v", st.Skipped)
	}
	for _, c := range cases {
		for form, text := range map[string]string{
			"raw":          "k=" + c.want + " end",
			"json":         `{"k":"` + c.want + `"}`,
			"base64":       "k=" + b64std(c.want) + " end",
			"with its bom": "k=" + bom + c.want + " end",
		} {
			out := r.ScrubString(text)
			if strings.Contains(out, c.want) || !strings.Contains(out, r.Replacement(c.name)) {
				t.Errorf("%s as %s: not redacted as %s", c.name, form, r.Replacement(c.name))
			}
			if form == "with its bom" && !strings.HasPrefix(out, "k="+bom+"[") {
				t.Errorf("%s: the BOM in the text is not the secret's and must stay", c.name)
			}
		}
	}
}

func b64std(v string) string { return std([]byte(v)) }
