package redact_test

import (
	"bufio"
	csvpkg "encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"text/template"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// goldenForm is one line of testdata/encoders/golden.jsonl: a secret of
// testdata/encoders/secrets.json as one real encoder of another language
// printed it (see gen.sh there).
type goldenForm struct {
	Encoder string `json:"encoder"`
	Secret  string `json:"secret"`
	Form    string `json:"form"`
	Derived bool   `json:"derived"` // from documentation, not a run
}

func loadEncoderSecrets(t *testing.T) []redact.Secret {
	t.Helper()
	b, err := os.ReadFile("testdata/encoders/secrets.json")
	require.NoError(t, err)
	var ss []struct{ Name, Value string }
	require.NoError(t, json.Unmarshal(b, &ss))
	out := make([]redact.Secret, len(ss))
	for i, s := range ss {
		out[i] = redact.Secret{Name: s.Name, Value: s.Value}
	}
	return out
}

func loadGolden(t *testing.T) []goldenForm {
	t.Helper()
	f, err := os.Open("testdata/encoders/golden.jsonl")
	require.NoError(t, err)
	defer f.Close()
	var out []goldenForm
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var g goldenForm
		require.NoError(t, json.Unmarshal(sc.Bytes(), &g))
		out = append(out, g)
	}
	require.NoError(t, sc.Err())
	return out
}

// goEncoders are Go's own escapers, run here rather than recorded.
var goEncoders = map[string]func(string) string{
	"go/encoding/json":              jsonMarshal(true),
	"go/encoding/json-EscapeHTML=0": jsonMarshal(false),
	"go/url.QueryEscape":            url.QueryEscape,
	"go/url.PathEscape":             url.PathEscape,
	"go/url.Values.Encode":          func(v string) string { return strings.TrimPrefix(url.Values{"k": {v}}.Encode(), "k=") },
	"go/URL.String-path": func(v string) string {
		return strings.TrimPrefix((&url.URL{Scheme: "https", Host: "h", Path: "/" + v}).String(), "https://h/")
	},
	"go/URL.String-userinfo-password": func(v string) string {
		s := (&url.URL{Scheme: "https", User: url.UserPassword("u", v), Host: "h"}).String()
		return strings.TrimSuffix(strings.TrimPrefix(s, "https://u:"), "@h")
	},
	"go/URL.String-userinfo-user": func(v string) string {
		s := (&url.URL{Scheme: "https", User: url.User(v), Host: "h"}).String()
		return strings.TrimSuffix(strings.TrimPrefix(s, "https://"), "@h")
	},
	"go/URL.String-fragment": func(v string) string {
		return strings.TrimPrefix((&url.URL{Scheme: "https", Host: "h", Fragment: v}).String(), "https://h#")
	},
	"go/html.EscapeString":         html.EscapeString,
	"go/template.HTMLEscapeString": template.HTMLEscapeString,
	"go/template.JSEscapeString":   template.JSEscapeString,
	"go/xml.EscapeText":            xmlEscape,
	"go/strconv.Quote":             func(v string) string { return unquote(strconv.Quote(v)) },
	"go/strconv.QuoteToASCII":      func(v string) string { return unquote(strconv.QuoteToASCII(v)) },
	"go/fmt-%+q":                   func(v string) string { return unquote(fmt.Sprintf("%+q", v)) },
	"go/fmt-%x":                    func(v string) string { return fmt.Sprintf("%x", v) },
}

func unquote(s string) string { return s[1 : len(s)-1] }

// TestOtherLanguagesDefaults checks every secret of the encoder survey in
// every form the real escapers of Go, Python, JavaScript, Java, PHP, Ruby
// and .NET give it: embedded in a log line, the whole form is redacted and
// nothing around it changes.
func TestOtherLanguagesDefaults(t *testing.T) {
	secrets := loadEncoderSecrets(t)
	golden := loadGolden(t)
	require.GreaterOrEqual(t, len(golden), 250, "golden file truncated")
	for name, enc := range goEncoders {
		for _, s := range secrets {
			golden = append(golden, goldenForm{Encoder: name, Secret: s.Name, Form: enc(s.Value)})
		}
	}
	r := newRedactor(t, secrets)
	var failed []string
	for _, g := range golden {
		line := "at k=" + g.Form + " end\n"
		want := "at k=" + r.Replacement(g.Secret) + " end\n"
		if got := r.ScrubString(line); got != want {
			failed = append(failed, g.Encoder+" of "+g.Secret)
		}
	}
	if len(failed) > 0 {
		t.Errorf("%d of %d encodings not redacted whole:\n%s", len(failed), len(golden), strings.Join(failed, "\n"))
	}
}

// TestGoldenSecretsAreTheSurveyed ties golden.jsonl to secrets.json: a
// secret changed without rerunning gen.sh fails here.
func TestGoldenSecretsAreTheSurveyed(t *testing.T) {
	secrets := loadEncoderSecrets(t)
	perSecret := map[string]int{}
	for _, g := range loadGolden(t) {
		perSecret[g.Secret]++
	}
	require.Len(t, perSecret, len(secrets))
	for _, s := range secrets {
		require.Positive(t, perSecret[s.Name], s.Name)
	}
}

// TestQuoteDoubling: a value with an apostrophe or a double quote, written
// by the producers that escape a quote by doubling it (a SQL string
// literal as an ORM's statement log prints it, PowerShell's single
// quotes, YAML's single-quoted scalars, a CSV field, a VB or C# verbatim
// string), and those forms inside JSON, is redacted whole, and nothing
// around it changes: not the quotes that open and close the literal.
func TestQuoteDoubling(t *testing.T) {
	secrets := []redact.Secret{
		{Name: "apos", Value: "it's-Kq7Wm2Zx'9"},
		{Name: "quot", Value: `say"hi"-Kq7Wm2Zx`},
		{Name: "both", Value: `a'b"c\d-Kq7Wm2Zx`},
		{Name: "lead", Value: `'"Lead-Kq7Wm2Zx`},
		{Name: "tail", Value: `Tail-Kq7Wm2Zx"'`},
	}
	r := newRedactor(t, secrets, redact.WithDetectors(nil))
	sql := func(v string) string { return strings.ReplaceAll(v, "'", "''") }
	csv := func(v string) string { return strings.ReplaceAll(v, `"`, `""`) }
	inJSON := func(v string) string { q := strconv.Quote(v); return q[1 : len(q)-1] }
	for _, s := range secrets {
		var csvBuf strings.Builder
		w := csvpkg.NewWriter(&csvBuf)
		_ = w.Write([]string{"app", s.Value, "x"})
		w.Flush()
		for _, c := range []struct {
			name, before, form, after string
			q                         byte
			json                      bool
		}{
			{"sql", "UPDATE users SET token = '", sql(s.Value), "' WHERE id = 1", '\'', false},
			{"powershell", "$pw = '", sql(s.Value), "'", '\'', false},
			{"yaml single", "password: '", sql(s.Value), "'", '\'', false},
			{"csv", `app,"`, csv(s.Value), `",x` + "\n", '"', false},
			{"vb", `pw = "`, csv(s.Value), `"`, '"', false},
			{"sql in json", `{"sql":"INSERT INTO t VALUES ('`, inJSON(sql(s.Value)), `')"}`, '\'', true},
			{"csv in json", `{"row":"\"`, inJSON(csv(s.Value)), `\",1"}`, '"', true},
		} {
			text := c.before + c.form + c.after
			if strings.Contains(text, s.Value) {
				continue // written as it is: not this test's class
			}
			if c.name == "csv" && csvBuf.String() != text {
				t.Fatalf("the csv case is not what encoding/csv writes")
			}
			// A quote that opens or ends the value keeps the escaping
			// half of its pair (the form does not take it: see encode.go).
			lead, tail := "", ""
			if s.Value[0] == c.q {
				lead = string(c.q)
			}
			if s.Value[len(s.Value)-1] == c.q {
				tail = string(c.q)
			}
			if c.json {
				lead, tail = inJSON(lead), inJSON(tail)
			}
			out := r.ScrubString(text)
			leaktest.Check(t, secrets, []byte(out), c.name+" "+s.Name)
			if want := c.before + lead + r.Replacement(s.Name) + tail + c.after; out != want {
				t.Errorf("%s %s: %q, want %q", c.name, s.Name, hide(out, secrets...), want)
			}
		}
	}
}
