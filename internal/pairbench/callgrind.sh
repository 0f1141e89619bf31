#!/usr/bin/env bash
# Instructions per log call of a front end's benchmark cells, base commit
# against the work tree: the measure of the front ends' overhead that the
# machine's load does not change. Each cell runs under
# valgrind --tool=callgrind for LO and HI iterations (-test.benchtime=Nx);
# the difference of the two totals over HI-LO is one call's instructions,
# without the setup (index build, warm caches). GOGC=off, GOMAXPROCS=1,
# GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off as in benchmarks/callgrind.sh;
# valgrind has no AVX-512, so the engine runs its AVX2 path.
#
# Usage: internal/pairbench/callgrind.sh PKG BENCH BASE CELL...
#   PKG    zapcore or slog
#   BENCH  the benchmark (Zap10Fields, Slog10Attrs)
#   BASE   a commit to measure too ("-" for the work tree only)
#   CELL   sub-benchmark names (impl=plain impl=hush-core ...)
# Environment: LO (default 1000), HI (default 3000), OUT (keep the profiles
#   there, for callgrind_annotate).
# Prints instructions per call for each side and cell, and each cell's ratio
# to the first cell of its side.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 2; }
pkg=$1 bench=$2 base=$3
shift 3
LO=${LO:-1000} HI=${HI:-3000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sides=(new)
if [[ $base != - ]]; then
	git archive --format=tar "$base" | tar -x -C "$tmp" --one-top-level=base
	(cd "$tmp/base" && go test -c -o "$tmp/old.test" "./$pkg")
	sides=(old new)
fi
go test -c -o "$tmp/new.test" "./$pkg"
total() { # binary cell iterations
	local out="$tmp/$(basename "$1").$(echo "$2" | tr '/=+' '___').$3.out"
	GOGC=off GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off valgrind --tool=callgrind \
		--callgrind-out-file="$out" "$1" -test.run '^$' -test.bench "^Benchmark$bench/$2\$" \
		-test.benchtime "$3x" -test.count 1 -test.cpu 1 >"$out.log" 2>&1
	grep -m1 '^summary:' "$out" | cut -d' ' -f2
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $pkg $bench, ($HI - $LO) calls"
for side in "${sides[@]}"; do
	first=
	for cell in "$@"; do
		a=$(total "$tmp/$side.test" "$cell" "$LO")
		b=$(total "$tmp/$side.test" "$cell" "$HI")
		per=$(((b - a) / (HI - LO)))
		[[ -z $first ]] && first=$per
		echo "$side $cell: $per instructions per call, $(echo "scale=4; $per / $first" | bc) of ${1}"
	done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -n ${OUT:-} ]]; then
	mkdir -p "$OUT"
	cp "$tmp"/*.out "$OUT/"
fi
