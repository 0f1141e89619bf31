package redact

import "testing"

// Version changes with every Set and Add, and only then.
func TestVersion(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	v0 := r.Version()
	if r.Version() != v0 {
		t.Fatal("Version changed without a Set or Add")
	}
	if err := r.Set([]Secret{{Name: "a", Value: "correct-horse-battery-staple"}}); err != nil {
		t.Fatal(err)
	}
	v1 := r.Version()
	if v1 == v0 {
		t.Fatal("Version unchanged by Set")
	}
	if err := r.Add(Secret{Name: "b", Value: "Tr0ub4dor-and-3-more-words"}); err != nil {
		t.Fatal(err)
	}
	if r.Version() == v1 {
		t.Fatal("Version unchanged by Add")
	}
}
