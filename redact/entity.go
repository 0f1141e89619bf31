package redact

import (
	"bytes"
	"unicode/utf8"
)

// HTML and XML character references (see decode.go): &#DDD; &#xHHH;, the
// XML entities and HTML 4's Latin-1 names, each ended by ';' as every
// encoder writes them.

// latin1Names are HTML 4's names of U+00A0 to U+00FF, in order.
var latin1Names = [96]string{
	"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect",
	"uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
	"deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
	"cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
	"Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil",
	"Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml",
	"ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times",
	"Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig",
	"agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
	"egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml",
	"eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide",
	"oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
}

// namedEntities maps an entity's name to its character.
var namedEntities = func() map[string]rune {
	m := map[string]rune{"lt": '<', "gt": '>', "amp": '&', "quot": '"', "apos": '\''}
	for i, n := range latin1Names {
		m[n] = rune(0xA0 + i)
	}
	return m
}()

// maxEntityName is the longest name in namedEntities.
const maxEntityName = 6

// entity parses the character reference at src[i] ('&') and returns its
// character and length, or a length of 0. Numeric references take at most
// 7 decimal or 6 hex digits; one above U+10FFFF, a surrogate or zero is
// not a reference (decoders read it as U+FFFD, but no encoder writes one).
func entity(src []byte, i int) (rune, int) {
	j := i + 1
	if j < len(src) && src[j] == '#' {
		j++
		var r rune
		digits := 0
		if j < len(src) && (src[j] == 'x' || src[j] == 'X') {
			j++
			for ; j < len(src) && digits < 6; j++ {
				v, ok := unhex(src[j])
				if !ok {
					break
				}
				r = r<<4 | rune(v)
				digits++
			}
		} else {
			for ; j < len(src) && digits < 7 && '0' <= src[j] && src[j] <= '9'; j++ {
				r = r*10 + rune(src[j]-'0')
				digits++
			}
		}
		if digits == 0 || j >= len(src) || src[j] != ';' || r == 0 || r > utf8.MaxRune || 0xD800 <= r && r < 0xE000 {
			return 0, 0
		}
		return r, j + 1 - i
	}
	for ; j < len(src) && j-i-1 <= maxEntityName && alnum(src[j]); j++ {
	}
	if j >= len(src) || src[j] != ';' || j == i+1 {
		return 0, 0
	}
	r, ok := namedEntities[string(src[i+1:j])]
	if !ok {
		return 0, 0
	}
	return r, j + 1 - i
}

func alnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func entityAt(src []byte, i int) bool {
	_, n := entity(src, i)
	return n > 0
}

// decodeEntities replaces the character references of src by their
// characters; an '&' that begins none stays as it is.
func decodeEntities(d, m *decoded, base int, src []byte) {
	for i := 0; i < len(src); {
		j := bytes.IndexByte(src[i:], '&')
		if j < 0 {
			d.putPlain(m, base, src, i, len(src))
			return
		}
		d.putPlain(m, base, src, i, i+j)
		i += j
		if r, n := entity(src, i); n > 0 {
			d.putRune(m, base, i, i+n, r)
			i += n
			continue
		}
		d.put(m, base, i, i+1, '&')
		i++
	}
}
