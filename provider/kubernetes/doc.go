// Package kubernetes reads Kubernetes Secrets, for the provider layer of hush
// (see package provider and DESIGN.md, "Providers").
//
// The client is k8s.io/client-go, configured as kubectl is: an explicit
// kubeconfig file, else $KUBECONFIG, else ~/.kube/config (the default loading
// rules of clientcmd), with an optional context; with none of them, the
// in-cluster configuration of a pod (its service account token and the
// KUBERNETES_SERVICE_HOST variables).
//
// A Provider is a provider.Lister and a provider.Watcher: it keeps one
// informer per namespace (a shared informer factory restricted to the
// namespace and the label selector), which LISTs the Secrets once and then
// WATCHes them, so that a changed Secret reaches the informer's store as
// soon as the API server sends the event and a Refresher lists the store
// again at once (Watch tells it) — without polling the API server. A listing reads the store only;
// it makes no request. It is also a provider.Getter, which GETs one Secret
// for an application behind a provider.Cache.
//
// Names are "k8s/NAMESPACE/SECRET#KEY". What a Secret protects depends on its
// type:
//
//   - kubernetes.io/dockerconfigjson and kubernetes.io/dockercfg: for each
//     registry, the "password", "auth" (base64 of "user:password"), the
//     password decoded from "auth", "identitytoken" and "registrytoken",
//     named "k8s/NS/SECRET#.dockerconfigjson/REGISTRY/password",
//     ".../auth", ".../auth:password"; a document that cannot be parsed is
//     protected whole and reported as Malformed, by name;
//   - kubernetes.io/basic-auth: "password" (the username is not secret);
//   - kubernetes.io/tls: "tls.key", not the certificate;
//   - kubernetes.io/service-account-token: "token", only with
//     Config.IncludeServiceAccountTokens (they are many, short lived, and
//     the API server's own);
//   - every other type (Opaque, bootstrap tokens, the Secrets the External
//     Secrets Operator writes, ...): every key of data.
//
// Errors are *provider.Error values naming the namespace ("k8s/NS") or the
// secret, never a value: 401 and 403 are AccessDenied, 404 NotFound, 429,
// 5xx, timeouts and connection failures Transient. A namespace that cannot be
// listed yet fails the listing with an error named "k8s/NS", so that a
// Refresher keeps the values it had there and updates the other namespaces;
// the informer retries by itself with client-go's backoff.
package kubernetes // import "github.com/hushlog/hush/provider/kubernetes"
