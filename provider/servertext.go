package provider

//go:generate go run servertext_vocab_gen.go

import (
	_ "embed"
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
// is the message's vocabulary. A word (a run of letters, digits and
// "+=_-~": paths and user names split at "/", ":" and ".", so the parts of
// "secret/data/prod" are judged one by one) is kept when:
//
//   - it appears in one of keep (the operation, the path or name asked
//     for: hush said it itself);
//   - it is a word of the vocabulary, in any case: the words of real
//     provider error messages (taken from the SDKs' sources and the
//     servers' messages, servertext_errors.txt: "permission", "kms",
//     "ResourceNotFoundException", "x509") or one of the ~2,800 most
//     common English words (servertext_english.txt);
//   - it is a compound whose parts, split at its capitals, hyphens and
//     underscores, are all words of the vocabulary ("SecretNotFound",
//     "secret-manager", "db-creds"), and, when it has three parts or
//     more, all error words ("InvalidRequestException"): four common
//     words joined by hyphens or in CamelCase are a passphrase, not a
//     message's vocabulary;
//   - it is at most three letters ("a", "is", "can", and "t" of "can't"),
//     or a number of at most five digits (a status code, a count).
//
// Three words or more of letters joined by single dots are judged as one
// compound too: "secretmanager.googleapis.com" and
// "vault.default.svc.cluster.local" are kept, "correct.horse.battery" is
// not. Control bytes and non-ASCII become "?", and the result is at most
// about 300 bytes.
//
// What still passes (TestServerTextLeakRates measures it): a value that
// is itself one vocabulary word ("sunshine"), a passphrase whose words
// are separated by spaces, slashes or colons (each word is judged alone),
// a passphrase of two vocabulary words, or of error words only, joined by
// hyphens ("access-denied-token-expired"), values of at most three
// letters and numbers of at most five digits. Random letters, of any case
// and length, and common words run together without separators
// ("correcthorsebatterystaple"), joined by hyphens, underscores or dots
// or in CamelCase, are not kept.
func ServerText(msg string, keep ...string) string {
	var b strings.Builder
	word := func(w string) {
		if quotable(w, keep) {
			b.WriteString(w)
		} else {
			b.WriteString("[REDACTED]")
		}
	}
	// run writes words joined by single dots ("secretmanager.versions.access",
	// "correct.horse.battery.staple"): three words or more of letters are
	// judged as one compound, anything else word by word.
	run := func(s string) {
		n := strings.Count(s, ".") + 1
		compound := n >= 3 && !strings.ContainsAny(s, "0123456789")
		whole := compound && quotable(s, keep)
		i := 0
		for w := range strings.SplitSeq(s, ".") {
			if i++; i > 1 {
				b.WriteByte('.')
			}
			switch {
			case !compound:
				word(w)
			case whole || inKeep(w, keep):
				b.WriteString(w)
			default:
				b.WriteString("[REDACTED]")
			}
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
			if r == '.' && i+1 < len(msg) && wordByte(rune(msg[i+1])) {
				i++ // the run goes on after the dot
				continue
			}
			run(msg[start:i])
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
		run(msg[start:])
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
	if inKeep(w, keep) {
		return true
	}
	digits, letters := 0, 0
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= '0' && c <= '9':
			digits++
		case isLetter(c):
			letters++
		}
	}
	switch {
	case digits == len(w):
		return len(w) <= 5 // a status code, a count, a port
	case letters == 0:
		return len(w) <= 3 // "-", "==", "---"
	case digits == 0 && len(w) <= 3:
		return true // "a", "is", "can" (and "t" of "can't")
	case lookup(w) != 0:
		return true // "permission", "ResourceNotFoundException", "x509"
	}
	// A compound: every part is vocabulary, and a run of three parts or
	// more is made of error words only (a passphrase of common words
	// joined by hyphens is not a message's vocabulary).
	parts, english := 0, false
	for i := 0; i < len(w); {
		for i < len(w) && !isAlnum(w[i]) {
			i++
		}
		j := i
		for j < len(w) && isAlnum(w[j]) {
			j++
		}
		chunk := w[i:j]
		i = j
		if chunk == "" {
			continue
		}
		if strings.ContainsAny(chunk, "0123456789") {
			if lookup(chunk) == 0 {
				return false // "v2" is a word, "s3cr3t" is not
			}
			parts++
			continue
		}
		// Split at capitals: "SecretNotFound" is "Secret", "Not",
		// "Found"; a run of capitals is an acronym, its last capital
		// starting the next part when lower-case letters follow
		// ("HTTPServer" is "HTTP", "Server").
		start := 0
		for k := 1; k <= len(chunk); k++ {
			if k < len(chunk) && !(isUpper(chunk[k]) && (!isUpper(chunk[k-1]) || k+1 < len(chunk) && !isUpper(chunk[k+1]))) {
				continue
			}
			switch lookup(chunk[start:k]) {
			case 0:
				return false
			case englishWord:
				english = true
			}
			parts++
			start = k
		}
	}
	return parts <= 2 || !english
}

// inKeep reports whether w appears in one of keep.
func inKeep(w string, keep []string) bool {
	for _, k := range keep {
		if k != "" && strings.Contains(k, w) {
			return true
		}
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isUpper(c byte) bool  { return c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool  { return isLetter(c) || c >= '0' && c <= '9' }

// The vocabulary: the words of real provider error messages and the most
// common English words, one a line in byte order after a header of "#"
// lines, written by servertext_vocab_gen.go (which says where they come
// from). They are searched in place: no table is built, no memory taken.
var (
	//go:embed servertext_errors.txt
	errorWords string
	//go:embed servertext_english.txt
	englishWords string

	errorList   = listBody(errorWords)
	englishList = listBody(englishWords)
)

const (
	errorWord   = 1
	englishWord = 2
)

// listBody returns a word list less its header.
func listBody(s string) string {
	for strings.HasPrefix(s, "#") {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return ""
		}
		s = s[i+1:]
	}
	return s
}

// maxWord is the longest word looked up; the lists have none longer.
const maxWord = 32

// lookup returns the vocabulary's kind of a word, in any case (0: not a
// word of the vocabulary).
func lookup(w string) uint8 {
	if len(w) > maxWord {
		return 0
	}
	var buf [maxWord]byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if isUpper(c) {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch {
	case inList(errorList, buf[:len(w)]):
		return errorWord
	case inList(englishList, buf[:len(w)]):
		return englishWord
	}
	return 0
}

// inList reports whether w is a line of list, a sorted list of lines each
// ending in a newline, by binary search over its bytes.
func inList(list string, w []byte) bool {
	lo, hi := 0, len(list) // both at the start of a line
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := lo + strings.LastIndexByte(list[lo:mid], '\n') + 1
		end := start + strings.IndexByte(list[start:hi], '\n')
		switch line := list[start:end]; {
		case string(w) == line:
			return true
		case string(w) < line:
			hi = start
		default:
			lo = end + 1
		}
	}
	return false
}
