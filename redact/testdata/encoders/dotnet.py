# .NET's standard escapers, REIMPLEMENTED FROM THEIR DOCUMENTATION: no .NET
# runtime is installed here, so these forms are derived, not recorded.
#   System.Text.Json, default JavaScriptEncoder: escapes every character
#     outside Basic Latin, the HTML-sensitive < > & ' " and + and `, DEL and
#     controls, as \uXXXX with upper-case hex (" is \u0022, not \"); \b \f
#     \n \r \t and \\ keep their short forms.
#   System.Text.Json with JavaScriptEncoder.UnsafeRelaxedJsonEscaping:
#     " and \ and controls only; non-ASCII and HTML characters as is.
#   Uri.EscapeDataString: RFC 3986 unreserved kept, the rest %XX upper.
#   WebUtility.UrlEncode: space as +, A-Za-z0-9 and -_.!*() kept, %XX upper.
#   HttpUtility.UrlEncode: as WebUtility.UrlEncode with %xx lower.
# Reads secrets.json, writes one JSON line per (encoder, secret).
import json
import sys

SHORT = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def u4(cp):
    return "\\u%04X" % cp


def stj(v, relaxed):
    out = []
    for ch in v:
        cp = ord(ch)
        if ch in SHORT:
            out.append(SHORT[ch])
        elif ch == '"':
            out.append('\\"' if relaxed else u4(cp))
        elif cp < 0x20 or (cp == 0x7F and not relaxed):
            out.append(u4(cp))
        elif not relaxed and (cp > 0x7E or ch in "<>&'+`"):
            if cp > 0xFFFF:
                cp -= 0x10000
                out.append(u4(0xD800 + (cp >> 10)) + u4(0xDC00 + (cp & 0x3FF)))
            else:
                out.append(u4(cp))
        else:
            out.append(ch)
    return "".join(out)


def percent(v, keep, plus, upper):
    out = []
    for b in v.encode("utf-8"):
        c = chr(b)
        if b < 0x80 and (c.isalnum() or c in keep):
            out.append(c)
        elif plus and c == " ":
            out.append("+")
        else:
            out.append(("%%%02X" if upper else "%%%02x") % b)
    return "".join(out)


encoders = {
    "dotnet/System.Text.Json": lambda v: stj(v, False),
    "dotnet/System.Text.Json-UnsafeRelaxedJsonEscaping": lambda v: stj(v, True),
    "dotnet/Uri.EscapeDataString": lambda v: percent(v, "-._~", False, True),
    "dotnet/WebUtility.UrlEncode": lambda v: percent(v, "-_.!*()", True, True),
    "dotnet/HttpUtility.UrlEncode": lambda v: percent(v, "-_.!*()", True, False),
}

secrets = json.load(open(sys.argv[1]))
for name, enc in encoders.items():
    for s in secrets:
        print(json.dumps({"encoder": name, "secret": s["name"], "form": enc(s["value"]), "derived": True}))
