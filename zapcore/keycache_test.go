package hushzap

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/internal/keyrule"
	"github.com/hushlog/hush/internal/keyrule/keyruletest"
)

// The cache gives every key the matcher's verdict: the first time (a miss),
// the second (a hit), for more keys than it has slots (collisions, slots
// kept by other keys), for keys longer than it caches, and for the same
// bytes at another address.
func TestKeyCacheAgreesWithMatcher(t *testing.T) {
	m := keyrule.New(keyrule.DefaultPatterns)
	c := newKeyCache(m)
	var keys []string
	for _, k := range keyruletest.Keys {
		keys = append(keys, k.Key, strings.Clone(k.Key), strings.Repeat("x", maxCachedKey)+k.Key)
	}
	for i := range 4 * keyCacheSlots {
		keys = append(keys, fmt.Sprintf("field_%d", i), fmt.Sprintf("field_%d_token", i))
	}
	for round := range 2 {
		for i, k := range keys {
			assert.Equal(t, m.Judge(k), c.judge(k), "round %d, key %d (%d bytes)", round, i, len(k))
		}
	}
	assert.Nil(t, newKeyCache(nil), "no rules, no cache")
}

// A key whose bytes change under the same address (a string made over a
// reused buffer with unsafe.String, as zero-copy loggers do) is judged on
// its bytes of now, never given the verdict cached for its old bytes; both
// directions, every pair of same-length table keys of different verdicts.
func TestKeyCacheMutatedKey(t *testing.T) {
	m := keyrule.New(keyrule.DefaultPatterns)
	byLen := map[int][]keyruletest.Case{}
	for _, k := range keyruletest.Keys {
		if k.Key != "" && len(k.Key) <= maxCachedKey {
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
				c := newKeyCache(m)
				buf := []byte(a.Key)
				key := unsafe.String(&buf[0], n)
				require.Equal(t, a.Want, c.judge(key), "first judgement of %q", a.Key)
				copy(buf, b.Key)
				require.Equal(t, b.Want, c.judge(key), "%q rewritten as %q at the same address", a.Key, b.Key)
				pairs++
			}
		}
	}
	require.Greater(t, pairs, 100, "pairs of same-length keys with different verdicts")
}

// Once the slots its keys use are filled, the cache allocates nothing more,
// even when every entry brings keys never seen before.
func TestKeyCacheFillsOnce(t *testing.T) {
	c := newKeyCache(keyrule.New(keyrule.DefaultPatterns))
	keys := make([]string, 64*keyCacheSlots)
	for i := range keys {
		keys[i] = fmt.Sprintf("dynamic_key_%d", i)
	}
	for _, k := range keys[:16*keyCacheSlots] { // fills every slot, surely
		c.judge(k)
	}
	filled := 0
	for i := range c.slots {
		if c.slots[i].Load() != nil {
			filled++
		}
	}
	require.Equal(t, keyCacheSlots, filled, "slots filled by %d keys", 16*keyCacheSlots)
	i := 16 * keyCacheSlots
	allocs := testing.AllocsPerRun(1000, func() {
		c.judge(keys[i%len(keys)])
		i++
	})
	assert.Zero(t, allocs, "allocations per judgement with every slot filled")
}

// Judging from many goroutines at once, hits, misses and fills racing, gives
// every key its verdict (run with -race).
func TestKeyCacheConcurrent(t *testing.T) {
	m := keyrule.New(keyrule.DefaultPatterns)
	c := newKeyCache(m)
	var keys []string
	for _, k := range keyruletest.Keys {
		keys = append(keys, k.Key)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 * len(keys) {
				k := keys[(i*7+g)%len(keys)]
				if c.judge(k) != m.Judge(k) {
					errs <- k
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for k := range errs {
		t.Errorf("wrong verdict under concurrency for key %q", k)
	}
}

// ruled is keyRuled: the same answer for every field type under every table
// key.
func TestKeyCacheRuledIsKeyRuled(t *testing.T) {
	m := keyrule.New(keyrule.DefaultPatterns)
	c := newKeyCache(m)
	for _, k := range keyruletest.Keys {
		for ft := zapcore.UnknownType; ft <= zapcore.InlineMarshalerType; ft++ {
			f := zapcore.Field{Key: k.Key, Type: ft}
			assert.Equal(t, keyRuled(m, &f), c.ruled(&f), "key %q, field type %d", k.Key, ft)
		}
	}
}

// Two keys whose addresses pick the same slot (or the two slots of a pair)
// are both cached: after one judgement each, both are held, so neither is
// judged afresh on every call. With one slot per key the second was never
// cached.
func TestKeyCacheCollidingKeys(t *testing.T) {
	c := newKeyCache(keyrule.New(keyrule.DefaultPatterns))
	bySlot := map[uint64]string{}
	var a, b string
	for i := 0; a == ""; i++ {
		k := strings.Clone(fmt.Sprintf("colliding_key_%d", i))
		if prev, ok := bySlot[keySlot(k)]; ok {
			a, b = prev, k
		}
		bySlot[keySlot(k)] = k
	}
	c.judge(a)
	c.judge(b)
	held := map[string]bool{}
	for i := range c.slots {
		if e := c.slots[i].Load(); e != nil {
			held[e.key] = true
		}
	}
	assert.True(t, held[a] && held[b], "both keys of slot %d cached (first %v, second %v)", keySlot(a), held[a], held[b])
	allocs := testing.AllocsPerRun(100, func() {
		c.judge(a)
		c.judge(b)
	})
	assert.Zero(t, allocs, "allocations per judgement of cached keys")
}
