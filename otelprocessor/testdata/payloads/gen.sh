#!/usr/bin/env bash
# Makes the compressed original payloads TestProfilesPayloadCodecs reads
# for the compressions the Go standard library cannot write (bzip2) or the
# processor does not open (xz, lz4): secret.* hold the test secret dbSecret
# of helpers_test.go (a test value, not a credential) in a pprof-like
# string table, clean.* the same without it. Needs bzip2, xz and lz4.
set -euo pipefail
cd "$(dirname "$0")"
secret='Vq7rT2p&Lx9Kw3<Nz8'
printf '\n\0\n\x0fmain.handleOrder\n dsn=postgres://app:%s@db/app\n\x05/app' "$secret" >secret.raw
printf '\n\0\n\x0fmain.handleOrder\n\x05/app' >clean.raw
for f in secret clean; do
	bzip2 -9 -c $f.raw >$f.bz2
	xz -c $f.raw >$f.xz
	lz4 -q -c $f.raw >$f.lz4
done
rm secret.raw clean.raw
