// Package vaultfake is a stand-in for HashiCorp Vault (and OpenBao, which
// speaks the same HTTP API), served on loopback with net/http/httptest, for
// the tests of the Vault provider and of every hush front end that can use
// it. It answers the requests the real github.com/hashicorp/vault/api client
// makes, with Vault's JSON shapes and status codes, so that the client's own
// retry policy (429 with Retry-After, 5xx) and error decoding run unchanged.
//
// Endpoints (all under /v1/):
//
//   - KV version 2 mounts: LIST <mount>/metadata/<folder>, GET
//     <mount>/metadata/<path> (versions with created_time, deletion_time,
//     destroyed), GET <mount>/data/<path>[?version=N] (a deleted or
//     destroyed version answers 404 with its metadata, as Vault does);
//   - KV version 1 mounts: LIST <mount>/<folder>, GET <mount>/<path>;
//   - mount discovery: GET sys/internal/ui/mounts/<path> (what the Vault
//     CLI asks before a kv command) and GET sys/mounts;
//   - tokens: GET auth/token/lookup-self, PUT/POST auth/token/renew-self;
//   - logins: PUT/POST auth/<mount>/login for Kubernetes (role, jwt) and
//     AppRole (role_id, secret_id) methods registered with AddKubernetesRole
//     and AddAppRole.
//
// Every request but a login must carry a live token (X-Vault-Token): the
// root token, or one issued by a login. Issued tokens have a TTL on the
// stand-in's clock, can be renewed up to a maximum TTL, and answer 403
// "permission denied" once expired, as Vault does.
//
// Typical use with the real client:
//
//	vf := vaultfake.New()
//	defer vf.Close()
//	vf.Mount("secret", 2)
//	vf.Put("secret/prod/db", map[string]any{"password": "Zq8v-4Lw2-9pXc-7yTb"})
//	// VAULT_ADDR=vf.URL, VAULT_TOKEN=vaultfake.RootToken
//
// Faults: Fail injects 403, 429 with Retry-After, 500, 503, a malformed 200
// body (half of the real answer: invalid JSON that still holds secret
// values, to prove errors never quote a body) or a request that is never
// answered, for one operation (see the Op constants) or all, optionally only
// on paths containing a substring, a number of times or until Heal.
// DenyPath answers 403 on one secret's paths only. Requests counts requests
// by operation, retries included.
package vaultfake // import "github.com/hushlog/hush/internal/vaultfake"
