package azkv

import (
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

// TestErrorEchoingAValue: an error code that is a value (a malformed
// answer can put anything there) is never quoted; Key Vault's own codes
// are.
func TestErrorEchoingAValue(t *testing.T) {
	for i, v := range []string{"Zq8v-4Lw2-9pXc-7yTb", "tok_9f8e7d6c5b4a3210fedc", "hunter2hunter2", "AKIAIOSFODNN7EXAMPLE",
		"bemotifalukirase", "correcthorsebatterystaple", "correct-horse-battery-staple", "CorrectHorseBatteryStaple", "correct.horse.battery.staple", "s3cr3t"} {
		err := wrap("get secret", "db", &azcore.ResponseError{StatusCode: 403, ErrorCode: v})
		if strings.Contains(err.Error(), v) {
			t.Errorf("value %d: quoted", i)
		}
	}
	for _, code := range []string{"Forbidden", "SecretNotFound", "Throttled", "Unauthorized", "ForbiddenByPolicy", "ForbiddenByRbac", "BadParameter", "SecretDisabled"} {
		if err := wrap("get secret", "db", &azcore.ResponseError{StatusCode: 403, ErrorCode: code}); !strings.Contains(err.Error(), code) {
			t.Errorf("Key Vault's code %s was dropped", code)
		}
	}
}
