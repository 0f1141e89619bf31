package awssm

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/hushlog/hush/provider"
)

// TestErrorEchoingAValue: a service message that echoes a value (a proxy
// in front of a VPC endpoint, a stand-in) is quoted without it, in wrapped
// SDK errors and in BatchGetSecretValue's error entries, and the error
// keeps its kind and its code.
func TestErrorEchoingAValue(t *testing.T) {
	for i, v := range []string{"Zq8v-4Lw2-9pXc-7yTb", "tok_9f8e7d6c5b4a3210fedc", "hunter2hunter2", "AKIAIOSFODNN7EXAMPLE",
		"bemotifalukirase", "correcthorsebatterystaple", "correct-horse-battery-staple", "CorrectHorseBatteryStaple", "correct.horse.battery.staple", "s3cr3t", "dGhpcyBpcyBhIHNlY3JldA=="} {
		api := &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not allowed to return " + v}
		err := wrap("GetSecretValue", "prod/db", api)
		if strings.Contains(err.Error(), v) {
			t.Errorf("value %d: quoted by wrap", i)
		}
		var ae smithy.APIError
		if err.Kind != provider.AccessDenied || !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
			t.Errorf("value %d: kind %v, code lost", i, err.Kind)
		}
		if !strings.Contains(err.Error(), "AccessDeniedException") {
			t.Errorf("value %d: the code is not in the message", i)
		}
		b := batchError("prod/db", "DecryptionFailure", "cannot decrypt "+v)
		if strings.Contains(b.Error(), v) || b.Kind != provider.Decryption {
			t.Errorf("value %d: batch error quoted it, or kind %v", i, b.Kind)
		}
	}
}
