// Package keyrule decides, for the zap and slog front ends, whether a log
// field's key names a credential, so that the field's value is redacted
// whole even when it is not a known secret.
//
// A key is judged on what it names, not on what it contains. It is split
// into words (snake_case, kebab-case, camelCase with acronyms, dotted and
// SCREAMING_CASE forms, header forms such as Set-Cookie: "AWSSecretAccessKey"
// is aws·secret·access·key, "XAPIKey" is xapi·key, "x-api-key" is
// x·api·key; runs of digits are dropped), and the words at its end decide:
//
//   - the key is a credential when it ends with a credential phrase:
//     "db_password", "accessToken", "AWS_SECRET_ACCESS_KEY", "Set-Cookie";
//   - a few trailing qualifiers that still name the credential itself are
//     looked through first: "password_hash", "secret_key_base",
//     "password_confirmation", "auth_header", "SecretString";
//   - anything else at the end names something about a credential and is
//     not one: "token_count", "password_reset_required", "cookie_policy",
//     "tokenizer_version", "secret_name", "POSTGRES_PASSWORD_FILE";
//   - an exception phrase at the end (a pattern written with a leading "!")
//     clears the key: "next_page_token" is a pagination cursor,
//     "eos_token" a tokenizer's end-of-sequence marker;
//   - a flag verb just before the phrase makes it a setting:
//     "require_password", "use_token", "always-auth", "has_api_key".
//
// A pattern's first word also matches as the end of a longer word when it
// has at least five letters on its own ("PGPASSWORD", "csrfmiddlewaretoken",
// "clientsecret") or three as the first word of a longer phrase ("XAPIKey",
// "mongodb_pwd"); a word shorter than that matches only whole, so "oauth" is
// not "auth" and "OLDPWD" is not a password. "secretary", "tokens" and
// "passport" are never a word match.
//
// What is redacted depends on the kind of value too (see Verdict and Kind):
// strings, bytes, errors and structured values always; numbers only under a
// credential that may be written as digits (a password, a PIN, an API key),
// never under a token or an auth level; booleans never.
//
// A Matcher keeps no state between calls and allocates nothing: it runs for
// every field of every entry.
package keyrule

import (
	"slices"
	"sort"
	"strings"
)

// Verdict is what a key names.
type Verdict uint8

const (
	// Clear: the key names no credential, or names something about one
	// (a count, a flag, a policy, a file name).
	Clear Verdict = iota
	// Credential: the key names a credential that is never written as a
	// plain number (a token, a signature). Strings, bytes and structured
	// values under it are redacted; a number or a boolean keeps its type and
	// value, because a number under such a key is a count or an id.
	Credential
	// Numeric: the key names a credential that may be written as digits (a
	// password, a PIN, a one-time code, an API key, a secret). A number
	// under it is redacted too; a boolean still keeps its value.
	Numeric
)

func (v Verdict) String() string {
	switch v {
	case Clear:
		return "clear"
	case Credential:
		return "credential"
	case Numeric:
		return "numeric"
	}
	return "invalid"
}

// Kind is the shape of a value, as far as the type policy cares.
type Kind uint8

const (
	// KindText is a string, bytes, an error or a structured value: anything
	// that is neither a number nor a boolean.
	KindText Kind = iota
	// KindNumber is an integer, a float, a complex number, a duration or a
	// time.
	KindNumber
	// KindBool is a boolean: one bit is never a credential, so it is never
	// redacted.
	KindBool
)

// Redacts reports whether a value of kind k is redacted under a key judged v.
func (v Verdict) Redacts(k Kind) bool {
	switch k {
	case KindBool:
		return false
	case KindNumber:
		return v == Numeric
	}
	return v != Clear
}

// pattern is one entry of DefaultPatterns: a phrase, and what a key ending
// with it names.
type pattern struct {
	text    string
	verdict Verdict
}

// defaults is the built-in vocabulary. Each text is split into words as a
// key is, so "api_key" also stands for "apiKey", "API-KEY" and "x-api-key".
// A "*" word matches any one word ("*_pwd" is db_pwd but not PWD, the
// shell's working directory). A leading "!" makes an exception.
var defaults = []pattern{
	// Knowledge secrets, often all digits.
	{"password", Numeric}, {"passwd", Numeric}, {"passphrase", Numeric}, {"passcode", Numeric},
	{"*_pwd", Numeric},
	{"pin", Numeric}, {"pincode", Numeric}, {"pin_code", Numeric},
	{"otp", Numeric}, {"totp", Numeric}, {"hotp", Numeric}, {"cvv", Numeric}, {"cvc", Numeric},
	{"security_code", Numeric}, {"verification_code", Numeric}, {"auth_code", Numeric},
	{"authorization_code", Numeric}, {"mfa_code", Numeric}, {"2fa_code", Numeric},
	{"otp_code", Numeric}, {"sms_code", Numeric}, {"recovery_code", Numeric}, {"backup_code", Numeric},
	// Secrets and keys.
	{"secret", Numeric}, {"secret_id", Numeric},
	{"api_key", Numeric}, {"apikey", Numeric}, {"access_key", Numeric}, {"access_key_id", Numeric},
	{"secret_key", Numeric}, {"private_key", Numeric}, {"signing_key", Numeric},
	{"encryption_key", Numeric}, {"master_key", Numeric}, {"app_key", Numeric},
	{"client_key", Numeric}, {"session_key", Numeric}, {"license_key", Numeric},
	{"subscription_key", Numeric}, {"account_key", Numeric}, {"hmac_key", Numeric},
	{"ssl_key", Numeric}, {"tls_key", Numeric}, {"deploy_key", Numeric},
	{"credential", Numeric},
	// Headers.
	{"authorization", Numeric}, {"bearer", Numeric}, {"cookie", Numeric},
	// Never plain numbers: a number here is a count, an id or a level.
	{"token", Credential}, {"auth", Credential}, {"*_pass", Credential}, {"signature", Credential},
	// Plurals: a number is how many.
	{"secrets", Credential}, {"passwords", Credential}, {"credentials", Credential},
	{"cookies", Credential}, {"api_keys", Credential},
	{"access_tokens", Credential}, {"refresh_tokens", Credential}, {"api_tokens", Credential},
	{"auth_tokens", Credential}, {"id_tokens", Credential}, {"bearer_tokens", Credential},
	{"session_tokens", Credential},
	// Tokens that are not credentials: pagination cursors, idempotency and
	// cancellation tokens, a tokenizer's special tokens, token limits.
	{"!page_token", Clear}, {"!next_token", Clear}, {"!continuation_token", Clear},
	{"!pagination_token", Clear}, {"!sync_token", Clear}, {"!resume_token", Clear},
	{"!cancellation_token", Clear}, {"!cancel_token", Clear}, {"!idempotency_token", Clear},
	{"!eos_token", Clear}, {"!bos_token", Clear}, {"!pad_token", Clear}, {"!unk_token", Clear},
	{"!sep_token", Clear}, {"!cls_token", Clear}, {"!mask_token", Clear},
	{"!max_token", Clear}, {"!min_token", Clear},
}

// DefaultPatterns are the built-in key patterns, in the syntax New takes.
var DefaultPatterns = func() []string {
	out := make([]string, len(defaults))
	for i, p := range defaults {
		out[i] = p.text
	}
	return out
}()

// builtin maps the normalized words of each default pattern (joined by a
// space, "!" kept) to its verdict.
var builtin = func() map[string]Verdict {
	m := make(map[string]Verdict, len(defaults))
	for _, p := range defaults {
		m[normalize(p.text)] = p.verdict
	}
	return m
}()

// transparent are the trailing qualifiers a key is read through: they say
// how a credential is stored or which copy it is, not that it is something
// else. "password_hash" is still a password (a crackable one), "b64" and
// "base64" leave "b" and "base" once digits are dropped.
var transparent = newWordSet(
	"value", "val", "string", "str", "text", "binary", "data", "raw", "plain", "plaintext",
	"cleartext", "encoded", "encrypted", "enc", "b", "base", "hex", "pem", "json",
	"hash", "hashed", "digest", "sha", "md",
	"header", "hdr", "hint",
	"confirmation", "confirm", "repeat", "again",
	"old", "new", "current", "prev", "previous", "tmp", "temp",
)

// flagVerbs, one or two words before a credential phrase, make the key a
// setting about the credential: "require_password", "has_api_key".
var flagVerbs = newWordSet(
	"is", "has", "use", "enable", "disable", "require", "skip", "no", "without",
	"always", "allow", "show", "hide", "mask", "should", "needs",
)

// maxWords is how many words from the end of a key are looked at: enough
// for the longest phrase after the most qualifiers and a flag verb.
const maxWords = 12

// phrase is a compiled pattern.
type phrase struct {
	words     []string // lower-case; "*" matches any one word
	exception bool
	verdict   Verdict
}

// Matcher judges keys against a set of patterns. The zero of a *Matcher,
// nil, judges every key Clear.
type Matcher struct {
	phrases []phrase
	// byLast[c] is the range of order holding the phrases whose last word
	// ends in the lower-case byte c (what a key's last word must end in,
	// whole or compounded).
	byLast [256]struct{ lo, hi uint16 }
	order  []uint16
}

// New compiles patterns, or returns nil (which judges every key Clear) when
// none has a word. Each pattern is a word or phrase written the way keys
// are ("password", "api_key", "apiKey" and "API-KEY" are alike). A leading
// "!" makes an exception: a key ending with it is Clear. "*" stands for any
// one word; a trailing "*" is dropped. A pattern from DefaultPatterns keeps
// its built-in verdict; any other is Numeric, because it was named on
// purpose: every value under it but a boolean is redacted.
func New(patterns []string) *Matcher {
	m := &Matcher{}
	seen := make(map[string]bool, len(patterns))
	for _, p := range patterns {
		norm := normalize(p)
		if norm == "" || norm == "!" || seen[norm] {
			continue
		}
		seen[norm] = true
		ph := phrase{verdict: Numeric}
		if norm[0] == '!' {
			ph.exception, ph.verdict = true, Clear
		}
		if v, ok := builtin[norm]; ok {
			ph.verdict = v
		}
		ph.words = strings.Split(strings.TrimPrefix(norm, "!"), " ")
		if len(ph.words) > maxWords-2 {
			continue // longer than any key judged
		}
		m.phrases = append(m.phrases, ph)
	}
	// An exception named as a pattern too is not an exception.
	kept := m.phrases[:0]
	for _, ph := range m.phrases {
		if ph.exception && seen[strings.Join(ph.words, " ")] {
			continue
		}
		kept = append(kept, ph)
	}
	m.phrases = kept
	if len(m.phrases) == 0 {
		return nil
	}
	m.phrases = m.phrases[:min(len(m.phrases), 1<<16-1)] // indexed by uint16
	m.order = make([]uint16, len(m.phrases))
	for i := range m.order {
		m.order[i] = uint16(i)
	}
	lastByte := func(i uint16) byte {
		w := m.phrases[i].words[len(m.phrases[i].words)-1]
		return w[len(w)-1]
	}
	sort.SliceStable(m.order, func(a, b int) bool { return lastByte(m.order[a]) < lastByte(m.order[b]) })
	for i, idx := range m.order {
		c := lastByte(idx)
		if m.byLast[c].hi == 0 {
			m.byLast[c].lo = uint16(i)
		}
		m.byLast[c].hi = uint16(i + 1)
	}
	return m
}

// Judge reports what key names.
func (m *Matcher) Judge(key string) Verdict {
	if m == nil {
		return Clear
	}
	ws := words{key: key, pos: len(key)}
	for p := 0; ws.has(p); p++ {
		if v, ok := m.phraseAt(&ws, p); ok {
			return v
		}
		if !transparent.has(ws.word(p)) {
			return Clear
		}
	}
	return Clear
}

// Redacts reports whether a value of kind k under key is redacted.
func (m *Matcher) Redacts(key string, k Kind) bool {
	if m == nil || k == KindBool {
		return false
	}
	return m.Judge(key).Redacts(k)
}

// phraseAt judges a key whose last p words are transparent: it looks for
// the longest pattern ending at word p (an exception winning a tie, then
// the stricter verdict) and reports false when none does.
func (m *Matcher) phraseAt(ws *words, p int) (Verdict, bool) {
	head := ws.word(p)
	r := m.byLast[lower(head[len(head)-1])]
	var best *phrase
	for _, idx := range m.order[r.lo:r.hi] {
		ph := &m.phrases[idx]
		if best != nil && len(ph.words) < len(best.words) {
			continue
		}
		if !ph.matchAt(ws, p) {
			continue
		}
		switch {
		case best == nil, len(ph.words) > len(best.words):
			best = ph
		case best.exception:
		case ph.exception, ph.verdict > best.verdict:
			best = ph
		}
	}
	if best == nil {
		return Clear, false
	}
	if best.exception {
		return Clear, true
	}
	for j := p + len(best.words); j < p+len(best.words)+2 && ws.has(j); j++ {
		if flagVerbs.has(ws.word(j)) {
			return Clear, true
		}
	}
	return best.verdict, true
}

// matchAt reports whether the phrase ends at word p of the key. Its first
// word may end a longer word of the key (see the package doc).
func (ph *phrase) matchAt(ws *words, p int) bool {
	k := len(ph.words)
	for j := 0; j < k; j++ {
		if !ws.has(p + j) {
			return false
		}
		pw := ph.words[k-1-j]
		if pw == "*" {
			continue
		}
		w := ws.word(p + j)
		if equalFold(w, pw) {
			continue
		}
		minCompound := 3
		if k == 1 {
			minCompound = 5
		}
		if j == k-1 && len(pw) >= minCompound && len(w) > len(pw) && equalFold(w[len(w)-len(pw):], pw) {
			continue
		}
		return false
	}
	return true
}

// words splits a key into words from its end, lazily: most keys are judged
// on their last word alone.
type words struct {
	key  string
	pos  int // the key before pos is not split yet
	n    int
	span [maxWords]struct{ lo, hi int }
}

// has reports whether the key has a word i from the end (0 is the last),
// splitting as far as needed.
func (ws *words) has(i int) bool {
	for ws.n <= i {
		if ws.n == maxWords || !ws.next() {
			return false
		}
	}
	return true
}

// word returns word i from the end; has(i) must be true.
func (ws *words) word(i int) string {
	s := ws.span[i]
	return ws.key[s.lo:s.hi]
}

// next splits off the next word leftwards, skipping words of digits only.
func (ws *words) next() bool {
	key, i := ws.key, ws.pos
	for {
		for i > 0 && class[key[i-1]] == cSep {
			i--
		}
		if i == 0 {
			ws.pos = 0
			return false
		}
		hi := i
		i--
		for i > 0 && class[key[i-1]] != cSep && !boundary(key, i) {
			i--
		}
		if class[key[i]] != cDigit {
			ws.span[ws.n] = struct{ lo, hi int }{i, hi}
			ws.n++
			ws.pos = i
			return true
		}
	}
}

// Byte classes for splitting. Bytes of UTF-8 sequences count as lower-case
// letters: they join words and never start one.
const (
	cSep = iota
	cLower
	cUpper
	cDigit
)

var class = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case 'a' <= c && c <= 'z', c >= 0x80:
			t[c] = cLower
		case 'A' <= c && c <= 'Z':
			t[c] = cUpper
		case '0' <= c && c <= '9':
			t[c] = cDigit
		}
	}
	return t
}()

// boundary reports whether a word boundary falls between key[i-1] and
// key[i], neither a separator: between digits and letters, before an
// upper-case letter that follows a lower-case one ("access|Token"), and
// before the last capital of an acronym followed by a lower-case letter
// ("API|Key").
func boundary(key string, i int) bool {
	a, b := class[key[i-1]], class[key[i]]
	if (a == cDigit) != (b == cDigit) {
		return true
	}
	if b != cUpper {
		return false
	}
	if a == cLower {
		return true
	}
	return a == cUpper && i+1 < len(key) && class[key[i+1]] == cLower
}

// normalize returns the words of a pattern, lower-case and joined by single
// spaces, with a leading "!" kept and trailing "*" words dropped; "" when the
// pattern has no word.
func normalize(p string) string {
	p = strings.TrimLeft(p, " ")
	neg := strings.HasPrefix(p, "!")
	p = strings.TrimPrefix(p, "!")
	var parts []string
	for i, seg := range strings.Split(p, "*") {
		if i > 0 {
			parts = append(parts, "*")
		}
		n := len(parts)
		ws := words{key: seg, pos: len(seg)}
		for {
			if ws.n == maxWords { // a long pattern: keep splitting
				ws.n = 0
			}
			if !ws.next() {
				break
			}
			parts = append(parts, asciiLower(ws.word(ws.n-1)))
		}
		slices.Reverse(parts[n:])
	}
	for len(parts) > 0 && parts[len(parts)-1] == "*" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) == 0 {
		return ""
	}
	if neg {
		return "!" + strings.Join(parts, " ")
	}
	return strings.Join(parts, " ")
}

// wordSet is a small fixed set of lower-case words, looked up without
// allocating.
type wordSet struct {
	byLen [16][]string
}

func newWordSet(ws ...string) *wordSet {
	s := &wordSet{}
	for _, w := range ws {
		s.byLen[len(w)] = append(s.byLen[len(w)], w)
	}
	return s
}

func (s *wordSet) has(w string) bool {
	if len(w) >= len(s.byLen) {
		return false
	}
	for _, c := range s.byLen[len(w)] {
		if equalFold(w, c) {
			return true
		}
	}
	return false
}

// equalFold reports whether s equals the lower-case p, ignoring ASCII case
// in s.
func equalFold(s, p string) bool {
	if len(s) != len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if lower(s[i]) != p[i] {
			return false
		}
	}
	return true
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lower(c)
	}
	return string(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}
