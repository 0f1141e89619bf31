package leaktest

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/hushlog/hush/internal/keyrule"
	"github.com/hushlog/hush/redact"
)

// minFormLen is the shortest value, line or JSON field that counts: the
// engine's default minimum length. Shorter strings are too common to call
// an occurrence a leak.
const minFormLen = 8

// maxDecodeDepth bounds how many decodes are composed (base64 inside a URL
// inside JSON is two).
const maxDecodeDepth = 2

// Leak is one occurrence of a secret in an output. It holds no value.
type Leak struct {
	// Name is the secret's name.
	Name string
	// Form names the encoded form found ("raw", "json", "base64-std@1",
	// "line 2 url-query", ...).
	Form string
	// Decode names the decodes applied to the output before the form was
	// found ("" when it was found in the output as written, else for
	// example "percent > base64-std@0").
	Decode string
	// Offset is the position of the occurrence in the (decoded) text.
	Offset int
}

// String describes the leak without its value.
func (l Leak) String() string {
	if l.Decode == "" {
		return fmt.Sprintf("secret %s leaked in %s form at byte %d", l.Name, l.Form, l.Offset)
	}
	return fmt.Sprintf("secret %s leaked in %s form after decoding the output (%s)", l.Name, l.Form, l.Decode)
}

// form is one encoded form of one secret.
type form struct {
	name string // the secret's name
	kind string // what encoding
	text []byte
	// decodedOnly: searched in the decodes of an output only (see
	// shortLines).
	decodedOnly bool
}

// units returns the strings of a secret that are each protected: the value,
// its trimmed form, each line of a multi-line value (PEM armour lines
// excepted) and, for a JSON object or array value, its credential-like
// string and number fields (every field when none is credential-like), as
// "name#key" or "name[i]".
func units(s redact.Secret, minLen int) []struct{ name, label, v string } {
	type unit = struct{ name, label, v string }
	var out []unit
	add := func(name, label, v string) {
		if len(v) >= minLen {
			out = append(out, unit{name, label, v})
		}
	}
	add(s.Name, "", s.Value)
	if t := strings.TrimSpace(s.Value); t != s.Value {
		add(s.Name, "trimmed ", t)
	}
	if lines := strings.Split(strings.TrimSpace(s.Value), "\n"); len(lines) > 1 {
		type line struct {
			n int
			v string
		}
		var body []line
		for i, l := range lines {
			l = strings.TrimSpace(strings.TrimSuffix(l, "\r"))
			if l == "" || strings.HasPrefix(l, "-----") {
				continue
			}
			body = append(body, line{i + 1, l})
			add(s.Name, fmt.Sprintf("line %d ", i+1), l)
		}
		// A line too short to count alone counts next to its neighbour
		// (the line before it, the first line the line after it), joined
		// as a decode of the output shows it: by LF or CRLF. Its bytes
		// there are key material, whatever the neighbour's fate.
		for i, l := range body {
			if len(l.v) >= minLen || len(body) < 2 {
				continue
			}
			a, b := i-1, i
			if i == 0 {
				a, b = 0, 1
			}
			for _, sep := range []string{"\n", "\r\n"} {
				add(s.Name, fmt.Sprintf("lines %d-%d ", body[a].n, body[b].n), body[a].v+sep+body[b].v)
			}
		}
	}
	var doc any
	dec := json.NewDecoder(strings.NewReader(s.Value))
	dec.UseNumber()
	if dec.Decode(&doc) == nil {
		// A JSON object or array: its credential-like fields are secrets
		// (an RDS secret's password, not its engine or host); when none is
		// credential-like (a webhook URL, a DSN), every field is.
		type field struct{ path, v string }
		var all, cred []field
		var walk func(path string, credential bool, v any)
		walk = func(path string, credential bool, v any) {
			switch v := v.(type) {
			case string:
				all = append(all, field{path, v})
				if credential {
					cred = append(cred, field{path, v})
				}
			case json.Number:
				all = append(all, field{path, v.String()})
				if credential {
					cred = append(cred, field{path, v.String()})
				}
			case map[string]any:
				parent := path[strings.LastIndexByte(path, '#')+1:]
				for k, e := range v {
					// A nested key reads with its parent's: "api":
					// {"key": ...} is an api.key.
					walk(path+"#"+k, credential || credentialKey(k) || parent != "" && credentialKey(parent+"."+k), e)
				}
			case []any:
				for i, e := range v {
					walk(fmt.Sprintf("%s[%d]", path, i), credential, e)
				}
			}
		}
		switch doc.(type) {
		case map[string]any, []any:
			walk("", false, doc)
			if len(cred) > 0 {
				all = cred
			}
			for _, f := range all {
				add(s.Name+f.path, "", f.v)
			}
		}
	}
	return out
}

// credentialKeys judge whether a JSON field's key names a credential: the
// key rules of the zap and slog front ends, which the engine applies to
// structured secrets too (a "pin" is one, a "token_count" is not).
var credentialKeys = keyrule.New(redact.DefaultCredentialKeys)

func credentialKey(k string) bool { return credentialKeys.Judge(k) != keyrule.Clear }

// Forms returns the names of the encoded forms of v that Find looks for,
// with the encoded text: for the oracle's own tests and for diagnosing a
// failure locally. Never print the texts in a test.
func Forms(v string) map[string]string {
	out := map[string]string{}
	for _, f := range encodings(v) {
		out[f.kind] = string(f.text)
	}
	return out
}

// EngineGap reports whether the engine (package redact) does not protect
// forms of this kind, a gap the oracle still calls a leak: tests that hold
// the engine to the oracle plant no such form. base32 is not indexed (it
// would double the forms of every secret) nor decoded; nor are byte lists
// in hex (Go's "% x", Node's Buffer, .NET's 5A-71-...).
func EngineGap(kind string) bool {
	if strings.Contains(kind, "key-bytes") {
		return false // a binary key's bytes are indexed in lists too
	}
	return strings.HasPrefix(kind, "base32") || strings.Contains(kind, "hex-list") || strings.Contains(kind, "HEX-list")
}

// _forms caches the forms of a secret set, keyed by its names and values:
// tests check many outputs against the same few secrets.
var _forms sync.Map

func cachedForms(secrets []redact.Secret, minLen int) []form {
	var key strings.Builder
	fmt.Fprintf(&key, "%d/", minLen)
	for _, s := range secrets {
		fmt.Fprintf(&key, "%d:%s%d:%s", len(s.Name), s.Name, len(s.Value), s.Value)
	}
	if fs, ok := _forms.Load(key.String()); ok {
		return fs.([]form)
	}
	fs := forms(secrets, minLen)
	_forms.Store(key.String(), fs)
	return fs
}

// forms returns every encoded form of every unit of every secret, without
// duplicates.
func forms(secrets []redact.Secret, minLen int) []form {
	var out []form
	seen := map[string]bool{}
	for _, s := range secrets {
		for _, u := range units(s, minLen) {
			for _, f := range encodings(u.v) {
				key := u.name + "\x00" + string(f.text)
				if seen[key] || len(f.text) < minLen {
					continue
				}
				seen[key] = true
				out = append(out, form{name: u.name, kind: u.label + f.kind, text: f.text})
				// A long form leaks in part too: any piece of it that
				// survives (a redaction that stopped short) is key
				// material. Every stretch of 2 KiB holds one of these.
				if len(f.text) > longForm {
					for off := 0; off < len(f.text); off += longPiece {
						lo := min(off, len(f.text)-longPiece)
						out = append(out, form{name: u.name, kind: fmt.Sprintf("%s%s piece at %d", u.label, f.kind, lo), text: f.text[lo : lo+longPiece]})
					}
				}
			}
		}
		out = append(out, shortLines(s, minLen)...)
	}
	return out
}

// longForm is the longest form searched only whole; a longer one is
// also searched in pieces of longPiece bytes.
const longForm, longPiece = 4096, 1024

// minShortLine is the shortest line of a multi-line value that counts on
// its own line (see shortLines).
const minShortLine = 3

// shortLines returns the forms of the lines of a multi-line value too short
// to count alone (the tail of a PEM body): such a line counts where a decode
// of the output shows it as a line of its own, after a line break (the
// first line before one). Its neighbour may have been redacted: the short
// line's bytes are still key material. These forms are searched in decoded
// text only: a multi-line value printed as written, with real line breaks,
// is protected line by line, and a short line there is a known gap of the
// engine (DESIGN.md, "Known gaps in the contract").
func shortLines(s redact.Secret, minLen int) []form {
	var body []string
	for _, l := range strings.Split(strings.TrimSpace(s.Value), "\n") {
		l = strings.TrimSpace(strings.TrimSuffix(l, "\r"))
		if l != "" && !strings.HasPrefix(l, "-----") {
			body = append(body, l)
		}
	}
	if len(body) < 2 {
		return nil
	}
	var out []form
	for i, l := range body {
		if len(l) >= minLen || len(l) < minShortLine {
			continue
		}
		kind := fmt.Sprintf("short line %d on its own line", i+1)
		if i == 0 {
			out = append(out,
				form{name: s.Name, kind: kind, text: []byte(l + "\n"), decodedOnly: true},
				form{name: s.Name, kind: kind, text: []byte(l + "\r\n"), decodedOnly: true})
			continue
		}
		out = append(out, form{name: s.Name, kind: kind, text: []byte("\n" + l), decodedOnly: true})
	}
	return out
}

// encodings returns v in every encoding a producer writes, each named.
func encodings(v string) []form {
	var out []form
	add := func(kind, text string) { out = append(out, form{kind: kind, text: []byte(text)}) }
	add("raw", v)

	// JSON, as encoding/json writes it: HTML-safe (\u003c) by default, or
	// not; then with "/" escaped, non-ASCII escaped, and escaped twice.
	for _, htmlSafe := range []bool{true, false} {
		j := jsonInner(v, htmlSafe)
		label := "json"
		if htmlSafe {
			label = "json-htmlsafe"
		}
		add(label, j)
		add(label+"-slash", strings.ReplaceAll(j, "/", `\/`))
		add(label+"-ascii", jsonASCII(j, false))
		add(label+"-ASCII", jsonASCII(j, true))
		add(label+"-upper", upperUnicodeEscapes(j))
		add(label+"-twice", jsonInner(j, htmlSafe))
	}

	// Go quoting: %q, slog's text handler, zap's console encoder.
	add("go-quote", unquote(strconv.Quote(v)))
	add("go-quote-ascii", unquote(strconv.QuoteToASCII(v)))

	// URL escaping, both hex cases.
	component := strings.ReplaceAll(url.QueryEscape(v), "+", "%20")
	for _, c := range "!'()*" {
		component = strings.ReplaceAll(component, url.QueryEscape(string(c)), string(c))
	}
	userinfo := url.UserPassword("u", v).String()
	for kind, e := range map[string]string{
		"url-query":     url.QueryEscape(v),
		"url-path":      url.PathEscape(v),
		"url-component": component,
		"url-userinfo":  strings.TrimPrefix(userinfo, "u:"),
	} {
		add(kind, e)
		add(kind+"-lower", lowerPercent(e))
	}

	// base64 at every byte alignment: the characters that depend only on
	// v's bytes when v follows 0, 1 or 2 other bytes.
	for _, enc := range []struct {
		name string
		enc  *base64.Encoding
	}{{"base64-std", base64.StdEncoding}, {"base64-url", base64.URLEncoding}} {
		add(enc.name, enc.enc.EncodeToString([]byte(v)))
		add(enc.name+"-raw", enc.enc.WithPadding(base64.NoPadding).EncodeToString([]byte(v)))
		for k := range 3 {
			full := enc.enc.EncodeToString(append(make([]byte, k), v...))
			from := (8*k + 5) / 6
			to := 8 * (k + len(v)) / 6
			add(fmt.Sprintf("%s@%d", enc.name, k), full[from:to])
		}
	}

	// base32, standard and extended-hex alphabets, padded or raw, and at
	// every byte alignment of a 5-byte group.
	for _, enc := range []struct {
		name string
		enc  *base32.Encoding
	}{{"base32-std", base32.StdEncoding}, {"base32-hex", base32.HexEncoding}} {
		add(enc.name, enc.enc.EncodeToString([]byte(v)))
		add(enc.name+"-raw", enc.enc.WithPadding(base32.NoPadding).EncodeToString([]byte(v)))
		for k := range 5 {
			full := enc.enc.EncodeToString(append(make([]byte, k), v...))
			from := (8*k + 4) / 5
			to := 8 * (k + len(v)) / 5
			if to > from {
				add(fmt.Sprintf("%s@%d", enc.name, k), full[from:to])
			}
		}
	}

	add("hex", hex.EncodeToString([]byte(v)))
	add("HEX", strings.ToUpper(hex.EncodeToString([]byte(v))))

	// A binary key kept as hex or base64 text (openssl rand -hex 32, a
	// KMS data key in base64) is decoded by the application, and its bytes
	// are written in another encoding: hex.EncodeToString(key), "%x",
	// zap.Binary of a hex key's bytes (base64), with a version byte before
	// them, the other base64 alphabet, "%q" of the bytes.
	if d, ok := binaryKey(v); ok {
		add("key-bytes", string(d))
		add("key-bytes hex", hex.EncodeToString(d))
		add("key-bytes HEX", strings.ToUpper(hex.EncodeToString(d)))
		// Byte lists: Go's %v, Node's Buffer and Go's "% x", Java's
		// Arrays.toString.
		gov := fmt.Sprint(d)
		add("key-bytes go-list", gov[1:len(gov)-1])
		add("key-bytes hex-list", fmt.Sprintf("% x", d))
		java := make([]string, len(d))
		for i, c := range d {
			java[i] = strconv.Itoa(int(int8(c)))
		}
		add("key-bytes java-list", strings.Join(java, ", "))
		for _, enc := range []struct {
			name string
			enc  *base64.Encoding
		}{{"base64-std", base64.StdEncoding}, {"base64-url", base64.URLEncoding}} {
			for k := range 3 {
				full := enc.enc.EncodeToString(append(make([]byte, k), d...))
				from := (8*k + 5) / 6
				to := 8 * (k + len(d)) / 6
				add(fmt.Sprintf("key-bytes %s@%d", enc.name, k), full[from:to])
			}
		}
	}
	// Byte lists in hex: Go's "% x" and "% X", Node's <Buffer 5a 71 ...>,
	// .NET's BitConverter.ToString (5A-71-...).
	spaced := fmt.Sprintf("% x", v)
	add("hex-list", spaced)
	add("HEX-list", strings.ToUpper(spaced))
	add("HEX-list-dashed", strings.ReplaceAll(strings.ToUpper(spaced), " ", "-"))

	// Quoted-printable (MIME): "=" and bytes outside printable ASCII as
	// =XX (soft line breaks are undone by the decode).
	add("quoted-printable", quotedPrintable(v))
	// JavaScript's escape(): %XX up to U+00FF, %uXXXX above.
	add("js-escape", jsEscape(v))
	// Perl's Data::Dumper (Useqq) and Python's ascii(): \x{e4} and \xe4.
	add("perl-dumper", perlDumper(v))
	add("python-ascii", pythonASCII(v))
	// ISO 8859-1, when every character fits and one is not ASCII.
	if l, ok := latin1(v); ok {
		add("latin-1", l)
	}

	// Quote doubling: a SQL string literal (an ORM's statement log with
	// its arguments in place), PowerShell's and YAML's single quotes
	// write ' as ''; CSV, VB and C#'s verbatim strings write " as "".
	add("sql-quote", strings.ReplaceAll(v, "'", "''"))
	add("csv-quote", strings.ReplaceAll(v, `"`, `""`))

	add("html", html.EscapeString(v))
	add("html-template", template.HTMLEscapeString(v))
	var x bytes.Buffer
	_ = xml.EscapeText(&x, []byte(v))
	add("xml", x.String())
	return out
}

// binaryKey returns the bytes v encodes when v reads as a binary key kept
// as text: 32 hex digits or more in one case, or base64 (either alphabet)
// of 16 bytes or more that is padded or holds one of "+/-_" (a token of
// letters and digits alone is not taken for one).
func binaryKey(v string) ([]byte, bool) {
	if len(v) >= 32 && len(v)%2 == 0 && (strings.Trim(v, "0123456789abcdef") == "" || strings.Trim(v, "0123456789ABCDEF") == "") {
		d, err := hex.DecodeString(v)
		return d, err == nil
	}
	if !strings.HasSuffix(v, "=") && !strings.ContainsAny(v, "+/-_") || strings.ContainsAny(v, "\r\n") {
		return nil, false // (Go's decoder skips line breaks)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if d, err := enc.DecodeString(v); err == nil && len(d) >= 16 {
			return d, true
		}
	}
	return nil, false
}

// quotedPrintable is v in quoted-printable without soft line breaks.
func quotedPrintable(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '=' || c < ' ' && c != '\t' || c > '~' {
			fmt.Fprintf(&b, "=%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// jsEscape is JavaScript's escape(): A-Z a-z 0-9 @*_+-./ kept, %XX for
// other code units up to 0xFF, %uXXXX above (UTF-16).
func jsEscape(v string) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(v)) {
		switch {
		case u < 0x80 && ('a' <= u && u <= 'z' || 'A' <= u && u <= 'Z' || '0' <= u && u <= '9' || strings.ContainsRune("@*_+-./", rune(u))):
			b.WriteByte(byte(u))
		case u <= 0xff:
			fmt.Fprintf(&b, "%%%02X", u)
		default:
			fmt.Fprintf(&b, "%%u%04X", u)
		}
	}
	return b.String()
}

// perlDumper is v as Perl's Data::Dumper writes it with $Useqq set, without
// its quotes: \ " $ @ escaped, controls named or in octal, every
// character above "~" as \x{HEX}.
func perlDumper(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case strings.ContainsRune(`\"$@`, r):
			b.WriteString(`\` + string(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == 0x1b:
			b.WriteString(`\e`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\%03o`, r)
		case r > 0x7e:
			fmt.Fprintf(&b, `\x{%x}`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pythonASCII is v as Python's ascii() writes it, without its quotes:
// \xHH up to U+00FF, \uXXXX, \UXXXXXXXX (and \' \\ \n \r \t).
func pythonASCII(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r == '\'' || r == '\\':
			b.WriteString(`\` + string(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	return b.String()
}

// latin1 returns v in ISO 8859-1 when every character of v fits and one
// is not ASCII.
func latin1(v string) (string, bool) {
	if !utf8.ValidString(v) {
		return "", false
	}
	b := make([]byte, 0, len(v))
	wide := false
	for _, r := range v {
		if r > 0xff {
			return "", false
		}
		wide = wide || r >= utf8.RuneSelf
		b = append(b, byte(r))
	}
	return string(b), wide
}

// jsonInner returns v as a JSON string without its quotes.
func jsonInner(v string, htmlSafe bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(htmlSafe)
	_ = enc.Encode(v)
	s := strings.TrimSuffix(b.String(), "\n")
	return s[1 : len(s)-1]
}

// jsonASCII escapes every non-ASCII rune of a JSON string body as \uXXXX
// (a surrogate pair above the BMP), as Python's json.dumps, Jackson with
// ESCAPE_NON_ASCII and PHP's json_encode do.
func jsonASCII(s string, upper bool) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		if r > 0xFFFF {
			r -= 0x10000
			b.WriteString(uEscape(0xD800+(r>>10), upper))
			b.WriteString(uEscape(0xDC00+(r&0x3FF), upper))
			continue
		}
		b.WriteString(uEscape(r, upper))
	}
	return b.String()
}

func uEscape(r rune, upper bool) string {
	if upper {
		return fmt.Sprintf(`\u%04X`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

// upperUnicodeEscapes writes the hex digits of \uXXXX escapes in upper
// case (.NET's System.Text.Json writes \u003C).
func upperUnicodeEscapes(s string) string {
	b := []byte(s)
	for i := 0; i+6 <= len(b); i++ {
		if b[i] == '\\' && b[i+1] == 'u' {
			copy(b[i+2:i+6], bytes.ToUpper(b[i+2:i+6]))
			i += 5
		} else if b[i] == '\\' {
			i++
		}
	}
	return string(b)
}

func unquote(q string) string { return q[1 : len(q)-1] }

// lowerPercent lowers the hex digits of percent escapes.
func lowerPercent(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			copy(b[i+1:i+3], bytes.ToLower(b[i+1:i+3]))
			i += 2
		}
	}
	return string(b)
}

// Find returns every occurrence of every form of every secret in out, and
// every occurrence in a standard decode of out of a secret not already found
// in out as written.
func Find(secrets []redact.Secret, out []byte) []Leak {
	return FindMin(secrets, out, minFormLen)
}

// FindMin is Find for secrets indexed from minLen bytes
// (redact.WithMinLength): a form of minLen bytes or more counts.
func FindMin(secrets []redact.Secret, out []byte, minLen int) []Leak {
	fs := cachedForms(secrets, minLen)
	leaks := search(fs, out, "", false)
	found := map[string]bool{}
	for _, l := range leaks {
		found[l.Name] = true
	}
	seen := map[string]bool{string(out): true}
	var visit func(text []byte, path string, depth int)
	visit = func(text []byte, path string, depth int) {
		if depth == maxDecodeDepth {
			return
		}
		for _, d := range decodes(text) {
			if seen[string(d.text)] {
				continue
			}
			seen[string(d.text)] = true
			p := d.name
			if path != "" {
				p = path + " > " + d.name
			}
			for _, l := range search(fs, d.text, p, true) {
				if !found[l.Name] {
					found[l.Name] = true
					leaks = append(leaks, l)
				}
			}
			visit(d.text, p, depth+1)
		}
	}
	visit(out, "", 0)
	return leaks
}

// search finds the forms in text; decoded says text is a decode of the
// output, where the decodedOnly forms count too.
func search(fs []form, text []byte, decode string, decoded bool) []Leak {
	var out []Leak
	for _, f := range fs {
		if f.decodedOnly && !decoded {
			continue
		}
		for off := 0; ; {
			i := bytes.Index(text[off:], f.text)
			if i < 0 {
				break
			}
			out = append(out, Leak{Name: f.name, Form: f.kind, Decode: decode, Offset: off + i})
			off += i + 1
		}
	}
	return out
}

// maxReported bounds the failures Check reports per call.
const maxReported = 10

// Check fails t for every leak Find reports in out, naming the secret, the
// form and the decode, never the value. what says which output it was ("zap
// JSON entry"). It reports whether out was clean.
func Check(t testing.TB, secrets []redact.Secret, out []byte, what string) bool {
	t.Helper()
	return CheckMin(t, secrets, out, what, minFormLen)
}

// CheckMin is Check for secrets indexed from minLen bytes
// (redact.WithMinLength).
func CheckMin(t testing.TB, secrets []redact.Secret, out []byte, what string, minLen int) bool {
	t.Helper()
	leaks := FindMin(secrets, out, minLen)
	for i, l := range leaks {
		if i == maxReported {
			t.Errorf("%s: %d more leaks", what, len(leaks)-maxReported)
			break
		}
		t.Errorf("%s: %s", what, l)
	}
	return len(leaks) == 0
}
