package detect

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
)

// gateSets are the rule sets the gate tests run: with and without token
// rules (no tokens: no scan, the searches run over the whole text), with
// one of the two searches, with an identifiable key (the "JQ" bucket).
func gateSets(t testing.TB) []*Set {
	t.Helper()
	var out []*Set
	for _, ids := range [][]string{
		nil, // all
		{"url-password", "private-key"},
		{"url-password", "github-token"},
		{"private-key", "aws-access-key-id"},
		{"url-password", "private-key", "microsoft-identifiable-key", "slack-token"},
	} {
		var s *Set
		var err error
		if ids == nil {
			s, err = Parse("all")
		} else {
			s, err = New(ids...)
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return append(out, Default())
}

// pemKeyBody is key material enough for a PEM block (minPEMKey).
const pemKeyBody = "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu"

// gatePieces are what the random gate texts are made of: URLs whole and
// in pieces, PEM armour whole and in pieces, userinfo, separators.
var gatePieces = []string{
	"https://", "://", "//", "///", ":", "/", "@", "@@", "u:p@h", "user:pa55@db.example", "a://b", "a:b://u:p@h",
	"x+y.z-1://us%40er:p!$&'()*+,;=w@[::1]", "1http://u:p@h", "::u:p@h", ":://u:p@h", "http://:@h", "http://u:@h", "http://u:p@",
	"http://u:p@/", "git@github.com", "ssh://git@host", "mailto:a@b", "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu", "p%3A~._-",
	"-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN+RSA+PRIVATE+KEY-----", "-----BEGIN ", "------BEGIN ", "--BEGIN ", "BEGIN ",
	"-----BEGIN CERTIFICATE-----", "-----BEGIN PGP PRIVATE KEY BLOCK-----", "-----END RSA PRIVATE KEY-----",
	"-----END PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----", "-----", "-B", "\\n", "\n", " ", "\t", "x", "\xff",
	pemKeyBody, "ghp_", "JQQJ9", "xoxb-",
}

// gateURL is a URL whose userinfo (from after "//" to the '@') is n bytes.
func gateURL(n int) string {
	if n < 3 {
		return "https://" + strings.Repeat(":", n) + "@host"
	}
	return "https://" + strings.Repeat("u", n-2) + ":p@host"
}

// gateTexts are random and adversarial texts for the gates: many "//"
// and '@', userinfo at and around findURLPasswords' reach, URLs and PEM
// lines across the 64-byte chunks' boundaries and at the start and end of
// the text, more of each than gates holds, and all of it base64-encoded
// (at each alignment, in both alphabets) for FindEncoded's decoding.
func gateTexts(rng *rand.Rand) [][]byte {
	var out [][]byte
	for range 1500 {
		var b []byte
		for range rng.IntN(40) {
			b = append(b, gatePieces[rng.IntN(len(gatePieces))]...)
		}
		out = append(out, b)
	}
	// Userinfo of every length around the reach, at every offset of a
	// chunk, at the start and the end of the text.
	for _, n := range []int{0, 1, 2, 3, 60, 61, 62, 63, 64, 65, userinfoReach - 2, userinfoReach - 1, userinfoReach, userinfoReach + 1, userinfoReach + 2} {
		u := gateURL(n)
		for off := 0; off < 70; off += 1 + rng.IntN(3) {
			pad := bytes.Repeat([]byte{' '}, off)
			out = append(out,
				append(append([]byte(nil), pad...), u...),
				append(append([]byte(nil), pad...), u[:len(u)-4]...), // ends at the host's first byte
				append(append([]byte(nil), pad...), u[:len(u)-5]...), // ends at the '@'
				append(append([]byte(nil), pad...), u[6:]...),        // starts at "//"
				append(append([]byte(nil), pad...), u[5:]...),        // starts at "://"
			)
		}
		out = append(out, []byte(u[6:]), []byte(u[5:]), []byte(u[4:]))
	}
	// "-----BEGIN " lines at every offset of a chunk, whole, cut, at the
	// start and end of the text.
	pem := "-----BEGIN RSA PRIVATE KEY-----\n" + pemKeyBody + "\n-----END RSA PRIVATE KEY-----"
	for off := range 70 {
		pad := bytes.Repeat([]byte{'.'}, off)
		for _, cut := range []int{len(pem), 11, 10, 12, 31, 32, 40} {
			out = append(out, append(append([]byte(nil), pad...), pem[:cut]...))
		}
		out = append(out, append([]byte(pem[4:]), pad...), append([]byte(pem[5:]), pad...))
	}
	// More places than gates holds: many "//" with '@', many BEGIN lines,
	// and blocks inside blocks.
	for _, k := range []int{maxGates - 1, maxGates, maxGates + 1, 3 * maxGates} {
		var urls, pems, both []byte
		for i := range k {
			urls = append(urls, gateURL(1+i%9)...)
			urls = append(urls, " //@ "[:1+i%5]...)
			pems = append(pems, "-----BEGIN PRIVATE KEY-----\n"...)
			if i%3 == 0 {
				pems = append(pems, pemKeyBody+"\n-----END PRIVATE KEY-----\n"...)
			}
			both = append(both, gateURL(i%4)+" -----BEGIN+RSA+PRIVATE+KEY-----"+pemKeyBody[:10+i%50]+"\n"...)
		}
		out = append(out, urls, pems, both)
	}
	// Base64 of the texts so far, for the decoding's searches (a run at
	// the start of text is decoded at every alignment).
	n := len(out)
	for i := 0; i < n; i += 1 + rng.IntN(4) {
		enc := base64.StdEncoding
		if rng.IntN(2) == 0 {
			enc = base64.RawURLEncoding
		}
		e := enc.EncodeToString(out[i])
		out = append(out, []byte("Authorization: Basic "+e+" tail"), []byte(e[min(len(e), rng.IntN(4)):]))
	}
	return out
}

// gateFindingsEqual compares the findings of the same text; a failure
// names positions and rules, never text.
func gateFindingsEqual(t testing.TB, what string, got, want []Finding) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d findings gated, %d ungated", what, len(got), len(want))
	}
	for k := range got {
		if got[k] != want[k] {
			t.Fatalf("%s: finding %d differs: %s at [%d,%d) base64 %v gated, %s at [%d,%d) base64 %v ungated", what, k,
				got[k].Rule.ID, got[k].Start, got[k].End, got[k].Base64, want[k].Rule.ID, want[k].Start, want[k].End, want[k].Base64)
		}
	}
}

// checkGates compares, on text, the searches at the places the scan noted
// with the searches of the whole text (findPEM, findURLPasswords), and
// Find and FindEncoded with the searches gated and ungated. It returns
// how many gated searches found something, and how many had more than
// maxGates places.
func checkGates(t testing.TB, s *Set, what string, text []byte) (found, over int) {
	t.Helper()
	defer func() { ungated = false }()
	ungated = false
	if s.tokens {
		var g gates
		g.scanned()
		s.scanTokensSeen(nil, text, &g)
		if s.url != nil {
			var got []Finding
			for _, at := range g.urls() {
				got = urlPassword(got, text, at, s.url.rule)
			}
			want := findURLPasswords(nil, text, s.url.rule)
			gateFindingsEqual(t, what+": url-password searches", got, want)
			if len(want) > 0 {
				found++
			}
			if g.nurl > maxGates {
				over++
			}
		}
		if s.pem != nil {
			got := findPEMAt(nil, text, g.pems(), s.pem.rule)
			want := findPEM(nil, text, s.pem.rule)
			gateFindingsEqual(t, what+": private-key searches", got, want)
			if len(want) > 0 {
				found++
			}
			if g.npem > maxGates {
				over++
			}
		}
		g.release()
	}
	for _, b64 := range []bool{false, true} {
		ungated = false
		got := s.find(nil, text, b64)
		ungated = true
		want := s.find(nil, text, b64)
		w := what + ": Find"
		if b64 {
			w = what + ": FindEncoded"
		}
		gateFindingsEqual(t, w, got, want)
	}
	return found, over
}

// scanPaths are the candidate scan's paths that run here.
var scanPaths = []struct {
	name           string
	have           bool
	goPath, avx512 bool
}{{"Go", true, true, false}, {"AVX2", haveCandAVX2, false, false}, {"AVX-512", haveCand512, false, true}}

// TestGatesKeepFindings: the PEM and URL searches at the places the scan
// saw find what they find over the whole text, and so do Find and
// FindEncoded (whose decoding searches the decoded text gated too), on
// every path of the scan.
func TestGatesKeepFindings(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	texts := gateTexts(rng)
	defer func(f, g bool) { forceCandGo, forceCandAVX2 = f, g }(forceCandGo, forceCandAVX2)
	for _, path := range scanPaths {
		if !path.have {
			continue
		}
		forceCandGo, forceCandAVX2 = path.goPath, !path.avx512 && !path.goPath
		searches, over, found := 0, 0, 0
		for si, s := range gateSets(t) {
			for i, b := range texts {
				n, o := checkGates(t, s, path.name+": set "+itoa(si)+": text "+itoa(i)+" ("+itoa(len(b))+" bytes)", b)
				searches, over = searches+n, over+o
				if si == 0 {
					found += len(s.FindEncoded(nil, b))
				}
			}
		}
		t.Logf("%s: %d gated searches found something, %d had more than maxGates places, %d findings in all", path.name, searches, over, found)
		if searches < 2000 || over < 100 || found < 4000 {
			t.Fatalf("%s: %d gated searches found something, %d had more than maxGates places, %d findings in all: the texts do not exercise the gates", path.name, searches, over, found)
		}
	}
}

// TestGatesOverflow: past maxGates places, gates go on noting them (in
// their spill), and the searches find every one.
func TestGatesOverflow(t *testing.T) {
	s := allSet(t)
	for _, k := range []int{maxGates, maxGates + 1, 5 * maxGates} {
		var b []byte
		for range k {
			b = append(b, "x https://u:p@host -----BEGIN PRIVATE KEY-----\n"+pemKeyBody+"\n-----END PRIVATE KEY-----\n"...)
		}
		var g gates
		g.scanned()
		s.scanTokensSeen(nil, b, &g)
		if len(g.pems()) != k || len(g.urls()) != k || (g.spill != nil) != (k > maxGates) {
			t.Fatalf("%d URLs and PEM blocks: %d, %d places noted, spilled %v", k, len(g.pems()), len(g.urls()), g.spill != nil)
		}
		for j, p := range g.pems() {
			if j > 0 && p <= g.pems()[j-1] {
				t.Fatalf("%d URLs and PEM blocks: the BEGIN lines noted out of order", k)
			}
		}
		g.release()
		n := [2]int{}
		for _, f := range s.Find(nil, b) {
			switch f.Rule.ID {
			case "url-password":
				n[0]++
			case "private-key":
				n[1]++
			}
		}
		if n != [2]int{k, k} {
			t.Fatalf("%d URLs and PEM blocks: %d url-password, %d private-key findings", k, n[0], n[1])
		}
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// FuzzGates: the gated searches find what the whole-text searches find.
func FuzzGates(f *testing.F) {
	rng := rand.New(rand.NewPCG(31, 32))
	texts := gateTexts(rng)
	for i := 0; i < len(texts); i += 1 + rng.IntN(200) {
		f.Add(texts[i])
	}
	for _, n := range []int{userinfoReach - 1, userinfoReach, userinfoReach + 1} {
		f.Add([]byte(gateURL(n)))
		f.Add([]byte(strings.Repeat(" ", 62) + gateURL(n)))
	}
	f.Add([]byte("//u:p@h"))
	f.Add([]byte("a:b://u:p@h -----BEGIN+RSA+PRIVATE+KEY-----" + pemKeyBody))
	f.Add([]byte(base64.StdEncoding.EncodeToString([]byte("x https://user:pa55@db.example -----BEGIN PRIVATE KEY-----\n" + pemKeyBody))))
	sets := gateSets(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for si, s := range sets {
			checkGates(t, s, "set "+itoa(si), data)
		}
	})
}

// plausibleB64Ref is plausibleB64 as defined: three groups in a row, from
// the run's start, that decode to text.
func plausibleB64Ref(run []byte) bool {
	n := 0
	for k := 0; k+4 <= len(run); k += 4 {
		if !textGroupAny(run[k:]) {
			n = 0
			continue
		}
		if n++; n == 3 {
			return true
		}
	}
	return false
}

// TestPlausibleB64: plausibleB64, which looks at the third group of each
// three first, finds three text groups in a row where the definition
// does, on runs of text and non-text groups in every mix.
func TestPlausibleB64(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	text, bin := []string{"dGV4", "aGVs", "bG8g", "d29y", "ICAg", "e30K"}, []string{"////", "gICA", "_-_-", "AAAA", "zzzz", "9999"}
	n := [2]int{}
	for i := range 20000 {
		var b []byte
		for range rng.IntN(12) {
			if rng.IntN(2) == 0 {
				b = append(b, text[rng.IntN(len(text))]...)
			} else {
				b = append(b, bin[rng.IntN(len(bin))]...)
			}
		}
		b = b[:len(b)-rng.IntN(min(len(b), 3)+1)] // a partial group at the end
		want := plausibleB64Ref(b)
		if got := plausibleB64(b); got != want {
			t.Fatalf("run %d (%d bytes): plausible %v, want %v", i, len(b), got, want)
		}
		if want {
			n[1]++
		} else {
			n[0]++
		}
	}
	if n[0] < 1000 || n[1] < 1000 {
		t.Fatalf("%d plausible runs, %d not: the runs do not exercise it", n[1], n[0])
	}
}
