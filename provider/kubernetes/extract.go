package kubernetes

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

// secretName returns "k8s/NAMESPACE/SECRET".
func secretName(namespace, name string) string {
	return "k8s/" + namespace + "/" + name
}

// extract returns the values a Secret protects (see the package
// documentation), sorted by name, and the per-secret errors of the parts it
// could not parse. Empty values are skipped.
func extract(s *corev1.Secret, includeSATokens bool) ([]redact.Secret, []error) {
	base := secretName(s.Namespace, s.Name)
	version := s.ResourceVersion
	var out []redact.Secret
	var errs []error
	add := func(key, value string) {
		if value != "" {
			out = append(out, redact.Secret{Name: base + "#" + key, Version: version, Value: value})
		}
	}
	switch s.Type {
	case corev1.SecretTypeDockerConfigJson, corev1.SecretTypeDockercfg:
		key := corev1.DockerConfigJsonKey
		if s.Type == corev1.SecretTypeDockercfg {
			key = corev1.DockerConfigKey
		}
		for _, k := range sortedKeys(s.Data) {
			if k != key {
				// Not part of the type; protected as any other key.
				add(k, string(s.Data[k]))
				continue
			}
			parts, err := dockerParts(s.Data[k], s.Type == corev1.SecretTypeDockerConfigJson)
			for _, p := range parts {
				add(k+"/"+p.name, p.value)
			}
			if err != nil {
				if parts == nil {
					// Protect the whole document rather than
					// nothing.
					add(k, string(s.Data[k]))
				}
				errs = append(errs, provider.NewError(providerName, base+"#"+k, provider.Malformed, err))
			}
		}
	case corev1.SecretTypeBasicAuth:
		add(corev1.BasicAuthPasswordKey, string(s.Data[corev1.BasicAuthPasswordKey]))
	case corev1.SecretTypeTLS:
		add(corev1.TLSPrivateKeyKey, string(s.Data[corev1.TLSPrivateKeyKey]))
	case corev1.SecretTypeServiceAccountToken:
		if includeSATokens {
			add(corev1.ServiceAccountTokenKey, string(s.Data[corev1.ServiceAccountTokenKey]))
		}
	default:
		for _, k := range sortedKeys(s.Data) {
			add(k, string(s.Data[k]))
		}
	}
	return out, errs
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// dockerAuth is one registry's entry of a Docker config file.
type dockerAuth struct {
	Username      string `json:"username"`
	Password      string `json:"password"`
	Auth          string `json:"auth"`
	IdentityToken string `json:"identitytoken"`
	RegistryToken string `json:"registrytoken"`
}

type part struct{ name, value string }

// dockerParts returns the credentials of a .dockerconfigjson document
// ({"auths": {REGISTRY: {...}}}) or of a legacy .dockercfg one ({REGISTRY:
// {...}}), named "REGISTRY/FIELD", and the password decoded from each
// "auth" as "REGISTRY/auth:password". Errors describe the document's shape,
// never its content.
func dockerParts(doc []byte, wrapped bool) ([]part, error) {
	var auths map[string]dockerAuth
	if wrapped {
		var cfg struct {
			Auths map[string]dockerAuth `json:"auths"`
		}
		if err := json.Unmarshal(doc, &cfg); err != nil {
			return nil, fmt.Errorf("%w: not a Docker config JSON document (%s)", errMalformed, jsonShape(err))
		}
		auths = cfg.Auths
	} else if err := json.Unmarshal(doc, &auths); err != nil {
		return nil, fmt.Errorf("%w: not a .dockercfg JSON document (%s)", errMalformed, jsonShape(err))
	}
	registries := make([]string, 0, len(auths))
	for r := range auths {
		registries = append(registries, r)
	}
	sort.Strings(registries)
	var parts []part
	var bad []string
	for _, r := range registries {
		a := auths[r]
		parts = append(parts,
			part{r + "/password", a.Password},
			part{r + "/auth", a.Auth},
			part{r + "/identitytoken", a.IdentityToken},
			part{r + "/registrytoken", a.RegistryToken})
		if a.Auth == "" {
			continue
		}
		dec, err := base64.StdEncoding.DecodeString(a.Auth)
		if err != nil {
			bad = append(bad, r)
			continue
		}
		if _, pw, ok := strings.Cut(string(dec), ":"); ok {
			parts = append(parts, part{r + "/auth:password", pw})
		} else {
			bad = append(bad, r)
		}
	}
	if len(bad) > 0 {
		// The parts read so far are still protected (the raw "auth"
		// among them); the caller reports the registries by name.
		return parts, fmt.Errorf("%w: the auth field of registry %s is not base64 of user:password", errMalformed, strings.Join(bad, ", "))
	}
	return parts, nil
}

// jsonShape describes a JSON decoding error without quoting the input: the
// offset of a syntax error, or the Go type a value did not fit.
func jsonShape(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("syntax error at byte %d", e.Offset)
	case *json.UnmarshalTypeError:
		return fmt.Sprintf("a %s where %s was expected at byte %d", e.Value, e.Type, e.Offset)
	default:
		return "invalid JSON"
	}
}
