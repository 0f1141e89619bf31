package hushslog

import (
	"runtime"
	"sync/atomic"
	"unsafe"

	"github.com/hushlog/hush/redact"
)

// sourceCache remembers which program counters have a source location (a
// function name and a file path, what a handler with AddSource prints)
// that holds no secret. The middleware cannot rewrite the source next
// prints, which next computes from the record's PC: a record whose
// location holds a secret (a file under a //line directive or a build
// path named after a credential, a function named like a token) is passed
// on with a zero PC, so next prints no location at all.
//
// Resolving a PC to its frame costs an allocation and a walk of the
// program's tables, so a clean verdict is kept per PC and per secret set,
// as cleanCache does in the zap front end: a slot records the PC and the
// epoch it was checked in; the epoch moves on whenever the Redactor's
// Version differs from the one the cache last saw. Only "clean" is cached.
type sourceCache struct {
	r     *redact.Redactor
	epoch atomic.Pointer[sourceEpoch]
	slots [sourceSlots]atomic.Pointer[cleanPC]
}

type sourceEpoch struct {
	v redact.Version
	n uint64
}

type cleanPC struct {
	pc    uintptr
	epoch uint64
}

const (
	sourceBits  = 8
	sourceSlots = 1 << sourceBits
)

func newSourceCache(r *redact.Redactor) *sourceCache {
	c := &sourceCache{r: r}
	c.epoch.Store(&sourceEpoch{v: r.Version()})
	return c
}

// dirty reports whether the source location of pc holds a secret.
func (c *sourceCache) dirty(pc uintptr) bool {
	ver := c.r.Version()
	ep := c.epoch.Load()
	i := (uint64(pc) * 0x9E3779B97F4A7C15) >> (64 - sourceBits)
	if ep.v == ver {
		if e := c.slots[i].Load(); e != nil && e.pc == pc && e.epoch == ep.n {
			return false
		}
	}
	fs := runtime.CallersFrames([]uintptr{pc})
	f, _ := fs.Next()
	if c.containsString(f.Function) || c.containsString(f.File) {
		return true
	}
	if ep.v != ver {
		next := &sourceEpoch{v: ver, n: ep.n + 1}
		if c.r.Version() != ver || !c.epoch.CompareAndSwap(ep, next) {
			return false // another goroutine moved the cache meanwhile
		}
		ep = next
	}
	if c.r.Version() == ver {
		c.slots[i].Store(&cleanPC{pc: pc, epoch: ep.n})
	}
	return false
}

func (c *sourceCache) containsString(v string) bool {
	return c.r.ContainsValue(unsafe.Slice(unsafe.StringData(v), len(v)))
}
