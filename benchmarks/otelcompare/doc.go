// Package otelcompare benchmarks the hush Collector processor against the
// contrib redactionprocessor (v0.165.1) configured with the same secrets as
// quoted blocked_values, on the same batches of 1,000 log records or spans
// with realistic attributes, at 10, 100 and 1,000 secrets.
//
// It is its own module so that the contrib dependency stays out of hush's
// go.mod. Run:
//
//	cd benchmarks/otelcompare
//	go test -run XXX -bench . -count 6 | tee bench.txt
//	go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da -col /impl bench.txt
package otelcompare
