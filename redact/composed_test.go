package redact_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/hushlog/hush/redact"
)

var composedSecrets = []redact.Secret{
	{Name: "token", Value: "ghp_Zx9Kq2Lm7Pv4Rt8WnB3c"},
	{Name: "specials", Value: `p@ss/w+rd=1&x<y>"Kq2`},
	{Name: "unicode", Value: "pässwörd/日本-Kq2Lm7"},
	{Name: "long", Value: "Vr7Qm2Xk9Lp4Ws8Zt3Nc6Bh1Jd5Fg0Ya-Zx9Kq2Lm7Pv4Rt8W"},
}

// jsonString is s as a JSON string body, by Go's encoding/json; slash and
// ascii post-process it the way PHP and Python would write it.
func jsonString(s string, slash, ascii bool) string {
	b, _ := json.Marshal(s)
	out := string(b[1 : len(b)-1])
	if slash {
		out = strings.ReplaceAll(out, "/", `\/`)
	}
	if ascii {
		var sb strings.Builder
		for _, r := range out {
			switch {
			case r < 0x80:
				sb.WriteRune(r)
			case r > 0xFFFF:
				r -= 0x10000
				fmt.Fprintf(&sb, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			default:
				fmt.Fprintf(&sb, `\u%04x`, r)
			}
		}
		out = sb.String()
	}
	return out
}

// wrap breaks s into lines of width characters, as MIME (76, CRLF), PEM
// (64) and the base64 command (76) do.
func wrap(s string, width int, eol string) string {
	var b strings.Builder
	for len(s) > width {
		b.WriteString(s[:width] + eol)
		s = s[width:]
	}
	b.WriteString(s)
	return b.String()
}

var std = base64.StdEncoding.EncodeToString

// composedForms are encodings on top of encodings, each made by the real
// encoders, in the context a service prints them.
var composedForms = map[string]func(v string) string{
	"base64 then url-escaped": func(v string) string { return "GET /cb?token=" + url.QueryEscape(std([]byte("u:"+v))) + "&x=1" },
	"base64url then path-escaped": func(v string) string {
		return "/files/" + url.PathEscape(base64.URLEncoding.EncodeToString([]byte(v))) + "/raw"
	},
	"url-escaped twice": func(v string) string { return "next=" + url.QueryEscape("https://h/cb?t="+url.QueryEscape(v)) },
	"base64 of base64 (dockerconfigjson)": func(v string) string {
		auth := std([]byte("robot$ci:" + v))
		cfg := `{"auths":{"registry.example.com":{"username":"robot$ci","auth":"` + auth + `"}}}`
		return ".dockerconfigjson: " + std([]byte(cfg))
	},
	"json in json, slash inner":         func(v string) string { return jsonString(`{"msg":"`+jsonString(v, true, false)+`"}`, false, false) },
	"json in json, slash outer":         func(v string) string { return jsonString(`{"msg":"`+jsonString(v, false, false)+`"}`, true, false) },
	"json in json, ascii inner":         func(v string) string { return jsonString(`{"msg":"`+jsonString(v, false, true)+`"}`, false, false) },
	"json in json, ascii outer":         func(v string) string { return jsonString(`{"msg":"`+jsonString(v, false, false)+`"}`, false, true) },
	"json in json, ascii+slash both":    func(v string) string { return jsonString(`{"msg":"`+jsonString(v, true, true)+`"}`, true, true) },
	"json string in a query string":     func(v string) string { return "q=" + url.QueryEscape(`{"pw":"`+jsonString(v, true, true)+`"}`) },
	"base64 wrapped at 76 (base64 cmd)": func(v string) string { return wrap(std([]byte("header line\n"+v+"\ntrailer")), 76, "\n") },
	"base64 wrapped at 76 CRLF (MIME)":  func(v string) string { return wrap(std([]byte("Subject: x\r\n\r\nxy"+v)), 76, "\r\n") },
	"base64 wrapped at 76 in a JSON string": func(v string) string {
		return `{"level":"info","body":"` + jsonString(wrap(std([]byte("header line\n"+v+"\ntrailer")), 76, "\n"), false, false) + `"}`
	},
	"base64 wrapped at 76 CRLF (MIME) in a JSON string": func(v string) string {
		return `{"mail":"` + jsonString(wrap(std([]byte("Subject: x\r\n\r\nxy"+v)), 76, "\r\n"), false, false) + `"}`
	},
	"base64 wrapped at 64 (PEM) in a JSON string": func(v string) string {
		return `{"pem":"` + jsonString("-----BEGIN DATA-----\n"+wrap(std([]byte("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefg"+v+"tail")), 64, "\n")+"\n-----END DATA-----\n", false, false) + `"}`
	},
	"base64 wrapped at 64 (PEM)": func(v string) string {
		return "-----BEGIN DATA-----\n" + wrap(std([]byte("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefg"+v+"tail")), 64, "\n") + "\n-----END DATA-----"
	},
}

// TestComposedEncodings checks encodings on top of encodings: nothing of
// the secret survives any standard decode of the scrubbed output.
func TestComposedEncodings(t *testing.T) {
	r := newRedactor(t, composedSecrets)
	for name, enc := range composedForms {
		if enc == nil {
			continue
		}
		for _, s := range composedSecrets {
			out := r.ScrubString("at " + enc(s.Value) + " end\n")
			if leakedDeep(out, s.Value) {
				t.Errorf("%s of %s: the secret survives a decode of the output", name, s.Name)
			}
			if !strings.Contains(out, r.Replacement(s.Name)) {
				t.Errorf("%s of %s: nothing redacted", name, s.Name)
			}
		}
	}
}

// leakedDeep reports whether v is in out after up to three rounds of
// standard decodes (URL, JSON, base64 of every token, line unwrapping).
func leakedDeep(out, v string) bool {
	level := []string{out, strings.NewReplacer("\r\n", "", "\n", "").Replace(out)}
	for round := 0; round < 4; round++ {
		var next []string
		for _, s := range level {
			if strings.Contains(s, v) {
				return true
			}
			if u, err := url.QueryUnescape(s); err == nil && u != s {
				next = append(next, u)
			}
			var js string
			if json.Unmarshal([]byte(`"`+s+`"`), &js) == nil && js != s {
				next = append(next, js)
			}
			for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(" \"',:{}\n=&?", r) }) {
				for _, e := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
					if b, err := e.DecodeString(tok); err == nil {
						next = append(next, string(b))
					}
				}
			}
		}
		level = next
	}
	return false
}

// TestComposedStreaming streams every composed form through a Writer in
// writes of several sizes: the output equals one-shot scrubbing (wrapped
// base64 needs the Writer to hold back full-width lines).
func TestComposedStreaming(t *testing.T) {
	r := newRedactor(t, composedSecrets)
	for name, enc := range composedForms {
		for _, s := range composedSecrets {
			text := []byte("at " + enc(s.Value) + " end\nnext line\n")
			want := r.Scrub(nil, text)
			for _, size := range []int{1, 5, 77, 4096} {
				var parts [][]byte
				for i := 0; i < len(text); i += size {
					parts = append(parts, text[i:min(i+size, len(text))])
				}
				if got := streamed(t, r, parts...); string(got) != string(want) {
					t.Errorf("%s of %s in writes of %d: streaming differs from one-shot", name, s.Name, size)
				}
			}
		}
	}
}

// TestWrappedKeepsLineBreaks checks that a secret cut by a line break of
// wrapped base64 is redacted on both lines and the line break stays.
func TestWrappedKeepsLineBreaks(t *testing.T) {
	r := newRedactor(t, composedSecrets)
	for _, s := range composedSecrets {
		text := wrap(std([]byte(strings.Repeat("x", 40)+s.Value+strings.Repeat("y", 40))), 64, "\n")
		out := r.ScrubString(text)
		if strings.Count(out, "\n") != strings.Count(text, "\n") {
			t.Errorf("%s: line breaks changed", s.Name)
		}
		if leakedDeep(out, s.Value) || !strings.Contains(out, r.Replacement(s.Name)) {
			t.Errorf("%s: not redacted", s.Name)
		}
	}
}

// TestLongLinesDecodeInWindows: a line of hundreds of kilobytes is decoded
// in bounded windows; an escaped secret is found wherever it sits,
// including across a window's edge.
func TestLongLinesDecodeInWindows(t *testing.T) {
	r := newRedactor(t, composedSecrets)
	s := composedSecrets[1] // has characters to percent-escape
	form := url.QueryEscape(s.Value)
	for _, at := range []int{0, 1000, 65536 - 20, 65536 + 5, 131072 - 7, 250000} {
		line := []byte(strings.Repeat("a%zz ", 60000)) // markers that are no escape
		line = append(line[:at:at], append([]byte(form), line[at:]...)...)
		out := r.Scrub(nil, line)
		if strings.Contains(string(out), form) || !strings.Contains(string(out), r.Replacement(s.Name)) {
			t.Errorf("secret at %d in a %d-byte line not redacted", at, len(line))
		}
	}
}

// TestLongWrappedBlob: base64 of hundreds of kilobytes wrapped at 76
// columns is searched in overlapping segments; every copy of the secret
// is redacted.
func TestLongWrappedBlob(t *testing.T) {
	r := newRedactor(t, composedSecrets)
	s := composedSecrets[0]
	var raw strings.Builder
	copies := 0
	for raw.Len() < 300000 {
		raw.WriteString(strings.Repeat("z", 997+copies%3))
		raw.WriteString(s.Value)
		copies++
	}
	text := wrap(std([]byte(raw.String())), 76, "\n")
	out := r.ScrubString(text)
	if n := strings.Count(out, r.Replacement(s.Name)); n < copies {
		t.Errorf("%d of %d copies redacted", n, copies)
	}
	if strings.Count(out, "\n") != strings.Count(text, "\n") {
		t.Error("line breaks changed")
	}
}
