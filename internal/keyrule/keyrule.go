// Package keyrule matches log field and attribute keys against credential-like
// patterns for the zap and slog front ends, which redact such values whole.
package keyrule

import "strings"

// Matcher reports whether a field or attribute key contains one of a set of
// patterns, ignoring ASCII case. It runs for every field of every entry or
// record, so it avoids lowering the key: it looks for the first byte of a
// pattern and compares only there.
type Matcher struct {
	minLen int
	// first maps a byte (either case) to 1 + the index in groups of the
	// patterns that start with it; 0 means none does.
	first [256]uint8
	// second holds, per group, the set of second bytes (lower-case) of its
	// patterns: most first-byte hits end there.
	second [][4]uint64
	groups [][]string // lower-case patterns, grouped by first byte
}

// New returns a Matcher for patterns, or nil (which matches nothing) when
// there are no non-empty patterns.
func New(patterns []string) *Matcher {
	m := &Matcher{}
	for _, p := range patterns {
		if p == "" {
			continue
		}
		p = strings.ToLower(p)
		if m.minLen == 0 || len(p) < m.minLen {
			m.minLen = len(p)
		}
		c := p[0]
		g := m.first[c]
		if g == 0 {
			m.groups = append(m.groups, nil)
			m.second = append(m.second, [4]uint64{})
			g = uint8(len(m.groups))
			m.first[c] = g
			m.first[upper(c)] = g
		}
		m.groups[g-1] = append(m.groups[g-1], p)
		if len(p) == 1 {
			m.second[g-1] = [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
		} else {
			m.second[g-1][p[1]>>6] |= 1 << (p[1] & 63)
		}
	}
	if len(m.groups) == 0 {
		return nil
	}
	return m
}

// Match reports whether key contains one of the patterns.
func (m *Matcher) Match(key string) bool {
	if m == nil || len(key) < m.minLen {
		return false
	}
	for i := 0; i <= len(key)-m.minLen; i++ {
		g := m.first[key[i]]
		if g == 0 {
			continue
		}
		if i+1 < len(key) {
			c := lower(key[i+1])
			if m.second[g-1][c>>6]&(1<<(c&63)) == 0 {
				continue
			}
		}
		for _, p := range m.groups[g-1] {
			if hasPrefixFold(key[i:], p) {
				return true
			}
		}
	}
	return false
}

// hasPrefixFold reports whether s starts with the lower-case prefix p,
// ignoring ASCII case in s.
func hasPrefixFold(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 1; i < len(p); i++ { // p[0] matched through first
		if lower(s[i]) != p[i] {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// DefaultPatterns are the key patterns the zap and slog front ends use
// unless configured otherwise.
var DefaultPatterns = []string{
	"password", "passwd", "secret", "token", "authorization", "cookie",
	"api_key", "apikey", "api-key", "access_key", "private_key", "credential",
}
