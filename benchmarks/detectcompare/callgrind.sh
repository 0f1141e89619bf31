#!/usr/bin/env bash
# Instructions per Scrub call of BenchmarkKnownPlusDetectors, per line and per
# 64 KiB block, with and without the default detectors: the measure of the
# detectors' overhead that the machine's load does not change.
#
# Each cell (mode=lines or mode=blocks, method=known or known+detect) runs
# under valgrind --tool=callgrind twice, for 1 and for 1+N iterations
# (-test.benchtime=Nx), counting only inside redact.(*Redactor).Scrub
# (--toggle-collect: the corpus, the secrets and the index builds are not
# counted); the difference of the two totals over N iterations of all lines
# (all blocks) is one call's instructions. valgrind has no AVX-512: the
# token scan runs its AVX2 path (GODEBUG=cpu.avx2=off: its Go path).
# GOGC=off, GOMAXPROCS=1, GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off as in
# benchmarks/callgrind.sh.
#
# Usage: HUSH_CORPUS=/path/to/loghub ./callgrind.sh [BASE]
#   BASE  a commit to measure too, before the work tree (hush at BASE, run
#         by this work tree's compare_test.go)
# Environment: N (default 2), MODES (default "lines blocks"), BASE_ONLY
#   (measure BASE alone), GODEBUG_EXTRA
#   (appended to GODEBUG, e.g. cpu.avx2=off), OUT (keep the profiles there).
set -euo pipefail
cd "$(dirname "$0")"
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 2; }
: "${HUSH_CORPUS:?set HUSH_CORPUS}"
N=${N:-2}
MODES=${MODES:-lines blocks}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sides=(new)
if [[ $# -ge 1 ]]; then
	root=$(git rev-parse --show-toplevel)
	git -C "$root" archive --format=tar "$1" | tar -x -C "$tmp" --one-top-level=base
	cp compare_test.go "$tmp/base/benchmarks/detectcompare/" # the same benchmark on both sides
	(cd "$tmp/base/benchmarks/detectcompare" && go test -c -o "$tmp/old.test" .)
	sides=(old new)
fi
[[ -n ${BASE_ONLY:-} ]] && sides=(old) || go test -c -o "$tmp/new.test" .
lines=$(cat "$HUSH_CORPUS"/*.log | wc -l)
bytes=$(cat "$HUSH_CORPUS"/*.log | wc -c)
blocks=$((bytes / 65536))
run() { # binary cell iterations
	local out="$tmp/$(basename "$1").$(echo "$2" | tr '/=+' '___').$3.out"
	GOGC=off GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off${GODEBUG_EXTRA:+,$GODEBUG_EXTRA} \
		valgrind --tool=callgrind --toggle-collect='*redact.(*Redactor).Scrub' \
		--callgrind-out-file="$out" "$1" -test.run '^$' -test.bench "KnownPlusDetectors/${2//+/\\+}\$" \
		-test.benchtime "$3x" -test.count 1 >"$out.log" 2>&1
	grep -m1 '^summary:' "$out" | cut -d' ' -f2
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $lines lines, $blocks blocks of 64 KiB; N=$N ${GODEBUG_EXTRA:+GODEBUG+=$GODEBUG_EXTRA}"
for side in "${sides[@]}"; do
	for mode in $MODES; do
		calls=$lines
		[[ $mode == blocks ]] && calls=$blocks
		declare -A per=()
		for m in known known+detect; do
			a=$(run "$tmp/$side.test" "mode=$mode/method=$m" 1)
			b=$(run "$tmp/$side.test" "mode=$mode/method=$m" $((N + 1)))
			per[$m]=$(((b - a) / (N * calls)))
		done
		echo "$side mode=$mode: known ${per[known]}, known+detect ${per[known+detect]} instructions per call; overhead $(echo "scale=1; 100 * (${per[known+detect]} - ${per[known]}) / ${per[known]}" | bc)%"
	done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -n ${OUT:-} ]]; then
	mkdir -p "$OUT"
	cp "$tmp"/*.out "$OUT/"
fi
