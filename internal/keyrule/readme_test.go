package keyrule_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/internal/keyrule"
)

// TestReadmeExamples: every key in the README's table of both directions
// is judged as the table says.
func TestReadmeExamples(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	s := string(b)
	start := strings.Index(s, "## Key rules")
	require.GreaterOrEqual(t, start, 0, "README has no key-rule section")
	s = s[start:]
	if end := strings.Index(s[1:], "\n## "); end >= 0 {
		s = s[:end+1]
	}
	m := keyrule.New(keyrule.DefaultPatterns)
	key := regexp.MustCompile("`([^` ]+)`")
	n := 0
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue // only the rows of the both-directions table start with a key
		}
		cols := strings.Split(line, "|")
		require.GreaterOrEqual(t, len(cols), 4, "row %q", line)
		for i, col := range cols[1:3] {
			for _, k := range key.FindAllStringSubmatch(col, -1) {
				n++
				redacted := m.Judge(k[1]) != keyrule.Clear
				require.Equal(t, i == 0, redacted, "README lists %q as %s", k[1], map[bool]string{true: "redacted", false: "kept"}[i == 0])
			}
		}
	}
	require.Greater(t, n, 40, "keys in the README's table")
}
