// Package cleancache remembers which short strings hold no secret, for the
// zap and slog front ends that check a log call's keys and values one by one
// before their logger writes them (zap's Wrap, slog's NewHandler).
package cleancache

import (
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/hushlog/hush/redact"
)

// Cache remembers which short strings hold no secret, for a scrubber that
// checks every key and string value of an entry one by one
// (Redactor.ContainsValue: about 1,500 instructions however short the
// string, the setup of the index search, the detectors and the decoders).
// The keys and many of the values a program logs are the same strings
// again and again (string constants, a struct's fields), at the same
// addresses; a lookup by address answers for them in a few dozen
// instructions.
//
// The address only picks a pair of slots; a hit needs the
// string's bytes to equal the slot's private copy, so bytes changed under
// the same address are checked afresh. A verdict holds for one secret set:
// each slot records the epoch it was checked in, and the epoch moves on
// whenever the Redactor's Version differs from the one the cache last saw
// (Set, Add, a merge), which empties the cache at once. Only "clean" is
// cached; a string that holds a secret is checked every time. A slot is
// filled when it is empty or stale, so once the strings of a steady
// workload are in, checking allocates nothing.
type Cache struct {
	r     *redact.Redactor
	epoch atomic.Pointer[cleanEpoch]
	slots [Slots]atomic.Pointer[cleanString]
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
	bits = 8
	// Slots is the number of strings the cache holds.
	Slots = 1 << bits
	// MaxString is the length of the longest string cached; longer ones
	// are checked every time.
	MaxString = 64
)

// New returns an empty cache for r.
func New(r *redact.Redactor) *Cache {
	c := &Cache{r: r}
	c.epoch.Store(&cleanEpoch{v: r.Version()})
	return c
}

// Contains reports r.ContainsValue(v).
func (c *Cache) Contains(v string) bool {
	if len(v) <= MaxString {
		ver := c.r.Version()
		ep := c.epoch.Load()
		i := cleanSlot(v)
		if ep.v == ver {
			if e := c.slots[i].Load(); e != nil && e.epoch == ep.n && e.s == v {
				return false
			}
			if e := c.slots[i^1].Load(); e != nil && e.epoch == ep.n && e.s == v {
				return false
			}
		}
		return c.miss(v, i, ver, ep)
	}
	return c.r.ContainsValue(unsafe.Slice(unsafe.StringData(v), len(v)))
}

// cleanSlot is the slot a string's address and length pick.
func cleanSlot(v string) uint64 {
	h := (uint64(uintptr(unsafe.Pointer(unsafe.StringData(v)))) ^ uint64(len(v))) * 0x9E3779B97F4A7C15
	return h >> (64 - bits)
}

// miss checks v, found in neither slot i nor its neighbour, and caches it
// when it is clean. ver is the Version read before the lookup, ep the
// epoch then.
func (c *Cache) miss(v string, i uint64, ver redact.Version, ep *cleanEpoch) bool {
	if c.r.ContainsValue(unsafe.Slice(unsafe.StringData(v), len(v))) {
		return true
	}
	if ep.v != ver {
		ep = c.advance(ep, ver)
	}
	// The verdict is ep's only if no set was published while it was
	// checked (ver, held here, cannot be published again).
	if ep == nil || c.r.Version() != ver {
		return false
	}
	slot, other := &c.slots[i], &c.slots[i^1]
	e, o := slot.Load(), other.Load()
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
func (c *Cache) advance(old *cleanEpoch, ver redact.Version) *cleanEpoch {
	next := &cleanEpoch{v: ver, n: old.n + 1}
	// A goroutine that read its Version before a newer one was published
	// must not move the cache back to it.
	if c.r.Version() != ver || !c.epoch.CompareAndSwap(old, next) {
		return nil
	}
	return next
}
