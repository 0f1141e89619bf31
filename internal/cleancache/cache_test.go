package cleancache

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/redact"
)

var cacheSecrets = []redact.Secret{
	{Name: "cache/a", Value: "Zq8rT2vLx9-s3cr3t"},
	{Name: "cache/b", Value: "tok_Hq71Mz0PkWn3Rt"},
	{Name: "cache/quote", Value: `q"uote-Hz81Lw0pXk`},
}

func cacheRedactor(t testing.TB, secrets ...redact.Secret) *redact.Redactor {
	t.Helper()
	r, err := redact.New()
	require.NoError(t, err)
	require.NoError(t, r.Set(secrets))
	return r
}

// cacheInputs are clean and dirty strings, short and long, the dirty ones
// holding a secret as written, escaped, or as a detected token.
func cacheInputs() []string {
	in := []string{"", "a", "name", "email", "createdAt", "Jane Doe", "jane@test.com",
		strings.Repeat("x", MaxString), strings.Repeat("y", MaxString+1),
		"ghp_" + strings.Repeat("A", 36), "postgres://app:pw@db:5432"}
	for _, s := range cacheSecrets {
		in = append(in, s.Value, "k_"+s.Value, strings.ReplaceAll(s.Value, `"`, `\"`),
			s.Value+strings.Repeat("z", MaxString))
	}
	for i := range 4 * Slots {
		in = append(in, fmt.Sprintf("field_%d", i))
	}
	return in
}

// The cache answers as ContainsValue does: the first time (a miss), the
// second (a hit), for more strings than it has slots, long strings, and the
// same bytes at another address.
func TestCleanCacheAgreesWithRedactor(t *testing.T) {
	r := cacheRedactor(t, cacheSecrets...)
	c := New(r)
	in := cacheInputs()
	for i := range len(in) {
		in = append(in, strings.Clone(in[i]))
	}
	for round := range 3 {
		for i, v := range in {
			want := r.ContainsValue([]byte(v))
			require.Equal(t, want, c.Contains(v), "round %d, input %d (%d bytes)", round, i, len(v))
		}
	}
}

// A string found clean is checked afresh once the secret set changes: a
// secret added with Add or Set is seen in it at once, in every slot of the
// pair, and one removed by Set is no longer reported (values added with
// Add stay through a Set).
func TestCleanCacheFollowsTheSecretSet(t *testing.T) {
	s := redact.Secret{Name: "cache/late", Value: "late-Vw37NpJx82Tq"}
	for _, way := range []string{"add", "set"} {
		r := cacheRedactor(t, cacheSecrets...)
		c := New(r)
		vs := []string{s.Value, "user_" + s.Value, strings.Clone(s.Value)}
		for i, v := range vs {
			require.False(t, c.Contains(v), "%s: input %d clean before the secret is known", way, i)
			require.False(t, c.Contains(v), "%s: input %d clean before the secret is known (cached)", way, i)
		}
		if way == "add" {
			require.NoError(t, r.Add(s))
		} else {
			require.NoError(t, r.Set(append([]redact.Secret{s}, cacheSecrets...)))
		}
		for i, v := range vs {
			require.True(t, c.Contains(v), "%s: input %d holds the secret added after it was cached", way, i)
		}
		if way == "add" {
			continue
		}
		require.NoError(t, r.Set(cacheSecrets))
		for i, v := range vs {
			require.False(t, c.Contains(v), "%s: input %d clean again once the secret is removed", way, i)
		}
	}
}

// Bytes that change under the same address (a string made over a reused
// buffer with unsafe.String) are checked on their bytes of now.
func TestCleanCacheMutatedString(t *testing.T) {
	r := cacheRedactor(t, cacheSecrets...)
	c := New(r)
	for i, s := range cacheSecrets {
		buf := []byte(strings.Repeat("-", len(s.Value)))
		v := unsafe.String(&buf[0], len(buf))
		require.False(t, c.Contains(v), "secret %d: placeholder clean", i)
		require.False(t, c.Contains(v), "secret %d: placeholder clean (cached)", i)
		copy(buf, s.Value)
		require.True(t, c.Contains(v), "secret %d written over a cached clean string at the same address", i)
		clear(buf)
	}
}

// Once a steady set of strings is in, checking them allocates nothing.
func TestCleanCacheNoAllocs(t *testing.T) {
	r := cacheRedactor(t, cacheSecrets...)
	c := New(r)
	keys := []string{"name", "email", "createdAt", "Jane Doe", "jane@test.com", "a", "fail"}
	for _, k := range keys {
		c.Contains(k)
	}
	allocs := testing.AllocsPerRun(100, func() {
		for _, k := range keys {
			c.Contains(k)
		}
	})
	require.Zero(t, allocs, "allocations per round of cached strings")
	filled := 0
	for i := range c.slots {
		if e := c.slots[i].Load(); e != nil {
			filled++
		}
	}
	require.Equal(t, len(keys), filled, "slots filled")
}

// Checks racing with Set and Add give every string ContainsValue's verdict
// under a set that was current during the check (run with -race): a string
// holding a secret that stays in the set throughout is never reported
// clean, whatever the cache held.
func TestCleanCacheConcurrentSet(t *testing.T) {
	stay := redact.Secret{Name: "cache/stay", Value: "stay-Pq09ZmXk81Lw"}
	r := cacheRedactor(t, stay)
	c := New(r)
	dirty := []string{stay.Value, "k_" + stay.Value}
	clean := []string{"name", "email", "createdAt", "Jane Doe"}
	stop := make(chan struct{})
	var churn, wg sync.WaitGroup
	churn.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_ = r.Set([]redact.Secret{stay, {Name: "cache/churn", Value: fmt.Sprintf("churn-%d-Hz81Lw0pXk", i)}})
		}
	})
	errs := make(chan string, 8)
	for g := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				for j, v := range dirty {
					if !c.Contains(v) {
						errs <- fmt.Sprintf("goroutine %d, round %d: dirty input %d reported clean", g, i, j)
						return
					}
				}
				for _, v := range clean {
					c.Contains(v)
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	churn.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
