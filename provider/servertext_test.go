package provider

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestServerTextKeepsTheVocabulary: the messages real servers write about
// a failure read the same once made fit to quote.
func TestServerTextKeepsTheVocabulary(t *testing.T) {
	for _, c := range []struct{ msg, keep string }{
		{"permission denied", ""},
		{"1 error occurred:\n\t* permission denied\n\n", ""},
		{`secrets "db-creds" is forbidden: User "system:serviceaccount:default:hush" cannot list resource "secrets" in API group "" in the namespace "payments"`, ""},
		{"Permission 'secretmanager.versions.access' denied for resource 'projects/p-123/secrets/db/versions/7' (or it may not exist).", "AccessSecretVersion projects/p-123/secrets/db/versions/7"},
		{"Secrets Manager can't find the specified secret.", ""},
		{"SecretNotFound", ""},
		{"HTTP 403 Forbidden", ""},
		{"invalid path for a versioned K/V secrets engine", ""},
		{"no handler for route \"secret/data/prod/db\". route entry not found.", ""},
	} {
		want := strings.ReplaceAll(strings.ReplaceAll(c.msg, "\n", " "), "\t", " ")
		if got := ServerText(c.msg, c.keep); got != want {
			t.Errorf("ServerText(%q) = %q, want it unchanged", c.msg, got)
		}
	}
}

// TestServerTextDropsValues: a server message that echoes a value never
// keeps it, whatever surrounds it, for values of the usual alphabets of
// generated secrets (letters and digits, hex, base32, base64 of both
// alphabets). Letters alone are not in the table: see ServerText.
func TestServerTextDropsValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabets := []string{
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
		"0123456789abcdef",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=",
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
		"abcdefghijklmnopqrstuvwxyz",
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
	}
	templates := []string{
		"%s", "invalid value %s", `{"errors":["cannot decode %q"]}`, "value=%s;", "bad token: %s\n",
		"'%s' is not a valid key", "prefix%ssuffix", "secret: %s (%d bytes)",
	}
	fixed := []string{"Zq8v-4Lw2-9pXc-7yTb", "tok_9f8e7d6c5b4a3210fedc", "hunter2hunter2", "AKIAIOSFODNN7EXAMPLE", "P4ssw0rd!",
		"correcthorsebatterystaple", "correct-horse-battery-staple", "CorrectHorseBatteryStaple", "Correct_Horse_Battery_Staple", "qwertyuiopasdfgh", "xkcdpassword"}
	for i := range 3000 {
		var v string
		if i < len(fixed) {
			v = fixed[i]
		} else {
			a := alphabets[i%len(alphabets)]
			n := 12 + rng.IntN(40)
			var b strings.Builder
			for range n {
				b.WriteByte(a[rng.IntN(len(a))])
			}
			v = b.String()
		}
		msg := templates[i%len(templates)]
		if strings.Count(msg, "%") == 2 {
			msg = fmt.Sprintf(msg, v, len(v))
		} else {
			msg = fmt.Sprintf(msg, v)
		}
		got := ServerText(msg, "read secret/data/prod/db")
		if strings.Contains(got, v) {
			t.Fatalf("case %d (alphabet %d, %d bytes, template %d): the value was kept", i, i%len(alphabets), len(v), i%len(templates))
		}
		// No part of it long enough to matter either (a value is cut at
		// "/" into words judged apart: a short one of letters may stay).
		for _, w := range strings.FieldsFunc(got, func(r rune) bool { return !wordByte(r) }) {
			if len(w) >= 12 && strings.Contains(v, w) {
				t.Fatalf("case %d: %d bytes of the value were kept", i, len(w))
			}
		}
	}
}

func TestServerTextBounded(t *testing.T) {
	got := ServerText(strings.Repeat("denied ", 1000) + "\x00\x1b[31m\u00e9")
	if len(got) > maxServerText+3 {
		t.Errorf("%d bytes, want at most %d", len(got), maxServerText+3)
	}
	if got := ServerText("a\x1b[31mb\u00e9c"); got != "a?[[REDACTED]?c" {
		t.Errorf("control bytes and non-ASCII: got %q", got)
	}
}
