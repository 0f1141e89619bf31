package keyrule

import (
	"encoding/binary"
	"strings"
	"sync/atomic"
	"unsafe"
)

// Cache remembers a Matcher's verdicts on keys, for a front end that judges
// the keys of every log call (slog's handlers; zap's keep their own, with
// the lookup inline in their loop over fields). The keys of a program's log
// calls are a few hundred string constants, logged again and again, so a
// lookup by the key's address (a multiply and one load) answers for nearly
// all of them.
//
// The address only picks a pair of slots. A slot holds its own copy of the
// key it was filled with, and a hit needs the whole key to be equal to that
// copy: a key whose bytes changed under the same address (a string built
// over a reused buffer with unsafe.String) misses and is judged afresh,
// never given another key's verdict. A slot is filled once, when it is
// empty, and then kept for the life of the cache: it allocates at most
// CacheSlots times, and nothing once the slots its keys use are filled.
// Keys longer than MaxCachedKey are judged every time.
type Cache struct {
	m     *Matcher
	slots [CacheSlots]atomic.Pointer[cachedKey]
}

type cachedKey struct {
	key     string // a private copy
	verdict Verdict
}

const (
	cacheBits = 8
	// CacheSlots is the number of keys a Cache holds.
	CacheSlots = 1 << cacheBits
	// MaxCachedKey is the length of the longest key a Cache holds.
	MaxCachedKey = 64
)

// NewCache returns a cache of m's verdicts, or nil when m is nil (no key
// rules: Redacts on a nil Cache reports false).
func NewCache(m *Matcher) *Cache {
	if m == nil {
		return nil
	}
	return &Cache{m: m}
}

// Redacts reports m.Redacts(key, k).
func (c *Cache) Redacts(key string, k Kind) bool {
	if c == nil || k == KindBool {
		return false
	}
	return c.Judge(key).Redacts(k)
}

// Judge returns m.Judge(key). A key looks in two slots, the one its
// address picks and its neighbour, so two keys of one call site whose
// addresses pick the same slot are both cached.
func (c *Cache) Judge(key string) Verdict {
	if len(key) == 0 || len(key) > MaxCachedKey {
		return c.m.Judge(key)
	}
	i := cacheSlot(key)
	slot := &c.slots[i]
	e := slot.Load()
	if e != nil && sameKey(e.key, key) {
		return e.verdict
	}
	other := &c.slots[i^1]
	o := other.Load()
	if o != nil && sameKey(o.key, key) {
		return o.verdict
	}
	v := c.m.Judge(key)
	switch {
	case e == nil:
		slot.CompareAndSwap(nil, &cachedKey{key: strings.Clone(key), verdict: v})
	case o == nil:
		other.CompareAndSwap(nil, &cachedKey{key: strings.Clone(key), verdict: v})
	}
	return v
}

// sameKey reports a == b, with two overlapping loads inline for the keys
// of 4 to 8 bytes that most are ("user", "error").
func sameKey(a, b string) bool {
	n := len(a)
	if n != len(b) || n < 4 || n > 8 {
		return a == b
	}
	x, y := unsafe.Slice(unsafe.StringData(a), n), unsafe.Slice(unsafe.StringData(b), n)
	return binary.LittleEndian.Uint32(x) == binary.LittleEndian.Uint32(y) &&
		binary.LittleEndian.Uint32(x[n-4:]) == binary.LittleEndian.Uint32(y[n-4:])
}

// cacheSlot is the slot a key's address and length pick.
func cacheSlot(key string) uint64 {
	h := (uint64(uintptr(unsafe.Pointer(unsafe.StringData(key)))) ^ uint64(len(key))) * 0x9E3779B97F4A7C15
	return h >> (64 - cacheBits)
}
