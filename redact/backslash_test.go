package redact_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/hushlog/hush/redact"
)

// TestEscapedTextKeepsItsBackslashes: a secret right after (or right
// before) backslashes of the application's own text (C:\keys\<secret>.pfx,
// a regexp, a Windows path) keeps every one of them through ScrubEscaped,
// whatever byte the secret opens or ends with and however the line was
// escaped: the output, unescaped, is the application's text with the
// secret replaced and nothing else changed. The class: a deeper reading of
// the escaped text (a level down, or a decoder restarted inside "\\") can
// take one of the text's escaped backslashes for the start of an escape of
// the value; the direct reading must win.
func TestEscapedTextKeepsItsBackslashes(t *testing.T) {
	// One secret per edge byte, each with its own body so that none is
	// part of another.
	var edges []string
	for c := 0; c < 0x80; c++ {
		edges = append(edges, string(rune(c)))
	}
	edges = append(edges, "\u00a0", "é", "\u2028", "\U0001F511")
	type sec struct {
		name, value string
		open        bool // the edge byte opens the value; else it ends it
	}
	var secs []sec
	var list []redact.Secret
	for i, e := range edges {
		for _, open := range []bool{true, false} {
			body := fmt.Sprintf("Qm9vX2aZk81Lp%03dWw%v", i, open)
			v := e + body
			if !open {
				v = body + e
			}
			name := fmt.Sprintf("s%03d%v", i, open)
			secs = append(secs, sec{name, v, open})
			list = append(list, redact.Secret{Name: name, Value: v})
		}
	}
	r := newRedactor(t, list)

	type escaper struct {
		name     string
		quote    func(string) string
		unquote  func(string) (string, error)
		validUTF bool // the escaper needs valid UTF-8 to round-trip
	}
	jsonQuote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	jsonUnquote := func(s string) (string, error) {
		var v string
		err := json.Unmarshal([]byte(s), &v)
		return v, err
	}
	escapers := []escaper{
		{"encoding/json", jsonQuote, jsonUnquote, true},
		{"strconv.Quote", strconv.Quote, strconv.Unquote, false},
		{"strconv.QuoteToASCII", strconv.QuoteToASCII, strconv.Unquote, false},
		{"JSON in JSON", func(s string) string { return jsonQuote(jsonQuote(s)) }, func(s string) (string, error) {
			v, err := jsonUnquote(s)
			if err != nil {
				return "", err
			}
			return jsonUnquote(v)
		}, true},
	}
	// The text around the secret: backslashes of the application's own.
	befores := []string{`C:\keys\`, `\\`, `x\\\`, `\`, `a\"`}
	afters := []string{`\.pfx`, `\\`, `\`, `.pfx`, `\n`}

	for _, esc := range escapers {
		for _, s := range secs {
			for _, b := range befores {
				for _, a := range afters {
					app := b + s.value + a
					line := esc.quote(app)
					out := string(r.ScrubEscaped(nil, []byte(line)))
					got, err := esc.unquote(out)
					what := fmt.Sprintf("%s, secret %s (%d bytes, edge byte opens it: %v), before %q, after %q", esc.name, s.name, len(s.value), s.open, b, a)
					if err != nil {
						t.Errorf("%s: output no longer unescapes: %v", what, err)
						continue
					}
					// The engine protects a value without its edge spaces
					// (strings.TrimSpace): they stay.
					core := strings.TrimSpace(s.value)
					i := strings.Index(s.value, core)
					want := b + s.value[:i] + "[REDACTED:" + s.name + "]" + s.value[i+len(core):] + a
					if got != want && !doubleReading(app, got, core, "[REDACTED:"+s.name+"]") {
						t.Errorf("%s: unescaped output (%d bytes) is not the text with the secret replaced (%d bytes); first difference at byte %d",
							what, len(got), len(want), firstDiff(got, want))
					}
				}
			}
		}
	}
}

// doubleReading reports whether the line, unescaped once (its quotes
// around app), reads as escaped text itself (every backslash begins an
// escape of JSON, Go or JavaScript) that holds the secret core, and got,
// read the same way, is that text with the secret replaced by repl: then
// the line is also some text escaped twice, a reading the engine may take
// (JSON in JSON; see dropShiftedReadings in decode.go).
func doubleReading(app, got, core, repl string) bool {
	inner, ok := unescape(`"` + app + `"`)
	if !ok || !strings.Contains(inner, core) {
		return false
	}
	g, ok := unescape(`"` + got + `"`)
	return ok && g == strings.Replace(inner, core, repl, 1)
}

// unescape undoes the backslash escapes of JSON, Go and JavaScript in s
// (quotes are plain bytes); ok is false at a backslash that begins none.
func unescape(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) {
			return "", false
		}
		i++
		switch c := s[i]; c {
		case '"', '\\', '/', '\'':
			b.WriteByte(c)
		case 'b', 'f', 'n', 'r', 't', 'a', 'v':
			b.WriteString(map[byte]string{'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t", 'a': "\a", 'v': "\v"}[c])
		case 'u', 'x', 'U':
			w := map[byte]int{'u': 4, 'x': 2, 'U': 8}[c]
			if i+w >= len(s) {
				return "", false
			}
			v, err := strconv.ParseUint(s[i+1:i+1+w], 16, 32)
			if err != nil {
				return "", false
			}
			if c == 'x' {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
			i += w
		default:
			return "", false
		}
	}
	return b.String(), true
}

func firstDiff(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// TestManyBackslashMatches: thousands of matches that each begin with an
// escape after the text's own backslashes, in one text, come out right (the
// readings are compared among spans sorted by start, not pair by pair).
func TestManyBackslashMatches(t *testing.T) {
	s := redact.Secret{Name: "c", Value: "\x01Qm9vX2aZk81Lp3Ww"}
	r := newRedactor(t, []redact.Secret{s})
	one, _ := json.Marshal(`C:\keys\` + s.Value + `.pfx`)
	line := strings.Repeat(string(one[1:len(one)-1])+" ", 20000)
	out := string(r.ScrubEscaped(nil, []byte(`"`+line+`"`)))
	if n := strings.Count(out, `C:\\keys\\[REDACTED:c].pfx`); n != 20000 {
		t.Errorf("%d of 20000 matches kept the text's backslash", n)
	}
}

// FuzzEscapedBackslashes: text of backslashes, quotes, escapes and letters
// around a secret with any edge bytes, JSON-escaped as a logger writes it,
// comes out of ScrubEscaped without the secret and, unescaped, as the text
// with the secret replaced (or, where the line reads validly as escaped
// twice, as that reading with the secret replaced).
func FuzzEscapedBackslashes(f *testing.F) {
	f.Add([]byte(`C:\keys\`), []byte(`.pfx`), byte(1), byte('Q'))
	f.Add([]byte(`\\`), []byte(`\`), byte('"'), byte('\\'))
	f.Add([]byte(`x\"`), []byte(`\n`), byte('\\'), byte('/'))
	f.Fuzz(func(t *testing.T, before, after []byte, open, end byte) {
		if len(before) > 64 || len(after) > 64 {
			return
		}
		// The text around: only the bytes that make escapes interesting.
		alphabet := []byte("\\\"/nux0aQ\x01 ")
		for i := range before {
			before[i] = alphabet[int(before[i])%len(alphabet)]
		}
		for i := range after {
			after[i] = alphabet[int(after[i])%len(alphabet)]
		}
		v := string(rune(open%0x80)) + "Qm9vX2aZk81Lp3Ww" + string(rune(end%0x80))
		core := strings.TrimSpace(v)
		if len(core) < 16 {
			return
		}
		r := newRedactor(t, []redact.Secret{{Name: "s", Value: v}})
		app := string(before) + v + string(after)
		line, _ := json.Marshal(app)
		out := string(r.ScrubEscaped(nil, line))
		if strings.Contains(out, core) {
			t.Fatalf("secret written (%d bytes of text around)", len(before)+len(after))
		}
		var got string
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("output no longer unescapes: %v", err)
		}
		i := strings.Index(v, core)
		want := string(before) + v[:i] + "[REDACTED:s]" + v[i+len(core):] + string(after)
		if strings.Count(app, core) == 1 && got != want && !doubleReading(app, got, core, "[REDACTED:s]") {
			t.Fatalf("unescaped output (%d bytes) is not the text with the secret replaced (%d bytes); first difference at %d", len(got), len(want), firstDiff(got, want))
		}
	})
}

// TestEscapedOnceIsPerLine: whether a line reads as escaped once or twice
// is decided line by line: a JSON-in-JSON line and a JSON line, in either
// order in one text, come out as each does alone.
func TestEscapedOnceIsPerLine(t *testing.T) {
	for _, v := range []string{`"Qm9vX2aZk81Lp3Ww`, `\Qm9vX2aZk81Lp3Ww`, "\x01Qm9vX2aZk81Lp3Ww", `Qm9vX2aZk81Lp3Ww\`} {
		r := newRedactor(t, []redact.Secret{{Name: "s", Value: v}})
		app := `C:\keys\` + v + `\x.pfx`
		once, _ := json.Marshal(app)
		twice, _ := json.Marshal(string(once))
		for _, lines := range [][]string{{string(once), string(twice)}, {string(twice), string(once)}, {string(once), string(twice), string(once)}} {
			var alone []string
			for _, l := range lines {
				alone = append(alone, string(r.ScrubEscaped(nil, []byte(l))))
			}
			together := string(r.ScrubEscaped(nil, []byte(strings.Join(lines, "\n"))))
			if together != strings.Join(alone, "\n") {
				t.Errorf("value opening with byte %d: %d lines scrubbed together differ from each alone", v[0], len(lines))
			}
		}
	}
}

// TestBackslashBeforeEncodedValue: plain text (not JSON) whose own
// backslash stands right before an encoded secret that opens with an
// escape (a Windows path then a percent-escaped value: C:\dir\%40...,
// HTML's C:\dir\&#64;...) keeps the backslash through Scrub. The class: the
// backslash decoder reads "\%" (or "\&") as an escaped "%" and the level
// below decodes the escape from there, so the match's first byte mapped
// back to the backslash.
func TestBackslashBeforeEncodedValue(t *testing.T) {
	var secrets []redact.Secret
	for i, c := range []byte("@\"<#%&/+\x1b\\") {
		secrets = append(secrets, redact.Secret{Name: fmt.Sprintf("s%d", i), Value: string(c) + fmt.Sprintf("Zq8rT2vLx9-s3cr3t%02d", i)})
	}
	r := newRedactor(t, secrets, redact.WithDetectors(nil))
	for _, s := range secrets {
		for name, form := range map[string]string{
			"query":    url.QueryEscape(s.Value),
			"path":     url.PathEscape(s.Value),
			"html-dec": "&#" + strconv.Itoa(int(s.Value[0])) + ";" + s.Value[1:],
			"html-hex": fmt.Sprintf("&#x%X;", s.Value[0]) + s.Value[1:],
		} {
			if form == s.Value {
				continue
			}
			for _, pre := range []string{`C:\dir\`, `\`, `a\b\`} {
				text := "path=" + pre + form + " end"
				want := "path=" + pre + r.Replacement(s.Name) + " end"
				if got := r.ScrubString(text); got != want {
					t.Errorf("%s %s after %q: %q, want %q", s.Name, name, pre, hide(got, secrets...), want)
				}
			}
		}
	}
}
