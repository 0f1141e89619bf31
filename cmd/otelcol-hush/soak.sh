#!/usr/bin/env bash
# Soak test of otelcol-hush (not part of CI's default run): drives the real
# distribution for 60 s (or $1) at a sustained rate against the loopback
# Secrets Manager stand-in, rotating a secret every 5 s, and reports records
# in = records out, leaks (must be 0) and the collector's peak memory.
#
#   cmd/otelcol-hush/soak.sh            # 60 s, 5,000 log records/s + 500 spans/s, 100 secrets
#   HUSH_SOAK_RATE=20000 cmd/otelcol-hush/soak.sh 120s
set -euo pipefail
cd "$(dirname "$0")/../.."
HUSH_SOAK="${1:-60s}" exec go test -run '^TestSoak$' -count=1 -v -timeout 15m ./cmd/otelcol-hush
