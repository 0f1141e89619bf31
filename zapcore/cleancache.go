package hushzap

import (
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/hushlog/hush/redact"
)

// cleanCache remembers which short strings hold no secret, for Wrap's
// scrubber, which checks every key and string value of an entry one by one
// (Redactor.ContainsValue: about 1,500 instructions however short the
// string, the setup of the index search, the detectors and the decoders).
// The keys and many of the values a program logs are the same strings
// again and again (string constants, a struct's fields), at the same
// addresses; a lookup by address answers for them in a few dozen
// instructions.
//
// As in keyCache, the address only picks a pair of slots; a hit needs the
// string's bytes to equal the slot's private copy, so bytes changed under
// the same address are checked afresh. A verdict holds for one secret set:
// each slot records the epoch it was checked in, and the epoch moves on
// whenever the Redactor's Version differs from the one the cache last saw
// (Set, Add, a merge), which empties the cache at once. Only "clean" is
// cached; a string that holds a secret is checked every time. A slot is
// filled when it is empty or stale, so once the strings of a steady
// workload are in, checking allocates nothing.
type cleanCache struct {
	r     *redact.Redactor
	epoch atomic.Pointer[cleanEpoch]
	slots [cleanCacheSlots]atomic.Pointer[cleanString]
}

// cleanEpoch pairs an epoch with the Version it stands for. Only the
// current one is referenced (slots hold the number), so an old secret set
// is not kept alive by the cache.
type cleanEpoch struct {
	v redact.Version
	n uint64
}

type cleanString struct {
	s     string // a private copy
	epoch uint64
}

const (
	cleanCacheBits  = 8
	cleanCacheSlots = 1 << cleanCacheBits
	maxCleanString  = 64
)

func newCleanCache(r *redact.Redactor) *cleanCache {
	c := &cleanCache{r: r}
	c.epoch.Store(&cleanEpoch{v: r.Version()})
	return c
}

// contains reports r.ContainsValue(v).
func (c *cleanCache) contains(v string) bool {
	b := unsafe.Slice(unsafe.StringData(v), len(v))
	if len(v) > maxCleanString {
		return c.r.ContainsValue(b)
	}
	ver := c.r.Version()
	ep := c.epoch.Load()
	if ep.v != ver {
		ep = c.advance(ep, ver)
	}
	h := (uint64(uintptr(unsafe.Pointer(unsafe.StringData(v)))) ^ uint64(len(v))) * 0x9E3779B97F4A7C15
	i := h >> (64 - cleanCacheBits)
	slot, other := &c.slots[i], &c.slots[i^1]
	e, o := slot.Load(), other.Load()
	if ep != nil {
		if e != nil && e.epoch == ep.n && e.s == v || o != nil && o.epoch == ep.n && o.s == v {
			return false
		}
	}
	if c.r.ContainsValue(b) {
		return true
	}
	// The verdict is ep's only if no set was published while it was
	// checked (ver, held here, cannot be published again).
	if ep == nil || c.r.Version() != ver {
		return false
	}
	switch {
	case e == nil || e.epoch != ep.n:
		slot.CompareAndSwap(e, &cleanString{s: strings.Clone(v), epoch: ep.n})
	case o == nil || o.epoch != ep.n:
		other.CompareAndSwap(o, &cleanString{s: strings.Clone(v), epoch: ep.n})
	}
	return false
}

// advance moves the cache to the epoch of ver, the Version just read, and
// returns it; nil when another goroutine moved it meanwhile (the caller
// then neither uses nor fills the cache).
func (c *cleanCache) advance(old *cleanEpoch, ver redact.Version) *cleanEpoch {
	next := &cleanEpoch{v: ver, n: old.n + 1}
	// A goroutine that read its Version before a newer one was published
	// must not move the cache back to it.
	if c.r.Version() != ver || !c.epoch.CompareAndSwap(old, next) {
		return nil
	}
	return next
}
