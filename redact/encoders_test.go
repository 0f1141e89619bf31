package redact_test

import (
	"bufio"
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
