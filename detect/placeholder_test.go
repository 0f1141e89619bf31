package detect

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestPlaceholderFNRate: the union bound on the share of random bodies
// placeholder turns away is under 1e-7 for every alphabet and length of
// the prefix-only formats (down to decimal digits, 40 of them), and no
// random body of a million drawn is turned away.
func TestPlaceholderFNRate(t *testing.T) {
	for _, c := range []struct {
		name     string
		alphabet string
		n        int
	}{
		{"decimal (Slack ids)", "0123456789", 40},
		{"hex (DigitalOcean)", "0123456789abcdef", 64},
		{"upper-case and digits (AWS)", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16},
		{"base62 (Stripe)", base62Digits, 247},
		{"base64url (PyPI)", base62Digits + "-_", 1000},
	} {
		a := float64(len(c.alphabet))
		bound := 2 * float64(c.n-placeholderRun+1) * math.Pow(a, -float64(placeholderRun-1))
		t.Logf("%s, %d characters: at most %.2g", c.name, c.n, bound)
		if bound >= 1e-7 {
			t.Errorf("%s, %d characters: false-negative bound %.2g, want < 1e-7", c.name, c.n, bound)
		}
		r := rand.New(rand.NewPCG(uint64(c.n), 10))
		body := make([]byte, c.n)
		for k := range 1_000_000 / c.n * 10 {
			for i := range body {
				body[i] = c.alphabet[r.IntN(len(c.alphabet))]
			}
			if placeholder(body) {
				t.Errorf("%s: random body #%d (length %d) taken for a placeholder", c.name, k, c.n)
			}
		}
	}
}

// TestPlaceholdersNotReported: placeholders of prefix-only formats, as
// documentation and rule files write them (gitleaks' rule fixtures among
// them), are reported by no rule (the same shapes with random bodies are
// found: owner_formats_test.go).
func TestPlaceholdersNotReported(t *testing.T) {
	all, _ := Parse("all")
	for _, c := range []struct{ rule, text string }{
		{"aws-access-key-id", "AKIAXXXXXXXXXXXXXXXX"},
		{"google-api-key", "AIzaSyabcdefghijklmnopqrstuvwxyz1234567"},
		{"google-api-key", "AIzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
		{"github-fine-grained-pat", "github_pat_xxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
		{"gitlab-token", "glpat-XXXXXXXXXXX-XXXXXXXX"},
		{"gitlab-token", "glptt-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
		{"grafana-token", "glc_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
		{"grafana-token", "glc_111111111111111111111111111111111111111111="},
		{"vault-token", "hvs.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
		{"vault-token", "s.xxxxxxxxxxxxxxxxxxxxxxxx"},
		{"slack-token", "xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx"},
		{"slack-token", "xoxp-XXXXXXXXXX-XXXXXXXXXX-XXXXXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"},
		{"slack-token", "xoxb-0000000000-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
		{"slack-token", "xoxp-000000000000-000000000000-000000000000-00000000000000000000000000000000"},
		{"slack-token", "xoxb-xxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx"},
		{"1password-service-account-token", "ops_eyJ" + strings.Repeat("x", 300)},
		{"stripe-secret-key", "sk_live_" + strings.Repeat("0", 24)},
		{"digitalocean-token", "dop_v1_" + strings.Repeat("a", 64)},
		{"twilio-api-key", "SK0123456789abcdef0123456789abcdef"},
	} {
		if _, ok := Lookup(c.rule); !ok {
			t.Fatalf("unknown rule %s", c.rule)
		}
		if fs := all.Find(nil, []byte("key: "+c.text+"\n")); len(fs) != 0 {
			t.Errorf("%s placeholder (length %d): %s reported", c.rule, len(c.text), fs[0].Rule.ID)
		}
	}
}
