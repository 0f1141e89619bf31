# Python's standard escapers, each as a logging or HTTP library calls it
# with default arguments. Reads secrets.json, writes one JSON line per
# (encoder, secret): {"encoder", "secret", "form"}.
import html
import json
import sys
import urllib.parse

encoders = {
    "python/json.dumps": lambda v: json.dumps(v)[1:-1],
    "python/json.dumps-ensure_ascii=False": lambda v: json.dumps(v, ensure_ascii=False)[1:-1],
    "python/urllib.parse.quote": lambda v: urllib.parse.quote(v),
    "python/urllib.parse.quote-safe=''": lambda v: urllib.parse.quote(v, safe=""),
    "python/urllib.parse.quote_plus": lambda v: urllib.parse.quote_plus(v),
    "python/urllib.parse.urlencode": lambda v: urllib.parse.urlencode({"k": v})[2:],
    "python/html.escape": lambda v: html.escape(v),
    "python/html.escape-quote=False": lambda v: html.escape(v, quote=False),
    "python/repr": lambda v: repr(v)[1:-1],
}

secrets = json.load(open(sys.argv[1]))
for name, enc in encoders.items():
    for s in secrets:
        print(json.dumps({"encoder": name, "secret": s["name"], "form": enc(s["value"])}))
