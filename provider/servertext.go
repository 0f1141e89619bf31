package provider

import (
	"strings"
	"unicode/utf8"
)

// maxServerText bounds what is quoted of a server's message.
const maxServerText = 300

// ServerText returns a message written by a server or an SDK on its behalf
// (an error's text: Vault's errors array, a Kubernetes Status message, a
// gRPC status message, an AWS error message) fit to quote in an error that
// hush prints or logs.
//
// Such a message is not hush's to trust: a misbehaving server, a proxy or a
// plugin can echo what it was handling, and the value it echoes may be the
// very secret whose read failed, which no redactor knows yet. So every
// word that could be a value is replaced by "[REDACTED]", and what stays
// is the message's vocabulary: a word is kept when it appears in one of
// keep (the operation, the path or name asked for: hush said it itself),
// or when it reads as words of a language — letters only, in parts of at
// least three letters once split at its capitals, hyphens and underscores
// ("permission", "SecretNotFound", "secret-manager"; see wordlike), or
// is at most three letters, or a number of at most five digits (a status
// code, a count). A word is a run of letters, digits and
// "+=_-~" (so paths and user names split at "/", ":" and ".": the parts of
// "secret/data/prod" are kept). Control bytes and non-ASCII become "?", and
// the result is at most about 300 bytes.
//
// What still passes: a value that is itself made of words (a lower-case
// passphrase, "correcthorsebatterystaple"), many random strings of
// lower-case letters only, about one in twenty random 12-letter strings of
// mixed case without a digit, and short numbers.
func ServerText(msg string, keep ...string) string {
	var b strings.Builder
	word := func(w string) {
		if w == "" {
			return
		}
		if quotable(w, keep) {
			b.WriteString(w)
		} else {
			b.WriteString("[REDACTED]")
		}
	}
	start := -1
	for i := 0; i < len(msg); {
		r, size := utf8.DecodeRuneInString(msg[i:])
		if wordByte(r) {
			if start < 0 {
				start = i
			}
			i += size
			continue
		}
		if start >= 0 {
			word(msg[start:i])
			start = -1
		}
		if r < 0x20 || r > 0x7e {
			if r == '\n' || r == '\t' {
				r = ' '
			} else {
				r = '?'
			}
		}
		b.WriteRune(r)
		i += size
	}
	if start >= 0 {
		word(msg[start:])
	}
	out := b.String()
	if len(out) > maxServerText {
		out = out[:maxServerText] + "..."
	}
	return out
}

func wordByte(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '+' || r == '=' || r == '_' || r == '-' || r == '~'
}

// quotable reports whether a word of a server's message may be quoted (see
// ServerText).
func quotable(w string, keep []string) bool {
	for _, k := range keep {
		if k != "" && strings.Contains(k, w) {
			return true
		}
	}
	digits, letters := 0, 0
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters++
		}
	}
	switch {
	case digits == len(w):
		return len(w) <= 5 // a status code, a count, a port
	case digits > 0:
		return false
	case letters == 0:
		return len(w) <= 3 // "-", "==", "---"
	case len(w) <= 3:
		return true // "a", "is", "can" (and "t" of "can't")
	}
	for seg := range strings.FieldsFuncSeq(w, func(r rune) bool { return !isLetter(byte(r)) }) {
		if !wordlike(seg) {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isUpper(c byte) bool  { return c >= 'A' && c <= 'Z' }

// wordlike reports whether letters read as words: split into parts of
// capitals followed by lower-case letters ("Secret", "Not", "Found";
// "HTTPServer" is one), each part is an acronym of at most 8 capitals, or
// has at least two lower-case letters and a vowel; and no run of six
// consonants. A random mix of cases rarely passes (about 5% at 12 letters,
// under 1% at 20); a random string of lower-case letters often does.
func wordlike(s string) bool {
	if len(s) <= 3 {
		return true // "db", "id", "API"
	}
	consonants := 0
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && isUpper(s[j]) {
			j++
		}
		caps := j - i
		vowel := false
		for k := i; k < j; k++ {
			vowel = vowel || isVowel(s[k])
		}
		for j < len(s) && !isUpper(s[j]) {
			vowel = vowel || isVowel(s[j])
			j++
		}
		switch low := j - i - caps; {
		case low == 0:
			if caps > 8 {
				return false
			}
		case low < 2 || !vowel:
			return false
		}
		i = j
	}
	for i := 0; i < len(s); i++ {
		if isVowel(s[i]) {
			consonants = 0
		} else if consonants++; consonants >= 6 {
			return false
		}
	}
	return true
}

func isVowel(c byte) bool {
	switch c | 0x20 {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}
