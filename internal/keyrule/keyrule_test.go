package keyrule_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/keyrule"
	"github.com/hushlog/hush/internal/keyrule/keyruletest"
)

// TestDefaultKeys judges the real-world keys of keyruletest with the
// default patterns, in both directions.
func TestDefaultKeys(t *testing.T) {
	m := keyrule.New(keyrule.DefaultPatterns)
	counts := map[keyrule.Verdict]int{}
	seen := map[string]bool{}
	for _, c := range keyruletest.Keys {
		require.False(t, seen[c.Key], "key %q listed twice", c.Key)
		seen[c.Key] = true
		counts[c.Want]++
		assert.Equal(t, c.Want, m.Judge(c.Key), "key %q (%s)", c.Key, c.From)
	}
	// Enough of each direction to mean something.
	assert.GreaterOrEqual(t, len(keyruletest.Keys), 200)
	assert.GreaterOrEqual(t, counts[keyrule.Clear], 80)
	assert.GreaterOrEqual(t, counts[keyrule.Credential]+counts[keyrule.Numeric], 80)
}

// TestCaseAndSeparators: a key is judged alike in every spelling.
func TestCaseAndSeparators(t *testing.T) {
	m := keyrule.New(keyrule.DefaultPatterns)
	for want, keys := range map[keyrule.Verdict][]string{
		keyrule.Numeric: {
			"api_key", "apiKey", "ApiKey", "APIKey", "XAPIKey", "API_KEY", "api-key", "Api-Key",
			"api.key", "api key", "apikey", "APIKEY", "x_api_key", "service/api_key", "api_key_2",
			"DBPassword", "dbPassword", "DB_PASSWORD", "db.password", "db-password", "dbpassword",
			"userPassword", "password_b64", "password_base64", "password.value", "PasswordHash",
			"client_secret", "clientSecret", "ClientSecret", "CLIENT_SECRET", "clientsecret",
			"AWS_SECRET_ACCESS_KEY", "awsSecretAccessKey", "aws.secret_access_key", "secretAccessKey",
			"mongodb_pwd", "db_pwd", "Pwd.Db_Pwd",
		},
		keyrule.Credential: {
			"accessToken", "access_token", "AccessToken", "ACCESS_TOKEN", "access-token",
			"oauth2Token", "OAuthToken", "IDToken", "jwtToken", "token", "Token", "TOKEN",
		},
		keyrule.Clear: {
			"tokenCount", "TokenCount", "TOKEN_COUNT", "token-count", "token.count",
			"maxTokens", "MaxTokens", "MAX_TOKENS", "max-tokens", "maxtokens",
			"passwordResetRequired", "PasswordResetRequired", "cookiePolicy",
			"Secretary", "SECRETARY", "tokenizer", "Tokenizer",
			"пароль", "token_計数",
		},
	} {
		for _, k := range keys {
			assert.Equal(t, want, m.Judge(k), "key %q", k)
		}
	}
}

// TestTypePolicy: what each verdict redacts, by kind of value.
func TestTypePolicy(t *testing.T) {
	for _, c := range []struct {
		v                   keyrule.Verdict
		text, number, bools bool
	}{
		{keyrule.Clear, false, false, false},
		{keyrule.Credential, true, false, false},
		{keyrule.Numeric, true, true, false},
	} {
		assert.Equal(t, c.text, c.v.Redacts(keyrule.KindText), "%s text", c.v)
		assert.Equal(t, c.number, c.v.Redacts(keyrule.KindNumber), "%s number", c.v)
		assert.Equal(t, c.bools, c.v.Redacts(keyrule.KindBool), "%s bool", c.v)
	}
	m := keyrule.New(keyrule.DefaultPatterns)
	assert.True(t, m.Redacts("pin", keyrule.KindNumber))
	assert.True(t, m.Redacts("password", keyrule.KindNumber))
	assert.False(t, m.Redacts("password", keyrule.KindBool))
	assert.False(t, m.Redacts("token", keyrule.KindNumber))
	assert.True(t, m.Redacts("token", keyrule.KindText))
	assert.False(t, m.Redacts("token_count", keyrule.KindText))
}

// TestCustomPatterns: patterns of one's own are words too, and redact
// numbers; built-in ones keep their verdict; exceptions can be added and
// overridden.
func TestCustomPatterns(t *testing.T) {
	m := keyrule.New([]string{"SSN", "card number", "token", "!test_token", "*_pass"})
	for key, want := range map[string]keyrule.Verdict{
		"customer_SSN": keyrule.Numeric, "ssn": keyrule.Numeric, "ssn_last4": keyrule.Clear,
		"customerSsnVerified": keyrule.Clear, "lessn": keyrule.Clear,
		"cardNumber": keyrule.Numeric, "card-number": keyrule.Numeric, "number": keyrule.Clear,
		"token": keyrule.Credential, "api_token": keyrule.Credential, "test_token": keyrule.Clear,
		"password": keyrule.Clear, "db_pass": keyrule.Credential, "pass": keyrule.Clear,
	} {
		assert.Equal(t, want, m.Judge(key), "key %q", key)
	}

	// The built-in exceptions go with the defaults; naming one as a
	// pattern makes it a credential.
	m = keyrule.New(append(keyrule.DefaultPatterns, "page_token"))
	assert.Equal(t, keyrule.Numeric, m.Judge("nextPageToken"))
	assert.Equal(t, keyrule.Clear, m.Judge("NextToken"))

	// Trailing wildcards are dropped; patterns without a word are ignored.
	m = keyrule.New([]string{"secret_*"})
	assert.Equal(t, keyrule.Numeric, m.Judge("my_secret"))
	for _, none := range [][]string{nil, {}, {""}, {"*"}, {"!"}, {"_-."}, {"123"}} {
		assert.Nil(t, keyrule.New(none), "patterns %q", none)
	}
	var nilMatcher *keyrule.Matcher
	assert.Equal(t, keyrule.Clear, nilMatcher.Judge("password"))
	assert.False(t, nilMatcher.Redacts("password", keyrule.KindText))
}

// TestDefaultPatternsAreWords: the defaults read as the README lists them.
func TestDefaultPatternsAreWords(t *testing.T) {
	for _, p := range keyrule.DefaultPatterns {
		assert.Equal(t, strings.ToLower(p), p)
		assert.NotContains(t, p, " ")
	}
	assert.Contains(t, keyrule.DefaultPatterns, "password")
	assert.Contains(t, keyrule.DefaultPatterns, "!page_token")
}

// TestJudgeAllocatesNothing: key rules run for every field.
func TestJudgeAllocatesNothing(t *testing.T) {
	m := keyrule.New(keyrule.DefaultPatterns)
	long := strings.Repeat("word_", 1000) + "password"
	allocs := testing.AllocsPerRun(10, func() {
		for _, c := range keyruletest.Keys {
			m.Judge(c.Key)
		}
		m.Judge(long)
	})
	assert.Zero(t, allocs)
}

// TestLongKeys: only the end of a key is read, however long it is.
func TestLongKeys(t *testing.T) {
	m := keyrule.New(keyrule.DefaultPatterns)
	assert.Equal(t, keyrule.Numeric, m.Judge(strings.Repeat("a.", 100000)+"password"))
	assert.Equal(t, keyrule.Clear, m.Judge("password"+strings.Repeat(".count", 100)))
	assert.Equal(t, keyrule.Clear, m.Judge(strings.Repeat("_", 100000)))
	assert.Equal(t, keyrule.Clear, m.Judge(strings.Repeat("9", 100000)))
}

func FuzzJudge(f *testing.F) {
	for _, c := range keyruletest.Keys {
		f.Add(c.Key)
	}
	m := keyrule.New(keyrule.DefaultPatterns)
	f.Fuzz(func(t *testing.T, key string) {
		v := m.Judge(key)
		if v > keyrule.Numeric {
			t.Fatalf("verdict %d", v)
		}
		if m.Judge(key) != v {
			t.Fatal("not deterministic")
		}
		// A snake_case key and its SCREAMING_CASE form are alike.
		if isLowerASCII(key) && m.Judge(strings.ToUpper(key)) != v {
			t.Fatal("SCREAMING_CASE changed the verdict")
		}
	})
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || ('A' <= s[i] && s[i] <= 'Z') {
			return false
		}
	}
	return true
}

// benchKeys mixes what a service logs: mostly ordinary keys, a few
// credentials, some lookalikes.
var benchKeys = []string{
	"int", "ints", "string", "strings", "time", "times", "user1", "user2", "users", "error",
	"http.request.method", "http.response.status_code", "gen_ai.usage.input_tokens", "max_tokens",
	"trace_id", "duration_ms", "password", "Authorization", "X-Api-Key", "AWS_SECRET_ACCESS_KEY",
}

func BenchmarkJudge(b *testing.B) {
	m := keyrule.New(keyrule.DefaultPatterns)
	for _, tc := range []struct {
		name string
		keys []string
	}{
		{"keys=mixed", benchKeys},
		{"keys=zap-bench", benchKeys[:10]},
		{"keys=table", func() (ks []string) {
			for _, c := range keyruletest.Keys {
				ks = append(ks, c.Key)
			}
			return ks
		}()},
	} {
		b.Run(tc.name, func(b *testing.B) {
			n := 0
			for _, k := range tc.keys {
				n += len(k)
			}
			b.SetBytes(int64(n))
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				for _, k := range tc.keys {
					m.Judge(k)
				}
			}
			keys := float64(b.N * len(tc.keys))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/keys, "ns/key")
			if cpu := processCPU() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/keys, "cpu-ns/key")
			}
		})
	}
}
