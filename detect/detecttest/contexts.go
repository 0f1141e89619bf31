package detecttest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Placed is a token written into a context.
type Placed struct {
	Text string
	// Literal reports that the secret appears in Text as itself (no
	// escaping changed it), at Text[Start:End]: a redactor must then replace
	// exactly that span and leave every other byte alone.
	Literal    bool
	Start, End int
}

// Context is one way a token reaches a log line.
type Context struct {
	Name string
	Wrap func(t Token) Placed
}

// Contexts returns the contexts every family is tested in: raw text, a JSON
// string, one with its slashes escaped (PHP), JSON in JSON, a URL query parameter, one URL-escaped twice, a URL
// in a JSON string, the URL-escaped base64 of a line, the base64 of a line holding
// the token (after "key=") and of a JSON document holding it, the base64
// of a file holding it wrapped at 76 columns, Authorization headers (Bearer and Basic), configuration lines
// (KEY=value, YAML, INI), an environment dump, Go's %q, a stack trace and
// error message, and a zap/slog-like JSON record.
func Contexts() []Context {
	return []Context{
		{"raw", func(t Token) Placed {
			return around("2026-12-02T12:00:00.123Z INFO client: connecting with ", t.Text, " to upstream (attempt 2)\n", t)
		}},
		{"json-string", func(t Token) Placed {
			return around(`{"level":"info","ts":1764676800.5,"token":`, jsonString(t.Text), `,"ok":true}`+"\n", t)
		}},
		{"json-in-json", func(t Token) Placed {
			inner := `{"config":{"credential":` + jsonString(t.Text) + `}}`
			return around(`{"level":"debug","payload":`, jsonString(inner), "}\n", t)
		}},
		{"json-slashes", func(t Token) Placed {
			// A JSON string as PHP's json_encode and some Java encoders
			// write it: every '/' escaped as "\/" (a URL's "://"
			// becomes ":\/\/").
			return around(`{"channel":"app","message":"connect","context":{"dsn":`, strings.ReplaceAll(jsonString(t.Text), "/", `\/`), `}}`+"\n", t)
		}},
		{"url-query", func(t Token) Placed {
			return around(`10.0.3.7 - - [02/Dec/2026:12:00:00 +0000] "GET /oauth/callback?code=`, url.QueryEscape(t.Text), `&state=af0ifjsldkj HTTP/1.1" 302 0`+"\n", t)
		}},
		{"url-twice", func(t Token) Placed {
			// A redirect target carried in a query parameter: the token
			// is URL-escaped twice.
			next := "/oauth/callback?code=" + url.QueryEscape(t.Text) + "&state=af0ifjsldkj"
			return around(`10.0.3.7 - - [02/Dec/2026:12:00:00 +0000] "GET /login?next=`, url.QueryEscape(next), ` HTTP/1.1" 302 0`+"\n", t)
		}},
		{"url-in-json", func(t Token) Placed {
			// A request URL with the token in its query, logged as a JSON
			// string (JSON then URL escaping).
			u := "https://api.example.com/v1/hook?sig=" + url.QueryEscape(t.Text) + "&v=2"
			return around(`{"level":"info","msg":"outbound request","url":`, jsonString(u), `,"status":200}`+"\n", t)
		}},
		{"base64-url", func(t Token) Placed {
			// The base64 of a line, URL-escaped in a query parameter
			// (+, / and = as %2B, %2F, %3D).
			line := "export API_CREDENTIAL=" + t.Text + "\n"
			return around(`10.0.3.7 - - [02/Dec/2026:12:00:00 +0000] "GET /sync?state=`, url.QueryEscape(base64.StdEncoding.EncodeToString([]byte(line))), `&v=1 HTTP/1.1" 200 512`+"\n", t)
		}},
		{"base64-line", func(t Token) Placed {
			line := "export API_CREDENTIAL=" + t.Text + "\n"
			return around("2026-12-02 12:00:00 job=sync blob=", base64.StdEncoding.EncodeToString([]byte(line)), " size=512\n", t)
		}},
		{"base64-wrapped", func(t Token) Placed {
			// The base64 command's output (wrapped at 76 columns) of a
			// file that holds the token, in a CI log.
			doc := "# app.env\nSERVICE_NAME=billing\nSERVICE_TOKEN=" + t.Text + "\nTIMEOUT=30s\n"
			return around("+ base64 /run/secrets/app.env\n", wrap76(base64.StdEncoding.EncodeToString([]byte(doc))), "\n+ echo done\ndone\n", t)
		}},
		{"base64-json", func(t Token) Placed {
			return around(`{"event":"sync","payload":"`, base64.StdEncoding.EncodeToString([]byte(`{"auth":"`+t.Text+`"}`)), `"}`+"\n", t)
		}},
		{"header-bearer", func(t Token) Placed {
			return around("> GET /api/v1/repos HTTP/1.1\r\n> Host: api.example.com\r\n> Authorization: Bearer ", t.Text, "\r\n> Accept: */*\r\n", t)
		}},
		{"header-basic", func(t Token) Placed {
			return around("Authorization: Basic ", base64.StdEncoding.EncodeToString([]byte("deploy-bot:"+t.Text)), "\n", t)
		}},
		{"config-env", func(t Token) Placed {
			return around("# generated\nSERVICE_NAME=billing\nSERVICE_TOKEN=", t.Text, "\nTIMEOUT=30s\n", t)
		}},
		{"config-yaml", func(t Token) Placed {
			return around("upstream:\n  url: https://api.example.com\n  api_key: \"", t.Text, "\"\n  retries: 3\n", t)
		}},
		{"config-ini", func(t Token) Placed {
			return around("[default]\nregion = eu-west-1\ncredential = ", t.Text, "\noutput = json\n", t)
		}},
		{"env-dump", func(t Token) Placed {
			return around("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin\nHOSTNAME=worker-7f9c\nHOME=/root\nCI_JOB_TOKEN=", t.Text, "\nLANG=C.UTF-8\nTERM=xterm\n", t)
		}},
		{"go-quote", func(t Token) Placed {
			return around("level=debug msg=\"loaded settings\" value=", fmt.Sprintf("%q", t.Text), " source=env\n", t)
		}},
		{"stack-trace", func(t Token) Placed {
			return around("panic: auth: credential \"", t.Text, "\" rejected: 401 Unauthorized\n\ngoroutine 1 [running]:\nmain.connect(...)\n\t/app/main.go:42 +0x1d\nmain.main()\n\t/app/main.go:17 +0x25\nexit status 2\n", t)
		}},
		{"slog-json", func(t Token) Placed {
			rec := map[string]any{
				"time": "2026-12-02T12:00:00.123456789Z", "level": "ERROR", "msg": "request failed",
				"err": "POST https://api.example.com/v1/charge: 401: invalid credential " + t.Text, "attempt": 3,
			}
			b, err := json.Marshal(rec)
			if err != nil {
				panic(err)
			}
			return placeIn(string(b)+"\n", t)
		}},
	}
}

// jsonString is s as encoding/json writes it (with HTML escaping).
func jsonString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// around places enc (the token's text as the context writes it) between
// prefix and suffix.
func around(prefix, enc, suffix string, t Token) Placed {
	p := Placed{Text: prefix + enc + suffix}
	if enc == t.Text {
		p.Literal, p.Start, p.End = true, len(prefix)+t.Start, len(prefix)+t.End
	}
	return p
}

// placeIn finds the token's text, unchanged, in out.
func placeIn(out string, t Token) Placed {
	p := Placed{Text: out}
	if i := strings.Index(out, t.Text); i >= 0 {
		p.Literal, p.Start, p.End = true, i+t.Start, i+t.End
	}
	return p
}

// wrap76 breaks s into lines of 76 characters, as the base64 command and
// MIME write base64.
func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}
