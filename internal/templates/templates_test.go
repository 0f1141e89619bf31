package templates

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hushlog/hush/redact"
)

// Whatever template a slot holds (one of the entry's shape, of another
// shape, none, one of an older secret set), Set.Contains answers as
// Redactor.Contains does: entries of a few shapes, clean, with a secret
// placed at every kind of position (in the part that differs, across the
// edge of what they share with the template, in the shared part), in
// random slots, and after the secret set changed.
func TestContainsAgreesWithRedactor(t *testing.T) {
	secrets := []redact.Secret{
		{Name: "a", Value: "Zq8rT2vLx9-s3cr3t"},
		{Name: "b", Value: "tok_Hq71Mz0PkWn3Rt"},
	}
	r, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set(secrets[:1]); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := []string{
		`{"level":"info","ts":%d,"msg":"request handled","path":"/v1/items","status":200,"user":"jane"}`,
		`{"time":"2026-12-03T14:00:%02d.000Z","level":"INFO","msg":"login","user":"bob","n":7}`,
		`time=2026-12-03T14:00:%02d.000Z level=INFO msg="cache miss" key=items/42 size=1024`,
	}
	var set Set
	agree := func(entry []byte, what string) {
		t.Helper()
		slot := rng.IntN(Slots)
		if rng.IntN(2) == 0 {
			slot = Slot(entry)
		}
		if got, want := set.Contains(r, slot, entry), r.Contains(entry); got != want {
			t.Fatalf("%s: Set.Contains %v, Redactor.Contains %v (%d bytes, slot %d)", what, got, want, len(entry), slot)
		}
	}
	for round := range 400 {
		if round == 200 {
			// A new secret set: every template is of the old one.
			if err := r.Set(secrets); err != nil {
				t.Fatal(err)
			}
		}
		shape := shapes[round%len(shapes)]
		clean := fmt.Sprintf(shape, round%60)
		agree([]byte(clean), fmt.Sprintf("round %d: clean", round))
		for _, s := range secrets {
			for _, at := range []int{0, len(clean) / 2, len(clean) - 1, rng.IntN(len(clean))} {
				// The secret inserted, and written over the entry's
				// bytes (same length: the template then shares what
				// surrounds it).
				ins := clean[:at] + s.Value + clean[at:]
				agree([]byte(ins), fmt.Sprintf("round %d: %s inserted at %d", round, s.Name, at))
				if at+len(s.Value) <= len(clean) {
					over := clean[:at] + s.Value + clean[at+len(s.Value):]
					agree([]byte(over), fmt.Sprintf("round %d: %s written at %d", round, s.Name, at))
				}
				// All but one byte of it: the template may then share
				// the rest of it.
				part := clean[:at] + s.Value[:len(s.Value)-1] + "#" + clean[at:]
				agree([]byte(part), fmt.Sprintf("round %d: %s less its last byte at %d", round, s.Name, at))
			}
		}
	}
}

// Slot is in [0, Slots) for any bytes, and the same for entries of one log
// call whose message keeps its first 16 bytes.
func TestSlot(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 300 {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		if s := Slot(b); s < 0 || s >= Slots {
			t.Fatalf("%d random bytes: slot %d", n, s)
		}
	}
	a := Slot([]byte(`{"time":"2026-12-03T14:00:01Z","level":"INFO","msg":"request handled in 12 ms","n":1}`))
	b := Slot([]byte(`{"time":"2026-12-03T14:00:02Z","level":"INFO","msg":"request handled in 130 ms","n":22}`))
	if a != b {
		t.Errorf("one call site's records in slots %d and %d", a, b)
	}
	if s := Slot([]byte(`msg=` + strings.Repeat("x", 5))); s < 0 || s >= Slots {
		t.Errorf("short text record: slot %d", s)
	}
}
