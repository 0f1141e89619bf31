#!/usr/bin/env bash
# Instruction counts of the engine benchmark, base commit against the work
# tree: a measure the machine's load does not change (wall time on a shared
# machine does). Each test binary runs one benchmark cell under
# valgrind --tool=callgrind twice, for 1 and for 11 iterations
# (-test.benchtime=Nx); the difference of the two totals is 10 iterations,
# without the setup (corpus, secrets, index build). GOGC=off keeps the
# collector out of the difference, GODEBUG=asyncpreemptoff=1 keeps
# callgrind from tripping over Go's preemption signals, cpu.rdtscp=off keeps
# the runtime off RDTSCP (valgrind 3.19 does not decode it: SIGILL on CPUs
# that have it), GOMAXPROCS=1 makes the run single-threaded.
#
# Usage: ./callgrind.sh BASE [CELL]
#   BASE  a commit to compare against
#   CELL  benchmark pattern (default: hush-clean at 10,000 secrets)
# Environment: HUSH_CORPUS (the benchmark corpus), OUT (keep the profiles),
#   FN (count only inside functions matching this callgrind pattern, e.g.
#   FN='*redact.(*Redactor).Scrub': the index build's share of the 1x and
#   11x totals varies with its random keys by more than a small change of
#   the scan; default: the whole program).
# Prints instructions per iteration and per byte for each side, and their
# ratio.
set -euo pipefail
cd "$(dirname "$0")"
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
base=$1
cell=${2:-'Engine/method=hush-clean/secrets=10000$'}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$(git rev-parse --show-toplevel)
git -C "$root" archive --format=tar "$base" | tar -x -C "$tmp" --one-top-level=base
(cd "$tmp/base/benchmarks" && go test -c -o "$tmp/old.test" .)
go test -c -o "$tmp/new.test" .
bytes=$(cat "${HUSH_CORPUS:?set HUSH_CORPUS}"/*.log | wc -c)
total() { # binary iterations
	GOGC=off GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off valgrind --tool=callgrind \
		${FN:+--toggle-collect="$FN"} --callgrind-out-file="$tmp/$(basename "$1").$2.out" "$1" -test.run '^$' \
		-test.bench "$cell" -test.benchtime "$2x" -test.count 1 >"$tmp/$(basename "$1").$2.log" 2>&1
	grep -m1 '^summary:' "$tmp/$(basename "$1").$2.out" | cut -d' ' -f2
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores, shared)"
declare -A per
for v in old new; do
	a=$(total "$tmp/$v.test" 1)
	b=$(total "$tmp/$v.test" 11)
	per[$v]=$(((b - a) / 10))
	echo "$v: 1x $a, 11x $b instructions: $((per[$v])) per iteration, $(echo "scale=3; ${per[$v]} / $bytes" | bc) per byte ($bytes bytes)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "new/old instructions: $(echo "scale=4; ${per[new]} / ${per[old]}" | bc)"
if [[ -n ${OUT:-} ]]; then
	mkdir -p "$OUT"
	cp "$tmp"/*.out "$OUT/"
fi
