#!/usr/bin/env bash
# hush scan/scrub (known values only: --no-detect) against ripgrep and sed, side by side, on a log of at
# least 48 MB built from the logs in $HUSH_CORPUS with secrets injected in
# five encodings (raw, JSON, URL, base64 of "user:secret", hex).
#
#   hush scan    vs  rg -F -c -f patterns.txt   (raw values only), 100 and 10,000 secrets
#                    (10,000 secrets both as 10,000 files and as one JSON document)
#   hush scrub   vs  sed -f scrub.sed           (one s||| per secret, raw only), 100 secrets
#
# hush checks every encoded form of every secret (7 families, dozens of
# forms each); rg and sed are given only the raw values. Each command runs
# RUNS times (after a warm-up that puts the file in the page cache); the
# table gives the median and the best wall-clock time with the throughput
# each means, and the median CPU time (user+sys). Results go to results/cli.md and
# results/cli-raw.txt, with the machine's description.
#
# Usage: benchmarks/cli/run.sh       (about 3 minutes on 2 idle cores)
# Environment: RUNS (default 7), SIZE in MB (default 48), HUSH_CORPUS (a
# directory of *.log files, such as the loghub sample logs of the published
# results; unset: generated log lines).
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
root=$(cd ../.. && pwd)
RUNS=${RUNS:-7}
SIZE=${SIZE:-48}
CORPUS=${HUSH_CORPUS:-}
if [ -n "$CORPUS" ]; then source="$(basename "$CORPUS") (real log lines, CRLF)"; else source="generated log lines"; fi

if ! command -v rg >/dev/null; then
	echo "installing ripgrep (Debian package)" >&2
	apt-get update -qq && apt-get install -y -qq ripgrep >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/hush" ./cmd/hush)
for n in 100 10000; do
	(cd "$root/benchmarks" && go run ./cli/gen -corpus "$CORPUS" -out "$tmp/n$n" -secrets "$n" -size "$SIZE")
done
# Ten times larger, where the fixed cost of starting (Go runtime and AWS SDK
# initialisation, loading the secrets, building the index) fades.
(cd "$root/benchmarks" && go run ./cli/gen -corpus "$CORPUS" -out "$tmp/large" -secrets 100 -size "$((SIZE * 10))")
lbytes=$(stat -c %s "$tmp/large/big.log")
hush=$tmp/hush
bytes=$(stat -c %s "$tmp/n100/big.log")

# measure NAME CMD...: RUNS timed runs; prints "NAME wall_median cpu_median
# wall_best". On a shared machine noise only ever adds time, so the best run
# is the closest to an idle machine; the median is the honest typical run.
# Exit status 1 is what a scanner returns when it finds something.
measure() {
	local name=$1
	shift
	"$@" >/dev/null 2>&1 || true # warm-up
	local walls=() cpus=()
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || [ $? -eq 1 ]
		read -r e u s < <(tail -n 1 "$tmp/time") # after "Command exited with non-zero status"
		walls+=("$e")
		cpus+=("$(echo "$u + $s" | bc)")
		echo "$name run: wall $e s, cpu $(echo "$u + $s" | bc) s" >>"$tmp/raw.txt"
	done
	echo "$name $(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') $(printf '%s\n' "${cpus[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') $(printf '%s\n' "${walls[@]}" | sort -g | head -n1)"
}

if ! command -v bc >/dev/null || [ ! -x /usr/bin/time ]; then
	apt-get update -qq && apt-get install -y -qq bc time >/dev/null
fi

load=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$tmp/raw.txt"
{
	measure "hush-scan-100" "$hush" scan --no-detect -q --secrets-dir "$tmp/n100/secrets" "$tmp/n100/big.log"
	measure "rg-100" rg -F -c -f "$tmp/n100/patterns.txt" "$tmp/n100/big.log"
	measure "hush-scan-10000" "$hush" scan --no-detect -q --secrets-dir "$tmp/n10000/secrets" "$tmp/n10000/big.log"
	measure "hush-scan-10000-json" "$hush" scan --no-detect -q --exec "cat $tmp/n10000/secrets.json" "$tmp/n10000/big.log"
	# The same with the token detectors (on by default), which rg has no
	# counterpart for.
	measure "hush-scan-10000-detect" "$hush" scan -q --secrets-dir "$tmp/n10000/secrets" "$tmp/n10000/big.log"
	measure "rg-10000" rg -F -c -f "$tmp/n10000/patterns.txt" "$tmp/n10000/big.log"
	measure "hush-scrub-100" "$hush" scrub --no-detect -q --secrets-dir "$tmp/n100/secrets" -o "$tmp/scrubbed.log" "$tmp/n100/big.log"
	measure "hush-scrub-100-stdout" "$hush" scrub --no-detect -q --secrets-dir "$tmp/n100/secrets" "$tmp/n100/big.log"
	RUNS=$(( RUNS < 3 ? RUNS : 3 )) measure "sed-100" sed -f "$tmp/n100/scrub.sed" "$tmp/n100/big.log"
	measure "hush-scrub-10000" "$hush" scrub --no-detect -q --secrets-dir "$tmp/n10000/secrets" -o "$tmp/scrubbed.log" "$tmp/n10000/big.log"
	measure "hush-start" "$hush" scrub --no-detect -q --secrets-dir "$tmp/n100/secrets" /dev/null
	measure "large-scan" "$hush" scan --no-detect -q --secrets-dir "$tmp/large/secrets" "$tmp/large/big.log"
	measure "large-scrub-stdout" "$hush" scrub --no-detect -q --secrets-dir "$tmp/large/secrets" "$tmp/large/big.log"
	measure "large-scrub" "$hush" scrub --no-detect -q --secrets-dir "$tmp/large/secrets" -o "$tmp/scrubbed.log" "$tmp/large/big.log"
} >"$tmp/medians.txt"
rm -f "$tmp/scrubbed.log"

# Check what the tools found, so the comparison is honest.
found100=$("$hush" scan --no-detect -q --format json --secrets-dir "$tmp/n100/secrets" "$tmp/n100/big.log" | wc -l || true)
found10k=$("$hush" scan --no-detect -q --format json --secrets-dir "$tmp/n10000/secrets" "$tmp/n10000/big.log" | wc -l || true)
rg100=$(rg -F -c -f "$tmp/n100/patterns.txt" "$tmp/n100/big.log" || true)
rg10k=$(rg -F -c -f "$tmp/n10000/patterns.txt" "$tmp/n10000/big.log" || true)
inj100=$(awk '$1=="total"{print $2}' "$tmp/n100/injected.txt")
inj10k=$(awk '$1=="total"{print $2}' "$tmp/n10000/injected.txt")
sed -f "$tmp/n100/scrub.sed" "$tmp/n100/big.log" >"$tmp/sed.log"
"$hush" scrub --no-detect -q --secrets-dir "$tmp/n100/secrets" -o "$tmp/hush.log" "$tmp/n100/big.log"
sedleft=$(rg -F -c -f "$tmp/n100/patterns.txt" "$tmp/sed.log" || echo 0)
hushleft=$(rg -F -c -f "$tmp/n100/patterns.txt" "$tmp/hush.log" || echo 0)

get() { awk -v n="$1" -v f="$2" '$1==n {print $f}' "$tmp/medians.txt"; }
mbps() { echo "scale=0; ${B:-$bytes} / $1 / 1000000" | bc; }
ratio() { echo "scale=1; $(get "$2" 2) / $(get "$1" 2)" | bc; }
bratio() { echo "scale=1; $(get "$2" 4) / $(get "$1" 4)" | bc; }
row() { printf '| %s | %s | `%s` | %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$(get "$4" 2)" "$(mbps "$(get "$4" 2)")" "$(get "$4" 4)" "$(mbps "$(get "$4" 4)")" "$(get "$4" 3)"; }

{
	echo "# hush CLI against ripgrep and sed"
	echo
	echo "Input: $(echo "scale=1; $bytes / 1000000" | bc) MB built from $source, with a secret"
	echo "every 400 lines in one of five encodings ($inj100 injected). Median and best of $RUNS runs"
	echo "(sed: 3), file in the page cache; $(nproc) cores; load average before the run: $load; $(date -u +%Y-%m-%d)."
	echo
	echo "| task | secrets | command | median s | MB/s | best s | MB/s | CPU s |"
	echo "|---|---:|---|---:|---:|---:|---:|---:|"
	row "scan" 100 "hush scan --secrets-dir S big.log" hush-scan-100
	row "scan" 100 "rg -F -c -f patterns big.log" rg-100
	row "scan" 10000 "hush scan --secrets-dir S big.log" hush-scan-10000
	row "scan" 10000 "hush scan --exec 'cat secrets.json' big.log" hush-scan-10000-json
	row "scan" 10000 "rg -F -c -f patterns big.log" rg-10000
	row "scrub" 100 "hush scrub --secrets-dir S -o out big.log" hush-scrub-100
	row "scrub" 100 "hush scrub --secrets-dir S big.log > /dev/null" hush-scrub-100-stdout
	row "scrub" 100 "sed -f scrub.sed big.log > out" sed-100
	row "scrub" 10000 "hush scrub --secrets-dir S -o out big.log" hush-scrub-10000
	B=$lbytes row "scan, $((lbytes / 1000000)) MB" 100 "hush scan --secrets-dir S large.log" large-scan
	B=$lbytes row "scrub, $((lbytes / 1000000)) MB" 100 "hush scrub --secrets-dir S large.log > /dev/null" large-scrub-stdout
	B=$lbytes row "scrub, $((lbytes / 1000000)) MB" 100 "hush scrub --secrets-dir S -o out large.log" large-scrub
	echo
	echo "Starting hush and loading 100 secrets, with nothing to read (\`hush scrub --secrets-dir S /dev/null\`):"
	echo "median $(get hush-start 2) s, best $(get hush-start 4) s."
	echo
	echo "- scan, 100 secrets: hush is $(ratio hush-scan-100 rg-100)x ripgrep's speed (best runs: $(bratio hush-scan-100 rg-100)x);"
	echo "  10,000 secrets: $(ratio hush-scan-10000 rg-10000)x ($(bratio hush-scan-10000 rg-10000)x) with the secrets in 10,000 files,"
	echo "  $(ratio hush-scan-10000-json rg-10000)x ($(bratio hush-scan-10000-json rg-10000)x) with them in one JSON document."
	echo "- scrub, 100 secrets: hush is $(ratio hush-scrub-100 sed-100)x sed's speed ($(bratio hush-scrub-100 sed-100)x)."
	echo "- Found: hush $found100 of $inj100 injected (100 secrets) and $found10k of $inj10k (10,000), in every"
	echo "  encoding; rg counts $rg100 and $rg10k lines holding a raw value. Left in the scrubbed file"
	echo "  (lines with a raw value): sed $sedleft, hush $hushleft; sed leaves every encoded form."
	echo "- Wall times include starting the process, loading the secrets and building the index"
	echo "  (for 10,000 secrets, reading 10,000 files is a large part of it)."
	echo
	echo "Machine:"
	echo '```'
	lscpu | grep -E 'Model name|^CPU\(s\)|Thread|L2|L3' || true
	uptime
	go version
	rg --version | sed -n 1p
	sed --version | sed -n 1p
	echo '```'
} >"$tmp/cli.md"
mkdir -p results
cp "$tmp/cli.md" results/cli.md
cp "$tmp/raw.txt" results/cli-raw.txt
cat results/cli.md
