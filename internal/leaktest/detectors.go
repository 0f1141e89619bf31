package leaktest

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
	"github.com/hushlog/hush/redact"
)

// DetectedPlaces is how many places of DetectedEntry hold the token.
const DetectedPlaces = 6

// DetectedEntry is an entry holding the token text v in DetectedPlaces
// places: the message, a value, a key, an error, a value inside a group,
// and the With context. The token is always set apart by a space or a
// quote: glued to a word ("k_" + token), where a token starts is
// ambiguous, and detectors decline.
func DetectedEntry(v string) Entry {
	return Entry{
		With:    []Attr{{"ctx", "session " + v}},
		Message: "connecting with " + v,
		Attrs: []Attr{
			{"note", v},
			{"k " + v, "x"},
			{"error", Error{"login failed for " + v}},
			{"req", Group{{"url", "see " + v}}},
		},
	}
}

// RunDetectors is Run for the token detectors: a generated token of every
// shape of every family package detect knows (detecttest), never given to
// the Redactor, is written in DetectedEntry through a front end newFrontEnd
// builds around r. With the Redactor's default detectors, each token of the
// default set must be gone (Check) and named by its rule in every place
// ("[REDACTED:detected:<rule>]"); with redact.WithDetectors(nil), and for
// the rules outside the default set, the token must be in the output. The
// subtests are "default" and "off".
func RunDetectors(t *testing.T, newFrontEnd func(t *testing.T, r *redact.Redactor) FrontEnd) {
	toks := detecttest.New(21).All()
	for _, mode := range []struct {
		name string
		opts []redact.Option
		on   func(rule string) bool
	}{
		{"default", nil, func(rule string) bool { return detect.Default().Has(rule) }},
		{"off", []redact.Option{redact.WithDetectors(nil)}, func(string) bool { return false }},
	} {
		t.Run(mode.name, func(t *testing.T) {
			r, err := redact.New(mode.opts...)
			require.NoError(t, err)
			for _, tok := range toks {
				what := tok.Rule + "/" + tok.Variant
				out, err := Capture(newFrontEnd(t, r), DetectedEntry(tok.Text))
				require.NoError(t, err, what)
				sec := []redact.Secret{{Name: what, Value: tok.Secret()}}
				if !mode.on(tok.Rule) {
					if len(Find(sec, out)) == 0 {
						t.Errorf("%s: not detected here, yet the token is not in the output", what)
					}
					continue
				}
				Check(t, sec, out, what)
				if n := bytes.Count(out, []byte("[REDACTED:detected:"+tok.Rule+"]")); n < DetectedPlaces {
					t.Errorf("%s: %d replacements naming the rule, want one per place (%d)", what, n, DetectedPlaces)
				}
			}
		})
	}
}
