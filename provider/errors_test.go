package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"testing"
)

func TestKind(t *testing.T) {
	perSecret := NewError("aws", "prod/db", AccessDenied, errors.New("AccessDeniedException"))
	tests := []struct {
		name string
		err  error
		want ErrorKind
	}{
		{"nil", nil, 0},
		{"provider error", perSecret, AccessDenied},
		{"wrapped", fmt.Errorf("listing: %w", NewError("f", "", Malformed, nil)), Malformed},
		{"joined", errors.Join(NewError("a", "x", NotFound, nil), NewError("a", "y", Decryption, nil)), NotFound},
		{"canceled", context.Canceled, Transient},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), Transient},
		{"net", &net.OpError{Op: "dial", Err: errors.New("refused")}, Transient},
		{"other", errors.New("boom"), Permanent},
	}
	for _, tt := range tests {
		if got := Kind(tt.err); got != tt.want {
			t.Errorf("%s: Kind = %v, want %v", tt.name, got, tt.want)
		}
	}
	for k := Transient; k <= Permanent; k++ {
		if k.String() == "unknown" || k.String() == "none" {
			t.Errorf("kind %d has no name", k)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	e := NewError("aws secrets manager", "prod/db", AccessDenied, errors.New("GetSecretValue: denied"))
	if got, want := e.Error(), `aws secrets manager: secret "prod/db": access denied: GetSecretValue: denied`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := NewError("file", "", NotFound, nil).Error(), "file: not found"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestFailedSecrets(t *testing.T) {
	a := NewError("aws", "a", AccessDenied, nil)
	b := NewError("aws", "b", Decryption, nil)
	listing := NewError("aws", "", Transient, nil)
	tests := []struct {
		name      string
		err       error
		names     []string
		perSecret bool
	}{
		{"nil", nil, nil, true},
		{"one", a, []string{"a"}, true},
		{"joined", errors.Join(a, b), []string{"a", "b"}, true},
		{"wrapped join", fmt.Errorf("aws: %w", errors.Join(a, b)), []string{"a", "b"}, true},
		{"listing", listing, nil, false},
		{"mixed", errors.Join(a, listing), []string{"a"}, false},
		{"foreign", errors.New("boom"), nil, false},
	}
	for _, tt := range tests {
		names, per := FailedSecrets(tt.err)
		if !slices.Equal(names, tt.names) || per != tt.perSecret {
			t.Errorf("%s: FailedSecrets = %v, %v; want %v, %v", tt.name, names, per, tt.names, tt.perSecret)
		}
	}
	if n := len(Failures(fmt.Errorf("x: %w", errors.Join(a, b, listing)))); n != 3 {
		t.Errorf("errorLeaves: %d leaves, want 3", n)
	}
}

func TestBackoff(t *testing.T) {
	for attempt := 1; attempt < 40; attempt++ {
		ceil := capped(100, 10000, attempt)
		if want := min(int64(100)<<min(attempt-1, 20), 10000); int64(ceil) != want {
			t.Fatalf("capped(attempt %d) = %d, want %d", attempt, ceil, want)
		}
		for i := 0; i < 50; i++ {
			if d := fullJitter(100, 10000, attempt); d < 0 || d > ceil {
				t.Fatalf("fullJitter out of [0, %d]: %d", ceil, d)
			}
		}
	}
	for i := 0; i < 100; i++ {
		if d := jittered(1000, 0.1); d < 900 || d > 1100 {
			t.Fatalf("jittered out of range: %d", d)
		}
	}
}
