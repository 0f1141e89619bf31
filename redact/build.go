package redact

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/hushlog/hush/fingerprint"
	"github.com/hushlog/hush/internal/keyrule"
)

// snapshot is one immutable generation of the Redactor: the index and the
// tables that turn its pattern ids back into names and encodings. Readers
// load it with one atomic load and never lock.
type snapshot struct {
	idx    *layers // base and delta (delta.go)
	pats   []patInfo
	secs   []secInfo
	maxLen int // longest source span of a match: pattern, base64 extension, escapes

	// decoders are the families whose escapes the scan decodes (see
	// decode.go) rather than indexes.
	decoders Encoding
	// decodedOnly: some pattern is patInfo.decodedOnly.
	decodedOnly bool
	// backslash: some pattern holds an escape a JSON encoder writes (a
	// secret kept escaped, with a literal "\n" in it), so it may match a
	// value's line break once a logger escapes it (see value.go).
	backslash bool
	// plusSpace: some value has a space, so "+" is decoded as one too
	// (a form-encoded value whose spaces are written both ways).
	plusSpace bool

	secrets  int
	built    time.Time
	duration time.Duration
	skipped  []Skipped

	det *detection // the Redactor's token detectors (detect.go), or nil
}

// patInfo maps a pattern id to what it protects.
type patInfo struct {
	sec      uint32
	enc      Encoding
	extLeft  bool
	extRight bool
	url      bool
	// decodedOnly marks a form that holds a line break (a short line of
	// a multi-line value joined to its neighbour): it is reported only
	// when found in decoded text, where the break came from an escape.
	// In text as written no match spans a line break, so the streaming
	// Writer, which scrubs line by line, gives what Scrub gives.
	decodedOnly bool
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

// units applies the matching rules of the repository's DESIGN.md ("From a
// value to indexed units") to the raw secrets: trim, split JSON documents by
// key policy, split multi-line values into lines or, for configuration
// files, into their secret values, and skip what is too short or too common.
func (o *options) units(secrets []Secret) ([]unit, []Skipped) {
	var out []unit
	var skipped []Skipped
	for _, s := range secrets {
		v := trimValue(s.Value)
		if v == "" {
			skipped = append(skipped, Skipped{Name: s.Name, Reason: ReasonEmpty})
			continue
		}
		fields := []unit{{name: s.Name, value: v}}
		if !o.json.Disabled && (v[0] == '{' || v[0] == '[') && json.Valid([]byte(v)) {
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

// trimValue trims a value of surrounding whitespace and of UTF-8 byte
// order marks in front (a file saved by Notepad and read whole): the
// application reading the value sees it without them (most loaders trim a
// BOM), and the value with one holds the value without it.
func trimValue(v string) string {
	for {
		t := strings.TrimPrefix(strings.TrimSpace(v), "\ufeff")
		if t == v {
			return v
		}
		v = t
	}
}

func (o *options) indexable(v string) bool {
	return len(v) >= o.minLength && !isCommonWord(v)
}

// lines appends the indexable units of one value: the value itself, or for
// a multi-line value each line (PEM armour lines are public and skipped).
// A line too short to index alone is indexed joined to the line before it
// (the first line to the line after it), with more lines taken in while
// the join is still too short; see joinShort. A configuration file (every
// line a key and value, a [section] or a comment) is not split into lines:
// see configUnits.
func (o *options) lines(out []unit, f unit) []unit {
	if !strings.ContainsAny(f.value, "\r\n") {
		if o.indexable(f.value) {
			out = append(out, f)
		}
		return out
	}
	if kvs, ok := parseConfig(f.value); ok {
		return o.configUnits(out, f, kvs)
	}
	var body []string
	for _, line := range strings.Split(strings.ReplaceAll(f.value, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "-----BEGIN ") || strings.HasPrefix(line, "-----END ") {
			continue
		}
		body = append(body, line)
	}
	for i, line := range body {
		if o.indexable(line) {
			out = append(out, unit{name: f.name, value: line})
			continue
		}
		out = o.joinShort(out, f.name, body, i)
	}
	return out
}

// joinShort appends the units that protect body[i], a line too short to
// index alone: the line joined to its neighbours by "\n", "\r\n" and a
// space. It is joined to the line before it (the first line to the line
// after it), and further lines are taken in, in the same direction, until
// the join is long enough to index. The joins with a line break are
// indexed too; their forms that hold a line break are found only in
// decoded text (a multi-line value logged as one JSON or quoted string),
// see expansion.run.
func (o *options) joinShort(out []unit, name string, body []string, i int) []unit {
	lo, hi := i, i+1
	for {
		switch {
		case lo > 0:
			lo--
		case hi < len(body):
			hi++
		default:
			return out // a value of one short line: nothing to join it to
		}
		if len(strings.Join(body[lo:hi], " ")) >= o.minLength {
			break
		}
	}
	for _, sep := range []string{"\n", "\r\n", " "} {
		out = append(out, unit{name: name, value: strings.Join(body[lo:hi], sep)})
	}
	return out
}

// configUnits protects the secret values of a configuration file (an AWS
// credentials file, INI, YAML, .properties, .env): the value of every key
// that looks like a credential, and every value that looks random or is a
// URL with a password, whatever its key. Harmless settings
// ("region = us-east-1", "output = json") are not protected: they would be
// redacted in every log line that mentions them. The whole file is a unit
// too; its line breaks keep its raw form out of the index, but its escaped
// forms (the file as one JSON string) are indexed.
func (o *options) configUnits(out []unit, f unit, kvs [][2]string) []unit {
	for _, kv := range kvs {
		out = o.leafUnits(out, f.name+"#"+kv[0], kv[1], o.credentialKey(kv[0]))
	}
	return append(out, f)
}

// leafUnits appends the units of one scalar value of a structured secret:
// the value when its key is credential-like or the value itself looks
// secret, and the password of a URL.
func (o *options) leafUnits(out []unit, name, v string, cred bool) []unit {
	v = strings.TrimSpace(v)
	if cred || looksRandom(v) || strings.Contains(v, "://") {
		if o.indexable(v) {
			out = append(out, unit{name: name, value: v})
		}
	}
	if i := strings.Index(v, "://"); i > 0 {
		if u, err := url.Parse(v); err == nil && u.User != nil {
			if p, ok := u.User.Password(); ok && o.indexable(p) {
				out = append(out, unit{name: name, value: p})
			}
		}
	}
	return out
}

// parseConfig splits a multi-line value into its key/value pairs when every
// non-blank line is "key = value", "key: value", "key=value" (optionally
// after "export "), a [section], a YAML parent ("key:") or list item, or a
// comment; ok is false otherwise, or when there is no pair.
func parseConfig(v string) (kvs [][2]string, ok bool) {
	for _, line := range strings.Split(strings.ReplaceAll(v, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "", line[0] == '#', line[0] == ';', strings.HasPrefix(line, "//"), line == "---":
			continue
		case line[0] == '[' && line[len(line)-1] == ']':
			continue
		}
		line = strings.TrimPrefix(strings.TrimPrefix(line, "- "), "export ")
		i := strings.IndexAny(line, "=:")
		if i <= 0 {
			return nil, false
		}
		key := strings.TrimSpace(line[:i])
		if strings.ContainsAny(key, " \t\"'{}") && !(len(key) > 1 && (key[0] == '"' || key[0] == '\'')) {
			return nil, false
		}
		val := strings.TrimSpace(line[i+1:])
		if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') && val[len(val)-1] == val[0] {
			val = val[1 : len(val)-1]
		}
		if val != "" {
			kvs = append(kvs, [2]string{strings.Trim(key, `"'`), val})
		}
	}
	return kvs, len(kvs) > 0
}

// looksRandom reports whether a value of a key that does not say it is a
// credential looks like one anyway: at least 16 characters without spaces,
// upper and lower case letters and digits mixed, and at least 3.5 bits of
// entropy per character (API keys, tokens and generated passwords; not
// hostnames, regions, ARNs, paths or words, which are lower case).
func looksRandom(v string) bool {
	if len(v) < 16 || strings.ContainsAny(v, " \t") || hostnameLike(v) {
		return false
	}
	var lower, upper, digits bool
	var counts [256]int
	for i := 0; i < len(v); i++ {
		c := v[i]
		counts[c]++
		switch {
		case 'a' <= c && c <= 'z':
			lower = true
		case 'A' <= c && c <= 'Z':
			upper = true
		case '0' <= c && c <= '9':
			digits = true
		}
	}
	if !lower || !upper || !digits {
		return false
	}
	h := 0.0
	for _, n := range counts {
		if n > 0 {
			p := float64(n) / float64(len(v))
			h -= p * math.Log2(p)
		}
	}
	return h >= 3.5
}

// hostnameLike reports whether v has the shape of a lower-case DNS name
// (db7.internal.example, ip-10-0-3-17.ec2.internal): dot-separated labels of
// lower-case letters, digits and hyphens. Generated tokens mix cases or use
// other characters; JWTs, which have dots, do both.
func hostnameLike(v string) bool {
	if !strings.Contains(v, ".") {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(v, "."), ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// credentialKey reports whether a key of a structured secret names a
// credential: by the key rules the zap and slog front ends use
// (internal/keyrule), word by word on what the key names, so "db_password"
// and "pin" do and "token_count" does not. Any verdict but Clear counts:
// in a document known to be secret, a number under "token" is a known
// value too, and protecting it costs one pattern.
func (o *options) credentialKey(k string) bool {
	if o.json.AllFields {
		return true
	}
	return o.keys.Judge(k) != keyrule.Clear // a nil Matcher (no patterns) judges Clear
}

// jsonFields splits a JSON document secret (an object or an array) into
// protected fields named name#key (name#outer.inner for nested objects,
// name#key[2] for array elements). Numbers are kept as written. A field
// is protected when its key (or an enclosing key) is credential-like, or
// when its value looks secret by itself (see leafUnits): a webhook URL or
// a DSN under a plain key. ok is false when no field qualified.
func (o *options) jsonFields(name, v string) ([]unit, bool) {
	dec := json.NewDecoder(strings.NewReader(v))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, false
	}
	var out []unit
	var walk func(path string, x any, cred bool)
	walk = func(path string, x any, cred bool) {
		parent := path[strings.LastIndexByte(path, '.')+1:] // the key of an enclosing object, with any [i]
		switch x := x.(type) {
		case string:
			if cred {
				// Indexed or reported as skipped by lines.
				out = append(out, unit{name: name + "#" + path, value: strings.TrimSpace(x)})
			}
			out = o.leafUnits(out, name+"#"+path, x, false)
		case json.Number:
			if cred {
				out = append(out, unit{name: name + "#" + path, value: x.String()})
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e, cred)
			}
		case map[string]any:
			ks := make([]string, 0, len(x))
			for k := range x {
				ks = append(ks, k)
			}
			sort.Strings(ks)
			for _, k := range ks {
				p := k
				if path != "" {
					p = path + "." + k
				}
				// A nested key is judged alone and with its parent's
				// ("api": {"key": ...} is an api.key).
				walk(p, x[k], cred || o.credentialKey(k) || parent != "" && o.credentialKey(parent+"."+k))
			}
		}
	}
	walk("", doc, false)
	return out, len(out) > 0
}

// baseBuild is a full build of an index over distinct values: what a
// snapshot's base layer is made of, and what the incremental updates of
// delta.go need to find each value's patterns again.
type baseBuild struct {
	idx      *fingerprint.Index
	pats     []patInfo
	secs     []secInfo
	secIndex map[string]uint32
	// jobs are the distinct values in pattern order: jobs[j] has the
	// pattern ids ranges[j] to ranges[j+1].
	jobs     []job
	ranges   []uint32
	jobIndex map[string]uint32
	// bad are the secs dropped because a value of theirs occurs in a
	// replacement text; their patterns are not in idx.
	bad         map[uint32]bool
	decodedOnly bool
	backslash   bool // some pattern holds an escape (snapshot.backslash)
}

// buildUnits indexes units: every value once, under the first name that
// holds it. It runs off the hot path, and touches no state of the Redactor
// but its counters.
func (r *Redactor) buildUnits(units []unit) (*baseBuild, error) {
	bb := &baseBuild{secIndex: make(map[string]uint32, len(units)), secs: make([]secInfo, 0, len(units))}
	seenValue := make(map[string]struct{}, len(units))
	jobs := make([]job, 0, len(units))
	for _, u := range units {
		si, ok := bb.secIndex[u.name]
		if !ok {
			si = uint32(len(bb.secs))
			bb.secIndex[u.name] = si
			bb.secs = append(bb.secs, secInfo{name: u.name, repl: []byte(r.render(u.name)), counters: r.countersFor(u.name)})
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
	bb.jobs = jobs

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
	// Room for the delta's patterns (delta.go) until the next merge.
	bb.pats = make([]patInfo, 0, n+2*min(r.deltaLimit, 1<<16))
	bb.ranges = make([]uint32, 1, len(jobs)+1)
	for _, p := range parts {
		for _, c := range p.counts {
			bb.ranges = append(bb.ranges, bb.ranges[len(bb.ranges)-1]+c)
		}
		for i, pat := range p.patterns {
			patterns = append(patterns, fingerprint.Pattern{Value: pat.Value, ID: uint32(len(patterns))})
			bb.pats = append(bb.pats, p.pats[i])
			bb.decodedOnly = bb.decodedOnly || p.pats[i].decodedOnly
			bb.backslash = bb.backslash || holdsEscape(pat.Value)
		}
	}
	bb.jobIndex = make(map[string]uint32, len(jobs))
	for j, jb := range jobs {
		bb.jobIndex[jb.value] = uint32(j)
	}

	idx, err := fingerprint.Build(patterns)
	if err != nil {
		return nil, fmt.Errorf("redact: build index: %w", err)
	}
	bb.idx = idx

	// A secret that occurs in a replacement text would make scrubbing
	// non-idempotent and could print itself through a name: drop it.
	bad := map[uint32]bool{}
	for _, s := range bb.secs {
		for _, m := range idx.Find(nil, s.repl) {
			bad[bb.pats[m.ID].sec] = true
		}
	}
	if len(bad) > 0 {
		kept := patterns[:0]
		for _, p := range patterns {
			if !bad[bb.pats[p.ID].sec] {
				kept = append(kept, p)
			}
		}
		if bb.idx, err = fingerprint.Build(kept); err != nil {
			return nil, fmt.Errorf("redact: build index: %w", err)
		}
	}
	bb.bad = bad
	return bb, nil
}

// render expands the replacement template for a name.
func (r *Redactor) render(name string) string {
	t := r.opts.replacement
	if strings.Contains(t, "{hash}") {
		m := hmac.New(sha256.New, r.opts.hashKey)
		m.Write([]byte(name))
		t = strings.ReplaceAll(t, "{hash}", hex.EncodeToString(m.Sum(nil)[:8]))
	}
	t = strings.ReplaceAll(t, "{rule}", "")
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
	counts   []uint32 // patterns per job, in order
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
	// About ten distinct forms a value (raw, six base64, one base64 of
	// base64, two hex); more grow the slices.
	e.patterns = make([]fingerprint.Pattern, 0, 12*len(jobs))
	e.pats = make([]patInfo, 0, 12*len(jobs))
	e.counts = make([]uint32, 0, len(jobs))
	var seen []uint64 // hashes of this job's patterns so far
	for _, j := range jobs {
		before := len(e.patterns)
		e.fs.forms = e.fs.forms[:0]
		e.fs.add(j.value, encs)
		seen = seen[:0]
		for _, f := range e.fs.forms {
			if len(f.b) < fingerprint.MinPatternLen {
				continue
			}
			// A form with a line break can only be met in decoded text
			// (a "\n" escape decoded): without a decoder it is useless.
			decodedOnly := bytes.IndexByte(f.b, '\n') >= 0
			if decodedOnly && encs&(URL|JSON) == 0 {
				continue
			}
			// A long form is indexed as consecutive pieces (see
			// formPiece), the last one ending where the form ends.
			for off := 0; ; off += formPiece {
				lo, hi := off, min(off+formPiece, len(f.b))
				if len(f.b) > formPiece && hi-lo < formPiece {
					lo = hi - formPiece
				}
				e.addPattern(&seen, f.b[lo:hi], patInfo{sec: j.sec, enc: f.enc, url: f.urlAlphabet,
					extLeft: f.extLeft && lo == 0, extRight: f.extRight && hi == len(f.b), decodedOnly: decodedOnly})
				if hi == len(f.b) {
					break
				}
			}
		}
		e.counts = append(e.counts, uint32(len(e.patterns)-before))
	}
}

// formPiece is the longest pattern a form is indexed as. A longer form (a
// value of over 4 KiB, or its base64, hex or entity form) is indexed as
// consecutive pieces of this length, the last one ending where the form
// ends (overlapping the one before it): an occurrence of the form is an
// occurrence of each piece, and the matches of back-to-back and
// overlapping pieces merge into one span over the whole occurrence (only
// the first piece widens over a base64 edge character on the left, only the
// last on the right). Every part of a long value is so redacted wherever it
// occurs, also where the value is cut short. Pieces keep what a match can
// reach, and so what the Writer holds back and a decoded window must hold,
// short; a form is never dropped for its length (fingerprint.MaxPatternLen).
const formPiece = 4096

// addPattern adds b as a pattern of p unless the job already has it
// (seen holds the hashes of its patterns).
func (e *expansion) addPattern(seen *[]uint64, b []byte, p patInfo) {
	h := xxhash.Sum64(b)
	for k, g := range *seen {
		if g == h && bytes.Equal(e.patterns[len(e.patterns)-len(*seen)+k].Value, b) {
			return
		}
	}
	*seen = append(*seen, h)
	e.patterns = append(e.patterns, fingerprint.Pattern{Value: b})
	e.pats = append(e.pats, p)
}
