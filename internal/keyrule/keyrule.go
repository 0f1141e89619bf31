// Package keyrule decides, for the zap and slog front ends, whether a log
// field's key names a credential, so that the field's value is redacted
// whole even when it is not a known secret. Package redact judges the keys
// of structured secrets (JSON documents, configuration files) with it too,
// so that both agree on what a credential key is.
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
// A Matcher keeps no state between calls, caches nothing and allocates
// nothing: it runs for every field of every entry. Judge first reads only a
// key's last word: its length and last byte, then Bloom filters over its
// hash and its suffixes' hashes. A key whose last word is not a phrase's
// last word, does not end with a compound and is not a qualifier after
// other words is Clear after that one short scan, and that is most keys.
// The others are split from the end, lazily, and walked through a trie of
// the phrases read backwards.
package keyrule

import (
	"cmp"
	"math"
	"math/bits"
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
var transparent = newVocab([]string{
	"value", "val", "string", "str", "text", "binary", "data", "raw", "plain", "plaintext",
	"cleartext", "encoded", "encrypted", "enc", "b", "base", "hex", "pem", "json",
	"hash", "hashed", "digest", "sha", "md",
	"header", "hdr", "hint",
	"confirmation", "confirm", "repeat", "again",
	"old", "new", "current", "prev", "previous", "tmp", "temp",
})

// transparentHashes holds the hashes of the transparent words.
var transparentHashes = func() (b bloom) {
	for _, w := range transparent.words {
		b.add(hashWord(w))
	}
	return b
}()

// flagVerbs, one or two words before a credential phrase, make the key a
// setting about the credential: "require_password", "has_api_key".
var flagVerbs = newVocab([]string{
	"is", "has", "use", "enable", "disable", "require", "skip", "no", "without",
	"always", "allow", "show", "hide", "mask", "should", "needs",
})

// maxWords is how many words from the end of a key are looked at: enough
// for the longest phrase after the most qualifiers and a flag verb.
const maxWords = 8

// phrase is a parsed pattern.
type phrase struct {
	words     []string // lower-case; "*" matches any one word
	exception bool
	verdict   Verdict
}

// node is a node of the trie of the phrases read backwards: the root's
// children are phrases' last words, their children the words before, and
// so on. A key is walked from its last word.
type node struct {
	word string // lower-case
	hash uint32 // hashWord(word)
	// kids are the exact-word children, sorted by hash; star is the "*"
	// child (0: none, the root is never a child).
	kids     []int32
	kidsHash []uint32 // the kids' hashes, for the search
	star     int32
	// suffixKids are the children that also match a longer key word ending
	// with their word (a phrase's first word, long enough; see the package
	// doc), in the order of their words' last bytes.
	suffixKids []int32
	// end: a phrase ends here (its first word is this node's word).
	end       bool
	exception bool
	verdict   Verdict
}

// Matcher judges keys against a set of patterns. The zero of a *Matcher,
// nil, judges every key Clear.
type Matcher struct {
	nodes []node // nodes[0] is the root
	// heads and suffix are Bloom filters over the hashes of the words a
	// key's last word may be (phrases' last words) and of the words it may
	// end with (compounds, whose lengths are in suffixLens). Most keys' last words are none of these: Judge looks no
	// further.
	heads, suffix bloom
	suffixLens    uint64
	// For a key's last word of n letters (n capped at 15), bit n of
	// exactLast[c] and exactFirst[c] is set when a phrase's last word or a
	// qualifier of n letters ends, or starts, with the lower-case byte c;
	// bit n of compound[c] when a compound can end a word of n letters
	// ending with c. A word that fits none is Clear without hashing.
	exactLast, exactFirst, compound [256]uint16
}

// New compiles patterns, or returns nil (which judges every key Clear) when
// none has a word. Each pattern is a word or phrase written the way keys
// are ("password", "api_key", "apiKey" and "API-KEY" are alike). A leading
// "!" makes an exception: a key ending with it is Clear. "*" stands for any
// one word; a trailing "*" is dropped. A pattern from DefaultPatterns keeps
// its built-in verdict; any other is Numeric, because it was named on
// purpose: every value under it but a boolean is redacted.
func New(patterns []string) *Matcher {
	var phrases []phrase
	seen := make(map[string]bool, len(patterns))
	for _, p := range patterns {
		norm := normalize(p)
		if norm == "" || seen[norm] {
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
		// An exception named as a pattern too is not an exception.
		if !ph.exception || !seen[strings.Join(ph.words, " ")] {
			phrases = append(phrases, ph)
		}
	}
	if len(phrases) == 0 {
		return nil
	}
	m := &Matcher{nodes: []node{{}}}
	for _, ph := range phrases {
		m.insert(ph)
	}
	for i := range m.nodes {
		n := &m.nodes[i]
		slices.SortFunc(n.kids, func(a, b int32) int { return cmp.Compare(m.nodes[a].hash, m.nodes[b].hash) })
		for _, k := range n.kids {
			n.kidsHash = append(n.kidsHash, m.nodes[k].hash)
		}
		for _, k := range n.kids {
			kn := &m.nodes[k]
			least := minCompoundFirst
			if i == 0 {
				least = minCompoundSingle
			}
			if kn.end && len(kn.word) >= least {
				n.suffixKids = append(n.suffixKids, k)
			}
		}
		slices.SortFunc(n.suffixKids, func(a, b int32) int {
			wa, wb := m.nodes[a].word, m.nodes[b].word
			return cmp.Compare(wa[len(wa)-1], wb[len(wb)-1])
		})
	}
	for _, k := range m.nodes[0].kids {
		m.heads.add(m.nodes[k].hash)
	}
	for _, k := range m.nodes[0].suffixKids {
		w := m.nodes[k].word
		m.suffix.add(m.nodes[k].hash)
		m.suffixLens |= 1 << min(len(w), 63)
		for n := len(w) + 1; n <= 15; n++ {
			m.compound[w[len(w)-1]] |= 1 << n
		}
		m.compound[w[len(w)-1]] |= 1 << 15
	}
	exact := slices.Clone(transparent.words)
	for _, k := range m.nodes[0].kids {
		exact = append(exact, m.nodes[k].word)
	}
	for _, w := range exact {
		m.exactLast[w[len(w)-1]] |= 1 << min(len(w), 15)
		m.exactFirst[w[0]] |= 1 << min(len(w), 15)
	}
	return m
}

// insert adds a phrase to the trie, last word first. Where two patterns
// end at the same node (a plain one and its exception), the exception is
// dropped above; otherwise the stricter verdict stays.
func (m *Matcher) insert(ph phrase) {
	cur := int32(0)
	for i := len(ph.words) - 1; i >= 0; i-- {
		w := ph.words[i]
		next := int32(-1)
		if w == "*" {
			if m.nodes[cur].star != 0 {
				next = m.nodes[cur].star
			}
		} else {
			for _, k := range m.nodes[cur].kids {
				if m.nodes[k].word == w {
					next = k
				}
			}
		}
		if next < 0 {
			m.nodes = append(m.nodes, node{word: w, hash: hashWord(w)})
			next = int32(len(m.nodes) - 1)
			if w == "*" {
				m.nodes[cur].star = next
			} else {
				m.nodes[cur].kids = append(m.nodes[cur].kids, next)
			}
		}
		cur = next
	}
	n := &m.nodes[cur]
	if !n.end || ph.exception || ph.verdict > n.verdict {
		n.end, n.exception, n.verdict = true, ph.exception, ph.verdict
	}
}

// A pattern's first word matches the end of a longer word of a key when it
// is at least this long: on its own, or as the first of several words.
const (
	minCompoundSingle = 5
	minCompoundFirst  = 3
)

// Judge reports what key names.
func (m *Matcher) Judge(key string) Verdict {
	if m == nil {
		return Clear
	}
	if !m.mayMatch(key) {
		return Clear
	}
	return m.judge(key)
}

// mayMatch reports whether the last word of key (as words.next splits it)
// may be a phrase's last word, end with a compound, or be a qualifier after
// other words. It hashes the word from its end, so the hash of every suffix
// passes by; most keys end here.
func (m *Matcher) mayMatch(key string) bool {
	i := len(key)
	for i > 0 && class[key[i-1]]&(cLower|cUpper) == 0 {
		i-- // separators and digits
	}
	if i == 0 {
		return false
	}
	// The word is a run of capitals ("KEY" in "API_KEY"), or a run of
	// lower-case letters and the capital starting it ("Token").
	hi, lo := i, i
	for run := class[key[i-1]]; lo > 0; lo-- {
		c := class[key[lo-1]]
		if c != run {
			if run != cLower || c != cUpper {
				break
			}
			run = cUpper | cLower // take the capital, then stop at anything
		}
	}
	// First by its length and its first and last bytes alone.
	n, last := uint16(1)<<min(hi-lo, 15), lowerTab[key[hi-1]]
	if (m.exactLast[last]&m.exactFirst[lowerTab[key[lo]]]|m.compound[last])&n == 0 {
		return false
	}
	return m.mayMatchWord(key, lo, hi)
}

// mayMatchWord is mayMatch for the last word key[lo:hi], by its hashes.
func (m *Matcher) mayMatchWord(key string, lo, hi int) bool {
	n := hi - lo
	var suffixes [16]uint32 // suffixes[n]: the hash of the last n letters
	h := uint32(hashSeed)
	for i := hi - 1; i >= lo; i-- {
		h = (h ^ uint32(lowerTab[key[i]])) * hashPrime
		suffixes[(hi-i)&15] = h
	}
	if m.heads.has(h) || lo > 0 && transparentHashes.has(h) {
		return true
	}
	// A compound: the word ends with a long enough single-word phrase.
	for lens := m.suffixLens & (1<<min(n, 64) - 1); lens != 0; lens &= lens - 1 {
		l := bits.TrailingZeros64(lens)
		if l >= 16 || n > 15 || m.suffix.has(suffixes[l]) {
			return true // a long compound or word: let judge decide
		}
	}
	return false
}

// hashWord hashes w as mayMatch does, from its last byte to its first.
func hashWord(w string) uint32 {
	h := uint32(hashSeed)
	for i := len(w) - 1; i >= 0; i-- {
		h = (h ^ uint32(lower(w[i]))) * hashPrime
	}
	return h
}

// FNV-1a.
const (
	hashSeed  = 2166136261
	hashPrime = 16777619
)

// bloom is a 1024-bit Bloom filter with two probes per hash.
type bloom [16]uint64

func (b *bloom) add(h uint32) {
	b[h&15] |= 1 << (h >> 4 & 63)
	b[h>>10&15] |= 1 << (h >> 14 & 63)
}

func (b *bloom) has(h uint32) bool {
	return b[h&15]&(1<<(h>>4&63)) != 0 && b[h>>10&15]&(1<<(h>>14&63)) != 0
}

// judge is Judge without the shortcut.
func (m *Matcher) judge(key string) Verdict {
	if len(key) > math.MaxInt32 {
		key = key[len(key)-math.MaxInt32:] // only the end is read
	}
	ws := words{key: key, pos: len(key)}
	for p := 0; ws.has(p); p++ {
		if v, ok := m.phraseAt(&ws, p); ok {
			return v
		}
		if transparent.find(ws.word(p)) < 0 {
			return Clear
		}
	}
	return Clear
}

// Redacts reports whether a value of kind k under key is redacted.
func (m *Matcher) Redacts(key string, k Kind) bool {
	if m == nil || k == KindBool || !m.mayMatch(key) {
		return false
	}
	return m.judge(key).Redacts(k)
}

// match is the best phrase found so far ending at a word of the key: the
// longest, an exception winning a tie, then the stricter verdict.
type match struct {
	n    *node
	size int // words of the key it covers
}

func (b *match) offer(n *node, size int) {
	switch {
	case b.n == nil, size > b.size:
	case size < b.size, b.n.exception:
		return
	case !n.exception && n.verdict <= b.n.verdict:
		return
	}
	b.n, b.size = n, size
}

// phraseAt judges a key whose last p words are transparent: it looks for
// the best phrase ending at word p and reports false when none does.
func (m *Matcher) phraseAt(ws *words, p int) (Verdict, bool) {
	var best match
	m.walk(ws, 0, p, 0, &best)
	if best.n == nil {
		return Clear, false
	}
	if best.n.exception {
		return Clear, true
	}
	for j := p + best.size; j < p+best.size+2 && ws.has(j); j++ {
		if flagVerbs.find(ws.word(j)) >= 0 {
			return Clear, true
		}
	}
	return best.n.verdict, true
}

// walk follows the trie from node n, which matched the d words of the key
// before word p+d (counting back from word p), offering every phrase end
// it passes to best.
func (m *Matcher) walk(ws *words, n int32, p, d int, best *match) {
	nd := &m.nodes[n]
	if nd.end {
		best.offer(nd, d)
	}
	if !ws.has(p + d) {
		return
	}
	w, h := ws.word(p+d), ws.span[p+d].hash
	// The exact child, by binary search on the hashes.
	hs := nd.kidsHash
	lo, hi := 0, len(hs)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if hs[mid] < h {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	for ; lo < len(hs) && hs[lo] == h; lo++ {
		if k := nd.kids[lo]; equalFold(w, m.nodes[k].word) {
			m.walk(ws, k, p, d+1, best)
		}
	}
	// Children that end a longer word: "XAPI" ends with "api".
	last := lower(w[len(w)-1])
	for _, k := range nd.suffixKids {
		kw := m.nodes[k].word
		if c := kw[len(kw)-1]; c > last {
			break
		} else if c == last && len(w) > len(kw) && equalFold(w[len(w)-len(kw):], kw) {
			best.offer(&m.nodes[k], d+1)
		}
	}
	if nd.star != 0 {
		m.walk(ws, nd.star, p, d+1, best)
	}
}

// words splits a key into words from its end, lazily: most keys are judged
// on their last word alone.
type words struct {
	key  string
	pos  int // the key before pos is not split yet
	n    int
	span [maxWords]wordSpan
}

// wordSpan is a word of a key: key[lo:hi], and its hashWord.
type wordSpan struct {
	lo, hi int32
	hash   uint32
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
		h := (uint32(hashSeed) ^ uint32(lower(key[i]))) * hashPrime
		for i > 0 && class[key[i-1]] != cSep && !boundary(key, i) {
			i--
			h = (h ^ uint32(lower(key[i]))) * hashPrime
		}
		if class[key[i]] != cDigit {
			ws.span[ws.n] = wordSpan{int32(i), int32(hi), h}
			ws.n++
			ws.pos = i
			return true
		}
	}
}

// Byte classes for splitting. Bytes of UTF-8 sequences count as lower-case
// letters: they join words and never start one.
const (
	cSep   = 0
	cLower = 1 << iota
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

// vocab is a set of distinct lower-case words, found without allocating:
// by the last byte, then the length, then the bytes.
type vocab struct {
	words  []string // sorted by last byte
	byLast [256]struct{ lo, hi uint16 }
}

func newVocab(ws []string) vocab {
	ws = slices.Clone(ws)
	slices.Sort(ws)
	ws = slices.Compact(ws)
	sort.SliceStable(ws, func(a, b int) bool { return ws[a][len(ws[a])-1] < ws[b][len(ws[b])-1] })
	v := vocab{words: ws}
	for i, w := range ws {
		c := w[len(w)-1]
		if v.byLast[c].hi == 0 {
			v.byLast[c].lo = uint16(i)
		}
		v.byLast[c].hi = uint16(i + 1)
	}
	return v
}

// find returns the index of w (in any ASCII case), or -1.
func (v *vocab) find(w string) int {
	r := v.byLast[lower(w[len(w)-1])]
	for i := int(r.lo); i < int(r.hi); i++ {
		if len(v.words[i]) == len(w) && equalFold(w, v.words[i]) {
			return i
		}
	}
	return -1
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

// lowerTab maps each byte to its ASCII lower case.
var lowerTab = func() (t [256]byte) {
	for c := range 256 {
		t[c] = lower(byte(c))
	}
	return t
}()

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}
