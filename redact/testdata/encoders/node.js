// JavaScript's standard escapers (Node.js). Reads secrets.json, writes one
// JSON line per (encoder, secret): {"encoder", "secret", "form"}.
const fs = require("fs");
const util = require("util");
const querystring = require("querystring");

const encoders = {
  "js/JSON.stringify": (v) => JSON.stringify(v).slice(1, -1),
  "js/encodeURIComponent": encodeURIComponent,
  "js/encodeURI": encodeURI,
  "js/URLSearchParams": (v) => new URLSearchParams({ k: v }).toString().slice(2),
  "js/querystring.escape": querystring.escape,
  "js/util.inspect": (v) => util.inspect(v).slice(1, -1),
};

const secrets = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
// Node's JSON.stringify writes lone surrogates and non-ASCII as is; the
// golden file is ASCII-only JSON, so escape non-ASCII here.
const ascii = (s) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
for (const [name, enc] of Object.entries(encoders)) {
  for (const s of secrets) {
    console.log(`{"encoder": ${ascii(name)}, "secret": ${ascii(s.name)}, "form": ${ascii(enc(s.value))}}`);
  }
}
