package leaktest

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/redact"
)

// replacementRE matches the default replacement of a secret or of a
// detected token, "[REDACTED:<name>]" (names hold no "]").
var replacementRE = regexp.MustCompile(`\[REDACTED:[^\]\n]*\]`)

// Faithful checks that hushed, what a front end wrote, is plain, what the
// same logger wrote without hush for the same entry, with spans that each
// hold a secret replaced by a replacement, and nothing else changed: the
// bytes outside a matched secret are kept (DESIGN.md, "What is never
// altered"). Each replaced span of plain must be covered by occurrences of
// the secrets' forms, but for one base64 character at either end (the
// edge character a base64 match takes). Its error gives offsets, never
// bytes.
func Faithful(secrets []redact.Secret, plain, hushed []byte) error {
	return faithful(cachedForms(secrets, minFormLen), plain, hushed, false)
}

// match reports whether plain, from byte i, reads seg, and where seg ends
// in plain. With unquoted, plain may hold double quotes seg does not (a
// value that slog's text handler quoted for the secret's sake, written
// unquoted once the secret is replaced), and inside such quotes a
// backslash escaped where seg has it as it is; inQ says whether plain is
// inside such quotes at i, and match returns the state at the end.
func match(plain []byte, i int, seg []byte, unquoted, inQ bool) (int, bool, bool) {
	k := 0
	for k < len(seg) {
		switch {
		case unquoted && inQ && seg[k] == '\\' && i+1 < len(plain) && plain[i] == '\\' && plain[i+1] == '\\':
			i, k = i+2, k+1
		case unquoted && i < len(plain) && plain[i] == '"' && seg[k] != '"':
			i, inQ = i+1, !inQ
		case i < len(plain) && plain[i] == seg[k]:
			i, k = i+1, k+1
		default:
			return i, inQ, false
		}
	}
	return i, inQ, true
}

func faithful(fs []form, plain, hushed []byte, unquoted bool) error {
	locs := replacementRE.FindAllIndex(hushed, -1)
	if len(locs) == 0 {
		if !bytes.Equal(plain, hushed) {
			return fmt.Errorf("no replacement, yet the output differs from the output without hush at byte %d", commonPrefix(plain, hushed))
		}
		return nil
	}
	segs := make([][]byte, 0, len(locs)+1)
	prev := 0
	for _, l := range locs {
		segs = append(segs, hushed[prev:l[0]])
		prev = l[1]
	}
	segs = append(segs, hushed[prev:])
	pos, inQ, ok := match(plain, 0, segs[0], unquoted, false)
	if !ok {
		return fmt.Errorf("the output before the first replacement differs from the output without hush at byte %d", pos)
	}
	for i := 1; i < len(segs); i++ {
		seg := segs[i]
		last := i == len(segs)-1
		found := false
		var why error
		for j := pos + 1; j <= len(plain); j++ {
			// The span of plain a replacement stands for is quoted whole
			// or not at all.
			end, q, ok := match(plain, j, seg, unquoted, inQ)
			if ok && last && end != len(plain) {
				if !unquoted || strings.Trim(string(plain[end:]), `"`) != "" {
					ok = false
				}
			}
			if ok {
				if err := covered(fs, plain[pos:j], unquoted); err == nil {
					pos, inQ, found = end, q, true
					break
				} else if why == nil {
					why = fmt.Errorf("replacement %d stands for bytes %d to %d of the output without hush: %v", i, pos, j, err)
				}
			}
		}
		if !found {
			if why == nil {
				why = fmt.Errorf("the text after replacement %d is not in the output without hush (from byte %d)", i, pos)
			}
			return why
		}
	}
	return nil
}

// covered reports whether gap, a replaced span of the output without
// hush, is covered by occurrences of forms (see Faithful for the slack).
func covered(fs []form, gap []byte, unquoted bool) error {
	if len(gap) == 0 {
		return errors.New("a replacement where the output without hush holds nothing")
	}
	cov := make([]bool, len(gap))
	for _, f := range fs {
		if f.decodedOnly {
			continue
		}
		for off := 0; ; {
			i := bytes.Index(gap[off:], f.text)
			if i < 0 {
				break
			}
			for k := off + i; k < off+i+len(f.text); k++ {
				cov[k] = true
			}
			off += i + 1
		}
	}
	lo, hi := 0, len(gap)
	if unquoted {
		for lo < hi && gap[lo] == '"' && !cov[lo] {
			lo++
		}
		for lo < hi && gap[hi-1] == '"' && !cov[hi-1] {
			hi--
		}
	}
	if lo < hi && !cov[lo] && isBase64Char(gap[lo]) {
		lo++
	}
	if lo < hi && !cov[hi-1] && isBase64Char(gap[hi-1]) {
		hi--
	}
	if lo == hi {
		return errors.New("a replacement where the output without hush holds no secret")
	}
	for k := lo; k < hi; k++ {
		if !cov[k] {
			return fmt.Errorf("byte %d of the %d-byte span is no part of a secret", k, len(gap))
		}
	}
	return nil
}

func isBase64Char(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("+/-_=", c) >= 0
}

func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// RunExact runs the Exact scenarios with each of secrets through pairs of
// front ends newPair builds: one with hush around r, and the same logger
// without hush (the same encoder or handler, a fixed clock). What the
// first writes must be what the second writes with each secret's span
// replaced, and nothing else changed (Faithful).
func RunExact(t *testing.T, secrets []redact.Secret, newPair func(t *testing.T, r *redact.Redactor) (hushed, plain FrontEnd)) {
	runExact(t, secrets, false, newPair)
}

// RunExactUnquoted is RunExact for a front end that scrubs values before
// a logger that quotes a value by its content (slog's NewHandler over the
// text handler): a value quoted without hush only because its secret held
// a space, '=' or '"' may be written unquoted once scrubbed. Only double
// quotes may differ.
func RunExactUnquoted(t *testing.T, secrets []redact.Secret, newPair func(t *testing.T, r *redact.Redactor) (hushed, plain FrontEnd)) {
	runExact(t, secrets, true, newPair)
}

func runExact(t *testing.T, secrets []redact.Secret, unquoted bool, newPair func(t *testing.T, r *redact.Redactor) (hushed, plain FrontEnd)) {
	fs := cachedForms(secrets, minFormLen)
	for _, sc := range Scenarios() {
		if !sc.Exact {
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			for i, s := range secrets {
				t.Run(strings.ReplaceAll(s.Name, "/", "_"), func(t *testing.T) {
					r, err := redact.New()
					require.NoError(t, err)
					require.NoError(t, r.Set(secrets))
					hfe, pfe := newPair(t, r)
					if !sc.supported(hfe) {
						t.Skip("not expressible in this front end")
					}
					e := sc.entry(secrets, i)
					hushed, err := Capture(hfe, e)
					if errors.Is(err, ErrUnsupported) || errors.Is(err, ErrKnownGap) {
						t.Skip("not expressible in this front end, or a known gap")
					}
					require.NoError(t, err)
					plain, err := Capture(pfe, e)
					require.NoError(t, err)
					if err := faithful(fs, plain, hushed, unquoted); err != nil {
						t.Errorf("%s, secret %s: %v", sc.Name, s.Name, err)
					}
				})
			}
		})
	}
}
