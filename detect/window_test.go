package detect

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"testing"
)

// windowPieces are what the texts of TestQuietAround are made of: log
// text, punctuation, and the pieces of every kind of event (prefixes, the
// signature of an identifiable key, PEM armour, a scheme, long base64).
var windowPieces = []string{
	" ", " ", ",", ":", `"`, "{", "}", "[", "]", "=", "-", "/", "_", ".", "+", "\n", "\\n", "%2F", "\x80",
	"a", "b", "Q", "J", "B", "x", "7", "0", "level", "info", "ts", "msg", "Test logging", "user", "name", "Jane Doe",
	"1796246277323755656", "jane@test.com", "createdAt", "fail",
	"ghp_", "gho_", "github_pat_", "AKIA", "xoxb-", "sk-", "sk_live_", "glpat-", "npm_", "AIza", "SG.", "hvs.", "eyJ", "ops_",
	"JQQJ", "JQ", "-----BEGIN ", "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "-B", "://", "//", "https:", "postgres://u:p@h",
	"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo", "abcdefghijklmnopqrstuvwxyzabcd", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCD", "0123456789012345678901234567890",
}

// windowText returns n pieces of windowPieces.
func windowText(rng *rand.Rand, n int) []byte {
	var b []byte
	for range n {
		b = append(b, windowPieces[rng.IntN(len(windowPieces))]...)
	}
	return b
}

// firstEvent returns the position of the first candidate or base64 end the
// scan sees in text, and whether it is an end, or -1.
func firstEvent(s *Set, text []byte) (int, bool) {
	sc := candScan{tabs: s.tabs}
	o, cand, ends, _, ok := sc.next(text)
	if !ok {
		return -1, false
	}
	c, e := o+64, o+64
	if cand != 0 {
		c = o + trailingZeros(cand)
	}
	if ends != 0 {
		e = o + trailingZeros(ends)
	}
	if e < c {
		return e, true
	}
	return c, false
}

func trailingZeros(x uint64) int {
	n := 0
	for x&1 == 0 {
		x >>= 1
		n++
	}
	return n
}

// quieten edits text until the scan of s sees nothing in it (a candidate's
// byte or the byte after, a byte of a long run, made a blank or a letter
// of the other run's case), or returns nil.
func quieten(rng *rand.Rand, s *Set, text []byte) []byte {
	for range 10 * len(text) {
		i, end := firstEvent(s, text)
		if i < 0 {
			return text
		}
		switch {
		case end:
			text[i-1-rng.IntN(MinBase64Run)] = " !#"[rng.IntN(3)]
		case i+1 < len(text) && rng.IntN(2) == 0:
			text[i+1] = " #a"[rng.IntN(3)]
		default:
			text[i] = " #("[rng.IntN(3)]
		}
	}
	return nil
}

// TestQuietAround: for a quiet text t and a text made from it by changing,
// inserting and deleting bytes and pieces (prefixes, PEM armour, schemes,
// base64) at one to three places, QuietAround with the common prefix and
// suffix (the longest, or shorter ones) agrees with Quiet, on every path
// of the scan, for sets with each kind of event. A change that completes
// an event whose other bytes the template holds (the byte before a prefix,
// a run of base64 a byte from long enough, a "JQ" 52 bytes into a key) is
// one the scan of the window must see.
func TestQuietAround(t *testing.T) {
	sets := map[string]*Set{"default": Default()}
	for _, spec := range []string{"all", "private-key", "url-password", "microsoft-identifiable-key", "github-token", "jwt"} {
		s, err := Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		sets[spec] = s
	}
	paths := []struct {
		name                     string
		goPath, avx2, tabs, scan bool
	}{{"native", false, false, false, false}, {"native-scan", false, false, false, true}, {"avx2", false, true, false, true},
		{"go", true, false, false, true}, {"tables", false, false, true, true}}
	for name, s := range sets {
		for _, path := range paths {
			t.Run(name+"/"+path.name, func(t *testing.T) {
				defer func(f, g, h, w bool) {
					forceCandGo, forceCandAVX2, forceCandTables, forceWindowScan = f, g, h, w
				}(forceCandGo, forceCandAVX2, forceCandTables, forceWindowScan)
				forceCandGo, forceCandAVX2, forceCandTables, forceWindowScan = path.goPath, path.avx2, path.tabs, path.scan
				rng := rand.New(rand.NewPCG(7, uint64(len(name))))
				agreeLoud, used := 0, 0
				for trial := range 3000 {
					tmpl := quieten(rng, s, windowText(rng, 1+rng.IntN(60)))
					if tmpl == nil || !s.Quiet(tmpl) {
						continue
					}
					used++
					text := bytes.Clone(tmpl)
					for range 1 + rng.IntN(3) {
						at := rng.IntN(len(text) + 1)
						var piece []byte
						switch rng.IntN(4) {
						case 0:
							piece = windowText(rng, 1)
						case 1:
							piece = []byte{byte(rng.IntN(128))}
						case 2:
							piece = []byte(base64.StdEncoding.EncodeToString(windowText(rng, 3)))
						}
						cut := 0
						if rng.IntN(2) == 0 {
							cut = rng.IntN(min(4, len(text)-at) + 1)
						}
						text = append(text[:at:at], append(piece, text[at+cut:]...)...)
					}
					p, q := commonEnds(tmpl, text)
					if rng.IntN(4) == 0 {
						p, q = rng.IntN(p+1), rng.IntN(q+1)
					}
					want := s.Quiet(text)
					if got := s.QuietAround(text, p, len(text)-q); got != want {
						t.Fatalf("trial %d: QuietAround(text, %d, %d) = %v, Quiet = %v (template %d bytes, text %d)", trial, p, len(text)-q, got, want, len(tmpl), len(text))
					}
					if !want {
						agreeLoud++
					}
					if want && len(s.FindEncoded(nil, text)) > 0 {
						t.Fatalf("trial %d: a quiet text has findings", trial)
					}
				}
				if used < 2000 || agreeLoud < 500 {
					t.Fatalf("%d quiet templates, %d texts made from them with an event: too few", used, agreeLoud)
				}
				t.Logf("%d quiet templates, %d texts with an event", used, agreeLoud)
			})
		}
	}
}

// commonEnds returns the longest common prefix of a and b, and the longest
// common suffix of what follows it.
func commonEnds(a, b []byte) (p, q int) {
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	for q < len(a)-p && q < len(b)-p && a[len(a)-1-q] == b[len(b)-1-q] {
		q++
	}
	return p, q
}

// BenchmarkQuietAround: windows of an entry of zapcore's benchmark
// (BenchmarkZap10Fields): from its timestamp to its message's number, its
// timestamp's last digits, its message's number; read with the scan and
// byte by byte.
func BenchmarkQuietAround(b *testing.B) {
	text := []byte(`{"level":"info","ts":1796246277323855103,"msg":"Test logging, but use a somewhat realistic message length. (#8)","int":1,"ints":[1,2,3,4,5,6,7,8,9,0],"string":"a","strings":["a","b","c","d","e","f","g","h","i","j"],"time":0}`)
	ts := bytes.Index(text, []byte(`855103`))
	num := bytes.Index(text, []byte(`8)"`))
	s := Default()
	for _, w := range []struct {
		name string
		p, e int
	}{{"ts-to-number", ts, num + 1}, {"ts", ts, ts + 6}, {"number", num, num + 1}} {
		for _, path := range []struct {
			name               string
			goPath, avx2, scan bool
		}{{"native", false, false, false}, {"native-scan", false, false, true}, {"avx2-scan", false, true, true}, {"go-scan", true, false, true}} {
			b.Run(w.name+"/"+path.name, func(b *testing.B) {
				defer func(f, g, h bool) { forceCandGo, forceCandAVX2, forceWindowScan = f, g, h }(forceCandGo, forceCandAVX2, forceWindowScan)
				forceCandGo, forceCandAVX2, forceWindowScan = path.goPath, path.avx2, path.scan
				for b.Loop() {
					if !s.QuietAround(text, w.p, w.e) {
						b.Fatal("not quiet")
					}
				}
			})
		}
	}
}

// FuzzQuietAround: for any quiet template and any text, QuietAround with
// their common prefix and suffix agrees with Quiet, with the window read
// by the scan and, when short, byte by byte.
func FuzzQuietAround(f *testing.F) {
	rng := rand.New(rand.NewPCG(8, 8))
	for range 64 {
		tmpl := quieten(rng, Default(), windowText(rng, 1+rng.IntN(30)))
		if tmpl == nil {
			continue
		}
		text := bytes.Clone(tmpl)
		at := rng.IntN(len(text) + 1)
		text = append(text[:at:at], append(windowText(rng, 1), text[at:]...)...)
		f.Add(tmpl, text)
	}
	all, err := Parse("all")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, tmpl, text []byte) {
		for _, s := range []*Set{Default(), all} {
			if !s.Quiet(tmpl) {
				continue
			}
			p, q := commonEnds(tmpl, text)
			want := s.Quiet(text)
			for _, scan := range []bool{false, true} {
				func() {
					defer func(w bool) { forceWindowScan = w }(forceWindowScan)
					forceWindowScan = scan
					if got := s.QuietAround(text, p, len(text)-q); got != want {
						t.Fatalf("QuietAround(text, %d, %d) = %v, Quiet = %v (scan %v, template %d bytes, text %d)", p, len(text)-q, got, want, scan, len(tmpl), len(text))
					}
				}()
			}
		}
	})
}
