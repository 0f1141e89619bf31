package detect

import (
	"math"
	"math/rand/v2"
	"testing"
)

const base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// TestIdentifierCostIsACode: in every context (the start, or after each
// alphanumeric) the model's probabilities 2^(-cost/2) of the 62
// alphanumerics sum to at most 1, so identifierCost is the length of a
// code and Kraft's inequality bounds how many strings are cheap.
func TestIdentifierCostIsACode(t *testing.T) {
	prevs := append([]byte{0}, base62Digits...)
	for _, p := range prevs {
		sum := 0.0
		for _, c := range []byte(base62Digits) {
			sum += math.Exp2(-float64(charCost(p, c)) / 2)
		}
		if sum > 1+1e-12 {
			t.Errorf("after %q: probabilities sum to %v, want <= 1", p, sum)
		}
	}
}

// legacyVaultFNRate returns the exact probability that a uniformly random
// 24-character base62 id (what Vault's base62.Random(24) draws) is turned
// away by legacyVaultID: its cost is at most the cut (dynamic programming
// over the previous character and the cost so far), plus the chance it is
// all hex digits of one case or all capitals (a union bound).
func legacyVaultFNRate() float64 {
	const n, cut = 24, legacyVaultCut
	var dp, next [62][cut + 1]float64
	for j, c := range []byte(base62Digits) {
		if k := charCost(0, c); k <= cut {
			dp[j][k] += 1.0 / 62
		}
	}
	for range n - 1 {
		next = [62][cut + 1]float64{}
		for i, p := range []byte(base62Digits) {
			for k, v := range dp[i] {
				if v == 0 {
					continue
				}
				for j, c := range []byte(base62Digits) {
					if k2 := k + charCost(p, c); k2 <= cut {
						next[j][k2] += v / 62
					}
				}
			}
		}
		dp = next
	}
	p := 0.0
	for i := range dp {
		for _, v := range dp[i] {
			p += v
		}
	}
	return p + 2*math.Pow(16.0/62, n) + math.Pow(26.0/62, n)
}

// TestIdentifierCostFNRate: the share of random legacy Vault ids the
// identifier test turns away is below 1e-6 (computed exactly), and none of
// a million drawn ids is turned away.
func TestIdentifierCostFNRate(t *testing.T) {
	fn := legacyVaultFNRate()
	kraft := math.Exp2(float64(legacyVaultCut)/2 - 24*math.Log2(62))
	t.Logf("false-negative rate on random ids: %.3g exact (Kraft bound %.3g)", fn, kraft)
	if fn >= 1e-6 {
		t.Errorf("false-negative rate %.3g, want < 1e-6", fn)
	}
	r := rand.New(rand.NewPCG(13, 24))
	var id [24]byte
	for k := range 1_000_000 {
		for i := range id {
			id[i] = base62Digits[r.IntN(62)]
		}
		if !legacyVaultID(id[:]) {
			t.Errorf("random id #%d turned away (cost %d half-bits)", k, identifierCost(id[:]))
		}
	}
}

// TestLegacyVaultIdentifiers: identifiers of 24 characters after "s." (a
// receiver or a package named s), found in Go sources, and hex strings,
// are not Vault tokens; a Vault token is.
func TestLegacyVaultIdentifiers(t *testing.T) {
	for _, id := range []string{
		"ReadUint16LengthPrefixed", "ReadUint24LengthPrefixed", "ReadASN1ObjectIdentifier",
		"Last30DaysSearchInterest", "Last90DaysSearchInterest", "Oauth2AccessCodeSecurity",
		"AcceptanceTimeoutSeconds", "makeKubeConfigController", "getDefaultListenerConfig",
		"TestZip64DirectoryOffset", "maxConsecutiveEmptyReads", "TestHeaderAllowedFormats",
		"ARM64RegisterArrangement", "Loong64RegisterExtension", "IsOutputParamInRegisters",
		"containerstateterminated", "MAXIMUMBUFFERSIZEALLOWED",
		"507f1f77bcf86cd799439011", "507F1F77BCF86CD799439011", "000000000000000000000999",
	} {
		text := []byte("v := s." + id + "()")
		if fs := Default().Find(nil, text); len(fs) != 0 {
			t.Errorf("s.%s (cost %d half-bits): %d findings, want none", id, identifierCost([]byte(id)), len(fs))
		}
	}
	for _, tok := range []string{"s.ZC9Ecf4M5g9o34Q6RkzGsj0z", "s.6j4cuewowBGit65rheNoceI7"} {
		if fs := Default().Find(nil, []byte("token="+tok)); len(fs) != 1 || fs[0].Rule.ID != "vault-token" {
			t.Errorf("a legacy Vault token (length %d): findings %d, want one vault-token", len(tok), len(fs))
		}
	}
}
