package hushslog

import (
	"bytes"

	"github.com/hushlog/hush/redact"
)

// scrubEncoded appends src, scrubbed, to dst. src is an encoded record, in
// which JSON (or Go-quoted) escapes are common.
//
// It works around one gap of byte-level scrubbing: a match may start right
// after the backslash of a JSON escape ("line\nabc..." holds the value
// "nabc..." as bytes, though the data holds a newline and "abc..."). Scrub
// alone would leave the backslash before the replacement, "\[REDACTED:...]",
// which is not valid JSON. Here such a backslash is dropped before scrubbing,
// so the replacement stands where the whole escape was. This only runs on
// records that hold a match, and only costs a copy when such a backslash is
// found. (It belongs in the engine; the same workaround lives in the zap
// front end, zapcore/escape.go.)
func scrubEncoded(r *redact.Redactor, dst, src []byte) []byte {
	if bytes.IndexByte(src, '\\') < 0 {
		return r.Scrub(dst, src)
	}
	ms := r.Find(src)
	var fixed []byte
	prev := 0
	for _, m := range ms {
		if !afterDanglingBackslash(src, m.Start) {
			continue
		}
		if fixed == nil {
			fixed = make([]byte, 0, len(src))
		}
		fixed = append(fixed, src[prev:m.Start-1]...)
		prev = m.Start
	}
	if fixed != nil {
		src = append(fixed, src[prev:]...)
	}
	return r.Scrub(dst, src)
}

// afterDanglingBackslash reports whether src[i] is preceded by an odd run of
// backslashes, that is, whether it is the second byte of an escape.
func afterDanglingBackslash(src []byte, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && src[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}
