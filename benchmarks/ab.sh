#!/usr/bin/env bash
# A/B run of the hush engine methods: builds the engine benchmark of a base
# commit and of the work tree, runs them in alternating rounds (so a burst
# of load from other jobs hits both), and prints benchstat's comparison.
#
# Usage: ./ab.sh BASE [PATTERN]
#   BASE     a commit to compare against (e.g. main)
#   PATTERN  benchmark pattern (default: the hush methods at 10,000 secrets)
# Environment: COUNT (default 6), BENCHTIME (default 500ms), HUSH_CORPUS.
set -euo pipefail
cd "$(dirname "$0")"
base=$1
pattern=${2:-'Engine/method=hush-(clean|dirty|find)/secrets=10000$'}
COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-500ms}
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$(git rev-parse --show-toplevel)
git -C "$root" archive --format=tar "$base" | tar -x -C "$tmp" --one-top-level=base
(cd "$tmp/base/benchmarks" && go test -c -o "$tmp/old.test" .)
go test -c -o "$tmp/new.test" .
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores, shared)" >&2
for ((i = 1; i <= COUNT; i++)); do
	for v in old new; do
		"$tmp/$v.test" -test.run '^$' -test.bench "$pattern" -test.count 1 \
			-test.benchtime "$BENCHTIME" -test.timeout 60m >>"$tmp/$v.txt"
	done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
cp "$tmp/old.txt" "$tmp/new.txt" "${OUT:-/dev/null}" 2>/dev/null || true
go run "$BENCHSTAT" "old=$tmp/old.txt" "new=$tmp/new.txt"
