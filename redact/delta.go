package redact

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/hushlog/hush/fingerprint"
)

// Incremental updates. A change to the secret set costs time in proportion
// to what changed, not to the set: the snapshot searches a large base index
// (the last full build or background merge), minus a mask over the pattern
// ids of the values removed since, plus a small delta index of the values
// added since. A removed value is masked in the same atomic swap that
// publishes its replacement, so no reader sees one without the other. When
// the delta or the mask grows past a limit, a goroutine rebuilds the whole
// index from the live values and publishes it, re-applying whatever changed
// while it ran. See DESIGN.md ("Refreshing the set").

// Tuning (copied into each Redactor, so that tests can force the
// incremental path on small sets and a merge after a few changes).
const (
	// defaultIncrMinBase: with a base index of fewer patterns every change
	// rebuilds the whole index, which then takes a few milliseconds.
	defaultIncrMinBase = 16384
	// defaultDeltaLimit: a delta of more patterns (or a mask over more
	// than max(limit, base/8) patterns) starts a background merge.
	defaultDeltaLimit = 4096
	// defaultIdleMerge: a smaller delta is merged once no change has come
	// for this long (or twenty times a full build's time, if longer).
	defaultIdleMerge = 10 * time.Second
)

// layers is the index a snapshot searches. Its methods are those of
// fingerprint.Index, so the scan (redactor.go, decode.go) does not know
// there are two.
type layers struct {
	base  *fingerprint.Index
	delta *fingerprint.Index
	// dead are the base's pattern ids no longer reported (values removed,
	// or re-indexed in the delta under another name): sorted, disjoint.
	dead  []idRange
	deadN int // patterns in dead
}

type idRange struct{ lo, hi uint32 }

func (l *layers) isDead(id uint32) bool {
	d := l.dead
	lo, hi := 0, len(d)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if d[m].hi <= id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(d) && d[lo].lo <= id
}

// Find is fingerprint.Index.Find over base and delta, without the masked
// patterns. Ids of both layers index one pats table.
func (l *layers) Find(dst []fingerprint.Match, text []byte) []fingerprint.Match {
	if l == nil {
		return dst
	}
	n := len(dst)
	dst = l.base.Find(dst, text)
	if len(l.dead) > 0 {
		k := n
		for _, m := range dst[n:] {
			if !l.isDead(m.ID) {
				dst[k] = m
				k++
			}
		}
		dst = dst[:k]
	}
	return l.delta.Find(dst, text)
}

// Contains is fingerprint.Index.Contains over base and delta.
func (l *layers) Contains(text []byte) bool {
	if l == nil {
		return false
	}
	if l.base.Contains(text) {
		if len(l.dead) == 0 {
			return true
		}
		var mb [8]fingerprint.Match
		for _, m := range l.base.Find(mb[:0], text) {
			if !l.isDead(m.ID) {
				return true
			}
		}
	}
	return l.delta.Contains(text)
}

// MayStartAt is fingerprint.Index.MayStartAt over base and delta (a filter:
// masked patterns may still be admitted).
func (l *layers) MayStartAt(text []byte, i int, final bool) bool {
	if l == nil {
		return false
	}
	return l.base.MayStartAt(text, i, final) || l.delta.MayStartAt(text, i, final)
}

// Len reports the patterns searched: the base's unmasked ones and the
// delta's.
func (l *layers) Len() int {
	if l == nil {
		return 0
	}
	return l.base.Len() - l.deadN + l.delta.Len()
}

// MaxLen is the longest pattern of either layer (masked ones included).
func (l *layers) MaxLen() int {
	if l == nil {
		return 0
	}
	return max(l.base.MaxLen(), l.delta.MaxLen())
}

// MemoryBytes is the memory of both layers and the mask.
func (l *layers) MemoryBytes() int {
	if l == nil {
		return 0
	}
	return l.base.MemoryBytes() + l.delta.MemoryBytes() + 8*cap(l.dead)
}

// Where a live value's patterns are.
const (
	inNone  uint8 = iota // not indexed (its name is in a replacement text)
	inBase               // pats ids [lo, hi) of the base
	inDelta              // pats ids [lo, hi) of the delta
)

// liveValue is one distinct unit value of the current set.
type liveValue struct {
	value string
	// holders are the names holding it, one per unit, oldest first:
	// holders[0] is the name it is indexed under.
	holders []string
	sec     uint32
	lo, hi  uint32
	where   uint8
}

const noSec = ^uint32(0)

type liveName struct {
	sec   uint32 // noSec until it has a secInfo
	units int
}

// tracker is the writer's side of the incremental updates, guarded by the
// Redactor's buildMu: what is live, and where each value is indexed in the
// tables of the last published snapshot. Tables shared with published
// snapshots (pats, secs) are only appended to, past every published
// length; dead is copied on write.
type tracker struct {
	vals    map[string]*liveValue
	names   map[string]*liveName
	skipped map[Skipped]int // policy skips of the units, counted
	bad     map[string]bool // names dropped: a value occurs in a replacement
	spaces  int             // live values with a space (snapshot.plusSpace)
	live    int             // names with at least one unit

	base            *fingerprint.Index
	baseDecodedOnly bool
	baseBackslash   bool
	pats            []patInfo
	secs            []secInfo
	repls           []byte // every sec's replacement, back to back
	replEnd         []int  // replEnd[i] is where secs[i]'s ends in repls

	delta            map[*liveValue]struct{}
	deltaIdx         *fingerprint.Index
	deltaDecodedOnly bool
	deltaBackslash   bool
	dead             []idRange
	deadN            int

	pending     []string      // names that got a unit and may need a secInfo
	skippedList []Skipped     // sorted; nil when it must be recomputed
	exp         expansion     // the delta's, reused
	buildCost   time.Duration // of the last full build or merge
	gen         uint64        // changes published
	merging     bool
}

// errRebuild is returned by the incremental path when the change needs a
// full build (a value that occurs in a replacement text is involved).
var errRebuild = errors.New("redact: needs a full build")

func newTracker() *tracker {
	return &tracker{
		vals:    map[string]*liveValue{},
		names:   map[string]*liveName{},
		skipped: map[Skipped]int{},
		bad:     map[string]bool{},
		delta:   map[*liveValue]struct{}{},
	}
}

// hold records a unit.
func (t *tracker) hold(u unit) *liveValue {
	lv := t.vals[u.value]
	if lv == nil {
		lv = &liveValue{value: u.value, sec: noSec}
		t.vals[u.value] = lv
	}
	if len(lv.holders) == 0 && strings.IndexByte(u.value, ' ') >= 0 {
		t.spaces++
	}
	lv.holders = append(lv.holders, u.name)
	n := t.names[u.name]
	if n == nil {
		n = &liveName{sec: noSec}
		t.names[u.name] = n
	}
	if n.units == 0 {
		t.live++
		if n.sec == noSec {
			t.pending = append(t.pending, u.name)
		}
	}
	n.units++
	return lv
}

// release forgets a unit (its last holding by that name, so that the
// oldest holder keeps the value). The value stays in vals, perhaps with no
// holder, until the change is applied.
func (t *tracker) release(u unit) *liveValue {
	lv := t.vals[u.value]
	if lv == nil {
		return nil
	}
	for k := len(lv.holders) - 1; k >= 0; k-- {
		if lv.holders[k] == u.name {
			lv.holders = slices.Delete(lv.holders, k, k+1)
			if len(lv.holders) == 0 && strings.IndexByte(u.value, ' ') >= 0 {
				t.spaces--
			}
			if n := t.names[u.name]; n != nil {
				n.units--
				if n.units == 0 {
					t.live--
				}
			}
			break
		}
	}
	return lv
}

// addSec gives a name a secInfo.
func (t *tracker) addSec(r *Redactor, name string) uint32 {
	si := uint32(len(t.secs))
	repl := []byte(r.render(name))
	t.secs = append(t.secs, secInfo{name: name, repl: repl, counters: r.countersFor(name)})
	t.repls = append(t.repls, repl...)
	t.replEnd = append(t.replEnd, len(t.repls))
	return si
}

// kill masks base pattern ids [lo, hi), copying the mask.
func (t *tracker) kill(lo, hi uint32) {
	if lo == hi {
		return
	}
	i, _ := slices.BinarySearchFunc(t.dead, lo, func(r idRange, v uint32) int { return int(int64(r.lo) - int64(v)) })
	d := make([]idRange, 0, len(t.dead)+1)
	d = append(d, t.dead[:i]...)
	d = append(d, idRange{lo, hi})
	t.dead = append(d, t.dead[i:]...)
	t.deadN += int(hi - lo)
}

// rebase makes bb the base and puts every live value that bb does not
// index under its current owner into the delta (a value changed since the
// units of bb were taken); values bb indexes that are no longer live
// under that owner are masked. It returns errRebuild when names that bb
// did not see need their replacement checked and one holds a value.
func (t *tracker) rebase(r *Redactor, bb *baseBuild) error {
	t.base, t.baseDecodedOnly, t.baseBackslash, t.pats, t.secs = bb.idx, bb.decodedOnly, bb.backslash, bb.pats, bb.secs
	t.repls, t.replEnd = t.repls[:0:0], make([]int, 0, len(bb.secs))
	for _, s := range bb.secs {
		t.repls = append(t.repls, s.repl...)
		t.replEnd = append(t.replEnd, len(t.repls))
	}
	var fresh []uint32
	t.pending = t.pending[:0]
	for name, n := range t.names {
		if n.units == 0 {
			delete(t.names, name)
			continue
		}
		if si, ok := bb.secIndex[name]; ok {
			n.sec = si
		} else {
			n.sec = t.addSec(r, name)
			fresh = append(fresh, n.sec)
		}
	}
	t.bad = map[string]bool{}
	for si := range bb.bad {
		t.bad[bb.secs[si].name] = true
	}
	t.delta, t.dead, t.deadN, t.deltaIdx = map[*liveValue]struct{}{}, nil, 0, nil
	kept := make([]bool, len(bb.jobs))
	var moved []*liveValue
	for _, lv := range t.vals {
		owner := lv.holders[0]
		lv.sec = t.names[owner].sec
		if j, ok := bb.jobIndex[lv.value]; ok && bb.secs[bb.jobs[j].sec].name == owner {
			kept[j] = true
			lv.where, lv.lo, lv.hi = inBase, bb.ranges[j], bb.ranges[j+1]
			if bb.bad[lv.sec] {
				lv.where = inNone
			}
			continue
		}
		lv.where = inNone
		t.delta[lv] = struct{}{}
		moved = append(moved, lv)
	}
	for j, k := range kept {
		if !k && !bb.bad[bb.jobs[j].sec] && bb.ranges[j] < bb.ranges[j+1] {
			t.dead = append(t.dead, idRange{bb.ranges[j], bb.ranges[j+1]})
			t.deadN += int(bb.ranges[j+1] - bb.ranges[j])
		}
	}
	if len(t.bad) > 0 && len(moved) > 0 {
		return errRebuild // which of them are dropped is the full build's to say
	}
	return t.rebuildDelta(r, moved, fresh)
}

// rebuildDelta indexes the delta anew: its values keep their pattern ids,
// fresh values get theirs appended to pats. The fresh values' forms are
// checked against every replacement, and newSecs' replacements against
// the whole index; a hit returns errRebuild.
func (t *tracker) rebuildDelta(r *Redactor, fresh []*liveValue, newSecs []uint32) error {
	vs := make([]*liveValue, 0, len(t.delta))
	jobs := make([]job, 0, len(t.delta))
	for lv := range t.delta {
		vs = append(vs, lv)
		jobs = append(jobs, job{value: lv.value, sec: lv.sec})
	}
	// One worker, and the same arena every time: the delta is small, and a
	// fresh arena per change would be a megabyte to allocate and clear.
	e := &t.exp
	if len(e.fs.chunks) > 0 {
		e.fs.arena, e.fs.chunks = e.fs.chunks[0][:0], e.fs.chunks[:1]
	}
	e.run(jobs, r.opts.encodings)
	parts := []*expansion{e}
	defer e.fs.wipe() // plaintext forms should not stay in memory
	patterns := make([]fingerprint.Pattern, 0, len(e.patterns))
	var added []fingerprint.Pattern
	decodedOnly, backslash := false, false
	k := 0
	for _, p := range parts {
		off := uint32(0)
		for _, c := range p.counts {
			lv := vs[k]
			k++
			if lv.where != inDelta {
				lv.lo = uint32(len(t.pats))
				t.pats = append(t.pats, p.pats[off:off+c]...)
				lv.hi, lv.where = uint32(len(t.pats)), inDelta
				for i := range c {
					added = append(added, fingerprint.Pattern{Value: p.patterns[off+i].Value, ID: lv.lo + i})
				}
			} else if lv.hi-lv.lo != c {
				return fmt.Errorf("redact: delta value expanded to %d patterns, had %d", c, lv.hi-lv.lo)
			}
			for i := range c {
				patterns = append(patterns, fingerprint.Pattern{Value: p.patterns[off+i].Value, ID: lv.lo + i})
				decodedOnly = decodedOnly || p.pats[off+i].decodedOnly
				backslash = backslash || holdsEscape(p.patterns[off+i].Value)
			}
			off += c
		}
	}
	t.deltaIdx, t.deltaDecodedOnly, t.deltaBackslash = nil, decodedOnly, backslash
	if len(patterns) > 0 {
		idx, err := fingerprint.Build(patterns)
		if err != nil {
			return fmt.Errorf("redact: build delta index: %w", err)
		}
		t.deltaIdx = idx
	}
	// A new value in some name's replacement, or a new name's replacement
	// holding some value: the full build decides what to drop.
	if len(added) > 0 && len(t.repls) > 0 {
		idx, err := fingerprint.Build(added)
		if err != nil {
			return fmt.Errorf("redact: build delta index: %w", err)
		}
		for _, m := range idx.Find(nil, t.repls) {
			i, _ := slices.BinarySearch(t.replEnd, m.Start+1)
			if i < len(t.replEnd) && m.End <= t.replEnd[i] {
				return errRebuild
			}
		}
	}
	if len(newSecs) > 0 {
		l := t.layers()
		for _, si := range newSecs {
			if l.Contains(t.secs[si].repl) {
				return errRebuild
			}
		}
	}
	return nil
}

func (t *tracker) layers() *layers {
	return &layers{base: t.base, delta: t.deltaIdx, dead: t.dead, deadN: t.deadN}
}

func (t *tracker) deltaPatterns() int { return t.deltaIdx.Len() }

// snapshot assembles the snapshot of the tracker's current state.
func (t *tracker) snapshot(r *Redactor, start time.Time) *snapshot {
	s := &snapshot{
		idx:         t.layers(),
		pats:        t.pats[:len(t.pats):len(t.pats)],
		secs:        t.secs[:len(t.secs):len(t.secs)],
		decoders:    r.opts.encodings & decodedFamilies,
		decodedOnly: t.baseDecodedOnly || t.deltaDecodedOnly,
		backslash:   t.baseBackslash || t.deltaBackslash,
		secrets:     t.live - len(t.bad),
		built:       start,
		det:         r.det,
	}
	s.plusSpace = s.decoders&URL != 0 && t.spaces > 0
	s.maxLen = s.idx.MaxLen() + 2
	if s.decoders != 0 {
		s.maxLen = maxExpansion*s.idx.MaxLen() + 2
	}
	if t.skippedList == nil {
		l := make([]Skipped, 0, len(t.skipped)+len(t.bad))
		for sk := range t.skipped {
			l = append(l, sk)
		}
		for name := range t.bad {
			l = append(l, Skipped{Name: name, Reason: ReasonInReplacement})
		}
		slices.SortFunc(l, func(a, b Skipped) int {
			if c := strings.Compare(a.Name, b.Name); c != 0 {
				return c
			}
			return strings.Compare(a.Reason, b.Reason)
		})
		t.skippedList = slices.CompactFunc(l, func(a, b Skipped) bool { return a == b })
	}
	s.skipped = t.skippedList
	s.duration = time.Since(start)
	return s
}

// fullBuild indexes secrets from scratch and returns the tracker of the
// result.
func (r *Redactor) fullBuild(secrets []Secret) (*tracker, error) {
	units, skipped := r.opts.units(secrets)
	bb, err := r.buildUnits(units)
	if err != nil {
		return nil, err
	}
	t := newTracker()
	t.vals = make(map[string]*liveValue, len(units))
	t.names = make(map[string]*liveName, len(units))
	for _, u := range units {
		t.hold(u)
	}
	for _, sk := range skipped {
		t.skipped[sk]++
	}
	if err := t.rebase(r, bb); err != nil {
		// Every value is bb's, under its first holder: rebase has
		// nothing to move and no name to check.
		return nil, err
	}
	return t, nil
}

// rebuild replaces the index with a full build of base and the added
// secrets.
func (r *Redactor) rebuild(base []Secret) error {
	start := time.Now()
	all := base
	if len(r.added) > 0 {
		all = make([]Secret, 0, len(base)+len(r.added))
		all = append(all, base...)
		for s := range r.added {
			all = append(all, s)
		}
	}
	t, err := r.fullBuild(all)
	if err != nil {
		return err
	}
	t.buildCost = time.Since(start)
	r.trk = t
	r.cur.Store(t.snapshot(r, start))
	return nil
}

// change applies a change of the secret set: removed and added secrets
// (with repetitions), base the new Set list. It takes the incremental path
// when the index is large enough for it to pay, and falls back to a full
// build when the change needs one.
func (r *Redactor) change(base []Secret, removed, added []Secret) error {
	t := r.trk
	if t != nil && len(removed)+len(added) == 0 {
		return nil
	}
	if t != nil && t.base.Len() >= r.incrMinBase {
		start := time.Now()
		err := r.applyIncr(t, removed, added)
		if err == nil {
			r.cur.Store(t.snapshot(r, start))
			r.maybeMerge()
			return nil
		}
		// The tracker holds the new set and the snapshot the old one:
		// the full build below replaces both; if it fails too, the next
		// change builds from scratch.
		r.trk = nil
	}
	return r.rebuild(base)
}

// applyIncr applies a change to the tracker: masks the values no longer
// live under the same name, and indexes the new ones in the delta.
func (r *Redactor) applyIncr(t *tracker, removed, added []Secret) error {
	type before struct {
		live  bool
		owner string
	}
	touched := map[*liveValue]before{}
	note := func(v string) {
		if lv := t.vals[v]; lv != nil {
			if _, ok := touched[lv]; !ok {
				touched[lv] = before{len(lv.holders) > 0, lv.holders[0]}
			}
		}
	}
	vanished := false
	for _, s := range removed {
		us, sk := r.opts.units([]Secret{s})
		for _, k := range sk {
			if t.skipped[k]--; t.skipped[k] <= 0 {
				delete(t.skipped, k)
			}
			t.skippedList = nil
		}
		for _, u := range us {
			note(u.value)
			t.release(u)
			if n := t.names[u.name]; n != nil && n.units == 0 {
				vanished = true
			}
		}
	}
	for _, s := range added {
		us, sk := r.opts.units([]Secret{s})
		for _, k := range sk {
			t.skipped[k]++
			t.skippedList = nil
		}
		for _, u := range us {
			if t.vals[u.value] == nil {
				touched[t.hold(u)] = before{}
				continue
			}
			note(u.value)
			t.hold(u)
		}
	}
	if vanished && len(t.bad) > 0 {
		return errRebuild // a dropped value may be back: the full build decides
	}
	var fresh []*liveValue
	var newSecs []uint32
	deltaChanged := false
	for lv, b := range touched {
		alive := len(lv.holders) > 0
		if alive && b.live && lv.holders[0] == b.owner {
			continue
		}
		if b.live && t.bad[b.owner] || alive && t.bad[lv.holders[0]] {
			return errRebuild
		}
		switch lv.where {
		case inBase:
			t.kill(lv.lo, lv.hi)
		case inDelta:
			delete(t.delta, lv)
			deltaChanged = true
		}
		lv.where = inNone
		if !alive {
			delete(t.vals, lv.value)
			continue
		}
		n := t.names[lv.holders[0]]
		if n.sec == noSec {
			n.sec = t.addSec(r, lv.holders[0])
			newSecs = append(newSecs, n.sec)
		}
		lv.sec = n.sec
		t.delta[lv] = struct{}{}
		fresh = append(fresh, lv)
		deltaChanged = true
	}
	for _, name := range t.pending {
		// A name whose every value is held first by others still counts
		// (and is checked) as the full build would.
		if n := t.names[name]; n.units > 0 && n.sec == noSec {
			n.sec = t.addSec(r, name)
			newSecs = append(newSecs, n.sec)
		}
	}
	t.pending = t.pending[:0]
	if deltaChanged || len(newSecs) > 0 {
		if err := t.rebuildDelta(r, fresh, newSecs); err != nil {
			return err
		}
	}
	t.gen++
	return nil
}

// maybeMerge starts a background merge when the delta or the mask has
// grown past its limit, or, when they are smaller, once no change has come
// for a while: a delta costs every scan a second probe, and an idle merge
// costs at most a twentieth of a core (it waits twenty times as long as a
// full build takes, and at least idleMerge). Called under buildMu.
func (r *Redactor) maybeMerge() {
	t := r.trk
	if t == nil || t.merging {
		return
	}
	if lim := r.deltaLimit; t.deltaPatterns() > lim || t.deadN > max(lim, t.base.Len()/8) || len(t.dead) > lim {
		r.startMerge(t)
		return
	}
	if r.idleTimer != nil {
		r.idleTimer.Stop()
	}
	if t.deltaIdx == nil && len(t.dead) == 0 || r.idleMerge <= 0 {
		return
	}
	gen := t.gen
	r.idleTimer = time.AfterFunc(max(r.idleMerge, 20*t.buildCost), func() {
		r.buildMu.Lock()
		defer r.buildMu.Unlock()
		if r.trk == t && t.gen == gen && !t.merging {
			r.startMerge(t)
		}
	})
}

// startMerge starts merging t's base and delta in the background.
func (r *Redactor) startMerge(t *tracker) {
	t.merging = true
	units := make([]unit, 0, len(t.vals))
	for _, lv := range t.vals {
		units = append(units, unit{name: lv.holders[0], value: lv.value})
	}
	gen := t.gen
	r.merges.Add(1)
	go func() {
		defer r.merges.Done()
		r.merge(t, gen, units)
	}()
}

// merge builds the whole index from units (the live values at generation
// gen) and publishes it, re-applying the changes made since: values
// changed since land in the delta of the merged snapshot, values removed
// since are masked.
func (r *Redactor) merge(t *tracker, gen uint64, units []unit) {
	start := time.Now()
	bb, err := r.buildUnits(units)
	cost := time.Since(start)
	if r.mergeHook != nil {
		r.mergeHook()
	}
	r.buildMu.Lock()
	defer r.buildMu.Unlock()
	if r.trk != t {
		return // a full build replaced the state meanwhile
	}
	t.merging = false
	if err != nil {
		return // the delta keeps working; the next change retries
	}
	raced := t.gen != gen
	if err := t.rebase(r, bb); err != nil || raced && (len(bb.bad) > 0 || len(t.bad) > 0) {
		r.trk = nil
		_ = r.rebuild(r.base) // on failure the old snapshot stays, and the next change rebuilds
		return
	}
	t.gen++
	t.skippedList = nil
	t.buildCost = cost
	r.cur.Store(t.snapshot(r, start))
	r.maybeMerge() // what was re-applied may be over a limit, or wait for an idle merge
}

// sameSecret compares name and value; strings that share their bytes (the
// usual case: the list Set was given last time, copied) are equal without
// reading them.
func sameSecret(a, b *Secret) bool {
	return sameString(a.Name, b.Name) && sameString(a.Value, b.Value)
}

func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// diffSecrets returns the secrets of old that are not in new and those of
// new that are not in old, as multisets of (name, value), in order. A
// common prefix and suffix (a sorted list with one value rotated, inserted
// or deleted) cost a comparison per secret; only the rest is hashed.
func diffSecrets(old, new []Secret) (removed, added []Secret, p, q int) {
	n := min(len(old), len(new))
	for p < n && sameSecret(&old[p], &new[p]) {
		p++
	}
	for o, w := old[p:], new[p:]; q < len(o) && q < len(w); q++ {
		if !sameSecret(&o[len(o)-1-q], &w[len(w)-1-q]) {
			break
		}
	}
	oldRest, newRest := old[p:len(old)-q], new[p:len(new)-q]
	switch {
	case len(oldRest)+len(newRest) == 0:
		return nil, nil, p, q
	case len(oldRest) == 0: // a first Set: everything is added
		return nil, slices.Clone(newRest), p, q
	case len(newRest) == 0:
		return slices.Clone(oldRest), nil, p, q
	}
	count := make(map[[2]string]int, len(oldRest))
	for _, s := range oldRest {
		count[[2]string{s.Name, s.Value}]++
	}
	for _, s := range newRest {
		count[[2]string{s.Name, s.Value}]--
	}
	for _, s := range oldRest {
		if k := [2]string{s.Name, s.Value}; count[k] > 0 {
			count[k]--
			removed = append(removed, s)
		}
	}
	for _, s := range newRest {
		if k := [2]string{s.Name, s.Value}; count[k] < 0 {
			count[k]++
			added = append(added, s)
		}
	}
	return removed, added, p, q
}
