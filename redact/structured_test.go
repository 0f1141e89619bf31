package redact_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/redact"
)

// TestJSONSecretShapes covers JSON document secrets: numbers as written,
// arrays (nested and top-level), and objects whose keys say nothing but
// whose values are secrets (a webhook URL, a DSN).
func TestJSONSecretShapes(t *testing.T) {
	cases := []struct {
		name, doc string
		protected []string // values that must be redacted
		kept      []string // values that must stay
	}{
		{"number as written", `{"user":"app","password":84736251,"api_key":12345678901234567890}`,
			[]string{"84736251", "12345678901234567890"}, []string{"app"}},
		{"array under a credential key", `{"tokens":["Zx9Kq2Lm7Pv4Rt8W","Qm4Zr8Tx2Wp6Yb3N"],"region":"us-east-1"}`,
			[]string{"Zx9Kq2Lm7Pv4Rt8W", "Qm4Zr8Tx2Wp6Yb3N"}, []string{"us-east-1"}},
		{"top-level array", `[{"password":"Hn5Vb7Qw3Ek9Lp2X"},{"password":"Rt6Yu8Io0Pa1Sd4F"}]`,
			[]string{"Hn5Vb7Qw3Ek9Lp2X", "Rt6Yu8Io0Pa1Sd4F"}, nil},
		{"webhook URL under a plain key", `{"url":"https://hooks.slack.com/services/T0000/B0000/Xk9mQ2vL7pR4","channel":"alerts-prod"}`,
			[]string{"https://hooks.slack.com/services/T0000/B0000/Xk9mQ2vL7pR4"}, []string{"alerts-prod"}},
		{"DSN under a plain key", `{"db":"postgres://app:Wq8Er5Ty2Ui@db.internal:5432/prod","pool":10}`,
			[]string{"postgres://app:Wq8Er5Ty2Ui@db.internal:5432/prod", "Wq8Er5Ty2Ui"}, []string{"db.internal"}},
		{"random value under a plain key", `{"id":"service-a","value":"sk9Qm2Xv7Lp4Rt8WzB3c"}`,
			[]string{"sk9Qm2Xv7Lp4Rt8WzB3c"}, []string{"service-a"}},
		{"host names under plain keys are not random", `{"engine":"postgres","host":"db7.internal.example","replica":"ip-10-0-3-17.ec2.internal","password":"hQ3!mZ8@pL5#vR2s"}`,
			[]string{"hQ3!mZ8@pL5#vR2s"}, []string{"db7.internal.example", "ip-10-0-3-17.ec2.internal"}},
		{"a JWT under a plain key is random", `{"id":"svc","bearer_for_tests":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.Xk9mQ2vL7pR4sT6u"}`,
			[]string{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.Xk9mQ2vL7pR4sT6u"}, []string{"svc"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRedactor(t, []redact.Secret{{Name: "doc", Value: tc.doc}})
			for i, v := range tc.protected {
				if out := r.ScrubString("v=" + v + " end"); strings.Contains(out, v) {
					t.Errorf("protected value %d survives", i)
				}
			}
			for _, v := range tc.kept {
				require.Equal(t, "v="+v+" end", r.ScrubString("v="+v+" end"), "harmless value redacted")
			}
		})
	}
}

var awsCredentials = `[default]
aws_access_key_id = AKIAZX9KQ2LM7PV4RT8W
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzx9Kq2Lm7P
region = us-east-1
output = json

[prod]
aws_access_key_id=AKIAQM4ZR8TX2WP6YB3N
aws_secret_access_key=Hn5Vb7Qw3Ek9Lp2XRt6Yu8Io0Pa1Sd4FgHj6Kl8Z
aws_session_token = FwoGZXIvYXdzEJr//////////wEaDHn5Vb7Qw3Ek9Lp2X
role_session_name = deploy
`

var configFiles = []struct {
	name      string
	file      string
	protected []string
	kept      []string
}{
	{"aws credentials", awsCredentials,
		[]string{"AKIAZX9KQ2LM7PV4RT8W", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzx9Kq2Lm7P", "AKIAQM4ZR8TX2WP6YB3N", "Hn5Vb7Qw3Ek9Lp2XRt6Yu8Io0Pa1Sd4FgHj6Kl8Z", "FwoGZXIvYXdzEJr//////////wEaDHn5Vb7Qw3Ek9Lp2X"},
		[]string{"region = us-east-1", "output = json", "role_session_name = deploy", "[default]"}},
	{"ini", "; app settings\n[database]\nhost = db.internal\nport = 5432\npassword = \"Wq8Er5Ty2Ui9\"\n\n[cache]\nurl = redis://:Zq7Xw3Cv9Bn1@cache.internal:6379/0\nttl = 300s\n",
		[]string{"Wq8Er5Ty2Ui9", "redis://:Zq7Xw3Cv9Bn1@cache.internal:6379/0", "Zq7Xw3Cv9Bn1"},
		[]string{"host = db.internal", "port = 5432", "ttl = 300s", "[database]"}},
	{"yaml", "database:\n  host: db.internal\n  username: app_user\n  password: 'Lk4Jh8Gf2Ds6'\nlogging:\n  level: info\n  format: json\napi:\n  - name: stripe\n    key: sk_live_Xk9mQ2vL7pR4tY8w\n",
		[]string{"Lk4Jh8Gf2Ds6", "sk_live_Xk9mQ2vL7pR4tY8w"},
		[]string{"host: db.internal", "username: app_user", "level: info", "format: json", "name: stripe"}},
	{"properties", "# app\nspring.datasource.url=jdbc:postgresql://db.internal:5432/app\nspring.datasource.username=app\nspring.datasource.password=Pq9Wo8Ei7Ru6\nserver.port=8080\n",
		[]string{"Pq9Wo8Ei7Ru6"},
		[]string{"spring.datasource.username=app", "server.port=8080"}},
}

// TestConfigFileSecrets protects the secret values of multi-line secrets
// that are configuration files, and never a harmless line of them.
func TestConfigFileSecrets(t *testing.T) {
	for _, cf := range configFiles {
		t.Run(cf.name, func(t *testing.T) {
			r := newRedactor(t, []redact.Secret{{Name: "cfg", Value: cf.file}})
			for i, v := range cf.protected {
				if out := r.ScrubString("msg " + v + " end"); strings.Contains(out, v) {
					t.Errorf("secret value %d survives", i)
				}
			}
			for _, line := range cf.kept {
				require.Equal(t, "msg "+line+" end", r.ScrubString("msg "+line+" end"), "harmless line redacted")
			}
			// The whole file, logged as one JSON string.
			whole, err := json.Marshal(cf.file)
			require.NoError(t, err)
			out := r.ScrubString(string(whole))
			for i, v := range cf.protected {
				if strings.Contains(out, v) {
					t.Errorf("secret value %d survives in the file as a JSON string", i)
				}
			}
		})
	}
}

// TestStructuredSecretKeysFollowKeyRules: the fields of JSON and
// configuration-file secrets are judged by the zap and slog key rules
// (internal/keyrule), word by word: "pin", "otp", "cvv", "bearer" name
// credentials (numbers under them too); "token_count" and "secret_name"
// name something about one. JSONPolicy.CredentialKeys replaces the words,
// in the same syntax; AllFields still protects every field.
func TestStructuredSecretKeysFollowKeyRules(t *testing.T) {
	cases := []struct {
		name, doc string
		policy    *redact.JSONPolicy
		protected []string
		kept      []string
	}{
		{"pin as a number", `{"user":"a","pin":9081726354}`, nil, []string{"9081726354"}, nil},
		{"knowledge words", `{"otp":"481516234","cvv":"9876543210","cardCvc":"1357924680","Bearer":"plain-bearer-value"}`, nil,
			[]string{"481516234", "9876543210", "1357924680", "plain-bearer-value"}, nil},
		{"words about a credential", `{"token_count":48151623,"secret_name":"prod-db-credentials","password":"correct horse battery"}`, nil,
			[]string{"correct horse battery"}, []string{"48151623", "prod-db-credentials"}},
		{"a key containing a word is not that word", `{"passport_no":"X12345678","keyboard":"us-intl-layout","apiKey":"lower-case-api-key-value"}`, nil,
			[]string{"lower-case-api-key-value"}, []string{"X12345678", "us-intl-layout"}},
		{"dsn", `{"dsn":"Server=db;User Id=app;Password=Kq2Lm7x"}`, nil,
			[]string{"Server=db;User Id=app;Password=Kq2Lm7x"}, nil},
		{"a nested key read with its parent's", `{"api":{"key":"k3Y-Lq81Zx0w"},"cache":{"key":"user-profile-v2"}}`, nil,
			[]string{"k3Y-Lq81Zx0w"}, []string{"user-profile-v2"}},
		{"nested under a credential key", `{"credentials":{"user":"svc-reporting","expires":"2027-01-01"}}`, nil,
			[]string{"svc-reporting", "2027-01-01"}, nil},
		{"own patterns replace the defaults", `{"ssn":"078-05-1120","password":"correct horse battery"}`,
			&redact.JSONPolicy{CredentialKeys: []string{"ssn", "*_code"}},
			[]string{"078-05-1120"}, []string{"correct horse battery"}},
		{"own patterns are word patterns", `{"branch_code":"gb-london-0042","codec":"h264-baseline-x"}`,
			&redact.JSONPolicy{CredentialKeys: []string{"*_code"}},
			[]string{"gb-london-0042"}, []string{"h264-baseline-x"}},
		{"all fields", `{"region":"us-east-1a","count":73920461}`, &redact.JSONPolicy{AllFields: true},
			[]string{"us-east-1a", "73920461"}, nil},
		{"configuration file", "user = svc-reporting\npin = 24681357\nregion = eu-west-1\n", nil,
			[]string{"24681357"}, []string{"svc-reporting", "eu-west-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var opts []redact.Option
			if tc.policy != nil {
				opts = append(opts, redact.WithJSONPolicy(*tc.policy))
			}
			r := newRedactor(t, []redact.Secret{{Name: "doc", Value: tc.doc}}, opts...)
			for i, v := range tc.protected {
				if out := r.ScrubString("v=" + v + " end"); strings.Contains(out, v) {
					t.Errorf("protected value %d survives", i)
				}
			}
			for _, v := range tc.kept {
				require.Equal(t, "v="+v+" end", r.ScrubString("v="+v+" end"), "harmless value redacted")
			}
		})
	}
}
