package gcpsm

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hushlog/hush/provider"
)

// TestErrorEchoingAValue: a status message that echoes a value (an
// emulator, a proxy) is quoted without it, and keeps its kind and code.
func TestErrorEchoingAValue(t *testing.T) {
	for i, v := range []string{"Zq8v-4Lw2-9pXc-7yTb", "tok_9f8e7d6c5b4a3210fedc", "hunter2hunter2", "AKIAIOSFODNN7EXAMPLE",
		"bemotifalukirase", "correcthorsebatterystaple", "correct-horse-battery-staple", "CorrectHorseBatteryStaple", "correct.horse.battery.staple", "s3cr3t", "dGhpcyBpcyBhIHNlY3JldA=="} {
		for _, c := range []struct {
			code codes.Code
			kind provider.ErrorKind
		}{{codes.PermissionDenied, provider.AccessDenied}, {codes.Internal, provider.Transient}, {codes.InvalidArgument, provider.Permanent}} {
			err := wrap("AccessSecretVersion projects/p/secrets/db/versions/3", "db", status.Error(c.code, "cannot return payload "+v+" for projects/p/secrets/db/versions/3"))
			if strings.Contains(err.Error(), v) {
				t.Errorf("value %d, %v: quoted", i, c.code)
			}
			if err.Kind != c.kind || code(err) != c.code {
				t.Errorf("value %d: kind %v code %v, want %v %v", i, err.Kind, code(err), c.kind, c.code)
			}
			if !strings.Contains(err.Error(), "projects/p/secrets/db/versions/3") {
				t.Errorf("value %d: the resource name was lost", i)
			}
		}
	}
}
