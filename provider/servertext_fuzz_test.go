package provider

import (
	"strings"
	"sync"
	"testing"
)

// vocabSet is the vocabulary read apart from lookup, as a set: the
// oracle of FuzzServerText.
var vocabSet = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, l := range []string{errorWords, englishWords} {
		for line := range strings.Lines(l) {
			if w := strings.TrimSpace(line); w != "" && w[0] != '#' {
				m[w] = true
			}
		}
	}
	return m
})

// segments reports whether s (lower-case letters) is a run of vocabulary
// words.
func segments(s string) bool {
	ok := make([]bool, len(s)+1)
	ok[0] = true
	for j := 1; j <= len(s); j++ {
		for i := 0; i < j && !ok[j]; i++ {
			ok[j] = ok[i] && vocabSet()[s[i:j]]
		}
	}
	return ok[len(s)]
}

// FuzzServerText: whatever the message, the result is printable ASCII of
// bounded length, and a value it keeps whole is short, a small number, or
// made of vocabulary: each run of letters in it splits into vocabulary
// words, and each run of letters and digits with a digit is one.
func FuzzServerText(f *testing.F) {
	for _, s := range []struct{ msg, v string }{
		{"invalid value", "Zq8v-4Lw2-9pXc-7yTb"},
		{"permission denied", "correct-horse-battery-staple"},
		{"cannot decode", "CorrectHorseBatteryStaple"},
		{"token", "bemotifalukirase"},
		{"x509: certificate", "ResourceNotFoundException"},
		{"lookup", "secretmanager.googleapis.com"},
		{"\x00\xff", "HTTPServer"},
	} {
		f.Add(s.msg, s.v)
	}
	f.Fuzz(func(t *testing.T, msg, v string) {
		out := ServerText(msg + " " + v + " " + msg)
		if len(out) > maxServerText+3 {
			t.Fatalf("%d bytes", len(out))
		}
		for i := 0; i < len(out); i++ {
			if out[i] < 0x20 || out[i] > 0x7e {
				t.Fatalf("byte %#x at %d", out[i], i)
			}
		}
		if len(v) <= 3 || strings.Trim(v, "0123456789") == "" || strings.IndexFunc(v, func(r rune) bool { return !wordByte(r) }) >= 0 {
			return
		}
		if !strings.Contains(" "+out+" ", " "+v+" ") {
			return
		}
		for _, chunk := range strings.FieldsFunc(v, func(r rune) bool { return !isAlnum(byte(r)) }) {
			low := strings.ToLower(chunk)
			if strings.ContainsAny(chunk, "0123456789") {
				if !vocabSet()[low] {
					t.Fatalf("a %d-byte value was kept: a run of %d letters and digits is not a word", len(v), len(chunk))
				}
			} else if !segments(low) {
				t.Fatalf("a %d-byte value was kept: a run of %d letters is not made of words", len(v), len(chunk))
			}
		}
	})
}
