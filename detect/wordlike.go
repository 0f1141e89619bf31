package detect

// Telling a random token from an identifier.
//
// Some prefix-only formats are short: a Vault service token before 1.10
// is "s." and 24 base62 characters, which is also what a Go receiver or a
// package named s followed by a 24-character name looks like
// ("s.ReadUint16LengthPrefixed"). Such a body is drawn uniformly from
// 62^24 strings; an identifier is made of words. identifierCost measures a
// body with a small model of identifiers (camel-case words of English
// letters, digits in runs): the number of half-bits an entropy coder
// driven by the model would need to write it. Under the model a random
// body costs about 24*log2(62) = 142.9 bits or (much) more, an identifier
// far less ("ReadUint16LengthPrefixed" 127 bits, "Last30DaysSearchInterest"
// 108.5). The model is a code (in every context the probabilities of the
// 62 characters sum to at most 1, each cost rounded up; tested), so the
// costs of random bodies are those of a fixed distribution: the share of
// random bodies at or under the cut, computed exactly by dynamic
// programming over the same tables (TestIdentifierCostFNRate), is 4.8e-7.

// legacyVaultCut is the cost, in half-bits, at or under which a
// 24-character body reads as an identifier: 140 bits.
const legacyVaultCut = 280

// bigramCost[x][y], in half-bits, is the cost of the letter y after the
// letter x (either case) inside a word: -2*log2 P(y|x), rounded up, with P
// the letter bigram frequencies of the words of /usr/share/dict/words
// (SCOWL american-english, 104,334 words; add-1/2 smoothing), capped at
// 25, written as 'a'+cost, one row per x. The last row is the cost of a letter after a
// digit or at the start: its frequency in the same words (add-1).
var bigramCost = func() (t [27][26]uint8) {
	const rows = "" +
		"ukjkqokpkunhkgukuhigmmormp" +
		"gkrrguxthqygrshuzhkpituznz" +
		"gxmwhzygizikwwfytinijzzznw" +
		"ipqleqmqfqwkopirxjirkpoznv" +
		"jokglnnqousjlhpmrffkqnomos" +
		"htuwhhuufyxhuuhwzimkhzwzlz" +
		"hsytftjihxviokitzhjqjzrzmv" +
		"fptserwtgwunnogtykmkjzpzly" +
		"knilimlvuwqjkeimslhirlwszl" +
		"exxxguxxixuxxxftxttxfuuxxx" +
		"insqepsmftpjoklpzngqmzozkz" +
		"gqpmfpqtfzphprhpztklkpuxhy" +
		"fjqvfryugzzqjohhxskvjwvzoz" +
		"iqjihnfqismprmkrsrhhnoswpt" +
		"mmklonlrmunijfjkugjjilkppr" +
		"hsttftvjhyuisthjzgkkjztzoz" +
		"quxxxxxxpxxrxxuxxxuubxuxxx" +
		"gnmlfpmqgunnllhnvlhjkorzlx" +
		"jqjshrsihwnllnkjpthfjunznz" +
		"hrnvfruifzxmqrisziikkxpzlr" +
		"kkkkknlukuqhigokyggiwrxrtq" +
		"gzxuczxwfzzszxiwzsrvnrzzqz" +
		"fnsngqsigzplqjhqzkjqrytzpu" +
		"ithygrtkfyyqstkgttsgknqmmu" +
		"iljlhomohtqjijjixkglmtmqup" +
		"hsutdzwofztkrrjswttsnsszmi" +
		"imkkhnllisojlijltiiikoornq"
	for i := range t {
		for j := range t[i] {
			t[i][j] = rows[i*26+j] - 'a'
		}
	}
	return t
}()

// classCost[prev][next], in half-bits: -2*log2 of the chance that a
// character of class next (upper, lower, digit) follows one of class prev
// (upper, lower, digit, start), rounded up; for a digit, of that digit
// (a tenth of the class's chance). Transition chances: after an upper-case
// letter .20 upper, .75 lower, .05 digit; after a lower-case letter .12,
// .83, .05; after a digit .35, .15, .50; at the start .50, .45, .05.
var classCost = [4][3]uint8{
	{5, 1, 16},
	{7, 1, 16},
	{4, 6, 9},
	{2, 3, 16},
}

const (
	idUpper = iota
	idLower
	idDigit
	idStart
)

func charClass(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return idUpper
	case c >= 'a' && c <= 'z':
		return idLower
	}
	return idDigit
}

// charCost is the cost, in half-bits, of the alphanumeric c after prev
// (0 at the start).
func charCost(prev, c byte) int {
	pc := idStart
	if prev != 0 {
		pc = charClass(prev)
	}
	cc := charClass(c)
	k := int(classCost[pc][cc])
	if cc == idDigit {
		return k
	}
	row := 26
	if pc == idUpper || pc == idLower {
		row = int(prev|0x20) - 'a'
	}
	return k + int(bigramCost[row][c|0x20-'a'])
}

// identifierCostTab[prev][c] is charCost(prev, c) for the alphanumerics
// (prev 0 at the start).
var identifierCostTab = func() (t [128][128]uint8) {
	const an = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	for _, p := range "\x00" + an {
		for _, c := range an {
			t[p][c] = uint8(charCost(byte(p), byte(c)))
		}
	}
	return t
}()

// identifierCost returns the cost of b, alphanumerics, in half-bits.
func identifierCost(b []byte) int {
	n := 0
	var prev byte
	for _, c := range b {
		n += int(identifierCostTab[prev&127][c&127])
		prev = c
	}
	return n
}
