package redact

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
)

// The detectors in ContainsLike: with a template their candidate scan saw
// nothing in, they run only when the scan sees something around where src
// differs from it (detect.Set.QuietAround). These tests make templates of
// texts that hold tokens, by breaking every place the scan would look at
// (a prefix's first bytes or the byte before them, a run of base64, a
// "JQ", the "-B" of a PEM block, the "//" of a URL) with as few changed
// bytes as it takes: the token then lies across the bytes src shares with
// the template and the few it does not, in every way a token can (its
// start, its middle, the signature 52 bytes into it, the BEGIN line of a
// block whose body follows, the scheme before a password, a base64 run
// broken in its middle or a byte short of long enough, at every
// alignment). Failure messages name the rule, variant, context and
// positions, never a token's text.

// sdRedactor returns a Redactor with two secrets (ContainsLike needs an
// index) and the options.
func sdRedactor(t *testing.T, opts ...Option) *Redactor {
	t.Helper()
	r, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set([]Secret{{Name: "a", Value: "Qm7vX2kLp9Rt4wZs"}, {Name: "b", Value: "Hq3Zr8VnT2mKx7Lc4Wp9Bd6Fs1Gy5Jt0Ne3Ru8Ao"}}); err != nil {
		t.Fatal(err)
	}
	return r
}

// sdEvent returns the least k for which the scan of set sees something in
// text[:k] (an event at or just before k), or -1 when text is quiet.
func sdEvent(set *detect.Set, text []byte) int {
	if set.Quiet(text) {
		return -1
	}
	for k := 1; k < len(text); k++ {
		if !set.Quiet(text[:k]) {
			return k
		}
	}
	return len(text)
}

// sdQuieten changes bytes of text (in place) until the scan of set sees
// nothing in it, then changes back as many as it can while it stays so.
// It returns the positions changed, or false when it gave up.
func sdQuieten(rng *rand.Rand, set *detect.Set, text, orig []byte) ([]int, bool) {
	var changed []int
	for range 400 {
		k := sdEvent(set, text)
		if k < 0 {
			break
		}
		// A candidate is at k-1 or k-2 (the byte after it may be what
		// made it one); a run of base64 ends at or just before k.
		i := k - 1 - rng.IntN(3)
		if rng.IntN(2) == 0 {
			i = k - 1 - rng.IntN(detect.MinBase64Run+1)
		}
		i = max(0, i)
		text[i] = " !#x7"[rng.IntN(5)]
		changed = append(changed, i)
	}
	if !set.Quiet(text) {
		return nil, false
	}
	rng.Shuffle(len(changed), func(a, b int) { changed[a], changed[b] = changed[b], changed[a] })
	k := 0
	for _, i := range changed {
		c := text[i]
		text[i] = orig[i]
		if set.Quiet(text) {
			continue
		}
		text[i] = c
		changed[k] = i
		k++
	}
	changed = changed[:k]
	slices.Sort(changed)
	return slices.Compact(changed), true
}

// sdFiller returns quiet JSON-like log text of about n bytes.
func sdFiller(rng *rand.Rand, set *detect.Set, n int) []byte {
	words := []string{`{"level":"info"`, `,"ts":1796246277.32375`, `,"msg":"request handled"`, `,"n":42`, `,"user":"Jane Doe"`,
		`,"caller":"app/main.go:42"`, ` `, `,"ok":true}`, "\n", `,"path":"/v1/items"`, `,"err":"fail"`, `,"id":"9f8e7d6c"`}
	var b []byte
	for len(b) < n {
		b = append(b, words[rng.IntN(len(words))]...)
	}
	orig := bytes.Clone(b)
	if _, ok := sdQuieten(rng, set, b, orig); !ok {
		return nil
	}
	return b
}

type sdStats struct {
	cases, quietTmpl, ranDet, found int
	foundByRule                     map[string]int
}

// sdCheck compares ContainsLike(c, src) with Contains(src), twice (the
// second call goes by the suffix hint of the first), and counts what path
// it took.
func sdCheck(t *testing.T, r *Redactor, c *CleanText, src []byte, what string, st *sdStats, rule string) {
	t.Helper()
	want := r.Contains(src)
	for k := range 2 {
		if got, _ := r.ContainsLike(c, src); got != want {
			t.Fatalf("%s (call %d, text %d bytes, template %d): ContainsLike = %v, Contains = %v", what, k, len(src), len(c.text), got, want)
		}
	}
	st.cases++
	s := r.cur.Load()
	if c.detQuiet {
		st.quietTmpl++
		p, q := c.differing(src)
		if !s.det.set.QuietAround(src, p, len(src)-q) {
			st.ranDet++
		}
		if want {
			st.found++
			st.foundByRule[rule]++
		}
	}
}

// TestContainsLikeDetectors: ContainsLike agrees with Contains on texts
// that hold a token of every family (in every context of detecttest: as
// written, JSON-escaped, in JSON in JSON, URL-escaped, base64 of a line or
// of a document, wrapped, in headers, configuration, stack traces) and a
// template that is the text with the fewest bytes changed that leave the
// detectors' scan nothing to see; with one of those bytes inserted or taken
// out instead (prefix and suffix then meet, and base64 shifts alignment);
// and with texts made from the template by changing and inserting random
// bytes and pieces of tokens at random places. Every rule of the set is
// found through a quiet template at least once.
func TestContainsLikeDetectors(t *testing.T) {
	all, err := detect.Parse("all")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts []Option
	}{
		{"default", nil},
		{"default-raw", []Option{WithEncodings(Raw)}},
		{"all-raw", []Option{WithDetectors(all), WithEncodings(Raw)}},
		{"all", []Option{WithDetectors(all)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sdRedactor(t, tc.opts...)
			set := r.opts.detectors
			rng := rand.New(rand.NewPCG(3, uint64(len(tc.name))))
			gen := detecttest.New(uint64(len(tc.name)))
			ctxs := detecttest.Contexts()
			st := sdStats{foundByRule: map[string]int{}}
			// Four cases per token even in short mode: with fewer, some
			// rules' tokens never meet a quiet template and the check
			// below that every rule is found through one fails.
			const perContext = 4
			for _, tok := range gen.All() {
				if !set.Has(tok.Rule) {
					continue
				}
				for range perContext {
					ctx := ctxs[rng.IntN(len(ctxs))]
					pl := ctx.Wrap(tok)
					pre, post := sdFiller(rng, set, rng.IntN(120)), sdFiller(rng, set, rng.IntN(120))
					if pre == nil || post == nil {
						continue
					}
					src := slices.Concat(pre, []byte(pl.Text), post)
					tmpl := bytes.Clone(src)
					changed, ok := sdQuieten(rng, set, tmpl, src)
					if !ok {
						continue
					}
					what := func(how string) string {
						return tok.Rule + "/" + tok.Variant + " in " + ctx.Name + ": " + how
					}
					try := func(how string, tmpl, src []byte) {
						c := r.NewCleanText(tmpl)
						if c == nil {
							t.Fatalf("%s: the template is not clean", what(how))
						}
						sdCheck(t, r, c, src, what(how), &st, tok.Rule)
					}
					try("fewest changes", tmpl, src)
					if len(changed) > 0 {
						// One changed byte inserted instead, or the
						// byte taken out.
						i := changed[rng.IntN(len(changed))]
						ins := slices.Concat(src[:i], tmpl[i:i+1], src[i:])
						for _, j := range changed {
							if j != i {
								ins[j+btoi(j > i)] = tmpl[j]
							}
						}
						if set.Quiet(ins) {
							try("a byte inserted", ins, src)
						}
						del := slices.Concat(tmpl[:i], tmpl[i+1:])
						if set.Quiet(del) {
							try("a byte taken out", del, src)
						}
					}
					// A template with one byte of the context or
					// token blanked, quiet or not (a PEM block whose
					// BEGIN line src shares with it, its body not).
					for range 2 {
						one := bytes.Clone(src)
						one[len(pre)+rng.IntN(len(pl.Text))] = '!'
						if c := r.NewCleanText(one); c != nil {
							sdCheck(t, r, c, src, what("one byte blanked"), &st, tok.Rule)
						}
					}
					// Random changes of the template: bytes, and
					// pieces of the token's text.
					for range 3 {
						mut := bytes.Clone(tmpl)
						for range 1 + rng.IntN(3) {
							at := rng.IntN(len(mut) + 1)
							var piece []byte
							switch rng.IntN(3) {
							case 0:
								piece = []byte{" !#-/:JQB"[rng.IntN(9)]}
							case 1:
								a := rng.IntN(len(pl.Text))
								piece = []byte(pl.Text[a : a+rng.IntN(min(64, len(pl.Text)-a)+1)])
							case 2:
								// A byte of src (often one the
								// template changed back).
								a := rng.IntN(len(src))
								piece = src[a : a+1]
							}
							cut := rng.IntN(min(3, len(mut)-at) + 1)
							mut = slices.Concat(mut[:at], piece, mut[at+cut:])
						}
						sdCheck(t, r, r.NewCleanText(tmpl), mut, what("random changes"), &st, tok.Rule)
					}
				}
			}
			for _, rule := range set.Rules() {
				if st.foundByRule[rule.ID] == 0 {
					t.Errorf("rule %s: no token found through a quiet template", rule.ID)
				}
			}
			t.Logf("%d cases, %d with a quiet template: %d ran the detectors, %d found something", st.cases, st.quietTmpl, st.ranDet, st.found)
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestContainsLikeDetectorsRunEdges: a run of base64 that is long enough
// to be decoded only with the byte where src differs from the template, at
// the run's end, at its start or in its middle: the base64 of an AWS access
// key ID (20 bytes, 27 characters unpadded, the shortest run decoded) whose
// template has a blank for one of its characters, or one more in its
// middle. The part of the run on either side of the difference is too
// short for the scan, so the template is quiet; the run is read whole
// around it. (The set leaves out microsoft-identifiable-key: the base64 of
// "AKIA" holds its "JQ".)
func TestContainsLikeDetectorsRunEdges(t *testing.T) {
	gen := detecttest.New(5)
	set, err := detect.Parse("default,-microsoft-identifiable-key")
	if err != nil {
		t.Fatal(err)
	}
	for _, opts := range [][]Option{{WithEncodings(Raw)}, nil} {
		r := sdRedactor(t, append(opts, WithDetectors(set))...)
		st := sdStats{foundByRule: map[string]int{}}
		edges := 0
		for n := range 40 {
			tok := gen.Token("aws-access-key-id")
			enc := base64.RawStdEncoding
			if n%2 == 1 {
				enc = base64.RawURLEncoding
			}
			run := enc.EncodeToString([]byte(tok.Secret()))
			pad := []string{"", "=", "==", "."}[n%4]
			for _, at := range []int{0, len(run) - 1, len(run) / 2, -len(run) / 2} {
				src := []byte(`{"level":"info","msg":"sync","blob":"` + run + pad + `","n":` + string(rune('0'+n%10)) + `}`)
				off := bytes.Index(src, []byte(run))
				var tmpl []byte
				if at < 0 {
					tmpl = slices.Concat(src[:off-at], []byte("!"), src[off-at:])
				} else {
					tmpl = bytes.Clone(src)
					tmpl[off+at] = '!'
				}
				what := fmt.Sprintf("base64 run of %d, changed at %d (<0: inserted), padding %d", len(run), at, len(pad))
				if !set.Quiet(tmpl) {
					t.Fatalf("%s: the template is not quiet", what)
				}
				sdCheck(t, r, r.NewCleanText(tmpl), src, what, &st, tok.Rule)
				if (at == 0 || at == len(run)-1) && r.Contains(src) {
					edges++
				}
			}
		}
		if edges < 40 {
			t.Fatalf("only %d texts found with the difference at a run's edge", edges)
		}
	}
}

// TestContainsLikeDetectorsStretch: src differs from the template in its
// timestamp and, further on, in one byte at the start of a token (the byte
// before it, one of its first four): the token's candidate, which the
// bytes the two share and the differing byte make, is seen.
func TestContainsLikeDetectorsStretch(t *testing.T) {
	gen := detecttest.New(9)
	r := sdRedactor(t, WithEncodings(Raw))
	set := r.opts.detectors
	st := sdStats{foundByRule: map[string]int{}}
	for _, tok := range gen.All() {
		if !set.Has(tok.Rule) || tok.Start != 0 {
			continue
		}
		for blank := -1; blank < 4; blank++ {
			head := func(ts string) []byte {
				return []byte(`{"level":"info","ts":` + ts + `,"msg":"request handled by the upstream","detail":" `)
			}
			tail := []byte(`","ok":true}`)
			src := slices.Concat(head("1796246277323855103"), []byte(tok.Text), tail)
			tmpl := slices.Concat(head("1796246277323755656"), []byte(tok.Text), tail)
			tmpl[len(head(""))+len("1796246277323755656")+blank] = 'x'
			if !set.Quiet(tmpl) {
				continue
			}
			what := fmt.Sprintf("%s/%s with byte %d of it differing", tok.Rule, tok.Variant, blank)
			sdCheck(t, r, r.NewCleanText(tmpl), src, what, &st, tok.Rule)
		}
	}
	if st.found < 20 {
		t.Fatalf("only %d tokens found through a quiet template", st.found)
	}
}

// TestContainsLikeDetectorsAllocs: ContainsLike allocates nothing, whether
// the detectors' scan sees nothing around the difference or something
// (a clean word that begins like a prefix, a URL without a password).
func TestContainsLikeDetectorsAllocs(t *testing.T) {
	r := sdRedactor(t)
	tmpl := []byte(`{"level":"info","ts":1796246277323755656,"msg":"request handled","n":1,"detail":"value one","ok":true}`)
	c := r.NewCleanText(tmpl)
	if c == nil || !c.detQuiet {
		t.Fatal("the template is not clean and quiet")
	}
	for _, src := range []string{
		`{"level":"info","ts":1796246277323855103,"msg":"request handled","n":2,"detail":"value one","ok":true}`,
		`{"level":"info","ts":1796246277323855103,"msg":"request handled","n":2,"detail":"ghp_short https://example.com/x","ok":true}`,
	} {
		if r.Contains([]byte(src)) {
			t.Fatal("a text is not clean")
		}
		b := []byte(src)
		if n := testing.AllocsPerRun(100, func() { r.ContainsLike(c, b) }); n != 0 {
			t.Errorf("ContainsLike allocates %v times", n)
		}
	}
}

// FuzzContainsLikeDetectors: ContainsLike(c, src) equals Contains(src)
// for any clean template and any src; the seeds are templates of texts
// holding a token of every family with the fewest bytes changed that leave
// the detectors' scan nothing to see, and those texts.
func FuzzContainsLikeDetectors(f *testing.F) {
	rng := rand.New(rand.NewPCG(4, 4))
	set := detect.Default()
	ctxs := detecttest.Contexts()
	for _, tok := range detecttest.New(4).All() {
		src := []byte(ctxs[rng.IntN(len(ctxs))].Wrap(tok).Text)
		tmpl := bytes.Clone(src)
		if _, ok := sdQuieten(rng, set, tmpl, src); ok {
			f.Add(tmpl, src)
		}
	}
	r, err := New()
	if err != nil {
		f.Fatal(err)
	}
	if err := r.Set([]Secret{{Name: "a", Value: "Qm7vX2kLp9Rt4wZs"}}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, tmpl, src []byte) {
		c := r.NewCleanText(tmpl)
		if c == nil {
			return
		}
		want := r.Contains(src)
		if got, _ := r.ContainsLike(c, src); got != want {
			p, q := c.differing(src)
			t.Fatalf("ContainsLike = %v, Contains = %v (text %d bytes, template %d, common prefix %d, suffix %d, template quiet %v)", got, want, len(src), len(tmpl), p, q, c.detQuiet)
		}
	})
}
