# Ruby's standard escapers. Reads secrets.json, writes one JSON line per
# (encoder, secret): {"encoder", "secret", "form"}.
require "cgi"
require "erb"
require "json"
require "uri"

encoders = {
  "ruby/JSON.generate" => ->(v) { JSON.generate(v)[1..-2] },
  "ruby/ERB::Util.html_escape" => ->(v) { ERB::Util.html_escape(v) },
  "ruby/ERB::Util.url_encode" => ->(v) { ERB::Util.url_encode(v) },
  "ruby/URI.encode_www_form_component" => ->(v) { URI.encode_www_form_component(v) },
  "ruby/URI.encode_www_form" => ->(v) { URI.encode_www_form("k" => v)[2..] },
  "ruby/CGI.escape" => ->(v) { CGI.escape(v) },
  "ruby/CGI.escapeHTML" => ->(v) { CGI.escapeHTML(v) },
  "ruby/inspect" => ->(v) { v.inspect[1..-2] },
}

secrets = JSON.parse(File.read(ARGV[0]))
encoders.each do |name, enc|
  secrets.each do |s|
    puts JSON.generate({ "encoder" => name, "secret" => s["name"], "form" => enc.call(s["value"]) }, ascii_only: true)
  end
end
