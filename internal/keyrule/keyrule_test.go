package keyrule

import "testing"

func TestKeyMatcher(t *testing.T) {
	m := New(DefaultPatterns)
	for key, want := range map[string]bool{
		"password": true, "PASSWORD": true, "db_Password": true, "passwd": true,
		"client_secret": true, "X-Auth-Token": true, "refreshToken": true, "Authorization": true,
		"cookie": true, "Set-Cookie": true, "api_key": true, "apiKey": true, "X-API-KEY": true, "api-key": true,
		"aws_access_key_id": true, "private_key": true, "credentials": true,
		"": false, "user": false, "pass": false, "token_": true, "tok": false, "string": false,
		"secre": false, "authorize": false, "session": false, "key": false, "ints": false,
	} {
		if got := m.Match(key); got != want {
			t.Errorf("match(%q) = %v, want %v", key, got, want)
		}
	}
	if New(nil).Match("password") || New([]string{""}).Match("password") {
		t.Error("empty matcher matched")
	}
	if !New([]string{"SSN"}).Match("customer_ssn") {
		t.Error("upper-case pattern not lowered")
	}
}

func BenchmarkKeyMatcher(b *testing.B) {
	m := New(DefaultPatterns)
	keys := []string{"int", "ints", "string", "strings", "time", "times", "user1", "user2", "users", "error"}
	b.ReportAllocs()
	for b.Loop() {
		for _, k := range keys {
			if m.Match(k) {
				b.Fatal(k)
			}
		}
	}
}
