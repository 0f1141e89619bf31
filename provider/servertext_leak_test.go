package provider

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode"
)

// leakClass is a kind of secret value a server might echo, with the most
// of its values ServerText may keep whole (a fraction).
type leakClass struct {
	name string
	gen  func(*rand.Rand) string
	max  float64 // 1: reported only (ServerText documents that the class passes)
}

func randomString(alphabet string, n int) func(*rand.Rand) string {
	return func(rng *rand.Rand) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
}

// passphrase joins four words, as passphrase generators do: each is one
// of errs with probability pErr, else one of words. Every word is one
// ServerText knows, the worst case for it.
func passphrase(words, errs []string, pErr float64, join string, title bool) func(*rand.Rand) string {
	return func(rng *rand.Rand) string {
		ws := make([]string, 4)
		for i := range ws {
			w := words[rng.IntN(len(words))]
			if rng.Float64() < pErr {
				w = errs[rng.IntN(len(errs))]
			}
			if title {
				w = string(unicode.ToUpper(rune(w[0]))) + w[1:]
			}
			ws[i] = w
		}
		return strings.Join(ws, join)
	}
}

// vocabularyFile reads one of the vocabulary's word lists, for words of 3
// to 8 letters (a passphrase generator's kind).
func vocabularyFile(t testing.TB, name string) []string {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for line := range strings.Lines(string(b)) {
		if w := strings.TrimSpace(line); len(w) >= 3 && len(w) <= 8 && strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") == "" {
			out = append(out, w)
		}
	}
	return out
}

const (
	lower = "abcdefghijklmnopqrstuvwxyz"
	mixed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// TestServerTextLeakRates measures, for each class of secret value, the
// fraction a server message echoing it keeps whole, and fails when a class
// passes more often than its bound. Run with -v for the table.
func TestServerTextLeakRates(t *testing.T) {
	english := vocabularyFile(t, "servertext_english.txt")
	errs := vocabularyFile(t, "servertext_errors.txt")
	classes := []leakClass{
		{"lower 8", randomString(lower, 8), 0.001},
		{"lower 12", randomString(lower, 12), 0},
		{"lower 16", randomString(lower, 16), 0},
		{"lower 24", randomString(lower, 24), 0},
		{"lower 32", randomString(lower, 32), 0},
		{"mixed 8", randomString(mixed, 8), 0.001},
		{"mixed 12", randomString(mixed, 12), 0},
		{"mixed 20", randomString(mixed, 20), 0},
		{"upper 12", randomString(strings.ToUpper(lower), 12), 0},
		// Passphrases of common English words, as a generator's list gives
		// them: about one word in twenty of such a list is an error word
		// too (5.8% of SCOWL's words of 3 to 8 letters up to size 35, 4.1%
		// of wamerican's).
		{"4 words, joined", passphrase(english, errs, 0.06, "", false), 0},
		{"4 words, hyphens", passphrase(english, errs, 0.06, "-", false), 0.001},
		{"4 words, underscores", passphrase(english, errs, 0.06, "_", false), 0.001},
		{"4 words, CamelCase", passphrase(english, errs, 0.06, "", true), 0.001},
		{"4 words, Title-Hyphens", passphrase(english, errs, 0.06, "-", true), 0.001},
		{"4 words, dots", passphrase(english, errs, 0.06, ".", false), 0.001},
		{"3 words, dots", func(rng *rand.Rand) string {
			return strings.Join(strings.Split(passphrase(english, errs, 0.06, ".", false)(rng), ".")[:3], ".")
		}, 0.001},
		// The worst case: half of the words are error words.
		{"4 words, 50% error words, hyphens", passphrase(english, errs, 0.5, "-", false), 0.10},
		// Reported only: ServerText documents that these pass.
		{"4 error words, hyphens", passphrase(english, errs, 1, "-", false), 1},
		{"4 words, spaces", passphrase(english, errs, 0.06, " ", false), 1},
		{"2 words, hyphens", func(rng *rand.Rand) string {
			return strings.Join(strings.Split(passphrase(english, errs, 0.06, "-", false)(rng), "-")[:2], "-")
		}, 1},
		{"1 word", func(rng *rand.Rand) string { return english[rng.IntN(len(english))] }, 1},
	}
	rng := rand.New(rand.NewPCG(10, 11))
	const n = 2000
	for _, c := range classes {
		kept := 0
		for i := range n {
			v := c.gen(rng)
			msg := fmt.Sprintf([]string{"invalid value %s", `cannot decode {"value":"%s"}`, "'%s' is not a valid key"}[i%3], v)
			if strings.Contains(ServerText(msg, "read secret/data/prod/db"), v) {
				kept++
			}
		}
		rate := float64(kept) / n
		t.Logf("%-34s kept whole: %6.2f%%", c.name, 100*rate)
		if rate > c.max {
			t.Errorf("%s: %.2f%% of values kept whole, want at most %.2f%%", c.name, 100*rate, 100*c.max)
		}
	}
}
