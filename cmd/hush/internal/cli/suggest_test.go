package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSuggest(t *testing.T) {
	keys := []string{"name", "value", "min_length", "encodings", "env_files", "env"}
	for in, want := range map[string]string{
		"nmae":       "name",
		"min_lenght": "min_length",
		"encoding":   "encodings",
		"envfiles":   "env_files",
		"valeu":      "value",
		"frobnicate": "",
		"x":          "",
	} {
		assert.Equal(t, want, suggest(in, keys), in)
	}
}
