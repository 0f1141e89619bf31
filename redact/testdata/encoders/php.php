<?php
// PHP's standard escapers with default flags. Reads secrets.json, writes
// one JSON line per (encoder, secret): {"encoder", "secret", "form"}.
$encoders = [
    "php/json_encode" => fn($v) => substr(json_encode($v), 1, -1),
    "php/json_encode-UNESCAPED_SLASHES|UNESCAPED_UNICODE" => fn($v) => substr(json_encode($v, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), 1, -1),
    "php/urlencode" => fn($v) => urlencode($v),
    "php/rawurlencode" => fn($v) => rawurlencode($v),
    "php/http_build_query" => fn($v) => substr(http_build_query(["k" => $v]), 2),
    "php/htmlspecialchars" => fn($v) => htmlspecialchars($v),
    "php/var_export" => fn($v) => substr(var_export($v, true), 1, -1),
];
$secrets = json_decode(file_get_contents($argv[1]), true);
foreach ($encoders as $name => $enc) {
    foreach ($secrets as $s) {
        echo json_encode(["encoder" => $name, "secret" => $s["name"], "form" => $enc($s["value"])]), "\n";
    }
}
