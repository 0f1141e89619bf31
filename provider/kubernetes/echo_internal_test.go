package kubernetes

import (
	"errors"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hushlog/hush/provider"
)

// TestErrorEchoingAValue: a Status message that echoes a value (a proxy or
// an admission webhook in the way) is quoted without it, and keeps its
// kind and its own words.
func TestErrorEchoingAValue(t *testing.T) {
	gr := schema.GroupResource{Resource: "secrets"}
	for i, v := range []string{"Zq8v-4Lw2-9pXc-7yTb", "tok_9f8e7d6c5b4a3210fedc", "hunter2hunter2", "AKIAIOSFODNN7EXAMPLE",
		"bemotifalukirase", "correcthorsebatterystaple", "correct-horse-battery-staple", "CorrectHorseBatteryStaple", "correct.horse.battery.staple", "s3cr3t", "dGhpcyBpcyBhIHNlY3JldA=="} {
		for _, c := range []struct {
			err  error
			kind provider.ErrorKind
		}{
			{apierrors.NewForbidden(gr, "db-creds", errors.New("value "+v+" may not be read")), provider.AccessDenied},
			{apierrors.NewNotFound(gr, v), provider.NotFound},
			{apierrors.NewUnauthorized("token " + v + " rejected"), provider.AccessDenied},
		} {
			err := wrap("list secrets", "k8s/payments", c.err)
			if strings.Contains(err.Error(), v) {
				t.Errorf("value %d, %v: quoted", i, c.kind)
			}
			if err.Kind != c.kind {
				t.Errorf("value %d: kind %v, want %v", i, err.Kind, c.kind)
			}
		}
	}
	msg := wrap("list secrets", "k8s/payments", apierrors.NewForbidden(gr, "", errors.New(`User "system:serviceaccount:default:hush" cannot list resource "secrets" in API group "" in the namespace "payments"`))).Error()
	if !strings.Contains(msg, `User "system:serviceaccount:default:hush" cannot list resource "secrets"`) {
		t.Errorf("the API server's own words were not kept: %q", msg)
	}
}
