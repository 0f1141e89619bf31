package cli

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/k8sfake"
)

// TestSourceK8s runs `hush scrub --k8s NAMESPACE[:SELECTOR]` with the real
// client-go, configured by KUBECONFIG, against a loopback stand-in of the
// API server: every key of an Opaque Secret, the password inside a Docker
// config, a TLS key but not its certificate, a label selector, and a
// forbidden namespace reported with exit code 3 and no value.
func TestSourceK8s(t *testing.T) {
	api := k8sfake.New()
	t.Cleanup(api.Close)
	kubeconfig, err := api.Kubeconfig(t.TempDir())
	require.NoError(t, err)
	t.Setenv("KUBECONFIG", kubeconfig)
	const (
		opaque = "Opq-K8t3-Wq9z-Lm4x"
		docker = "Dkr-K2v8-Pl5n-Qa7s"
		key    = "Key-K6c1-Zx8b-Ty3u"
		cert   = "CERTIFICATE-PUBLIC-PART"
		other  = "Oth-K9m4-Rf2d-Hj6k"
		web    = "Web-K4n7-Bv1c-Xs9e"
	)
	sel := map[string]string{"hush": "yes"}
	api.Put("payments", "db", "Opaque", map[string]string{"password": opaque}, sel)
	api.Put("payments", "pull", "kubernetes.io/dockerconfigjson", map[string]string{".dockerconfigjson": `{"auths":{"registry.example.com":{"username":"robot","password":"` + docker + `","auth":"` +
		base64.StdEncoding.EncodeToString([]byte("robot:"+docker)) + `"}}}`}, sel)
	api.Put("payments", "tls", "kubernetes.io/tls", map[string]string{"tls.key": key, "tls.crt": cert}, sel)
	api.Put("payments", "unlabelled", "Opaque", map[string]string{"k": other}, nil)
	api.Put("web", "api", "Opaque", map[string]string{"token": web}, sel)
	log := logWith(t, opaque, docker, key, cert, other, web)

	code, out, errs := runMain(t, nil, "scrub", "-q", "--k8s", "payments:hush=yes", "--k8s", "web", log)
	require.Equal(t, ExitOK, code, "stderr: %s", errs)
	want := "line a value=[REDACTED:k8s/payments/db#password]\n" +
		"line b value=[REDACTED:k8s/payments/pull#.dockerconfigjson/registry.example.com/password]\n" +
		"line c value=[REDACTED:k8s/payments/tls#tls.key]\n" +
		"line d value=" + cert + "\n" +
		"line e value=" + other + "\n" +
		"line f value=[REDACTED:k8s/web/api#token]\n"
	if out != want {
		t.Errorf("scrub output differs; lines a-c and f must be redacted, d (a certificate) and e (not selected) kept:\n%s",
			strings.NewReplacer(opaque, "<opaque>", docker, "<docker>", key, "<key>", web, "<web>").Replace(out))
	}
	// One informer per namespace: a streaming WATCH, or a LIST then a
	// WATCH, per namespace; never a poll.
	assert.LessOrEqual(t, api.Requests("list"), 2)

	api.Deny("web")
	code, _, errs = runMain(t, nil, "scan", "--k8s", "payments:hush=yes", "--k8s", "web", log)
	assert.Equal(t, ExitSource, code)
	assert.Contains(t, errs, "k8s/web")
	assert.Contains(t, errs, "access denied")
	assert.Contains(t, errs, "get, list and watch")
	if leaks := strings.Contains(errs, opaque) || strings.Contains(errs, docker) || strings.Contains(errs, key) || strings.Contains(errs, web); leaks {
		t.Error("a secret value leaked into stderr")
	}

	for _, bad := range [][]string{{"--k8s", ""}, {"--k8s", "ns:"}, {"--k8s", "a:x=1", "--k8s", "b:y=2"}} {
		code, _, errs = runMain(t, nil, append([]string{"scan"}, append(bad, log)...)...)
		assert.Equal(t, ExitUsage, code, "%v", bad)
		assert.Contains(t, errs, "--k8s", "%v", bad)
	}
}
