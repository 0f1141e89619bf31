#!/usr/bin/env bash
# Measures hush's token detectors and writes, under results/:
#   overhead.txt        BenchmarkKnownPlusDetectors: 10,000 known secrets with
#                       and without the default detectors, side by side
#   gitleaks.txt        BenchmarkVsGitleaks: hush vs gitleaks v8.30.1 as a
#                       library, same corpus, same families (and its full
#                       default configuration)
#   benchstat.txt       benchstat of both (medians over $COUNT runs)
#   falsepositives.txt  TestCorpusFalsePositives (needs $HUSH_CORPUS)
#   recall.txt          TestGitleaksRecall: generated tokens found whole,
#                       in part, or missed, per family
#   machine.txt         CPU, go version, commands, load average
#
# Usage: HUSH_CORPUS=/path/to/loghub ./run.sh
# Environment: COUNT (default 6), BENCHTIME for the hush methods (default
# 1s); the paired hush/gitleaks methods PAIRTIME lines (default 20000x); the gitleaks methods run a fixed number of passes (GLTIME, default 1x);
# gitleaks' full default configuration over the whole corpus as one fragment
# (about 40 s a pass) runs once.
set -euo pipefail
cd "$(dirname "$0")"

COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-1s}
GLTIME=${GLTIME:-1x}
PAIRTIME=${PAIRTIME:-20000x}
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
out=results
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/detectcompare.test" .

t() { "$tmp/detectcompare.test" -test.timeout 60m "$@"; }

{
	lscpu | head -n 20
	go version
	echo "hush: $(git -C ../.. log -1 --format='%h %s')"
	echo "HUSH_CORPUS=${HUSH_CORPUS:-<unset: generated text>}"
	echo "COUNT=$COUNT BENCHTIME=$BENCHTIME GLTIME=$GLTIME PAIRTIME=$PAIRTIME"
	echo "commands: see run.sh (one go test -bench per benchmark group per round, $COUNT rounds)"
	echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores, shared with other jobs)"
} >"$out/machine.txt"

# Rounds of one measurement per benchmark, so that a burst of load from other
# jobs spreads over all methods instead of hitting one method's runs.
: >"$out/overhead.txt"
: >"$out/gitleaks.txt"
for ((i = 1; i <= COUNT; i++)); do
	t -test.run '^$' -test.bench 'KnownPlusDetectors' -test.benchtime "$BENCHTIME" -test.count 1 >>"$out/overhead.txt"
	t -test.run '^$' -test.bench 'VsGitleaks/mode=/method=hush' -test.benchtime "$BENCHTIME" -test.count 1 >>"$out/gitleaks.txt"
	t -test.run '^$' -test.bench 'VsGitleaks/mode=lines/method=paired' -test.benchtime "$PAIRTIME" -test.count 1 >>"$out/gitleaks.txt"
	t -test.run '^$' -test.bench 'VsGitleaks/mode=lines/method=gitleaks' -test.benchtime "$GLTIME" -test.count 1 >>"$out/gitleaks.txt"
	t -test.run '^$' -test.bench 'VsGitleaks/mode=text/method=gitleaks-families' -test.benchtime "$GLTIME" -test.count 1 >>"$out/gitleaks.txt"
done
t -test.run '^$' -test.bench 'VsGitleaks/mode=text/method=gitleaks-default' -test.benchtime 1x -test.count 1 >>"$out/gitleaks.txt"
echo "load average after the benchmarks: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"

t -test.run 'TestCorpusFalsePositives' -test.v >"$out/falsepositives.txt" 2>&1 || true
t -test.run 'TestGitleaksRecall' -test.v >"$out/recall.txt" 2>&1 || true

{
	echo "## BenchmarkKnownPlusDetectors"
	go run "$BENCHSTAT" "$out/overhead.txt"
	echo
	echo "## BenchmarkVsGitleaks"
	go run "$BENCHSTAT" "$out/gitleaks.txt"
} >"$out/benchstat.txt"
echo "wrote $out/{overhead,gitleaks,benchstat,falsepositives,recall,machine}.txt"
