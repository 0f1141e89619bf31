package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// incremental returns a Redactor that takes the incremental path at any
// size and merges once the delta passes limit patterns.
func incremental(t testing.TB, limit int, opts ...Option) *Redactor {
	t.Helper()
	r, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	r.incrMinBase, r.deltaLimit, r.idleMerge = 0, limit, 0
	return r
}

// reference is a full build of the same set, the oracle.
func reference(t testing.TB, base, added []Secret, opts ...Option) *Redactor {
	t.Helper()
	r, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	r.incrMinBase = math.MaxInt // never incremental
	if err := r.Set(base); err != nil {
		t.Fatal(err)
	}
	if len(added) > 0 {
		if err := r.Add(added...); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

const tokenChars = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// randValue returns a value of one of the shapes the matching rules treat
// apart: tokens (some with characters that escape), values with spaces,
// multi-line keys with a short line, JSON documents, configuration files,
// and values the policy skips.
func randValue(rng *rand.Rand) string {
	tok := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = tokenChars[rng.IntN(len(tokenChars))]
		}
		return string(b)
	}
	switch rng.IntN(12) {
	case 0:
		return tok(6) + `"\/<é` + tok(6) // escaped in JSON, URLs, entities
	case 1:
		return tok(7) + " " + tok(7) + "+" + tok(3) // space and plus (form encoding)
	case 2:
		return "-----BEGIN TEST KEY-----\n" + tok(24) + "\n" + tok(24) + "\nab\n-----END TEST KEY-----"
	case 3:
		return fmt.Sprintf(`{"password":%q,"user":"bob","api":{"key":%q}}`, tok(14), tok(18))
	case 4:
		return "aws_access_key_id = AKIA" + tok(16) + "\naws_secret_access_key = " + tok(30) + "\nregion = us-east-1"
	case 5:
		return tok(5) // too short
	case 6:
		return "changeme" // a common word
	default:
		return tok(10 + rng.IntN(30))
	}
}

// sampleText writes every form a scan must catch of each value (raw,
// base64, hex, JSON- and URL-escaped, in a JSON log line) between noise.
func sampleText(rng *rand.Rand, values []string) []byte {
	var b bytes.Buffer
	for _, v := range values {
		for _, line := range append([]string{v}, strings.Split(v, "\n")...) {
			j, _ := json.Marshal(line)
			fmt.Fprintf(&b, "t=%d raw %s end\n", rng.IntN(100), line)
			fmt.Fprintf(&b, "b64 %s hex %s\n", base64.StdEncoding.EncodeToString([]byte(line)), hex.EncodeToString([]byte(line)))
			fmt.Fprintf(&b, `{"msg":"x","v":%s,"q":"?a=%s&b=1"}`+"\n", j, url.QueryEscape(line))
		}
	}
	return b.Bytes()
}

// sameFindings compares what two Redactors find and scrub in text; it
// reports positions and names, never the text.
func sameFindings(t *testing.T, step string, got, want *Redactor, text []byte) bool {
	t.Helper()
	g, w := got.Find(text), want.Find(text)
	if !slices.Equal(g, w) {
		i := 0
		for i < min(len(g), len(w)) && g[i] == w[i] {
			i++
		}
		var gi, wi Match
		if i < len(g) {
			gi = g[i]
		}
		if i < len(w) {
			wi = w[i]
		}
		t.Errorf("%s: %d matches, want %d; first difference #%d: [%d,%d) %s %v, want [%d,%d) %s %v",
			step, len(g), len(w), i, gi.Start, gi.End, gi.Name, gi.Encoding, wi.Start, wi.End, wi.Name, wi.Encoding)
		return false
	}
	if got.Contains(text) != want.Contains(text) {
		t.Errorf("%s: Contains differs", step)
		return false
	}
	var sb bytes.Buffer
	wr := got.NewWriter(&sb)
	for p := 0; p < len(text); p += 97 {
		if _, err := wr.Write(text[p:min(p+97, len(text))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := wr.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sb.Bytes(), want.Scrub(nil, text)) {
		t.Errorf("%s: streamed output differs from the full build's Scrub (%d bytes, want %d)", step, sb.Len(), len(want.Scrub(nil, text)))
		return false
	}
	return true
}

func sameStats(t *testing.T, step string, got, want *Redactor) bool {
	t.Helper()
	g, w := got.Stats(), want.Stats()
	if g.Secrets != w.Secrets || g.Patterns != w.Patterns || !slices.Equal(g.Skipped, w.Skipped) {
		t.Errorf("%s: secrets %d patterns %d skipped %v, want %d %d %v", step, g.Secrets, g.Patterns, g.Skipped, w.Secrets, w.Patterns, w.Skipped)
		return false
	}
	return true
}

// model is the secret set a test drives: a Set list in which every name
// appears once, oldest first (so the name a shared value is indexed under,
// the first to hold it, is the same for a full build and the incremental
// path), and the secrets given to Add.
type model struct {
	plain bool // no name that holds a value
	list  []Secret
	added []Secret
	gone  []string // values removed lately
	next  int
}

func (m *model) name(prefix string) string {
	m.next++
	if m.next%17 == 0 && !m.plain {
		// A name that holds a value of another secret: that secret
		// must be dropped (it occurs in a replacement text).
		return prefix + "-kHx7Qw9ZmP2v"
	}
	return fmt.Sprintf("%s-%d", prefix, m.next)
}

func (m *model) values() []string {
	var vs []string
	for _, s := range append(slices.Clone(m.list), m.added...) {
		vs = append(vs, s.Value)
	}
	return append(vs, m.gone...)
}

// step makes one random change to the model and applies it to r.
func (m *model) step(t *testing.T, rng *rand.Rand, r *Redactor) string {
	t.Helper()
	value := func() string {
		if rng.IntN(20) == 0 && !m.plain {
			return "kHx7Qw9ZmP2v"
		}
		return randValue(rng)
	}
	drop := func(i int) {
		m.gone = append(m.gone, m.list[i].Value)
		m.list = slices.Delete(m.list, i, i+1)
	}
	var what string
	n := 1
	if rng.IntN(8) == 0 {
		n = 1 + rng.IntN(5) // several changes in one Set
	}
	for range n {
		switch k := rng.IntN(10); {
		case k < 4 && len(m.list) > 0: // rotate
			i := rng.IntN(len(m.list))
			name := m.list[i].Name
			drop(i)
			m.list = append(m.list, Secret{Name: name, Version: "v2", Value: value()})
			what += "rotate "
		case k < 6 && len(m.list) > 0: // remove
			drop(rng.IntN(len(m.list)))
			what += "remove "
		case k < 7 && len(m.list) > 0: // share a value under a second name
			m.list = append(m.list, Secret{Name: m.name("share"), Value: m.list[rng.IntN(len(m.list))].Value})
			what += "share "
		case k < 8: // Add
			s := Secret{Name: m.name("added"), Value: randValue(rng) + "-added"}
			m.added = append(m.added, s)
			if err := r.Add(s); err != nil {
				t.Fatal(err)
			}
			what += "add "
		case k < 9: // a version-only change
			if len(m.list) > 0 {
				m.list[0].Version += "'"
			}
			what += "version "
		default:
			m.list = append(m.list, Secret{Name: m.name("app"), Value: value()})
			what += "new "
		}
	}
	if len(m.gone) > 8 {
		m.gone = m.gone[len(m.gone)-8:]
	}
	if err := r.Set(m.list); err != nil {
		t.Fatal(err)
	}
	return what
}

// TestIncrementalEqualsFullBuild drives random sequences of rotations,
// removals, shared values, additions and policy skips through the
// incremental path (with merges after a few changes) and checks, after
// every change, that what is found, scrubbed and streamed, and what Stats
// reports, equals a full build of the same set.
func TestIncrementalEqualsFullBuild(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			r := incremental(t, 60+int(seed)*40)
			m := &model{}
			for range 25 {
				m.list = append(m.list, Secret{Name: m.name("app"), Value: randValue(rng)})
			}
			if err := r.Set(m.list); err != nil {
				t.Fatal(err)
			}
			for i := range 40 {
				what := m.step(t, rng, r)
				if i%5 == 4 {
					r.merges.Wait() // sometimes check the merged state
				}
				ref := reference(t, m.list, m.added)
				step := fmt.Sprintf("step %d (%s)", i, what)
				if !sameFindings(t, step, r, ref, sampleText(rng, m.values())) || !sameStats(t, step, r, ref) {
					return
				}
			}
			r.merges.Wait()
			ref := reference(t, m.list, m.added)
			sameFindings(t, "merged", r, ref, sampleText(rng, m.values()))
			sameStats(t, "merged", r, ref)
		})
	}
}

// TestIncrementalPathIsTaken checks that a rotation in a large set goes to
// the delta and a removal to the mask, without a full build, and that the
// merge empties both.
func TestIncrementalPathIsTaken(t *testing.T) {
	r := incremental(t, 1<<20)
	var list []Secret
	for i := range 200 {
		list = append(list, Secret{Name: fmt.Sprint("s", i), Value: fmt.Sprintf("v%03d-Xq7Lm2Pz9Rt4", i)})
	}
	if err := r.Set(list); err != nil {
		t.Fatal(err)
	}
	before := r.Stats()
	base := r.trk.base
	list[5].Value = "rotated-Hw3Kd8Jq2Ln6"
	list = slices.Delete(list, 9, 10)
	if err := r.Set(list); err != nil {
		t.Fatal(err)
	}
	st := r.Stats()
	if r.trk.base != base {
		t.Fatal("a rotation rebuilt the whole index")
	}
	if st.DeltaPatterns == 0 || st.MaskedPatterns == 0 || st.Patterns != before.Patterns-st.MaskedPatterns+st.DeltaPatterns {
		t.Errorf("patterns %d delta %d masked %d, before %d", st.Patterns, st.DeltaPatterns, st.MaskedPatterns, before.Patterns)
	}
	if got := r.ScrubString("a rotated-Hw3Kd8Jq2Ln6 b v005-Xq7Lm2Pz9Rt4 c v009-Xq7Lm2Pz9Rt4 d v010-Xq7Lm2Pz9Rt4"); got != "a [REDACTED:s5] b v005-Xq7Lm2Pz9Rt4 c v009-Xq7Lm2Pz9Rt4 d [REDACTED:s10]" {
		t.Errorf("after a rotation and a removal: %d bytes out", len(got))
	}
	r.buildMu.Lock()
	r.deltaLimit = 0
	r.maybeMerge()
	r.buildMu.Unlock()
	r.merges.Wait()
	st = r.Stats()
	if r.trk.base == base || st.DeltaPatterns != 0 || st.MaskedPatterns != 0 {
		t.Errorf("after the merge: delta %d masked %d", st.DeltaPatterns, st.MaskedPatterns)
	}
	sameStats(t, "merged", r, reference(t, list, nil))
}

// TestRemovedSharedValueStaysProtected: a value held by two names stays
// protected when one of them lets it go, under the other name.
func TestRemovedSharedValueStaysProtected(t *testing.T) {
	for _, incr := range []bool{false, true} {
		r := incremental(t, 1<<20)
		if !incr {
			r.incrMinBase = math.MaxInt
		}
		a := Secret{Name: "a", Value: "Shared-Vq8Zx3Lm"}
		b := Secret{Name: "b", Value: "Shared-Vq8Zx3Lm"}
		c := Secret{Name: "c", Value: "Other-Pw4Ks9Tn"}
		if err := r.Set([]Secret{a, b, c}); err != nil {
			t.Fatal(err)
		}
		if err := r.Set([]Secret{b, c}); err != nil {
			t.Fatal(err)
		}
		if got := r.Find([]byte("x Shared-Vq8Zx3Lm y")); len(got) != 1 || got[0].Name != "b" {
			t.Errorf("incremental=%v: shared value after its first holder left: %v", incr, got)
		}
		if err := r.Set([]Secret{c}); err != nil {
			t.Fatal(err)
		}
		if r.Contains([]byte("x Shared-Vq8Zx3Lm y")) {
			t.Errorf("incremental=%v: a value no name holds is still redacted", incr)
		}
	}
}

// TestRotationIsAtomicForReaders rotates one secret among many while
// readers scrub a line holding both the value before and the value after
// each rotation: every scrub must redact exactly one of them (never
// neither, never both), and a reader that has seen the new value
// protected never sees the old one protected again. Merges run meanwhile.
func TestRotationIsAtomicForReaders(t *testing.T) {
	r := incremental(t, 80)
	var list []Secret
	for i := range 50 {
		list = append(list, Secret{Name: fmt.Sprint("s", i), Value: fmt.Sprintf("bg%03d-Lk4Wq8Zp2Nx", i)})
	}
	val := func(k int64) string { return fmt.Sprintf("rot%06d-Hq3Mv7", k) }
	list = append(list, Secret{Name: "rot", Value: val(0)})
	if err := r.Set(list); err != nil {
		t.Fatal(err)
	}
	var gen atomic.Int64 // the last value published
	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for w := range 3 {
		wg.Go(func() {
			seen := int64(0)
			for !stop.Load() {
				k := gen.Load()
				line := []byte("a " + val(k) + " b " + val(k+1) + " c")
				// Conclusive only if the rotation after k+1 has not
				// begun: gen still k after the scrub.
				var out []byte
				if w == 2 {
					var sb bytes.Buffer
					wr := r.NewWriter(&sb)
					wr.Write(line)
					wr.Close()
					out = sb.Bytes()
				} else {
					out = r.Scrub(nil, line)
				}
				oldProtected := !bytes.Contains(out, []byte(val(k)))
				newProtected := !bytes.Contains(out, []byte(val(k+1)))
				if oldProtected == newProtected && gen.Load() == k {
					errs <- fmt.Sprintf("generation %d: old redacted %v, new redacted %v", k, oldProtected, newProtected)
					return
				}
				if newProtected {
					seen = max(seen, k+1)
				} else if oldProtected && seen > k {
					errs <- fmt.Sprintf("generation %d protected again after %d was", k, seen)
					return
				}
			}
		})
	}
	for k := int64(1); k <= 300; k++ {
		list[len(list)-1] = Secret{Name: "rot", Value: val(k)}
		if k%3 == 0 {
			// churn elsewhere too, so that merges run and race
			list[k%50] = Secret{Name: fmt.Sprint("s", k%50), Value: fmt.Sprintf("bg%03d-%06d", k%50, k)}
		}
		if err := r.Set(list); err != nil {
			t.Fatal(err)
		}
		// Once Set returns: the new value protected, the old one not.
		if out := r.ScrubString("a " + val(k-1) + " b " + val(k) + " c"); !strings.Contains(out, val(k-1)) || strings.Contains(out, val(k)) {
			t.Errorf("rotation %d: after Set, old protected %v, new protected %v", k, !strings.Contains(out, val(k-1)), !strings.Contains(out, val(k)))
		}
		gen.Store(k)
	}
	stop.Store(true)
	wg.Wait()
	r.merges.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestMergeRacesNewerChanges holds a merge between its build and its
// publication while rotations, removals and additions land, then lets it
// publish: the result must equal a full build of the newest set.
func TestMergeRacesNewerChanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	r := incremental(t, 30)
	m := &model{plain: true}
	for range 30 {
		m.list = append(m.list, Secret{Name: m.name("app"), Value: randValue(rng)})
	}
	if err := r.Set(m.list); err != nil {
		t.Fatal(err)
	}
	built, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	r.mergeHook = func() {
		once.Do(func() {
			close(built)
			<-release
		})
	}
	for {
		m.step(t, rng, r)
		r.buildMu.Lock()
		merging := r.trk.merging
		r.buildMu.Unlock()
		if merging {
			break
		}
	}
	<-built
	for i := range 8 {
		m.step(t, rng, r) // newer than the merge's units
		sameFindings(t, fmt.Sprint("while merging ", i), r, reference(t, m.list, m.added), sampleText(rng, m.values()))
	}
	close(release)
	r.merges.Wait()
	ref := reference(t, m.list, m.added)
	sameFindings(t, "after the merge", r, ref, sampleText(rng, m.values()))
	sameStats(t, "after the merge", r, ref)
	if st := r.Stats(); st.DeltaPatterns == 0 && st.MaskedPatterns == 0 {
		t.Log("the merge published with nothing to re-apply") // possible if every change was undone
	}
}

// TestDiffSecrets checks the multiset difference Set applies.
func TestDiffSecrets(t *testing.T) {
	s := func(n, v string) Secret { return Secret{Name: n, Value: v} }
	old := []Secret{s("a", "1"), s("b", "2"), s("c", "3"), s("c", "3")}
	nw := []Secret{s("b", "2"), s("a", "1"), s("c", "3"), s("d", "4"), {Name: "a", Version: "x", Value: "1"}}
	removed, added, _, _ := diffSecrets(old, nw)
	if len(removed) != 1 || removed[0].Name != "c" || len(added) != 2 || added[0].Name != "a" || added[1].Name != "d" {
		t.Errorf("removed %v added %v", removed, added)
	}
	// A sorted list with one value inserted and one rotated: only those.
	var sorted []Secret
	for i := range 50 {
		sorted = append(sorted, s(fmt.Sprintf("n%02d", i), fmt.Sprint(i)))
	}
	next := slices.Insert(slices.Clone(sorted), 10, s("n09b", "x"))
	next[30].Value = "rotated"
	removed, added, _, _ = diffSecrets(sorted, next)
	if len(removed) != 1 || removed[0].Name != "n29" || len(added) != 2 || added[0].Name != "n09b" || added[1].Name != "n29" {
		t.Errorf("sorted insert and rotation: removed %v added %v", removed, added)
	}
	if r, a, p, q := diffSecrets(old, old); r != nil || a != nil || p+q != len(old) {
		t.Errorf("same list: removed %v added %v", r, a)
	}
}

// TestDeltaScanIsFree: with a delta and a mask in place, scanning clean
// text still makes no allocation, and a masked value is not reported by
// any of the entry points while its replacement is.
func TestDeltaScanIsFree(t *testing.T) {
	r := incremental(t, 1<<20)
	var list []Secret
	for i := range 100 {
		list = append(list, Secret{Name: fmt.Sprint("s", i), Value: fmt.Sprintf("v%03d-Jm3Qx8Wr5Tz", i)})
	}
	if err := r.Set(list); err != nil {
		t.Fatal(err)
	}
	list[7].Value = "new7-Pk2Vn9Hs4Lq"
	if err := r.Set(list); err != nil {
		t.Fatal(err)
	}
	if st := r.Stats(); st.DeltaPatterns == 0 || st.MaskedPatterns == 0 {
		t.Fatalf("delta %d masked %d: the change did not take the incremental path", st.DeltaPatterns, st.MaskedPatterns)
	}
	clean := bytes.Repeat([]byte("GET /api/v1/items?page=2 200 3ms {\"k\":\"v\"} user=bob\n"), 50)
	dst := make([]byte, 0, 2*len(clean))
	if n := testing.AllocsPerRun(20, func() { dst = r.Scrub(dst[:0], clean) }); n != 0 {
		t.Errorf("Scrub allocated %.1f times", n)
	}
	if n := testing.AllocsPerRun(20, func() { _ = r.Contains(clean) }); n != 0 {
		t.Errorf("Contains allocated %.1f times", n)
	}
	old := []byte(`x v007-Jm3Qx8Wr5Tz {"a":"v007-Jm3Qx8Wr5Tz"} djAwNy1KbTNReDhXcjVUeg==`)
	if r.Contains(old) || len(r.Find(old)) != 0 || !bytes.Equal(r.Scrub(nil, old), old) {
		t.Error("a rotated-out value is still reported")
	}
	cur := []byte(`x new7-Pk2Vn9Hs4Lq {"a":"new7-Pk2Vn9Hs4Lq"}`)
	if ms := r.Find(cur); !r.Contains(cur) || len(ms) != 2 || ms[0].Name != "s7" || ms[1].Name != "s7" {
		t.Errorf("its replacement: %d matches", len(ms))
	}
}

// TestIdleMerge: a delta under the limit is merged once changes stop.
func TestIdleMerge(t *testing.T) {
	r := incremental(t, 1<<20)
	r.idleMerge = 20 * time.Millisecond
	var list []Secret
	for i := range 100 {
		list = append(list, Secret{Name: fmt.Sprint("s", i), Value: fmt.Sprintf("v%03d-Ky7Wp3Xm9Bq", i)})
	}
	if err := r.Set(list); err != nil {
		t.Fatal(err)
	}
	for k := range 3 {
		list[k].Value = fmt.Sprintf("rot%d-Tn4Hc8Vz2Lf", k)
		if err := r.Set(list); err != nil {
			t.Fatal(err)
		}
	}
	if st := r.Stats(); st.DeltaPatterns == 0 || st.MaskedPatterns == 0 {
		t.Fatalf("delta %d masked %d before the idle merge", st.DeltaPatterns, st.MaskedPatterns)
	}
	for deadline := time.Now().Add(time.Minute); r.Stats().DeltaPatterns != 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	r.merges.Wait()
	if st := r.Stats(); st.DeltaPatterns != 0 || st.MaskedPatterns != 0 {
		t.Errorf("delta %d masked %d: no merge once changes stopped", st.DeltaPatterns, st.MaskedPatterns)
	}
	sameStats(t, "idle-merged", r, reference(t, list, nil))
}
