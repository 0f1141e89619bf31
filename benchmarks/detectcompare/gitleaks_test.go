package detectcompare

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"
	gldetect "github.com/zricethezav/gitleaks/v8/detect"
)

// gitleaksRules maps each hush rule to the gitleaks v8.30.1 default-config
// rules (config/gitleaks.toml) for the same token family. A hush rule with no
// entry has no gitleaks counterpart.
var gitleaksRules = map[string][]string{
	"github-token":            {"github-pat", "github-oauth", "github-app-token", "github-refresh-token"},
	"github-fine-grained-pat": {"github-fine-grained-pat"},
	"npm-token":               {"npm-access-token"},
	"atlassian-api-token":     {"atlassian-api-token"},
	"age-secret-key":          {"age-secret-key"},
	"gitlab-token": {"gitlab-pat", "gitlab-pat-routable", "gitlab-deploy-token", "gitlab-runner-authentication-token",
		"gitlab-runner-authentication-token-routable", "gitlab-ptt", "gitlab-rrt", "gitlab-cicd-job-token", "gitlab-feed-token",
		"gitlab-incoming-mail-token", "gitlab-kubernetes-agent-token", "gitlab-oauth-app-secret", "gitlab-scim-token",
		"gitlab-feature-flag-client-token"},
	"slack-token": {"slack-bot-token", "slack-user-token", "slack-legacy-bot-token", "slack-legacy-token",
		"slack-legacy-workspace-token", "slack-config-access-token", "slack-config-refresh-token"},
	"slack-app-token":                 {"slack-app-token"},
	"stripe-secret-key":               {"stripe-access-token"},
	"aws-access-key-id":               {"aws-access-token"},
	"google-api-key":                  {"gcp-api-key"},
	"openai-api-key":                  {"openai-api-key"},
	"anthropic-api-key":               {"anthropic-api-key", "anthropic-admin-api-key"},
	"sendgrid-api-key":                {"sendgrid-api-token"},
	"twilio-api-key":                  {"twilio-api-key"},
	"vault-token":                     {"vault-service-token", "vault-batch-token"},
	"doppler-token":                   {"doppler-api-token"},
	"digitalocean-token":              {"digitalocean-access-token", "digitalocean-pat", "digitalocean-refresh-token"},
	"shopify-token":                   {"shopify-access-token", "shopify-custom-access-token", "shopify-private-app-access-token", "shopify-shared-secret"},
	"pypi-token":                      {"pypi-upload-token"},
	"grafana-token":                   {"grafana-api-key", "grafana-cloud-api-token", "grafana-service-account-token"},
	"1password-service-account-token": {"1password-service-account-token"},
	"private-key":                     {"private-key"},
	"jwt":                             {"jwt", "jwt-base64"},
	// microsoft-identifiable-key, url-password: no gitleaks rule.
}

var (
	glOnce    sync.Once
	glDefault config.Config
	glErr     error
)

// gitleaksDefaultConfig is gitleaks' embedded default configuration (222
// rules in v8.30.1), translated as gitleaks.NewDetectorDefaultConfig does.
func gitleaksDefaultConfig(tb testing.TB) config.Config {
	tb.Helper()
	glOnce.Do(func() {
		v := viper.New()
		v.SetConfigType("toml")
		if glErr = v.ReadConfig(strings.NewReader(config.DefaultConfig)); glErr != nil {
			return
		}
		var vc config.ViperConfig
		if glErr = v.Unmarshal(&vc); glErr != nil {
			return
		}
		glDefault, glErr = vc.Translate()
	})
	if glErr != nil {
		tb.Fatal(glErr)
	}
	return glDefault
}

// newGitleaks returns a gitleaks detector with the default configuration
// narrowed to the rules of the given hush rules (all rules when hushRules is
// nil). Translate is run again so that the rules are private copies.
func newGitleaks(tb testing.TB, hushRules []string) (*gldetect.Detector, []string) {
	tb.Helper()
	cfg := gitleaksDefaultConfig(tb)
	if hushRules == nil {
		return gldetect.NewDetector(cfg), cfg.OrderedRules
	}
	var keep []string
	for _, h := range hushRules {
		keep = append(keep, gitleaksRules[h]...)
	}
	narrowed := cfg
	narrowed.Rules = map[string]config.Rule{}
	narrowed.Keywords = map[string]struct{}{}
	narrowed.OrderedRules = nil
	for _, id := range cfg.OrderedRules {
		if !slices.Contains(keep, id) {
			continue
		}
		r, ok := cfg.Rules[id]
		if !ok {
			tb.Fatalf("gitleaks has no rule %s", id)
		}
		narrowed.Rules[id] = r
		narrowed.OrderedRules = append(narrowed.OrderedRules, id)
		for _, k := range r.Keywords {
			narrowed.Keywords[strings.ToLower(k)] = struct{}{}
		}
	}
	for _, id := range keep {
		if _, ok := narrowed.Rules[id]; !ok {
			tb.Fatalf("gitleaks v8.30.1 has no rule %s", id)
		}
	}
	return gldetect.NewDetector(narrowed), narrowed.OrderedRules
}
