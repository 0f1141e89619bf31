package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"k8s.io/klog/v2"
)

// TestKlogGoesThroughTheGuard: once Main runs, what a library logs through
// klog (client-go) is written to hush's guarded stderr, filtered by
// provider.ServerText, not to the process's stderr as given: a value that
// a server echoed, which no redactor knows, does not come out.
func TestKlogGoesThroughTheGuard(t *testing.T) {
	defer klog.ClearLogger()
	var out, errw bytes.Buffer
	Main(context.Background(), []string{"--version"}, IO{In: strings.NewReader(""), Out: &out, Err: &errw})
	errw.Reset()
	values := []string{"Zq8v-4Lw2-9pXc-7yTb", "tok_9f8e7d6c5b4a3210fedc", "dGhpcyBpcyBhIHNlY3JldA=="}
	klog.Warningf("Warning: admission webhook echoed %s", values[0])
	klog.ErrorS(errors.New("watch of "+values[1]+" failed"), "Unhandled Error", "token", values[2])
	klog.Background().WithName("reflector").WithValues("secret", values[0]).Info("listing")
	klog.Flush()
	got := errw.String()
	if n := strings.Count(got, "hush: kubernetes client: "); n != 3 {
		t.Errorf("%d of 3 klog lines reached hush's stderr", n)
	}
	for i, v := range values {
		if strings.Contains(got, v) {
			t.Errorf("value %d written", i)
		}
	}
	if !strings.Contains(got, "admission webhook") || !strings.Contains(got, "Unhandled Error") {
		t.Errorf("the messages' own words were lost")
	}
}
