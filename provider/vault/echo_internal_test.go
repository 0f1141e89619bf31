package vault

import (
	"strings"
	"testing"

	"github.com/hashicorp/vault/api"

	"github.com/hushlog/hush/provider"
)

// echoedValues are values a misbehaving server might echo in an error.
var echoedValues = []string{"Zq8v-4Lw2-9pXc-7yTb", "tok_9f8e7d6c5b4a3210fedc", "hunter2hunter2", "AKIAIOSFODNN7EXAMPLE",
	"bemotifalukirase", "correcthorsebatterystaple", "correct-horse-battery-staple", "CorrectHorseBatteryStaple", "correct.horse.battery.staple", "s3cr3t", "dGhpcyBpcyBhIHNlY3JldA=="}

// TestErrorEchoingAValue: a JSON error document whose message echoes the
// value being read (which no redactor knows yet, since its read failed) is
// quoted without it, and keeps its kind.
func TestErrorEchoingAValue(t *testing.T) {
	for i, v := range echoedValues {
		for _, c := range []struct {
			status int
			kind   provider.ErrorKind
		}{{500, provider.Transient}, {403, provider.AccessDenied}, {400, provider.Permanent}} {
			err := wrap("read data", "prod/api", &api.ResponseError{StatusCode: c.status, Errors: []string{`cannot handle {"data":{"value":"` + v + `"}}`, "permission denied"}})
			if strings.Contains(err.Error(), v) {
				t.Errorf("value %d, HTTP %d: quoted", i, c.status)
			}
			if !strings.Contains(err.Error(), "permission denied") || !strings.Contains(err.Error(), "prod/api") {
				t.Errorf("value %d, HTTP %d: the message lost its words: %d bytes", i, c.status, len(err.Error()))
			}
			if err.Kind != c.kind {
				t.Errorf("value %d, HTTP %d: kind %v, want %v", i, c.status, err.Kind, c.kind)
			}
		}
	}
}
