package hushzap

import (
	"encoding/base64"
	"sync"

	"github.com/hushlog/hush/redact"
)

// zap's encoders write a Binary field's bytes as standard base64. Bytes
// decoded from a secret kept as base64 text (an HMAC key, a data key) hold
// no form of it, yet their base64 is the secret itself: Wrap, which sees
// the bytes before the encoder, reads them as the encoder will write them
// too.

// _base64Pool holds scratch space for the base64 of binary values.
var _base64Pool = sync.Pool{New: func() any {
	b := make([]byte, 0, 1024)
	return &b
}}

// base64Scrubbed reports whether the standard base64 of b holds a secret
// and, if so, returns that base64 scrubbed. A clean value allocates
// nothing once the pool holds scratch space (the engine's scan lets its
// input escape, so it cannot be on the stack).
func base64Scrubbed(r *redact.Redactor, b []byte) (string, bool) {
	bp := _base64Pool.Get().(*[]byte)
	enc := base64.StdEncoding.AppendEncode((*bp)[:0], b)
	out, dirty := scrubBase64(r, enc)
	if cap(enc) <= maxPooledBytes {
		*bp = enc[:0]
		_base64Pool.Put(bp)
	}
	return out, dirty
}

// escapedInBinary reports whether b holds a secret as bytes (read as
// escaped text: a form's password=p%40ss, a JSON document's "p\"ss")
// that the base64 the encoder writes for b does not show to the scan:
// such bytes are scrubbed before they are encoded. Where the base64 shows
// one, the scan of the encoded entry redacts it there, in the base64 (a
// short run holds no escape the scan decodes; a long one does, see
// redact's nested.go).
func escapedInBinary(r *redact.Redactor, b []byte) bool {
	if !r.ContainsValue(b) {
		return false
	}
	bp := _base64Pool.Get().(*[]byte)
	enc := base64.StdEncoding.AppendEncode((*bp)[:0], b)
	dirty := r.Contains(enc)
	if cap(enc) <= maxPooledBytes {
		*bp = enc[:0]
		_base64Pool.Put(bp)
	}
	return !dirty
}

func scrubBase64(r *redact.Redactor, enc []byte) (string, bool) {
	if !r.Contains(enc) {
		return "", false
	}
	return string(r.Scrub(nil, enc)), true
}

// scrubBinary is what Wrap writes for a Binary value b: b itself when
// clean, b scrubbed when it holds a secret as bytes, or, when the base64
// the encoder writes holds one, that base64 scrubbed, as text (asText): a
// string field where the encoder would have written the same base64 as a
// string.
func (s *scrubber) scrubBinary(b []byte) (out []byte, text string, asText bool) {
	out = s.scrubBytes(b)
	if text, dirty := base64Scrubbed(s.r, out); dirty {
		return nil, text, true
	}
	return out, "", false
}
