#!/usr/bin/env bash
# Runs the engine benchmarks side by side and writes, under results/:
#   engine.txt      raw `go test -bench` output (all methods, -count $COUNT)
#   benchstat.txt   benchstat summary of engine.txt
#   engine.md       medians per method and secret count, ratios, targets
#   throughput.png  throughput against number of secrets, one line per method
#   throughput-cpu.png  the same per CPU second of the process
#   machine.txt     lscpu, go version, load average
#
# Usage: ./run.sh            full run (about 12 minutes on 2 cores)
#        ./run.sh hush       rerun only the hush methods (for a noisy run) and
#                            replace their lines in engine.txt
#
# Environment: COUNT (default 6), BENCHTIME for the fast methods (default
# 500ms), HUSH_CORPUS (a directory of *.log files, such as the loghub sample
# logs of the published results; unset: generated log text).
set -euo pipefail
cd "$(dirname "$0")"

COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-500ms}
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
out=results
mkdir -p "$out"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/engine.test" .

# bench PATTERN COUNT BENCHTIME [extra flags]: one go test -bench run; -v
# keeps the skip reasons of the slow baselines in the output.
bench() {
	local pattern=$1 count=$2 benchtime=$3
	shift 3
	"$tmp/engine.test" -test.run '^$' -test.v -test.bench "$pattern" \
		-test.count "$count" -test.benchtime "$benchtime" -test.timeout 60m "$@"
}

# rounds PATTERN: COUNT rounds of one measurement per benchmark, so that a
# burst of load from other jobs on the machine spreads over all methods
# instead of hitting the COUNT back-to-back runs of one.
rounds() {
	for ((i = 1; i <= COUNT; i++)); do
		bench "$1" 1 "$BENCHTIME"
	done
}

machine() {
	lscpu | head -n 20
	go version
	echo "engine: $(git -C .. log -1 --format='%h %s' -- fingerprint redact)"
	git -C .. diff --quiet -- fingerprint 'redact/*.go' || echo "engine: with uncommitted changes in fingerprint/ or redact/"
	echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores, shared with other jobs)"
}

if [[ ${1:-} == hush ]]; then
	# Rerun the hush methods only and splice them in.
	rounds 'Engine/method=hush-' >"$tmp/hush.txt"
	grep -v 'method=hush-' "$out/engine.txt" >"$tmp/rest.txt" || true
	cat "$tmp/rest.txt" "$tmp/hush.txt" >"$out/engine.txt"
	echo "hush methods rerun at $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
else
	machine >"$out/machine.txt"
	{
		# The fast methods get a time budget per measurement, in rounds...
		rounds 'Engine/method=(hush-|aho-corasick|strings-replacer|indexbyte)'
		# ...the slow ones one pass each (a pass is 0.1 s to several s), and
		# stop at the sizes set in engine_test.go (-engine.maxregexp,
		# -engine.maxindex).
		bench 'Engine/method=(regexp|bytes-index)' "$COUNT" 1x -engine.regexptext 262144
		# Redactor.Set, the build a refresh pays, and one rotation.
		bench 'Build' "$COUNT" 1x
		bench 'Rotation' "$COUNT" 200x
	} >"$out/engine.txt"
	echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
fi

go run "$BENCHSTAT" "$out/engine.txt" >"$out/benchstat.txt"
go run ./cmd/chart -md "$out/engine.md" -png "$out/throughput.png" -machine "$out/machine.txt" "$out/engine.txt"
go run ./cmd/chart -unit cpu-MB/s -png "$out/throughput-cpu.png" "$out/engine.txt"
echo "wrote $out/engine.txt $out/benchstat.txt $out/engine.md $out/throughput.png"
