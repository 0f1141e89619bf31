package redact_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/hushlog/hush/redact"
)

// encodedForm is one way a real encoder prints a value, produced with the
// standard library (not with the code under test), so the tests check the
// engine against what services really emit.
type encodedForm struct {
	name string
	enc  redact.Encoding
	// base64 forms leave padding (and, embedded, a neighbour's bits) around
	// the redaction, so they are checked for absence rather than equality.
	loose  bool
	encode func(string) string
}

func jsonMarshal(html bool) func(string) string {
	return func(v string) string {
		var b bytes.Buffer
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(html)
		if err := e.Encode(v); err != nil {
			panic(err)
		}
		s := strings.TrimSuffix(b.String(), "\n")
		return s[1 : len(s)-1]
	}
}

func xmlEscape(v string) string {
	var b bytes.Buffer
	if err := xml.EscapeText(&b, []byte(v)); err != nil {
		panic(err)
	}
	return b.String()
}

var realForms = []encodedForm{
	{"raw", redact.Raw, false, func(v string) string { return v }},
	{"json", redact.JSON, false, jsonMarshal(false)},
	{"json-html-safe", redact.JSON, false, jsonMarshal(true)},
	{"json-slash", redact.JSON, false, func(v string) string { return strings.ReplaceAll(jsonMarshal(false)(v), "/", `\/`) }},
	{"json-twice", redact.JSON, false, func(v string) string { return jsonMarshal(false)(jsonMarshal(false)(v)) }},
	{"json-twice-html-outer", redact.JSON, false, func(v string) string { return jsonMarshal(true)(jsonMarshal(false)(v)) }},
	{"json-twice-html-inner", redact.JSON, false, func(v string) string { return jsonMarshal(false)(jsonMarshal(true)(v)) }},
	{"json-twice-html", redact.JSON, false, func(v string) string { return jsonMarshal(true)(jsonMarshal(true)(v)) }},
	{"url-query", redact.URL, false, url.QueryEscape},
	{"url-path", redact.URL, false, url.PathEscape},
	{"url-full-path", redact.URL, false, func(v string) string { return strings.TrimPrefix((&url.URL{Path: "/" + v}).EscapedPath(), "/") }},
	{"url-query-lower", redact.URL, false, func(v string) string { return lowerPercent(url.QueryEscape(v)) }},
	{"url-component", redact.URL, false, encodeURIComponent},
	{"base64", redact.Base64, true, b64(base64.StdEncoding)},
	{"base64-raw", redact.Base64, true, b64(base64.RawStdEncoding)},
	{"base64-url", redact.Base64, true, b64(base64.URLEncoding)},
	{"base64-rawurl", redact.Base64, true, b64(base64.RawURLEncoding)},
	{"base64-user-colon", redact.Base64, true, func(v string) string { return base64.StdEncoding.EncodeToString([]byte("user:" + v)) }},
	{"base64-u-colon", redact.Base64, true, func(v string) string { return base64.StdEncoding.EncodeToString([]byte("u:" + v)) }},
	{"base64-ab-colon", redact.Base64, true, func(v string) string { return base64.StdEncoding.EncodeToString([]byte("ab:" + v)) }},
	{"base64-newline", redact.Base64, true, func(v string) string { return base64.StdEncoding.EncodeToString([]byte(v + "\n")) }},
	{"hex", redact.Hex, false, func(v string) string { return hex.EncodeToString([]byte(v)) }},
	{"hex-upper", redact.Hex, false, func(v string) string { return strings.ToUpper(hex.EncodeToString([]byte(v))) }},
	{"html", redact.HTML, false, html.EscapeString},
	{"xml", redact.HTML, false, xmlEscape},
	{"html-named", redact.HTML, false, func(v string) string {
		return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(v)
	}},
	{"shell", redact.Shell, false, func(v string) string { return strings.ReplaceAll(v, "'", `'\''`) }},
	{"shell-dq", redact.Shell, false, func(v string) string { return strings.ReplaceAll(v, "'", `'"'"'`) }},
}

func b64(e *base64.Encoding) func(string) string {
	return func(v string) string { return e.EncodeToString([]byte(v)) }
}

// encodeURIComponent is JavaScript's, as ECMA-262 specifies it: every UTF-8
// byte percent-encoded in upper case except A-Z a-z 0-9 and - _ . ! ~ * ' ( ).
// Go's standard library has no equivalent (url.QueryEscape escapes ! * ' ( )
// and writes a space as +), and browsers and Node services print it.
func encodeURIComponent(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func lowerPercent(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1] = bytes.ToLower(b[i+1 : i+2])[0]
			b[i+2] = bytes.ToLower(b[i+2 : i+3])[0]
		}
	}
	return string(b)
}

func newRedactor(t testing.TB, secrets []redact.Secret, opts ...redact.Option) *redact.Redactor {
	t.Helper()
	r, err := redact.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set(secrets); err != nil {
		t.Fatal(err)
	}
	return r
}

// hide replaces every value of secrets in s, so that a failure message can
// show the output without printing a secret.
func hide(s string, secrets ...redact.Secret) string {
	for _, sec := range secrets {
		if v := strings.TrimSpace(sec.Value); v != "" {
			s = strings.ReplaceAll(s, v, "<"+sec.Name+">")
		}
	}
	return s
}
