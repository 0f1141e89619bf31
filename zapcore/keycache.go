package hushzap

import (
	"encoding/binary"
	"strings"
	"sync/atomic"
	"unsafe"

	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/internal/keyrule"
)

// keyCache remembers the key rules' verdicts on the keys of log-call fields
// for NewCore and NewEncoder. Judging a key reads it byte by byte (about 20
// ns); the keys of a program's log calls are a few hundred string
// constants, logged again and again, so a lookup by the key's address (a
// multiply and one load) answers for nearly all of them.
//
// The address only picks the slot. A slot holds its own copy of the key it
// was filled with, and a hit needs the whole key to be equal to that copy:
// a key whose bytes changed under the same address (a string built over a
// reused buffer with unsafe.String) misses and is judged afresh, never given
// another key's verdict. A slot is filled once, when it is empty, and then
// kept for the life of the encoder: the cache allocates at most
// keyCacheSlots times, and an entry never makes it allocate once the slots
// its keys use are filled. Keys longer than maxCachedKey are judged every
// time.
type keyCache struct {
	m     *keyrule.Matcher
	slots [keyCacheSlots]atomic.Pointer[cachedKey]
}

type cachedKey struct {
	key     string // a private copy
	verdict keyrule.Verdict
}

const (
	keyCacheBits  = 8
	keyCacheSlots = 1 << keyCacheBits
	maxCachedKey  = 64
)

func newKeyCache(m *keyrule.Matcher) *keyCache {
	if m == nil {
		return nil
	}
	return &keyCache{m: m}
}

// judge returns m.Judge(key). A key looks in two slots, the one its
// address picks and its neighbour (the pair of slots 2i, 2i+1), so two keys
// of one call site whose addresses pick the same slot are both cached (with
// one slot each, about one entry in six of a ten-field call site had a key
// judged afresh on every call).
func (c *keyCache) judge(key string) keyrule.Verdict {
	if len(key) == 0 || len(key) > maxCachedKey {
		return c.m.Judge(key)
	}
	i := keySlot(key)
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
// of 4 to 8 bytes that most are ("user", "error") rather than a call of
// the runtime's comparison.
func sameKey(a, b string) bool {
	n := len(a)
	if n != len(b) || n < 4 || n > 8 {
		return a == b
	}
	x, y := unsafe.Slice(unsafe.StringData(a), n), unsafe.Slice(unsafe.StringData(b), n)
	return binary.LittleEndian.Uint32(x) == binary.LittleEndian.Uint32(y) &&
		binary.LittleEndian.Uint32(x[n-4:]) == binary.LittleEndian.Uint32(y[n-4:])
}

// keySlot is the slot a key's address and length pick.
func keySlot(key string) uint64 {
	h := (uint64(uintptr(unsafe.Pointer(unsafe.StringData(key)))) ^ uint64(len(key))) * 0x9E3779B97F4A7C15
	return h >> (64 - keyCacheBits)
}

// firstRuled returns the index of the first of fields whose value the key
// rules redact (as keyRuled says) or that is an inline marshaler (whose
// fields the rules apply to), or -1: one loop over an entry's fields, with
// the lookup of a cached key inline.
func (c *keyCache) firstRuled(fields []zapcore.Field) int {
	for i := range fields {
		f := &fields[i]
		if f.Type == zapcore.InlineMarshalerType {
			return i
		}
		k := ruledKinds[f.Type]
		if k == keyrule.KindBool {
			continue
		}
		var v keyrule.Verdict
		if n := len(f.Key); n > 0 && n <= maxCachedKey {
			j := keySlot(f.Key)
			if e := c.slots[j].Load(); e != nil && sameKey(e.key, f.Key) {
				v = e.verdict
			} else if o := c.slots[j^1].Load(); o != nil && sameKey(o.key, f.Key) {
				v = o.verdict
			} else {
				v = c.judge(f.Key)
			}
		} else {
			v = c.judge(f.Key)
		}
		if v.Redacts(k) {
			return i
		}
	}
	return -1
}

// ruled reports whether the key rules redact f's value, as keyRuled does.
func (c *keyCache) ruled(f *zapcore.Field) bool {
	k := ruledKinds[f.Type]
	if k == keyrule.KindBool {
		return false
	}
	return c.judge(f.Key).Redacts(k)
}

// ruledKinds is fieldKind by field type, one load instead of two switches,
// with KindBool (never redacted) for the types the rules never apply to
// (namespaces, skipped fields).
var ruledKinds = func() (t [256]keyrule.Kind) {
	for i := range t {
		switch ft := zapcore.FieldType(i); ft {
		case zapcore.NamespaceType, zapcore.SkipType:
			t[i] = keyrule.KindBool
		default:
			t[i] = fieldKind(ft)
		}
	}
	return t
}()
