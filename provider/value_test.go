package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCacheValue: Value returns the value as a string, where %s of the
// Secret gives its name and version.
func TestCacheValue(t *testing.T) {
	src := newSource("src", "prod/db/password", valA)
	c, r, _ := newTestCache(t, src, CacheOptions{})
	ctx := context.Background()
	v, err := c.Value(ctx, "prod/db/password")
	require.NoError(t, err)
	if v != valA {
		t.Error("Value is not the secret's value")
	}
	s, err := c.Get(ctx, "prod/db/password")
	require.NoError(t, err)
	//lint:ignore S1025 the test is about what the %s verb prints
	assert.Equal(t, "prod/db/password", fmt.Sprintf("%s", s), "%s of a Secret names it")
	assert.True(t, protected(r, valA), "the value is protected")

	_, err = c.Value(ctx, "nope")
	assert.Equal(t, NotFound, Kind(err))
}

// TestCacheJSONField: "SECRET#FIELD" is a field of a JSON object secret,
// protected from the moment it is read; a missing field is NotFound, with
// no value in the error; a name with its own "#" still works.
func TestCacheJSONField(t *testing.T) {
	const pw = "Rds-Pw9x-Ty2u-Io3p"
	src := newSource("src",
		"prod/rds/app", `{"username":"app","password":"`+pw+`","port":5432}`,
		"odd#name", valB)
	c, r, _ := newTestCache(t, src, CacheOptions{})
	ctx := context.Background()

	v, err := c.Value(ctx, "prod/rds/app#password")
	require.NoError(t, err)
	if v != pw {
		t.Error("prod/rds/app#password is not the password field")
	}
	assert.True(t, protected(r, pw), "the field is protected")
	port, err := c.Value(ctx, "prod/rds/app#port")
	require.NoError(t, err)
	assert.Equal(t, "5432", port)
	user, err := c.Value(ctx, "prod/rds/app#username")
	require.NoError(t, err)
	assert.Equal(t, "app", user)

	// The JSON secret was fetched once for its three fields.
	assert.EqualValues(t, 1, src.calls.Load())

	_, err = c.Value(ctx, "prod/rds/app#nope")
	assert.Equal(t, NotFound, Kind(err))
	assert.Contains(t, err.Error(), `not a JSON object with a field "nope"`)
	if strings.Contains(err.Error(), pw) {
		t.Error("the error holds the secret's value")
	}

	v, err = c.Value(ctx, "odd#name")
	require.NoError(t, err)
	if v != valB {
		t.Error("a name with its own # did not fall back to the name as it is")
	}
}
