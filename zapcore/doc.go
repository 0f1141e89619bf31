// Package hushzap makes a go.uber.org/zap logger leak-proof: every entry it
// writes is scrubbed of the secret values a redact.Redactor currently holds,
// raw or encoded, before a byte reaches the sink.
//
// The package lives in the zapcore/ directory of the hush module but is named
// hushzap, so it never clashes with go.uber.org/zap/zapcore in user code:
//
//	import hushzap "github.com/hushlog/hush/zapcore"
//
// There are two ways in, the first more complete than the second:
//
//   - NewCore builds an encoder-based core (like zapcore.NewCore) whose
//     encoded entries are scrubbed as bytes: message, fields, With context,
//     errors, stack traces, caller, logger name, everything the encoder
//     prints, against the secret set current at write time. NewEncoder is
//     the same mechanism as an Encoder (for zap.RegisterEncoder and
//     zap.Config), NewWriteSyncer the same at the sink.
//   - Wrap (a zap.Option) and WrapCore protect an existing logger whose
//     encoder hush cannot reach, such as zap.NewProduction's. They scrub the
//     entry and the fields before the wrapped core encodes them; see WrapCore
//     for exactly what that covers.
//
// All of them also apply key rules: the value of a field whose key names a
// credential (judged word by word: "db_password", "accessToken",
// "AWS_SECRET_ACCESS_KEY" and "Set-Cookie" do; "token_count", "max_tokens"
// and "cookie_policy" do not; see DefaultKeyPatterns) is replaced whole,
// even when it is not a known secret. Strings, bytes, errors and structured
// values are always replaced; a number only under a key naming a secret
// that can be all digits (a password, a PIN, an API key), so "token": 4096
// stays a number; a boolean never.
//
// Tokens hush was never given but that identify themselves (a GitHub
// token, an AWS access key id, a PEM private key, a URL's password) are
// redacted wherever known secrets are, as "[REDACTED:detected:<rule>]":
// the Redactor's detectors do it, in the same pass. They are the
// Redactor's policy, shared by every front end using it, so there is no
// option here: build the Redactor with redact.WithDetectors (a
// detect.Parse set, or nil for known secrets only); by default it uses
// detect.Default().
//
// On an entry that holds no secret, NewCore, NewEncoder and NewWriteSyncer
// allocate nothing beyond what zap itself allocates: the encoded bytes are
// checked with Redactor.Contains and only a dirty entry is copied. (NewCore
// and NewEncoder keep a copy of a clean JSON entry per shape of log call,
// taken once per secret set, and search a similar entry's bytes for the
// known secrets, and run the detectors on it, only where it differs:
// Redactor.ContainsLike.)
package hushzap
