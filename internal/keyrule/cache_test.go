package keyrule_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/hushlog/hush/internal/keyrule"
	"github.com/hushlog/hush/internal/keyrule/keyruletest"
)

// The cache gives every key the matcher's verdict: the first time (a miss),
// the second (a hit), for more keys than it has slots, for keys longer than
// it caches, and for the same bytes at another address; Redacts agrees with
// the Matcher's for every kind.
func TestCacheAgreesWithMatcher(t *testing.T) {
	m := keyrule.New(keyrule.DefaultPatterns)
	c := keyrule.NewCache(m)
	var keys []string
	for _, k := range keyruletest.Keys {
		keys = append(keys, k.Key, strings.Clone(k.Key), strings.Repeat("x", keyrule.MaxCachedKey)+k.Key)
	}
	for i := range 4 * keyrule.CacheSlots {
		keys = append(keys, fmt.Sprintf("field_%d", i), fmt.Sprintf("field_%d_token", i))
	}
	for round := range 2 {
		for i, k := range keys {
			if got, want := c.Judge(k), m.Judge(k); got != want {
				t.Fatalf("round %d, key %d (%d bytes): %v, matcher %v", round, i, len(k), got, want)
			}
			for _, kind := range []keyrule.Kind{keyrule.KindText, keyrule.KindNumber, keyrule.KindBool} {
				if got, want := c.Redacts(k, kind), m.Redacts(k, kind); got != want {
					t.Fatalf("round %d, key %d, kind %d: Redacts %v, matcher %v", round, i, kind, got, want)
				}
			}
		}
	}
	if keyrule.NewCache(nil) != nil || keyrule.NewCache(nil).Redacts("password", keyrule.KindText) {
		t.Fatal("no rules: no cache, nothing redacted")
	}
}

// A key whose bytes change under the same address (a string made over a
// reused buffer with unsafe.String) is judged on its bytes of now; both
// directions, every pair of same-length table keys of different verdicts.
func TestCacheMutatedKey(t *testing.T) {
	m := keyrule.New(keyrule.DefaultPatterns)
	byLen := map[int][]keyruletest.Case{}
	for _, k := range keyruletest.Keys {
		if k.Key != "" && len(k.Key) <= keyrule.MaxCachedKey {
			byLen[len(k.Key)] = append(byLen[len(k.Key)], k)
		}
	}
	pairs := 0
	for n, cases := range byLen {
		for _, a := range cases {
			for _, b := range cases {
				if a.Want == b.Want {
					continue
				}
				c := keyrule.NewCache(m)
				buf := []byte(a.Key)
				key := unsafe.String(&buf[0], n)
				if got := c.Judge(key); got != a.Want {
					t.Fatalf("first judgement of %q: %v", a.Key, got)
				}
				copy(buf, b.Key)
				if got := c.Judge(key); got != b.Want {
					t.Fatalf("%q rewritten as %q at the same address: %v", a.Key, b.Key, got)
				}
				pairs++
			}
		}
	}
	if pairs < 100 {
		t.Fatalf("only %d pairs of same-length keys with different verdicts", pairs)
	}
}

// Once its slots are filled the cache allocates nothing, even for keys never
// seen before; judging from many goroutines at once gives every key its
// verdict (run with -race).
func TestCacheFillsOnceConcurrent(t *testing.T) {
	m := keyrule.New(keyrule.DefaultPatterns)
	c := keyrule.NewCache(m)
	keys := make([]string, 64*keyrule.CacheSlots)
	for i := range keys {
		keys[i] = fmt.Sprintf("dynamic_key_%d", i)
	}
	for _, k := range keys[:16*keyrule.CacheSlots] {
		c.Judge(k)
	}
	i := 16 * keyrule.CacheSlots
	if allocs := testing.AllocsPerRun(1000, func() { c.Judge(keys[i%len(keys)]); i++ }); allocs != 0 {
		t.Fatalf("%v allocations per judgement with every slot filled", allocs)
	}
	c = keyrule.NewCache(m)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for j := range 2000 {
				k := keyruletest.Keys[(j+g)%len(keyruletest.Keys)]
				if got := c.Judge(k.Key); got != k.Want {
					t.Errorf("goroutine %d: %q judged %v", g, k.Key, got)
					return
				}
			}
		})
	}
	wg.Wait()
}
