package keyrule

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

// split returns all words of key, first to last.
func split(key string) []string {
	var out []string
	ws := words{key: key, pos: len(key)}
	for i := 0; ws.has(i); i++ {
		out = append(out, ws.word(i))
	}
	slices.Reverse(out)
	return out
}

func TestSplit(t *testing.T) {
	for key, want := range map[string][]string{
		"db_password":                      {"db", "password"},
		"x-api-key":                        {"x", "api", "key"},
		"accessToken":                      {"access", "Token"},
		"AWSSecretAccessKey":               {"AWS", "Secret", "Access", "Key"},
		"XAPIKey":                          {"XAPI", "Key"},
		"AWS_SECRET_ACCESS_KEY":            {"AWS", "SECRET", "ACCESS", "KEY"},
		"Set-Cookie":                       {"Set", "Cookie"},
		"auth.token":                       {"auth", "token"},
		"oauth2Token":                      {"oauth", "Token"},
		"X-Hub-Signature-256":              {"X", "Hub", "Signature"},
		"password2":                        {"password"},
		"b64":                              {"b"},
		"2fa_code":                         {"fa", "code"},
		"//registry.npmjs.org/:_authToken": {"registry", "npmjs", "org", "auth", "Token"},
		"http.request.header.x-api-key":    {"http", "request", "header", "x", "api", "key"},
		"IDToken":                          {"ID", "Token"},
		"ID":                               {"ID"},
		"a":                                {"a"},
		"pass wörd":                        {"pass", "wörd"},
		"":                                 nil,
		"__":                               nil,
		"42":                               nil,
	} {
		assert.Equal(t, want, split(key), "key %q", key)
	}
	// At most maxWords are kept, the last ones.
	long := split("a_b_c_d_e_f_g_h_i_j_k_l_m_n")
	assert.Equal(t, []string{"g", "h", "i", "j", "k", "l", "m", "n"}, long)
}

func TestNormalize(t *testing.T) {
	for p, want := range map[string]string{
		"password":    "password",
		"API-Key":     "api key",
		"apiKey":      "api key",
		"*_pwd":       "* pwd",
		"!page_token": "!page token",
		" !nextToken": "!next token",
		"secret_*":    "secret",
		"a*b":         "a * b",
		"*":           "",
		"!":           "",
		"":            "",
		"2fa_code":    "fa code",
		"ÄPI_key":     "Ä pi key", // a UTF-8 letter counts as lower-case
	} {
		assert.Equal(t, want, normalize(p), "pattern %q", p)
	}
}

// FuzzShortcut: the last-word shortcut of Judge never changes a verdict.
func FuzzShortcut(f *testing.F) {
	for _, k := range []string{"int", "user1", "a1b", "x-Hub-Signature-256", "csrfmiddlewaretoken", "ÄPI_key", "__", "9", "Api-Key", "XAPIKey", "a.Token"} {
		f.Add(k)
	}
	m := New(append(DefaultPatterns, "пароль", "ssn"))
	f.Fuzz(func(t *testing.T, key string) {
		if m.Judge(key) != m.judge(key) {
			t.Fatalf("shortcut changed the verdict of %q", key)
		}
	})
}
