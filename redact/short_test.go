package redact_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/redact"
)

// cleanFiller returns n bytes of JSON-like text that hold no secret.
func cleanFiller(rng *rand.Rand, n int) []byte {
	const alphabet = `abcdefghijklmnopqrstuvwxyz ,:"{}[]0123456789`
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return b
}

// TestContainsLike: ContainsLike agrees with Contains on texts that differ
// from a clean template by one byte of a secret's form (the secret is in
// the text, its other bytes are the template's: the window around the
// difference must reach its far end, the longest form included), by a
// byte taken out of the middle of a form (the form spans the joint of
// prefix and suffix), and by clean changes. Failure messages name the
// form, the case and positions, never a value. The filler holds quotes,
// commas, colons, spaces and brackets, where the window stops unless a
// pattern holds them: the secret sets hold none of those bytes, some of
// them, or all.
func TestContainsLike(t *testing.T) {
	plain := []redact.Secret{
		{Name: "short", Value: "Qm7vX2kLp9Rt4wZs"},
		{Name: "long", Value: "Hq3Zr8VnT2mKx7Lc4Wp9Bd6Fs1Gy5Jt0Ne3Ru8Ao"},
	}
	for _, secrets := range [][]redact.Secret{
		plain,
		append(plain[:2:2], redact.Secret{Name: "commas", Value: "Kp4,Wm8:Zr2,Tx6:Qn1"}),
		append(plain[:2:2], redact.Secret{Name: "all", Value: `Vb5"Lq7,Mz3:Nk8{Pw2}Rt6[Sj9]Yc4;Ua1&Hd5'Ge8(Xf0)Zo2<Ib3>|Wk7`}),
	} {
		containsLike(t, secrets)
	}
}

func containsLike(t *testing.T, secrets []redact.Secret) {
	for _, det := range []bool{false, true} {
		var opts []redact.Option
		if !det {
			opts = append(opts, redact.WithDetectors(nil))
		} else {
			opts = append(opts, redact.WithDetectors(detect.Default()))
		}
		r, err := redact.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Set(secrets); err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		type form struct {
			name string
			b    []byte
		}
		var forms []form
		for _, s := range secrets {
			for _, f := range []form{
				{s.Name + "/raw", []byte(s.Value)},
				{s.Name + "/base64", []byte(base64.StdEncoding.EncodeToString([]byte(s.Value)))},
				{s.Name + "/hex", []byte(hex.EncodeToString([]byte(s.Value)))},
			} {
				if !r.Contains(f.b) {
					t.Fatalf("detectors=%v: form %s is not found at all", det, f.name)
				}
				forms = append(forms, f)
			}
		}
		check := func(what string, tmpl, src []byte, want bool) {
			t.Helper()
			c := r.NewCleanText(tmpl)
			if c == nil {
				// A change at the edge of a base64 form may leave
				// its indexed core whole; the raw and hex forms are
				// matched exactly, and are always tested.
				if !strings.Contains(what, "base64") {
					t.Fatalf("detectors=%v %s: the template is not clean", det, what)
				}
				return
			}
			if got := r.Contains(src); got != want {
				t.Fatalf("detectors=%v %s: Contains = %v, want %v", det, what, got, want)
			}
			// Twice: the second call goes by the suffix hint of the first.
			for k := range 2 {
				if got, _ := r.ContainsLike(c, src); got != want {
					t.Fatalf("detectors=%v %s (call %d): ContainsLike = %v, Contains = %v", det, what, k, got, want)
				}
			}
		}
		for _, f := range forms {
			for _, at := range []int{0, 1, 37, 300} {
				pre, post := cleanFiller(rng, at), cleanFiller(rng, 211)
				src := append(append(append([]byte{}, pre...), f.b...), post...)
				for _, i := range []int{0, 1, len(f.b) / 2, len(f.b) - 2, len(f.b) - 1} {
					// One byte of the form differs in the template.
					tmpl := bytes.Clone(src)
					tmpl[at+i] = '#'
					check(f.name+" one byte", tmpl, src, true)
					// The template has a byte more inside the form:
					// prefix and suffix meet inside it.
					if i > 0 {
						tmpl = append(append(append([]byte{}, src[:at+i]...), '#'), src[at+i:]...)
						check(f.name+" joint", tmpl, src, true)
					}
					// And the other way: the template lacks byte i
					// (unless the filler repeats that end byte of the
					// form: the form is then whole in the template).
					if (i == 0 && at > 0 && src[at-1] == src[at]) || (i == len(f.b)-1 && src[at+i+1] == src[at+i]) {
						continue
					}
					tmpl = append(append([]byte{}, src[:at+i]...), src[at+i+1:]...)
					check(f.name+" shorter template", tmpl, src, true)
				}
				// Clean: the form broken in src, the template intact
				// but for one byte elsewhere.
				clean := bytes.Clone(src)
				clean[at+len(f.b)/2] = '#'
				tmpl := bytes.Clone(clean)
				tmpl[len(tmpl)-5] = '{'
				check(f.name+" clean", tmpl, clean, r.Contains(clean))
			}
		}
		// Texts with nothing in common and of other lengths.
		a, b := cleanFiller(rng, 500), cleanFiller(rng, 90)
		check("unrelated", a, b, false)
		check("unrelated, template shorter", b, a, false)
		check("empty text", a, nil, false)
		check("equal", a, a, false)
	}
}

// TestContainsLikeHint: the common suffix remembered from one text is not
// trusted for the next: a form completed inside the suffix the last text
// shared with the template is found.
func TestContainsLikeHint(t *testing.T) {
	r, err := redact.New(redact.WithDetectors(nil))
	if err != nil {
		t.Fatal(err)
	}
	const v = "Qm7vX2kLp9Rt4wZs"
	if err := r.Set([]redact.Secret{{Name: "a", Value: v}}); err != nil {
		t.Fatal(err)
	}
	dirty := []byte(strings.Repeat("x", 200) + v + strings.Repeat("y", 100))
	tmpl := bytes.Clone(dirty)
	tmpl[205] = '#'
	c := r.NewCleanText(tmpl)
	if c == nil {
		t.Fatal("the template is not clean")
	}
	other := bytes.Clone(tmpl)
	other[10] = 'z' // shares all but the first bytes with the template
	if found, _ := r.ContainsLike(c, other); found {
		t.Fatal("a clean text is reported dirty")
	}
	dirty[10] = 'z' // and so does this one, up to the form
	if found, _ := r.ContainsLike(c, dirty); !found {
		t.Fatal("the secret inside the last text's common suffix was missed")
	}
}

// TestContainsLikeStale: a template of another secret set is not used: a
// value added after the template was made is found.
func TestContainsLikeStale(t *testing.T) {
	r, err := redact.New(redact.WithDetectors(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set([]redact.Secret{{Name: "a", Value: "Qm7vX2kLp9Rt4wZs"}}); err != nil {
		t.Fatal(err)
	}
	const added = "Hq3Zr8VnT2mKx7Lc4Wp9"
	text := []byte(strings.Repeat("x", 100) + added + strings.Repeat("y", 100))
	c := r.NewCleanText(text)
	if c == nil {
		t.Fatal("the template is not clean")
	}
	if err := r.Add(redact.Secret{Name: "b", Value: added}); err != nil {
		t.Fatal(err)
	}
	if found, scanned := r.ContainsLike(c, text); !found || scanned != -1 {
		t.Fatalf("after Add: ContainsLike = %v (scanned %d), want true, -1", found, scanned)
	}
	if r.NewCleanText(text) != nil {
		t.Fatal("NewCleanText of a text holding a secret is not nil")
	}
}

// TestContainsLikeDecoded: ContainsLike agrees with Contains where only
// the decoders find the secret (one byte of it percent- or JSON-escaped,
// base64 of its base64) and the template is the same text with the escape
// or the run broken by one byte, so that the template gives the decoders
// nothing to look at: the difference is then all that can wake them, at
// every alignment of the 32-byte blocks of their scan.
func TestContainsLikeDecoded(t *testing.T) {
	const v = "Qm7vX2kLp9Rt4wZs"
	for _, det := range []bool{false, true} {
		var opts []redact.Option
		if !det {
			opts = append(opts, redact.WithDetectors(nil))
		}
		r, err := redact.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Set([]redact.Secret{{Name: "a", Value: v}}); err != nil {
			t.Fatal(err)
		}
		nested := base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString([]byte(v))))
		forms := []struct {
			name   string
			b      string
			break_ int // the byte the template replaces with '#'
		}{
			{"percent", v[:15] + "%73", 15},
			{"percent-first", "%51" + v[1:], 0},
			{"json", v[:15] + `\u0073`, 15},
			{"nested-base64", nested, len(nested) / 2},
			// The template keeps the escape and differs before it: it
			// gives the decoders a marker, in the common suffix.
			{"percent-kept", v[:15] + "%73", 14},
			{"percent-kept-far", v[:15] + "%73", 0},
		}
		found := 0
		for _, f := range forms {
			for at := 0; at < 140; at++ {
				// Half the texts end with the form: its bytes fall in
				// the scan's last, partial block.
				trailer := " x y " + strings.Repeat("z ", 60)
				if at%2 == 1 {
					trailer = ""
				}
				src := []byte(strings.Repeat("a b ", 40)[:at/2] + f.b + trailer)
				tmpl := bytes.Clone(src)
				tmpl[at/2+f.break_] = '#'
				c := r.NewCleanText(tmpl)
				if c == nil {
					t.Fatalf("detectors=%v %s at %d: the template is not clean", det, f.name, at)
				}
				want := r.Contains(src)
				if want {
					found++
				}
				for k := range 2 {
					if got, _ := r.ContainsLike(c, src); got != want {
						t.Fatalf("detectors=%v %s at %d (call %d): ContainsLike = %v, Contains = %v", det, f.name, at, k, got, want)
					}
				}
				// The template against itself, and a clean change.
				if got, _ := r.ContainsLike(c, tmpl); got {
					t.Fatalf("detectors=%v %s at %d: the template is reported dirty", det, f.name, at)
				}
			}
		}
		// The template has a byte more well before wrapped base64 that
		// encodes the secret across a line break (only the decoders find
		// it): the blob's runs are at another alignment in the
		// template, and far from the difference.
		// 36 bytes before the secret: its encoding starts at column 48
		// and goes on past the break at column 64.
		blob := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("payload ", 4) + "it: " + v + " and some more of it, to fill the line"))
		wrapped := blob[:64] + "\n" + blob[64:]
		for at := 0; at < 64; at++ {
			pre := strings.Repeat("a b ", 40)[:at]
			post := strings.Repeat(". ", 25) + wrapped + "\n x y " + strings.Repeat("z ", 60)
			src := []byte(pre + post)
			tmpl := []byte(pre + "#" + post)
			c := r.NewCleanText(tmpl)
			if c == nil {
				t.Fatalf("detectors=%v shifted run at %d: the template is not clean", det, at)
			}
			want := r.Contains(src)
			if !want {
				t.Fatalf("detectors=%v shifted run at %d: the wrapped secret is not found", det, at)
			}
			if got, _ := r.ContainsLike(c, src); got != want {
				t.Fatalf("detectors=%v shifted run at %d: ContainsLike = %v, Contains = %v", det, at, got, want)
			}
		}
		if found < 5*140 {
			t.Fatalf("detectors=%v: only %d of the texts hold the secret (the forms are not all decoded)", det, found)
		}
	}
}
