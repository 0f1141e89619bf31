// Package fingerprint is hush's multi-pattern index: given every encoded
// form of every secret that is live right now (often hundreds of thousands
// of byte strings), it finds all their occurrences in text at close to
// memory speed, and it holds no plaintext while doing so.
//
// It sits between the providers and the front ends in the flow described
// in the repository's DESIGN.md ("The flow"; "The performance model"
// summarises this package): redact.Redactor expands secrets into patterns,
// builds an Index off the hot path, publishes it with an atomic swap, and
// calls Find on every log line, record or file chunk.
//
// # The algorithm
//
// An Index splits its patterns into at most two classes by length: short
// patterns (4 to 15 bytes) use 4-byte grams, long ones (16 bytes and more,
// the common case) use 8-byte grams loaded as one uint64. Each class is
// scanned on its own, so a handful of short secrets does not slow the scan
// for all the others.
//
// Within a class, let m be the shortest pattern and q the gram size. Every
// occurrence of a pattern of length at least m covers the positions
// [a, a+m-q] as gram starts: s = m-q+1 consecutive positions, so it covers
// exactly one multiple of s. Sampling the text every s bytes (capped at 16)
// therefore lands inside every occurrence at a gram offset between 0 and
// s-1 of its pattern. At build time, for each pattern, those s grams are
// hashed with a keyed multiplicative hash and set four bits each in a
// blocked bit filter (one 64-bit word per gram, about 16 filter bits per
// gram; on real logs 0.1-0.5% of samples pass). The scan is therefore one
// 8-byte load, one multiply, one word load and one compare per s bytes of
// text, four samples per iteration so their cache misses overlap; its cost
// per byte does not depend on the number of patterns except through the
// filter's size in cache.
//
// When a sample passes the filter, the pattern could start at any of the s
// positions p-o, o in [0, s). For each, the gram there is hashed with a
// second key (a murmur3 finalizer) to pick a bucket of the prefix table: a
// CSR array of entries holding, per pattern, a 32-bit tag of the prefix
// hash, the length, and a seeded xxhash fingerprint of the whole pattern.
// A candidate whose tag matches is confirmed by hashing the text window of
// that length and comparing fingerprints (a false match needs a 64-bit
// collision, about 2^-64 per candidate).
//
// # What the index holds
//
// Filter bits, 32-bit tags of keyed hashes, lengths, ids and 64-bit keyed
// fingerprints: no byte of any pattern. Keys are drawn from crypto/rand per
// build, so fingerprints differ between processes and builds. A test dumps
// every byte of an index and looks for every 8-byte piece of every pattern.
// The index costs about 50 bytes per pattern (16 bytes of filter for 9
// grams, 24 bytes of entry, 4 to 8 bytes of bucket offsets).
//
// # Trade-offs for the next maintainer
//
//   - The stride is set by the shortest pattern of a class. Raising the
//     short/long boundary makes the long class faster and the short class
//     busier; 16 is right for secrets of 16 bytes and more, whose encoded
//     forms are all longer.
//   - The filter uses 16 bits per gram. Fewer bits shrink the index and
//     the cache footprint but raise the false-positive rate; each false
//     positive costs s prefix-table probes. Past about 10^6 patterns the
//     filter outgrows every cache and the scan becomes bound by memory
//     latency (0.5-1.4 GB/s here at 1.8 M patterns); fewer forms per
//     secret, not filter tuning, is the lever there. An experiment with the
//     filter on 2 MiB huge pages (mmap + MADV_HUGEPAGE) doubled the speed
//     once at that size but did not reproduce on a loaded machine.
//   - Find reports every occurrence of every pattern, overlapping or not;
//     merging overlaps and choosing names is the caller's (redact's) job.
//   - The two classes build concurrently, and within a class filling the
//     filter runs beside hashing the patterns; each is otherwise
//     single-threaded. Inserting grams into a filter larger than the cache
//     is the dominant build cost at 10^6 patterns.
//
// See the benchmarks in this package and in the repository's benchmarks/
// module for measured numbers.
package fingerprint
