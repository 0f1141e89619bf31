#!/usr/bin/env bash
# Soak test of otelcol-hush (not part of CI's default run): drives the real
# distribution for 60 s (or $1) at a sustained rate against the loopback
# Secrets Manager stand-in, rotating a secret every 5 s, and reports records
# in = records out, leaks (must be 0) and the collector's peak memory.
#
#   cmd/otelcol-hush/soak.sh            # 60 s, 5,000 log records/s + 500 spans/s, 100 secrets
#   HUSH_SOAK_RATE=20000 cmd/otelcol-hush/soak.sh 120s
#
# Each run's report is appended to cmd/otelcol-hush/results/soak.txt with the
# date, commit, rate and load average: the READMEs quote that file.
set -euo pipefail
cd "$(dirname "$0")/../.."
results=cmd/otelcol-hush/results/soak.txt
mkdir -p "$(dirname "$results")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
status=0
HUSH_SOAK="${1:-60s}" go test -run '^TestSoak$' -count=1 -v -timeout 15m ./cmd/otelcol-hush | tee "$log" || status=$?
{
	echo "# $(date -u +%Y-%m-%dT%H:%MZ) commit $commit," \
		"HUSH_SOAK=${1:-60s} HUSH_SOAK_RATE=${HUSH_SOAK_RATE:-5000}, $(nproc) CPUs," \
		"load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)," \
		"exit $status"
	grep '^soak: ' "$log" || echo "soak: no report (the run failed before its end)"
} >> "$results"
exit $status
