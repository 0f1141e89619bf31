package hushslog

import (
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"sync"

	"github.com/hushlog/hush/redact"
)

// slog's JSON handler (and encoding/json, which renders values for most
// JSON handlers) writes a []byte as standard base64. Bytes decoded from a
// secret kept as base64 text (an HMAC key, a data key) hold no form of it,
// yet their base64 is the secret itself: the middleware, which sees the
// bytes before the handler, reads them as that base64 too.

// _base64Pool holds scratch space for the base64 of byte values.
var _base64Pool = sync.Pool{New: func() any {
	b := make([]byte, 0, 1024)
	return &b
}}

// base64Scrubbed reports whether the standard base64 of b holds a secret
// and, if so, returns that base64 scrubbed. A clean value allocates
// nothing once the pool holds scratch space (the engine's scan lets its
// input escape, so it cannot be on the stack).
func base64Scrubbed(r *redact.Redactor, b []byte, scrub bool) (string, bool) {
	bp := _base64Pool.Get().(*[]byte)
	enc := base64.StdEncoding.AppendEncode((*bp)[:0], b)
	var out string
	dirty := r.Contains(enc)
	if dirty && scrub {
		out = string(r.Scrub(nil, enc))
	}
	if cap(enc) <= maxPooledBytes {
		*bp = enc[:0]
		_base64Pool.Put(bp)
	}
	return out, dirty
}

// bytesDirty reports whether a []byte value holds a secret as bytes (as
// the text handler quotes them, or a handler prints them) or in the base64
// the JSON handler writes.
func (s *scrubber) bytesDirty(b []byte) bool {
	if s.containsBytes(b) {
		return true
	}
	_, dirty := base64Scrubbed(s.r, b, false)
	return dirty
}

// bytesValue is what the middleware passes on for a []byte value: the
// bytes, scrubbed when they hold a secret as bytes; or, when their base64
// holds one, a stand-in whose renderings (JSON and text) are that base64,
// scrubbed.
func (s *scrubber) bytesValue(b []byte) slog.Value {
	b = s.scrubBytes(b)
	text, dirty := base64Scrubbed(s.r, b, true)
	if !dirty {
		return slog.AnyValue(b)
	}
	j, _ := json.Marshal(text)
	return slog.AnyValue(scrubbedValue{json: j, text: text})
}

// escapedInBytes reports whether b, a []byte value the JSON handler will
// write as base64, holds a secret as bytes (read as escaped text: a form's
// password=p%40ss, a JSON document's "p\"ss") that this base64 does not
// show to the scan of the encoded record: the built-in handlers scrub such
// bytes before slog encodes them. Where the base64 shows one, the scan
// redacts it there, in the base64 (a short run holds no escape the scan
// decodes; a long one does, see redact's nested.go).
func (s *scrubber) escapedInBytes(b []byte) bool {
	if !s.containsBytes(b) {
		return false
	}
	_, dirty := base64Scrubbed(s.r, b, false)
	return !dirty
}
