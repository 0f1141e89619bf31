package fingerprint

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A nil *Index (no patterns yet) answers every query as empty: callers hold
// one before the first build. gremlins reported these paths not covered.
func TestNilIndex(t *testing.T) {
	var ix *Index
	assert.Zero(t, ix.Len())
	assert.Zero(t, ix.MinLen())
	assert.Zero(t, ix.MaxLen())
	assert.Zero(t, ix.MemoryBytes())
	assert.Empty(t, ix.Find(nil, []byte("any text at all")))
	assert.False(t, ix.Contains([]byte("any text at all")))

	built, err := Build([]Pattern{{Value: []byte("abcdefgh"), ID: 1}, {Value: []byte("0123456789abcdef"), ID: 2}})
	assert.NoError(t, err)
	assert.Equal(t, 8, built.MinLen())
	assert.Equal(t, 16, built.MaxLen())
}
