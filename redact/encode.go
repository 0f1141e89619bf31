package redact

import (
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"
)

// form is one encoded form of a value, as it is indexed.
type form struct {
	b   []byte // in one of the formSet's chunks
	enc Encoding
	// extLeft/extRight are set for base64 cores: the character before
	// (after) the core holds bits of the value too, so a match absorbs one
	// adjacent alphabet character on that side.
	extLeft, extRight bool
	urlAlphabet       bool
}

// formSet collects encoded forms in large chunks, so expanding a hundred
// thousand secrets costs a few large allocations instead of millions of
// small ones, and no chunk is ever copied to grow.
type formSet struct {
	arena  []byte // the current chunk
	chunks [][]byte
	forms  []form
	tmp    []byte
}

const chunkSize = 1 << 20

// wipe zeroes every chunk: plaintext forms should not outlive the build in
// freed memory.
func (fs *formSet) wipe() {
	for _, c := range fs.chunks {
		clear(c[:cap(c)])
	}
}

// commit records arena[start:] as a form, unless it is an encoded form
// equal to the raw value.
func (fs *formSet) commit(start int, f form, raw string) {
	if string(fs.arena[start:]) == raw && f.enc != Raw {
		fs.arena = fs.arena[:start]
		return
	}
	f.b = fs.arena[start:len(fs.arena):len(fs.arena)]
	fs.forms = append(fs.forms, f)
}

// add appends every encoded form of v under the enabled families. Forms may
// repeat; the caller removes duplicates.
func (fs *formSet) add(v string, encs Encoding) {
	if cap(fs.arena)-len(fs.arena) < 64*len(v)+1024 {
		fs.arena = make([]byte, 0, max(chunkSize, 128*len(v)))
		fs.chunks = append(fs.chunks, fs.arena)
	}
	start := len(fs.arena)
	fs.arena = append(fs.arena, v...)
	fs.commit(start, form{enc: Raw}, v)
	if latin1Form(v) {
		// A producer that writes text as ISO 8859-1 (Java and Python
		// files opened as latin-1, old PHP) writes "ä" as the byte E4:
		// the value's raw form in that charset. Its escapes (%E4,
		// Python's \xe4 in a bytes repr) decode to the same bytes.
		start := len(fs.arena)
		for _, r := range v {
			fs.arena = append(fs.arena, byte(r))
		}
		fs.commit(start, form{enc: Raw}, v)
	}

	// JSON string escaping, in every variant (\u in either case, HTML-safe
	// \u003c, \/, JSON inside JSON), is decoded by the scan (decode.go):
	// every line with a backslash escape is decoded anyway, so an indexed
	// JSON form would find nothing more.
	if encs&URL != 0 && strings.Contains(v, " ") {
		// Percent-escapes are decoded by the scan (decode.go) in all
		// their variants; form encoding writes space as +, which
		// decoding leaves alone, so that form is indexed.
		start := len(fs.arena)
		for i := 0; i < len(v); i++ {
			if v[i] == ' ' {
				fs.arena = append(fs.arena, '+')
			} else {
				fs.arena = append(fs.arena, v[i])
			}
		}
		fs.commit(start, form{enc: URL}, v)
	}
	if encs&URL != 0 && needsQP(v) {
		// Quoted-printable (MIME bodies, mail logs): "=" and every byte
		// outside printable ASCII as =XX in upper case. A line longer
		// than 76 characters is broken with a soft "=" line break, which
		// this form does not follow (as wrapped base64 at other widths).
		start := len(fs.arena)
		for i := 0; i < len(v); i++ {
			if c := v[i]; c == '=' || c < ' ' && c != '\t' || c > '~' {
				fs.arena = append(fs.arena, '=', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
			} else {
				fs.arena = append(fs.arena, c)
			}
		}
		fs.commit(start, form{enc: URL}, v)
	}
	if encs&JSON != 0 && !utf8.ValidString(v) {
		// Encoders write each invalid byte as U+FFFD (encoding/json, zap,
		// slog, Python, JavaScript): decoded \ufffd escapes meet this form.
		start := len(fs.arena)
		fs.arena = appendReplacingInvalid(fs.arena, v)
		fs.commit(start, form{enc: JSON}, v)
	}
	if encs&HTML != 0 && (strings.ContainsAny(v, "<>&'\"\t\r\n") || hasXMLInvalid(v)) {
		// The styles differ only in how they write a quote, an
		// apostrophe and (xml) control bytes: a style that writes v as an
		// earlier one did is not written again.
		quot, apos := strings.IndexByte(v, '"') >= 0, strings.IndexByte(v, '\'') >= 0
		xml := strings.ContainsAny(v, "\t\r\n") || hasXMLInvalid(v) || !utf8.ValidString(v)
		for i, st := range htmlStyles {
			if htmlSameAsEarlier(i, quot, apos, xml) {
				continue
			}
			start := len(fs.arena)
			fs.arena = appendHTML(fs.arena, v, st.quot, st.apos, st.xml)
			fs.commit(start, form{enc: HTML}, v)
		}
	}
	if encs&Base64 != 0 {
		fs.addBase64(v)
	}
	if encs&(Hex|Base64) != 0 {
		if d, ok := binaryKey(v); ok {
			fs.addKeyBytes(d, v, encs)
		}
	}
	if encs&Hex != 0 {
		start := len(fs.arena)
		fs.arena = hex.AppendEncode(fs.arena, []byte(v))
		fs.commit(start, form{enc: Hex}, v)
		start = len(fs.arena)
		fs.arena = appendUpperHex(fs.arena, v)
		fs.commit(start, form{enc: Hex}, v)
	}
	if encs&Shell != 0 {
		// Quote doubling: a SQL string literal (an ORM's statement log
		// with its arguments in place), PowerShell's and YAML's single
		// quotes write ' as ''; a CSV field, VB and C#'s verbatim strings
		// write " as "". One form for each quote the value has inside:
		// a quote that opens or ends the value is not doubled in the form
		// (the match leaves that half of the pair), so the form never
		// takes a quote of the text next to a value written as it is
		// ("key":"\"value...", read decoded as "key":""value...).
		for _, q := range []byte{'\'', '"'} {
			if strings.IndexByte(v, q) < 0 {
				continue
			}
			start := len(fs.arena)
			for i := 0; i < len(v); i++ {
				if v[i] == q && i > 0 && i < len(v)-1 {
					fs.arena = append(fs.arena, q)
				}
				fs.arena = append(fs.arena, v[i])
			}
			fs.commit(start, form{enc: Shell}, v)
		}
	}
	if encs&Shell != 0 && strings.Contains(v, "'") {
		for _, q := range []string{`'\''`, `'"'"'`} {
			start := len(fs.arena)
			for i := 0; i < len(v); i++ {
				if v[i] == '\'' {
					fs.arena = append(fs.arena, q...)
				} else {
					fs.arena = append(fs.arena, v[i])
				}
			}
			fs.commit(start, form{enc: Shell}, v)
		}
	}
}

// binaryKey returns the bytes v encodes when v reads as a binary key kept
// as text: 32 hex digits or more in one case, or base64 of 16 bytes or
// more that is padded (either alphabet: openssl rand -base64, Go's
// StdEncoding, a Fernet key) or holds "+" or "/". A token of letters,
// digits, "-" and "_" alone is not taken for one (a GitHub or Stripe token,
// a UUID, dashed groups all decode as unpadded URL-safe base64): its
// decoding would cost a dozen forms for nothing, and would protect the
// neighbours of a rotated value that differ from it in the padding bits.
func binaryKey(v string) ([]byte, bool) {
	if len(v) >= 32 && len(v)%2 == 0 && (onlyIn(v, "0123456789abcdef") || onlyIn(v, "0123456789ABCDEF")) {
		d, err := hex.DecodeString(v)
		return d, err == nil
	}
	if len(v) < 22 || !strings.HasSuffix(v, "=") && !strings.ContainsAny(v, "+/") || strings.ContainsAny(v, "\r\n") {
		return nil, false // (the decoder skips line breaks)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if d, err := enc.DecodeString(v); err == nil && len(d) >= 16 {
			return d, true
		}
	}
	return nil, false
}

func onlyIn(v, set string) bool {
	for i := 0; i < len(v); i++ {
		if strings.IndexByte(set, v[i]) < 0 {
			return false
		}
	}
	return true
}

// addKeyBytes adds the forms of d, the bytes of a binary key v kept as
// hex or base64 text, that an application writes once it has decoded the
// key: the bytes themselves (in "%q" they are escapes the scan decodes),
// hex in both cases (hex.EncodeToString, "%x"), base64 in both alphabets
// at every alignment (zap.Binary of a hex key, a version byte before the
// key), and the byte lists fmt.Println, Node and Java print. About a
// dozen forms for such a value.
func (fs *formSet) addKeyBytes(d []byte, v string, encs Encoding) {
	start := len(fs.arena)
	fs.arena = append(fs.arena, d...)
	fs.commit(start, form{enc: Hex}, v)
	if encs&Hex != 0 {
		start = len(fs.arena)
		fs.arena = hex.AppendEncode(fs.arena, d)
		fs.commit(start, form{enc: Hex}, v)
		start = len(fs.arena)
		fs.arena = appendUpperHex(fs.arena, string(d))
		fs.commit(start, form{enc: Hex}, v)
	}
	if encs&Base64 != 0 {
		fs.addBase64(string(d))
	}
	if encs&Hex != 0 {
		// Byte lists: Go's "%v" and fmt.Println of a []byte ([159 134
		// ...]), Node's <Buffer 9f 86 ...> and Go's "% x", Java's
		// Arrays.toString ([-97, -122, ...]).
		for _, list := range []struct {
			sep  string
			item func(b []byte, c byte) []byte
		}{
			{" ", func(b []byte, c byte) []byte { return strconv.AppendUint(b, uint64(c), 10) }},
			{" ", func(b []byte, c byte) []byte { return hex.AppendEncode(b, []byte{c}) }},
			{", ", func(b []byte, c byte) []byte { return strconv.AppendInt(b, int64(int8(c)), 10) }},
		} {
			start = len(fs.arena)
			for i, c := range d {
				if i > 0 {
					fs.arena = append(fs.arena, list.sep...)
				}
				fs.arena = list.item(fs.arena, c)
			}
			fs.commit(start, form{enc: Hex}, v)
		}
	}
}

// needsQP reports whether quoted-printable writes v otherwise than as it
// is: it has "=", a control byte other than a tab, or a byte above "~".
func needsQP(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '=' || c < ' ' && c != '\t' || c > '~' {
			return true
		}
	}
	return false
}

// latin1Form reports whether v has an ISO 8859-1 form other than its
// UTF-8: valid UTF-8 with a rune above U+007F and none above U+00FF. An
// ASCII value (most secrets) costs one scan and no form.
func latin1Form(v string) bool {
	wide := false
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			wide = true
			break
		}
	}
	if !wide || !utf8.ValidString(v) {
		return false
	}
	for _, r := range v {
		if r > 0xFF {
			return false
		}
	}
	return true
}

func appendUpperHex(b []byte, s string) []byte {
	const hx = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		b = append(b, hx[s[i]>>4], hx[s[i]&15])
	}
	return b
}

// addBase64 adds, for the standard and URL alphabets, the part of the
// encoding that depends only on v when v starts at byte offset 0, 1 or 2 of
// a 3-byte group. Padding never falls inside that part, so padded and
// unpadded output share it.
//
// Of base64 of base64 (standard alphabet at both levels) it adds one form:
// the value's encoding from its first byte, encoded again from its first
// byte, a blob that is the value and nothing else, often too short for the
// scan to decode. Every other alignment (a Kubernetes .dockerconfigjson,
// whose "auth" field is base64("user:password") base64-encoded again with
// the rest of the document) is found by decoding long runs of base64 in the
// scan (nested.go) instead of by eight more forms.
func (fs *formSet) addBase64(v string) {
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		for k := 0; k < 3; k++ {
			start := len(fs.arena)
			var extLeft, extRight bool
			fs.arena, extLeft, extRight = fs.appendBase64Core(fs.arena, enc, k, v)
			if len(fs.arena) == start {
				continue
			}
			fs.commit(start, form{enc: Base64, extLeft: extLeft, extRight: extRight, urlAlphabet: enc == base64.RawURLEncoding}, v)
			if enc != base64.RawStdEncoding || k != 0 || len(fs.forms) == 0 {
				continue
			}
			inner := string(fs.forms[len(fs.forms)-1].b)
			if inner != string(fs.arena[start:]) {
				continue // not committed
			}
			start = len(fs.arena)
			fs.arena, extLeft, extRight = fs.appendBase64Core(fs.arena, enc, 0, inner)
			if len(fs.arena) > start {
				fs.commit(start, form{enc: Base64, extLeft: extLeft, extRight: extRight}, v)
			}
		}
	}
}

// appendBase64Core appends the characters of enc's encoding of v, placed
// at byte offset k of a 3-byte group, that depend on v alone. extLeft
// (extRight) reports that the character before (after) them holds bits of
// v too.
func (fs *formSet) appendBase64Core(b []byte, enc *base64.Encoding, k int, v string) (out []byte, extLeft, extRight bool) {
	fs.tmp = append(fs.tmp[:0], 0, 0)[:k]
	fs.tmp = append(fs.tmp, v...)
	first := (8*k + 5) / 6
	end := 8 * (k + len(v)) / 6
	if end-first < 1 {
		return b, false, false
	}
	start := len(b)
	b = enc.AppendEncode(b, fs.tmp)
	b = append(b[:start], b[start+first:start+end]...)
	return b, (8*k)%6 != 0, (8*(k+len(v)))%6 != 0
}

// htmlStyles are the entity escapers of the survey (testdata/encoders):
// they all write &lt; &gt; &amp; and differ in quotes.
var htmlStyles = []struct {
	quot, apos string
	xml        bool // also &#x9; &#xA; &#xD;, and U+FFFD for other controls
}{
	{"&#34;", "&#39;", false},  // Go html.EscapeString, text/template
	{"&#34;", "&#39;", true},   // Go encoding/xml EscapeText
	{"&quot;", "&#39;", false}, // Ruby ERB::Util, CGI.escapeHTML
	{"&quot;", "&apos;", false},
	{"&quot;", "&#x27;", false}, // Python html.escape
	{"&quot;", "&#039;", false}, // PHP htmlspecialchars
	{`"`, `'`, false},           // Python html.escape(quote=False)
}

// htmlSameAsEarlier reports whether htmlStyles[i] writes a value as some
// earlier style does, given whether the value has a quote, an apostrophe,
// and a byte the xml styles write otherwise (a tab, a line break, another
// control byte, invalid UTF-8).
func htmlSameAsEarlier(i int, quot, apos, xml bool) bool {
	st := htmlStyles[i]
	for _, e := range htmlStyles[:i] {
		if (!quot || e.quot == st.quot) && (!apos || e.apos == st.apos) && (!xml || e.xml == st.xml) {
			return true
		}
	}
	return false
}

func appendHTML(b []byte, v, quot, apos string, xml bool) []byte {
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case c == '<':
			b = append(b, "&lt;"...)
		case c == '>':
			b = append(b, "&gt;"...)
		case c == '&':
			b = append(b, "&amp;"...)
		case c == '"':
			b = append(b, quot...)
		case c == '\'':
			b = append(b, apos...)
		case xml && (c == '\t' || c == '\n' || c == '\r'):
			b = append(b, '&', '#', 'x', "0123456789ABCDEF"[c], ';')
		case xml && c < 0x20:
			b = utf8.AppendRune(b, utf8.RuneError)
		case xml && c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(v[i:])
			b = utf8.AppendRune(b, r) // invalid UTF-8 becomes U+FFFD
			i += size
			continue
		default:
			b = append(b, c)
		}
		i++
	}
	return b
}

// appendReplacingInvalid appends s with each byte of invalid UTF-8
// replaced by U+FFFD.
func appendReplacingInvalid(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		b = utf8.AppendRune(b, r) // RuneError for an invalid byte
		i += size
	}
	return b
}

func hasXMLInvalid(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return true
		}
	}
	return false
}

func isBase64Char(c byte, url bool) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return true
	}
	if url {
		return c == '-' || c == '_'
	}
	return c == '+' || c == '/'
}
