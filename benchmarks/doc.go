// Package benchmarks measures the hush engine side by side with what a Go
// user could pick instead: strings.Replacer, a regexp alternation, an
// Aho-Corasick library, a per-secret bytes.Index loop (what CI log maskers
// do), and bytes.IndexByte as the memory-speed reference.
//
// It is its own module so that comparison dependencies stay out of the main
// module. The benchmarks live in engine_test.go; run.sh runs them and turns
// the output into results/engine.md and results/throughput.png. See
// README.md for the measured table and the command that produced it.
package benchmarks
