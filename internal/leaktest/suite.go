package leaktest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/redact"
)

// Secrets returns the suite's secrets: random-looking, long enough to be
// indexed, and between them holding every character that JSON, Go quoting,
// URLs and HTML escape, and a line break.
func Secrets() []redact.Secret {
	return []redact.Secret{
		{Name: "prod/db/password", Value: "Zq8rT2vLx9-s3cr3t"},
		{Name: "prod/api/token", Value: "tok_Hq71Mz0PkWn3Rt"},
		{Name: "test/quote", Value: `q"uote-Hz81Lw0pXk`},
		{Name: "test/backslash", Value: `back\slash-Pq09ZmX`},
		{Name: "test/html", Value: "a<b>&c-Rw62Yp0Qd"},
		{Name: "test/url", Value: "wh/Kp31+Lx8=Zq2?x"},
		{Name: "test/newline", Value: "line-one-Jx82Tq\nline-two-Vw37Np"},
	}
}

// MultilineSecrets returns multi-line secrets of the shapes applications
// really hold: PEM private keys whose last body line is too short to index
// alone (with LF and with CRLF line breaks) and an AWS credentials file.
// A front end that scrubs a value before its logger escapes it must protect
// them as well as one that scrubs the escaped bytes: a short line that
// survives next to a redacted neighbour is key material in the output.
func MultilineSecrets() []redact.Secret {
	pem := func(eol string, body ...string) string {
		return "-----BEGIN PRIVATE KEY-----" + eol + strings.Join(body, eol) + eol + "-----END PRIVATE KEY-----" + eol
	}
	return []redact.Secret{
		{Name: "tls/key-lf", Value: pem("\n",
			"UvImZaYMEtKJGF2VDuiBNgkWb2sRPReNbA/TkB/yOaGglfIPk5VlDPk4C47bIkpr",
			"JIoekk6P0K4uGpSSozBfGIy2EJAPnjR/rohtxlB3lex0XEw/yy6yxz4Uk0yGfuBX",
			"unJJm/oSHoNrKsFXJu59awr2qxPDjpLK4NFQV7FZmH+UzHQR1xfxRXmyqhAPu7NP",
			"pZM=")},
		{Name: "tls/key-crlf", Value: pem("\r\n",
			"/q7Scki3YuOrWAXwdlornB1+DzfESSG9P2Vk6t9/FCpyZoxH4iPRbt2MR7Rq/Fuu",
			"4mH1OyYVLSY7qDsDfNSWLkNIASVriF6ckFHzILDbg/Oep629DXTm3sfz367Mj2Rl",
			"ZmQae6JmDzAR/DVwKRxXmQ0aAJEmiRnyXZ0GEt81nWAmokD0WJpdeR8d2Xz++nd6",
			"e08=")},
		{Name: "aws/credentials", Value: "[default]\n" +
			"aws_access_key_id = AKIAQX3TZ7RW5MUB2KLP\n" +
			"aws_secret_access_key = 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\n" +
			"region = us-east-1\n"},
	}
}

// EdgeSecrets returns secrets holding the bytes loggers escape, quote or
// print differently: surrounding and inner whitespace, a NUL, other
// control bytes (ESC, DEL, a lone CR, a tab), invalid UTF-8 (a lone byte
// and a truncated sequence), NBSP and other non-ASCII text, U+2028 (which
// JSON encoders escape for JavaScript), a trailing backslash, a literal
// percent escape, the characters slog's text handler quotes ('=', '"', a
// space) and a user:password pair. Each is long enough to be indexed.
func EdgeSecrets() []redact.Secret {
	return []redact.Secret{
		{Name: "edge/spaces", Value: "  Zq81 horse Pm2x battery\t "},
		{Name: "edge/nul", Value: "nul\x00Kq7Wm2Zp9x"},
		{Name: "edge/control", Value: "\x1b[31mEsc7Qp2Lw\x7f\x01"},
		{Name: "edge/cr", Value: "cr\rCarriage9Qz4"},
		{Name: "edge/invalid-utf8", Value: "bad\xff\xfeUtf8-Kw3Zr9\xe2\x82"},
		{Name: "edge/nbsp", Value: "nb\u00a0sp-Xq5Lm2Wz-é"},
		{Name: "edge/line-separator", Value: "ls\u2028Gp6Vt1Yk\u2029"},
		{Name: "edge/cyrillic", Value: "ключ-Зq8rT2vLx9"},
		{Name: "edge/trailing-backslash", Value: `Tr4ilBsl9Qx\`},
		{Name: "edge/percent", Value: "pct%41Zq9Lm3Rw"},
		{Name: "edge/text-quoting", Value: `k=v "Yt6Hq0" Lp3`},
		{Name: "edge/userinfo", Value: "admin:Zq8rT2vLx9pW"},
	}
}

// TinySecrets returns secrets of 4 to 7 bytes, below the engine's default
// minimum length: by default they are skipped (and reported in
// Stats().Skipped); with redact.WithMinLength(4) they are indexed and
// every front end must protect them (RunSecretsWith).
func TinySecrets() []redact.Secret {
	return []redact.Secret{
		{Name: "tiny/4", Value: "Q7zK"},
		{Name: "tiny/5", Value: "x9#Pw"},
		{Name: "tiny/6", Value: "Vb3$kL"},
		{Name: "tiny/7", Value: "m2N!q8R"},
	}
}

// BinarySecrets returns secrets that are base64 or hex text, as keys and
// tokens are often kept (an HMAC key, a data key, openssl rand -hex 32): a
// program decodes such a value and logs the bytes, and a logger or
// exporter that writes bytes as base64 (zap.Binary, slog's JSON handler,
// OTLP/JSON) writes the secret itself, or (a hex key) the base64 of its
// bytes. Padded and unpadded, with both "+" and "/", and hex.
func BinarySecrets() []redact.Secret {
	return []redact.Secret{
		{Name: "keys/hmac", Value: "q3Vd8XkP0bZr7LmN2sYt5WcA9hGf4JeU1oKi6RxBnQw="},
		{Name: "keys/data", Value: "Hj7+Lq2/Wx9zPa4KmR8tVn3cYe6Bs1Df"},
		{Name: "keys/raw", Value: "Tz4pQ8wLk2Nv7Rb/Xc5Jm9Hs3Fd6Ga1Ye0Ku8Wq+Iw"},
		{Name: "keys/hex", Value: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
	}
}

// Entry is one log event, in terms every front end can express: a message
// and attributes. Each adapter maps it to its front end's own calls.
type Entry struct {
	// Groups opens groups (slog's WithGroup, zap's Namespace) before
	// everything else; the attributes below are inside the innermost.
	Groups []string
	// With is context given before the call (slog's WithAttrs, zap's
	// With), inside Groups.
	With    []Attr
	Message string
	Attrs   []Attr
	// Name is a logger name (zap's Named), for front ends whose logger has
	// one (Featured, FeatureName); the others never see it.
	Name string
	// Panics asks for a logger call that panics after writing the entry,
	// as zap's Panic (and DPanic in development) do, with the message as
	// the panic value; adapters of front ends without one log as usual.
	Panics bool
}

// Attr is a key and a value. The value is a string, a []byte, or one of
// the types below; an adapter that cannot express a value returns
// ErrUnsupported.
type Attr struct {
	Key   string
	Value any
}

// Group is a value that nests attributes: a zap namespace or object, a slog
// group, an OpenTelemetry map.
type Group []Attr

// Object is a map keyed by arbitrary strings (tokens, user names): zap.Any
// or slog.Any of a map, an OpenTelemetry map.
type Object map[string]string

// Binary is bytes a logger writes as binary data: zap.Binary, an OTLP
// bytes value, slog.Any of a []byte (base64 in slog's JSON handler).
type Binary []byte

// Words is a list of strings: zap.Strings, slog.Any of a []string (which
// slog's text handler prints as "[a b c]": the strings of a passphrase
// split on its spaces print as the passphrase).
type Words []string

// Plain is a plain Go value (a struct, map or slice) that a logger renders
// by reflection: zap.Reflect, slog.Any.
type Plain struct{ V any }

// PlainCreds is a struct a Plain value holds.
type PlainCreds struct {
	User string
	Pass string
	Tags map[string]string
}

// VerboseError is an error whose secret shows only in its "%+v" form, as
// pkg/errors' stack traces do: zap logs it as errorVerbose, slog's text
// handler prints it.
type VerboseError struct{ Msg, Detail string }

func (e VerboseError) Error() string { return e.Msg }

// Format writes Msg, and under "%+v" Detail on the next line.
func (e VerboseError) Format(s fmt.State, verb rune) {
	if verb == 'v' && s.Flag('+') {
		_, _ = fmt.Fprintf(s, "%s\n%s", e.Msg, e.Detail)
		return
	}
	_, _ = io.WriteString(s, e.Msg)
}

// binaryOf returns bytes whose standard base64 encoding holds v: v decoded,
// after a 3-byte prefix (the encoding of the prefix ends on a boundary, so
// v is encoded as it is), when v is base64 (BinarySecrets); otherwise v
// itself, as the "bytes" scenario writes it.
func binaryOf(v string) Binary {
	if d, ok := binaryKey(v); ok && strings.Trim(v, "0123456789abcdefABCDEF") == "" {
		// A hex key's bytes: their base64 is none of the value's forms.
		return Binary(append([]byte("id:"), d...))
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(v); err == nil {
			return Binary(append([]byte("id:"), b...))
		}
	}
	return Binary(v)
}

// wrapped76 is the standard base64 of v wrapped at 76 columns with "\n",
// as the base64 command writes it.
func wrapped76(v string) string {
	b := base64.StdEncoding.EncodeToString([]byte(v))
	var out strings.Builder
	for len(b) > 76 {
		out.WriteString(b[:76] + "\n")
		b = b[76:]
	}
	out.WriteString(b)
	return out.String()
}

// formBody is an OAuth token request's form body holding v as its
// password, percent-escaped by url.Values: long enough that its base64 is
// a run of 64 characters or more.
func formBody(v string) string {
	return url.Values{"grant_type": {"password"}, "username": {"someone@example.com"}, "password": {v}, "scope": {"openid profile"}}.Encode()
}

// jsonBody is a JSON request body holding v as encoding/json writes it.
func jsonBody(v string) string {
	b, _ := json.Marshal(map[string]string{"username": "someone@example.com", "password": v, "client": "web-frontend"})
	return string(b)
}

// Error is an error value.
type Error struct{ Msg string }

func (e Error) Error() string { return e.Msg }

// Stringer is a fmt.Stringer value.
type Stringer struct{ S string }

func (s Stringer) String() string { return s.S }

// PanicStringer is a fmt.Stringer whose String panics with Msg.
type PanicStringer struct{ Msg string }

func (p PanicStringer) String() string { panic(p.Msg) }

// PanicError is an error whose Error panics with Msg.
type PanicError struct{ Msg string }

func (p PanicError) Error() string { panic(p.Msg) }

// PanicCauses is an error group (zap's and multierr's Errors() []error)
// whose Errors panics with Msg; its Error is clean.
type PanicCauses struct{ Msg string }

func (p PanicCauses) Error() string { return "several errors" }

// Errors panics.
func (p PanicCauses) Errors() []error { panic(p.Msg) }

// PanicObject is an object whose rendering panics with Msg: a zap
// ObjectMarshaler, a slog.LogValuer (it implements LogValue).
type PanicObject struct{ Msg string }

// LogValue panics.
func (p PanicObject) LogValue() slog.Value { panic(p.Msg) }

// Fickle is a value that renders as First the first time it is asked, and
// as Then every time after: a fmt.Stringer and a slog.LogValuer. A front
// end that checks one rendering and writes another lets Then through.
type Fickle struct {
	First, Then string
	calls       atomic.Int32
}

func (f *Fickle) next() string {
	if f.calls.Add(1) == 1 {
		return f.First
	}
	return f.Then
}

func (f *Fickle) String() string { return f.next() }

// LogValue resolves to a string.
func (f *Fickle) LogValue() slog.Value { return slog.StringValue(f.next()) }

// FickleStringer is Fickle as a plain fmt.Stringer (no LogValue).
type FickleStringer struct{ f Fickle }

// NewFickleStringer returns a FickleStringer answering first, then then.
func NewFickleStringer(first, then string) *FickleStringer {
	return &FickleStringer{f: Fickle{First: first, Then: then}}
}

func (f *FickleStringer) String() string { return f.f.next() }

// ErrUnsupported is what an adapter returns for an entry its front end has
// no way to express (a Stringer for the Collector); the scenario is skipped.
var ErrUnsupported = errors.New("leaktest: not expressible in this front end")

// ErrKnownGap is what an adapter returns for an entry that reaches a gap
// of the contract listed in DESIGN.md ("Known gaps in the contract"), such
// as a multi-line secret in a message the logger prints as it is, with
// real line breaks, for a front end that scrubs the printed bytes; the
// scenario is skipped and the skip says so.
var ErrKnownGap = errors.New("leaktest: a known gap of the contract (DESIGN.md)")

// Scenario is one way a secret reaches a front end.
type Scenario struct {
	Name string
	// Entry returns the entry for secret value v.
	Entry func(v string) Entry
	// Redacted says the output must hold the secret's replacement (false
	// where a front end may also drop the value or write a rendering that
	// never held the secret).
	Redacted bool
	// Check, when set, inspects the output further (bytes kept around the
	// match). Its errors must not quote the output.
	Check func(out []byte) error
	// Leading says Check expects the secret to be replaced from its first
	// byte: it is not run for a secret whose value opens with public text
	// (a PEM key's armour line).
	Leading bool
	// Pair, when set, is used instead of Entry: the entry for secret value
	// v and another secret's value w (the next one of the set).
	Pair func(v, w string) Entry
	// Needs names what the front end must express (a logger name); a front
	// end that does not (Featured) skips the scenario as unsupported.
	Needs Feature
	// Exact says the output must equal the output of the same logger
	// without hush wherever no secret was (RunExact): the scenario's
	// entries involve no key rule and no value a front end rewrites as a
	// whole.
	Exact bool
}

// Feature is something only some front ends can express.
type Feature string

// FeatureName is a logger name (zap's Named).
const FeatureName Feature = "logger-name"

// Featured is implemented by a FrontEnd that expresses Features.
type Featured interface {
	Supports(Feature) bool
}

// entry returns sc's entry for secret i of secrets.
func (sc Scenario) entry(secrets []redact.Secret, i int) Entry {
	if sc.Pair != nil {
		return sc.Pair(secrets[i].Value, secrets[(i+1)%len(secrets)].Value)
	}
	return sc.Entry(secrets[i].Value)
}

// supported reports whether fe expresses what sc needs.
func (sc Scenario) supported(fe FrontEnd) bool {
	if sc.Needs == "" {
		return true
	}
	f, ok := fe.(Featured)
	return ok && f.Supports(sc.Needs)
}

// Markers placed around the secret by the scenarios that check what
// survives next to it.
const (
	before = "BEFORE"
	after  = "AFTER"
)

// Scenarios returns the suite.
func Scenarios() []Scenario {
	return []Scenario{
		{Name: "message", Redacted: true, Exact: true, Entry: func(v string) Entry {
			return Entry{Message: "login failed for " + v}
		}},
		{Name: "panic-level", Redacted: true, Entry: func(v string) Entry {
			// The logger panics with the message after writing it: the
			// panic value reaches stderr, or a recover that logs it.
			return Entry{Message: "fatal state " + v, Panics: true}
		}},
		{Name: "value", Redacted: true, Exact: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"dsn", "postgres://app:" + v + "@db:5432"}}}
		}},
		{Name: "key", Redacted: true, Exact: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"user_" + v, "x"}}}
		}},
		{Name: "key-ruled-key", Redacted: true, Entry: func(v string) Entry {
			// The key matches a key rule (it holds "password") and holds
			// the secret: the replacement must not echo it.
			return Entry{Message: "m", Attrs: []Attr{{"password_" + v, "x"}}}
		}},
		{Name: "group-name", Redacted: true, Exact: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"g_" + v, Group{{"n", "1"}}}}}
		}},
		{Name: "with-context", Redacted: true, Exact: true, Entry: func(v string) Entry {
			return Entry{With: []Attr{{"ctx", "sess " + v}, {"k_" + v, "x"}}, Message: "m", Attrs: []Attr{{"n", "1"}}}
		}},
		{Name: "with-group-name", Redacted: true, Exact: true, Entry: func(v string) Entry {
			return Entry{Groups: []string{"req", "g_" + v}, Message: "m", Attrs: []Attr{{"n", "1"}}}
		}},
		{Name: "nested-value", Redacted: true, Exact: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"outer", Group{{"inner", Group{{"k", v}}}}}}}
		}},
		{Name: "object-key", Redacted: true, Exact: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"sessions", Object{v: "active", "other": "idle"}}}}
		}},
		{Name: "object-value", Redacted: true, Exact: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"env", Object{"DSN": v}}}}
		}},
		{Name: "error", Redacted: true, Exact: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"error", Error{"dial tcp: auth " + v + " refused"}}}}
		}},
		{Name: "stringer", Redacted: true, Exact: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"s", Stringer{"conn(" + v + ")"}}}}
		}},
		{Name: "panic-stringer", Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"s", PanicStringer{"bad state " + v}}}}
		}},
		{Name: "panic-error", Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"error", PanicError{"bad state " + v}}}}
		}},
		{Name: "panic-error-causes", Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"error", PanicCauses{"bad state " + v}}}}
		}},
		{Name: "panic-object", Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"obj", PanicObject{"bad state " + v}}}}
		}},
		{Name: "fickle", Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"f", &Fickle{First: "clean-first-answer", Then: "then " + v}}}}
		}},
		{Name: "fickle-stringer", Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"f", NewFickleStringer("clean-first-answer", "then "+v)}}}
		}},
		{Name: "bytes", Redacted: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"body", []byte("x=" + v)}}}
		}},
		{Name: "bytes-base64", Entry: func(v string) Entry {
			// Bytes whose base64, as the logger writes them, is the
			// secret (BinarySecrets): a front end that checks them only as
			// bytes does not see it. At the top and nested in a group.
			// (Not Redacted: a handler that writes bytes as text never
			// writes the secret.)
			return Entry{Message: "m", Attrs: []Attr{{"key", binaryOf(v)}, {"g", Group{{"key", binaryOf(v)}}}}}
		}},
		{Name: "bytes-escaped-body", Redacted: true, Entry: func(v string) Entry {
			// A request body held as bytes, the secret escaped in it as a
			// form or encoding/json writes it: a logger that writes bytes
			// as base64 (zap.Binary, slog's JSON handler, a reflected
			// []byte field) writes the base64 of the escaped value, which
			// holds none of the value's own base64 forms.
			return Entry{Message: "m", Attrs: []Attr{
				{"form", Binary(formBody(v))},
				{"doc", []byte(jsonBody(v))},
				{"req", Plain{struct{ Body []byte }{[]byte(formBody(v))}}},
			}}
		}},
		{Name: "wrapped-base64-value", Redacted: true, Entry: func(v string) Entry {
			// A MIME body or the base64 command's output, wrapped at 76
			// columns, as a string value: the secret's base64 crosses a
			// line break, which a JSON or quoting logger writes as "\n".
			return Entry{Message: "m", Attrs: []Attr{{"body", wrapped76(strings.Repeat("x", 50) + v + strings.Repeat("y", 60))}}}
		}},
		{Name: "backslash-message", Redacted: true, Exact: true, Check: backslashKept, Leading: true, Entry: func(v string) Entry {
			return Entry{Message: `C:\keys\` + v + `.pfx`}
		}},
		{Name: "backslash-value", Redacted: true, Exact: true, Check: backslashKept, Leading: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"path", `C:\keys\` + v + `.pfx`}}}
		}},
		{Name: "control-bytes", Redacted: true, Exact: true, Check: markersKept, Entry: func(v string) Entry {
			return Entry{Message: before + "\x00\x1b[31m\t" + v + "\r\x7f" + after}
		}},
		{Name: "invalid-utf8", Redacted: true, Exact: true, Check: markersKept, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"raw", before + "\xff\xfe" + v + "\xc3" + after}}}
		}},
		{Name: "many", Redacted: true, Exact: true, Entry: func(v string) Entry {
			return Entry{Message: v + v, Attrs: []Attr{{"a", v}, {"b", v + " " + v}, {"g", Group{{"c", v}}}}}
		}},
		{Name: "adjacent-secrets", Exact: true, Check: markersKept, Pair: func(v, w string) Entry {
			// Two secrets back to back, and around a NUL: one span or two,
			// neither may leave a byte of either.
			return Entry{Message: before + v + w + after, Attrs: []Attr{{"k", before + w + v + after}, {"g", Group{{"k", w + "\x00" + v}}}}}
		}},
		{Name: "adjacent-self", Redacted: true, Exact: true, Check: markersKept, Entry: func(v string) Entry {
			return Entry{Message: before + v + v + after, Attrs: []Attr{{"k", before + v + "\x00" + v + "\t" + v + after}}}
		}},
		{Name: "surrounding-space", Redacted: true, Exact: true, Entry: func(v string) Entry {
			return Entry{Message: " " + v + " ", Attrs: []Attr{{"k", "\t" + v + "\r\n"}, {" " + v + " ", "x"}}}
		}},
		{Name: "key-and-value", Redacted: true, Exact: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{v, v}, {"g", Group{{v, v}}}}}
		}},
		{Name: "logger-name", Redacted: true, Needs: FeatureName, Exact: true, Entry: func(v string) Entry {
			return Entry{Name: "svc." + v, Message: "m"}
		}},
		{Name: "words", Entry: func(v string) Entry {
			// A passphrase split on its spaces, and a secret cut in two:
			// a logger that prints a list as "[a b]" prints the first
			// whole. (A multi-line value, a file, is logged whole: its
			// words alone are settings the engine leaves, by design.)
			if strings.Contains(v, "\n") {
				return Entry{Message: "m", Attrs: []Attr{{"words", Words{"x", v}}}}
			}
			h := len(v) / 2
			return Entry{Message: "m", Attrs: []Attr{{"words", Words(strings.Fields(v))}, {"halves", Words{v[:h], v[h:]}}}}
		}},
		{Name: "object-pair", Entry: func(v string) Entry {
			// A user:password (or key=value) secret split into a map's key
			// and value: a logger that prints a map as "map[k:v]" prints
			// it whole.
			i := strings.IndexAny(v, ":=")
			if strings.Contains(v, "\n") {
				return Entry{Message: "m", Attrs: []Attr{{"m", Object{"k": v}}}}
			}
			if i < 0 {
				i = len(v) / 2
				return Entry{Message: "m", Attrs: []Attr{{"m", Object{v[:i]: v[i:]}}}}
			}
			return Entry{Message: "m", Attrs: []Attr{{"m", Object{v[:i]: v[i+1:]}}}}
		}},
		{Name: "reflected-struct", Redacted: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"creds", Plain{PlainCreds{User: "app", Pass: v, Tags: map[string]string{v: "k"}}}}}}
		}},
		{Name: "reflected-map-key", Redacted: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"counts", Plain{map[string]int{v: 1, "other": 2}}}}}
		}},
		{Name: "reflected-nested", Redacted: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"tree", Plain{[]any{1, map[string]any{"k": []string{"x", v}}, nil}}}}}
		}},
		{Name: "reflected-bytes", Entry: func(v string) Entry {
			// JSON writes the bytes as base64; fmt as numbers.
			return Entry{Message: "m", Attrs: []Attr{{"blobs", Plain{map[string][]byte{"k": []byte(v)}}}}}
		}},
		{Name: "reflected-raw-json", Redacted: true, Entry: func(v string) Entry {
			b, _ := json.Marshal(map[string]string{"k": v})
			return Entry{Message: "m", Attrs: []Attr{{"doc", Plain{json.RawMessage(b)}}}}
		}},
		{Name: "error-wrapped", Redacted: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"error", fmt.Errorf("connect: %w", Error{"auth " + v + " refused"})}}}
		}},
		{Name: "error-join", Redacted: true, Entry: func(v string) Entry {
			return Entry{Message: "m", Attrs: []Attr{{"error", errors.Join(Error{"first"}, Error{"second " + v})}}}
		}},
		{Name: "error-verbose", Entry: func(v string) Entry {
			// The secret is in the "%+v" form only: a logger that prints
			// Error() alone never writes it.
			return Entry{Message: "m", Attrs: []Attr{{"error", VerboseError{Msg: "clean", Detail: "frame " + v}}}}
		}},
	}
}

// replacedFromFirstByte reports whether a secret's replacement starts at
// its first byte: not for a value that opens with whitespace (the engine
// indexes it trimmed) or with public text (a PEM key's armour line).
func replacedFromFirstByte(v string) bool {
	return strings.TrimLeft(v, " \t\r\n") == v && !strings.HasPrefix(strings.TrimSpace(v), "-----BEGIN ")
}

// backslashKept checks that the backslash right before the secret survived:
// raw (`keys\[REDACTED`) or escaped (`keys\\[REDACTED`).
func backslashKept(out []byte) error {
	if bytes.Contains(out, []byte(`keys\[REDACTED:`)) || bytes.Contains(out, []byte(`keys\\[REDACTED:`)) {
		return nil
	}
	return errors.New(`the backslash before the secret was lost (no "keys\[REDACTED:" in any escaping)`)
}

// markersKept checks that the text around the secret survived.
func markersKept(out []byte) error {
	if !bytes.Contains(out, []byte(before)) || !bytes.Contains(out, []byte(after)) {
		return fmt.Errorf("the text around the secret (%s, %s) was lost", before, after)
	}
	return nil
}

// FrontEnd writes entries through one of hush's front ends.
type FrontEnd interface {
	// Log writes e. It returns ErrUnsupported when the front end cannot
	// express e. It may panic (so does a logger whose value panics and
	// does not recover); Run then adds the panic's message to the output,
	// as a crash prints it.
	Log(e Entry) error
	// Output returns every byte the front end wrote so far.
	Output() []byte
}

// Run runs every scenario with every secret of Secrets through a front end
// newFrontEnd builds around r, and checks each output with Check, and with
// the scenario's own checks. Each scenario and secret is a subtest named
// "scenario/secret".
func Run(t *testing.T, newFrontEnd func(t *testing.T, r *redact.Redactor) FrontEnd) {
	RunSecrets(t, Secrets(), newFrontEnd)
}

// RunSecrets is Run with another set of secrets (MultilineSecrets): each
// scenario is written with each of them, all of them known to the
// Redactor.
func RunSecrets(t *testing.T, secrets []redact.Secret, newFrontEnd func(t *testing.T, r *redact.Redactor) FrontEnd) {
	RunSecretsWith(t, secrets, nil, newFrontEnd)
}

// RunSecretsWith is RunSecrets with a Redactor built with opts: with
// redact.WithMinLength(4), TinySecrets are indexed, and the oracle counts
// forms from the shortest secret's length (at most 8) up.
func RunSecretsWith(t *testing.T, secrets []redact.Secret, opts []redact.Option, newFrontEnd func(t *testing.T, r *redact.Redactor) FrontEnd) {
	minLen := minFormLen
	for _, s := range secrets {
		if n := len(strings.TrimSpace(s.Value)); n < minLen {
			minLen = max(n, 4)
		}
	}
	for _, sc := range Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			for i, s := range secrets {
				t.Run(strings.ReplaceAll(s.Name, "/", "_"), func(t *testing.T) {
					r, err := redact.New(opts...)
					require.NoError(t, err)
					require.NoError(t, r.Set(secrets))
					fe := newFrontEnd(t, r)
					if !sc.supported(fe) {
						t.Skip("not expressible in this front end")
					}
					out, err := Capture(fe, sc.entry(secrets, i))
					if errors.Is(err, ErrUnsupported) {
						t.Skip("not expressible in this front end")
					}
					if errors.Is(err, ErrKnownGap) {
						t.Skip("a known gap of the contract (DESIGN.md)")
					}
					require.NoError(t, err)
					require.NotEmpty(t, len(out), "the front end wrote nothing")
					CheckMin(t, secrets, out, sc.Name, minLen)
					if sc.Redacted && !Holds(out, []byte(r.Replacement(s.Name))) {
						t.Errorf("%s: no replacement for %s in the output", sc.Name, s.Name)
					}
					if sc.Check != nil && !(sc.Leading && !replacedFromFirstByte(s.Value)) {
						if err := sc.Check(out); err != nil {
							t.Errorf("%s, secret %s: %v", sc.Name, s.Name, err)
						}
					}
				})
			}
		})
	}
}

// Holds reports whether out, or a standard decode of it (a front end may
// base64 a []byte value), holds text: for checking that a replacement was
// written.
func Holds(out, text []byte) bool {
	if bytes.Contains(out, text) {
		return true
	}
	for _, d := range decodes(out) {
		if bytes.Contains(d.text, text) {
			return true
		}
	}
	return false
}

// Capture calls fe.Log and returns fe's output, with the message of a
// panic appended: what a crash would print.
func Capture(fe FrontEnd, e Entry) (out []byte, err error) {
	defer func() {
		out = fe.Output()
		if p := recover(); p != nil {
			out = append(out[:len(out):len(out)], fmt.Sprintf("\npanic: %v\n", p)...)
			err = nil
		}
	}()
	return nil, fe.Log(e)
}
