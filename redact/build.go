package redact

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/cespare/xxhash/v2"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hushlog/hush/fingerprint"
)

// snapshot is one immutable generation of the Redactor: the index and the
// tables that turn its pattern ids back into names and encodings. Readers
// load it with one atomic load and never lock.
type snapshot struct {
	idx    *fingerprint.Index
	pats   []patInfo
	secs   []secInfo
	maxLen int // longest pattern plus base64 extension

	secrets  int
	built    time.Time
	duration time.Duration
	skipped  []Skipped
}

// patInfo maps a pattern id to what it protects.
type patInfo struct {
	sec      uint32
	enc      Encoding
	extLeft  bool
	extRight bool
	url      bool
}

// secInfo is one protected name: what replaces it and where its matches are
// counted.
type secInfo struct {
	name     string
	repl     []byte
	counters *counters
}

// counters counts redactions of one name by encoding family. They live on
// the Redactor, so counts survive rebuilds.
type counters [NumEncodings]atomic.Uint64

// unit is one value to index under a name: a whole secret, a JSON field, or
// a line of a multi-line secret.
type unit struct {
	name  string
	value string
}

// units applies the matching rules of DESIGN.md to the raw secrets: trim,
// split JSON objects by key policy, split multi-line values into lines, and
// skip what is too short or too common.
func (o *options) units(secrets []Secret) ([]unit, []Skipped) {
	var out []unit
	var skipped []Skipped
	for _, s := range secrets {
		v := strings.TrimSpace(s.Value)
		if v == "" {
			skipped = append(skipped, Skipped{Name: s.Name, Reason: ReasonEmpty})
			continue
		}
		fields := []unit{{name: s.Name, value: v}}
		if !o.json.Disabled && v[0] == '{' && json.Valid([]byte(v)) {
			var f []unit
			f, ok := o.jsonFields(s.Name, v)
			if !ok {
				skipped = append(skipped, Skipped{Name: s.Name, Reason: ReasonNoSecretFields})
			}
			if o.json.WholeValue {
				f = append(f, unit{name: s.Name, value: v})
			}
			fields = f
		}
		for _, f := range fields {
			n := len(out)
			out = o.lines(out, f)
			if len(out) == n {
				reason := ReasonTooShort
				if len(f.value) >= o.minLength {
					reason = ReasonCommonWord
				}
				skipped = append(skipped, Skipped{Name: f.name, Reason: reason})
			}
		}
	}
	return out, skipped
}

// lines appends the indexable units of one value: the value itself, or for
// a multi-line value each line (PEM armour lines are public and skipped).
// A line too short to index alone is indexed joined to the line before it.
func (o *options) lines(out []unit, f unit) []unit {
	ok := func(v string) bool { return len(v) >= o.minLength && !isCommonWord(v) }
	if !strings.ContainsAny(f.value, "\r\n") {
		if ok(f.value) {
			out = append(out, f)
		}
		return out
	}
	prev := ""
	for _, line := range strings.Split(strings.ReplaceAll(f.value, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "-----BEGIN ") || strings.HasPrefix(line, "-----END ") {
			continue
		}
		switch {
		case ok(line):
			out = append(out, unit{name: f.name, value: line})
		case prev != "":
			for _, sep := range []string{"\n", "\r\n", " "} {
				out = append(out, unit{name: f.name, value: prev + sep + line})
			}
		}
		prev = line
	}
	return out
}

// jsonFields splits a JSON object secret into protected fields named
// name#key (name#outer.inner for nested objects). ok is false when no field
// qualified.
func (o *options) jsonFields(name, v string) ([]unit, bool) {
	// Numbers keep their literal text (json.Number): decoded as float64, a
	// numeric credential of 1,000,000 or more would be indexed as "1e+06",
	// a form no log holds, and pass through unprotected.
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(v))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, false
	}
	keys := o.json.CredentialKeys
	if keys == nil {
		keys = DefaultCredentialKeys
	}
	credential := func(k string) bool {
		if o.json.AllFields {
			return true
		}
		k = strings.ToLower(k)
		for _, c := range keys {
			if strings.Contains(k, strings.ToLower(c)) {
				return true
			}
		}
		return false
	}
	var out []unit
	var walk func(path string, m map[string]any, inherited bool)
	walk = func(path string, m map[string]any, inherited bool) {
		ks := make([]string, 0, len(m))
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			p := k
			if path != "" {
				p = path + "." + k
			}
			cred := inherited || credential(k)
			switch x := m[k].(type) {
			case string:
				if cred {
					out = append(out, unit{name: name + "#" + p, value: strings.TrimSpace(x)})
				}
			case json.Number:
				if cred {
					out = append(out, unit{name: name + "#" + p, value: x.String()})
				}
			case map[string]any:
				walk(p, x, cred)
			}
		}
	}
	walk("", doc, false)
	return out, len(out) > 0
}

// build turns secrets into a snapshot. It runs off the hot path, under the
// Redactor's build lock.
func (r *Redactor) build(secrets []Secret) (*snapshot, error) {
	start := time.Now()
	units, skipped := r.opts.units(secrets)

	snap := &snapshot{built: start}
	secIndex := map[string]uint32{}
	seenValue := make(map[string]struct{}, len(units))
	jobs := make([]job, 0, len(units))
	for _, u := range units {
		si, ok := secIndex[u.name]
		if !ok {
			si = uint32(len(snap.secs))
			secIndex[u.name] = si
			snap.secs = append(snap.secs, secInfo{name: u.name, repl: []byte(r.render(u.name)), counters: r.countersFor(u.name)})
		}
		// The same value under two names (or in both the base and the
		// added set) is indexed once, under the first name.
		if _, dup := seenValue[u.value]; dup {
			continue
		}
		seenValue[u.value] = struct{}{}
		jobs = append(jobs, job{value: u.value, sec: si})
	}
	clear(seenValue)

	parts := expand(jobs, r.opts.encodings)
	defer func() {
		for i := range parts {
			parts[i].fs.wipe() // plaintext forms should not outlive the build in freed memory
		}
	}()
	n := 0
	for _, p := range parts {
		n += len(p.patterns)
	}
	patterns := make([]fingerprint.Pattern, 0, n)
	snap.pats = make([]patInfo, 0, n)
	for _, p := range parts {
		for i, pat := range p.patterns {
			patterns = append(patterns, fingerprint.Pattern{Value: pat.Value, ID: uint32(len(patterns))})
			snap.pats = append(snap.pats, p.pats[i])
		}
	}

	idx, err := fingerprint.Build(patterns)
	if err != nil {
		return nil, fmt.Errorf("redact: build index: %w", err)
	}
	snap.idx = idx

	// A secret that occurs in a replacement text would make scrubbing
	// non-idempotent and could print itself through a name: drop it.
	bad := map[uint32]bool{}
	for _, s := range snap.secs {
		for _, m := range idx.Find(nil, s.repl) {
			bad[snap.pats[m.ID].sec] = true
		}
	}
	if len(bad) > 0 {
		kept := patterns[:0]
		for _, p := range patterns {
			if !bad[snap.pats[p.ID].sec] {
				kept = append(kept, p)
			}
		}
		if snap.idx, err = fingerprint.Build(kept); err != nil {
			return nil, fmt.Errorf("redact: build index: %w", err)
		}
		for si := range bad {
			skipped = append(skipped, Skipped{Name: snap.secs[si].name, Reason: ReasonInReplacement})
		}
	}

	snap.maxLen = snap.idx.MaxLen() + 2
	snap.secrets = len(snap.secs) - len(bad)
	slices.SortFunc(skipped, func(a, b Skipped) int { return strings.Compare(a.Name, b.Name) })
	snap.skipped = slices.CompactFunc(skipped, func(a, b Skipped) bool { return a == b })
	snap.duration = time.Since(start)
	return snap, nil
}

// render expands the replacement template for a name.
func (r *Redactor) render(name string) string {
	t := r.opts.replacement
	if strings.Contains(t, "{hash}") {
		m := hmac.New(sha256.New, r.opts.hashKey)
		m.Write([]byte(name))
		t = strings.ReplaceAll(t, "{hash}", hex.EncodeToString(m.Sum(nil)[:8]))
	}
	return strings.ReplaceAll(t, "{name}", name)
}

func (r *Redactor) countersFor(name string) *counters {
	r.statsMu.Lock()
	defer r.statsMu.Unlock()
	c, ok := r.counters[name]
	if !ok {
		c = new(counters)
		r.counters[name] = c
	}
	return c
}

// job is one distinct value to expand into its encoded forms.
type job struct {
	value string
	sec   uint32
}

// expansion is the patterns one worker produced; ids are local to it.
type expansion struct {
	fs       formSet
	patterns []fingerprint.Pattern
	pats     []patInfo
}

// expand turns values into distinct patterns, on every core when there are
// enough values to pay for it.
func expand(jobs []job, encs Encoding) []expansion {
	workers := min(runtime.GOMAXPROCS(0), 1+len(jobs)/2048)
	parts := make([]expansion, workers)
	var wg sync.WaitGroup
	for w := range parts {
		lo, hi := w*len(jobs)/workers, (w+1)*len(jobs)/workers
		wg.Go(func() { parts[w].run(jobs[lo:hi], encs) })
	}
	wg.Wait()
	return parts
}

func (e *expansion) run(jobs []job, encs Encoding) {
	e.patterns = make([]fingerprint.Pattern, 0, 20*len(jobs))
	e.pats = make([]patInfo, 0, 20*len(jobs))
	var hashes []uint64
	for _, j := range jobs {
		e.fs.forms = e.fs.forms[:0]
		e.fs.add(j.value, encs)
		hashes = hashes[:0]
	forms:
		for i, f := range e.fs.forms {
			h := xxhash.Sum64(f.b)
			hashes = append(hashes, h)
			if len(f.b) < fingerprint.MinPatternLen || len(f.b) > fingerprint.MaxPatternLen || bytes.IndexByte(f.b, '\n') >= 0 {
				// No pattern spans a line break: that keeps the streaming
				// Writer's hold-back to the current line.
				continue
			}
			for k, g := range hashes[:i] {
				if g == h && bytes.Equal(e.fs.forms[k].b, f.b) {
					continue forms
				}
			}
			e.patterns = append(e.patterns, fingerprint.Pattern{Value: f.b})
			e.pats = append(e.pats, patInfo{sec: j.sec, enc: f.enc, extLeft: f.extLeft, extRight: f.extRight, url: f.urlAlphabet})
		}
	}
}
