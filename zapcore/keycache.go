package hushzap

import (
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

// judge returns m.Judge(key).
func (c *keyCache) judge(key string) keyrule.Verdict {
	if len(key) == 0 || len(key) > maxCachedKey {
		return c.m.Judge(key)
	}
	h := (uint64(uintptr(unsafe.Pointer(unsafe.StringData(key)))) ^ uint64(len(key))) * 0x9E3779B97F4A7C15
	slot := &c.slots[h>>(64-keyCacheBits)]
	e := slot.Load()
	if e != nil && e.key == key {
		return e.verdict
	}
	v := c.m.Judge(key)
	if e == nil {
		slot.CompareAndSwap(nil, &cachedKey{key: strings.Clone(key), verdict: v})
	}
	return v
}

// ruled reports whether the key rules redact f's value, as keyRuled does.
func (c *keyCache) ruled(f *zapcore.Field) bool {
	switch f.Type {
	case zapcore.NamespaceType, zapcore.SkipType:
		return false
	}
	k := fieldKind(f.Type)
	if k == keyrule.KindBool {
		return false
	}
	return c.judge(f.Key).Redacts(k)
}
