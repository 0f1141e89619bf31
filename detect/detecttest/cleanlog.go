package detecttest

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// CleanLog returns about size bytes of log text that holds no token of any
// family but is full of near misses: hex ids, UUIDs, base64 blobs, public
// keys and certificates, URLs without passwords, and every family's prefix
// followed by too short or wrongly shaped bodies ("sk_test_", a 10-character
// "ghp_", "AKIA" with lower case, ...). A detector that reports anything in
// it has a false positive.
func (g *Gen) CleanLog(size int) []byte {
	var sb strings.Builder
	sb.Grow(size + 512)
	for sb.Len() < size {
		sb.WriteString(g.cleanLine())
	}
	return []byte(sb.String())
}

func (g *Gen) ts() string {
	return fmt.Sprintf("2026-12-%02dT%02d:%02d:%02d.%03dZ", 1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60), g.r.IntN(60), g.r.IntN(1000))
}

func (g *Gen) uuid() string {
	h := g.str(hexLower, 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

// nearMisses are prefix look-alikes no default detector should report.
var nearMisses = []func(g *Gen) string{
	func(g *Gen) string { return "sk_test_" + g.str(alnum, 24) },                    // Stripe test key: not a live secret
	func(g *Gen) string { return "pk_live_" + g.str(alnum, 24) },                    // Stripe publishable key
	func(g *Gen) string { return "ghp_" + g.str(base62Alphabet, 10) },               // too short
	func(g *Gen) string { return "the ghp_ prefix marks personal tokens" },          // prefix alone
	func(g *Gen) string { return "gho_" + g.str(base62Alphabet, 20) },               // too short
	func(g *Gen) string { return "github_pat_" + g.str(alnum, 12) },                 // too short
	func(g *Gen) string { return "npm_" + g.str(base62Alphabet, 12) },               // too short
	func(g *Gen) string { return "AKIA" + strings.ToLower(g.str(awsAlphabet, 16)) }, // wrong alphabet
	func(g *Gen) string { return "AKIA" + g.str(awsAlphabet, 8) },                   // too short
	func(g *Gen) string { return "AIza" + g.str(b64url, 12) },                       // too short
	func(g *Gen) string { return "xoxb-" + g.str(digits, 6) },                       // too short
	func(g *Gen) string { return "xapp-1-" + g.str(digits, 4) },                     // too short
	func(g *Gen) string { return "glpat-" + g.str(alnum, 8) },                       // too short
	func(g *Gen) string { return "gldt-" + g.str(alnum, 6) },                        // too short
	func(g *Gen) string { return "sk-" + g.str(alnum, 12) },                         // too short, no marker
	func(g *Gen) string { return "sk-ant-" + g.str(alnum, 8) },                      // too short
	func(g *Gen) string { return "SG." + g.str(alnum, 10) },                         // too short
	func(g *Gen) string { return "SK" + g.str(hexLower, 12) },                       // too short
	func(g *Gen) string { return "hvs." + g.str(alnum, 6) },                         // too short
	func(g *Gen) string { return "dp.pt." + g.str(alnum, 10) },                      // too short
	func(g *Gen) string { return "dop_v1_" + g.str(hexLower, 16) },                  // too short
	func(g *Gen) string { return "shpat_" + g.str(hexLower, 12) },                   // too short
	func(g *Gen) string { return "pypi-" + g.str(alnum, 10) },                       // no macaroon
	func(g *Gen) string { return "glsa_" + g.str(alnum, 10) },                       // too short
	func(g *Gen) string { return "ops_" + g.str(alnum, 10) },                        // too short
	func(g *Gen) string { return "AGE-SECRET-KEY-1" + g.str("QPZRY9X8", 10) },       // too short
	func(g *Gen) string { return "ATATT" + g.str(alnum, 10) },                       // too short
	func(g *Gen) string {
		return "https://" + g.pick("alice", "ci", "deploy") + "@git.example.com/org/repo.git"
	},
	func(g *Gen) string { return "https://registry.example.com:8443/v2/_catalog?n=100" },
	func(g *Gen) string { return "mailto:ops+" + g.str(hexLower, 4) + "@example.com" },
	func(g *Gen) string { return "ssh://git@github.com:22/org/repo.git" },
}

func (g *Gen) cleanLine() string {
	lvl := g.pick("INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR")
	switch g.r.IntN(10) {
	case 0:
		return fmt.Sprintf("%s %s git: checked out %s (tree %s)\n", g.ts(), lvl, g.str(hexLower, 40), g.str(hexLower, 40))
	case 1:
		return fmt.Sprintf(`{"time":"%s","level":"%s","msg":"request done","request_id":"%s","trace_id":"%s","span_id":"%s","status":200,"dur_ms":%d}`+"\n",
			g.ts(), lvl, g.uuid(), g.str(hexLower, 32), g.str(hexLower, 16), g.r.IntN(900))
	case 2:
		return fmt.Sprintf("%s %s cache: stored blob %s etag=%q\n", g.ts(), lvl, base64.StdEncoding.EncodeToString(g.bytes(48)), g.str(hexLower, 32))
	case 3:
		return fmt.Sprintf("%s %s lint: %s\n", g.ts(), lvl, nearMisses[g.r.IntN(len(nearMisses))](g))
	case 4:
		return fmt.Sprintf("%s %s tls: loaded peer certificate\n-----BEGIN CERTIFICATE-----\n%s\n%s\n-----END CERTIFICATE-----\n", g.ts(), lvl,
			base64.StdEncoding.EncodeToString(g.bytes(48)), base64.StdEncoding.EncodeToString(g.bytes(30)))
	case 5:
		return fmt.Sprintf("%s %s ssh: known key -----BEGIN PUBLIC KEY----- %s -----END PUBLIC KEY----- fingerprint SHA256:%s\n", g.ts(), lvl,
			base64.StdEncoding.EncodeToString(g.bytes(60)), base64.RawStdEncoding.EncodeToString(g.bytes(32)))
	case 6:
		return fmt.Sprintf("%s %s http: GET https://api.example.com/v1/items/%s?page=%d&session=%s 200\n", g.ts(), lvl, g.uuid(), g.r.IntN(50), g.str(alnum, 20))
	case 7:
		return fmt.Sprintf("%s %s db: connected to postgres://%s@db.internal:5432/app?sslmode=require pool=%d\n", g.ts(), lvl, g.pick("app", "reader"), g.r.IntN(64))
	case 8:
		return fmt.Sprintf("%s %s k8s: pod %s-%s-%s uid=%s image=%s@sha256:%s\n", g.ts(), lvl, g.pick("api", "worker", "web"),
			g.str(hexLower[:10]+"bcdfghjklmnpqrstvwxz", 10), g.str("bcdfghjklmnpqrstvwxz2456789", 5), g.uuid(), g.pick("ghcr.io/org/app", "docker.io/library/nginx"), g.str(hexLower, 64))
	default:
		return fmt.Sprintf("%s %s %s: %s, %s and %s; see %s\n", g.ts(), lvl, g.pick("scheduler", "auth", "billing"),
			nearMisses[g.r.IntN(len(nearMisses))](g), nearMisses[g.r.IntN(len(nearMisses))](g), nearMisses[g.r.IntN(len(nearMisses))](g), g.uuid())
	}
}
