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
// [a, a+m-q] as gram starts: m-q+1 consecutive positions, so it covers
// exactly one multiple of any s <= m-q+1. Sampling the text every s bytes
// (s = m-q+1 capped at 16, or at 9 for a large filter, see below)
// therefore lands inside every occurrence at a gram offset between 0 and
// s-1 of its pattern. At build time, for each pattern, those s grams are
// hashed with a keyed multiplicative hash and set four bits each in a
// blocked bit filter (one 64-bit word per gram, the word picked by the top
// 32 bits of the hash scaled to the filter's length, so the filter need
// not be a power of two long). The scan is therefore one 8-byte load, two
// multiplies, one word load and one compare per s bytes of text, four
// samples per iteration so their cache misses overlap; its cost per byte
// does not depend on the number of patterns except through the filter's
// size in cache.
//
// The filter's size: a filter of at most 8 MiB (about 40,000 secrets with
// every encoded form, 11 patterns each; smallFilter) gets 16 bits per gram
// and a stride of up to 16 (on real logs 0.2-0.3% of samples pass): speed
// first. A larger one gets 135 bits per pattern: the stride is capped at 9
// (what 16-byte patterns allow anyway) and each gram gets 15 bits, so that
// the index stays under 32 bytes a pattern. The bound was 128 KiB for a
// while: at 10,000 secrets on the loghub corpus that cost 15% more
// instructions a byte (5.27 against 4.45, callgrind) for 31 instead of
// about 50 bytes a form. Past the bound a gram had 12 bits while entries
// were 16 bytes (31.5 bytes a form at 100,000 secrets); with 12-byte
// entries 15 bits fit, and at 1.07 M patterns on the corpus the scan takes
// 18% fewer instructions and 11% fewer L1 misses (callgrind with its cache
// simulation; the smaller filter passed more samples, and each pass costs
// up to 9 probes of a prefix table that misses the cache too) for 30.8
// instead of 27.5 bytes a pattern. Filters of 2 MiB and more are allocated
// on a 2 MiB boundary and advised MADV_HUGEPAGE on Linux (hugepage_linux.go;
// elsewhere, or when the kernel says no, ordinary pages), so that a probe
// costs a cache miss but rarely a TLB miss too.
//
// When a sample passes the filter, the pattern could start at any of the s
// positions p-o, o in [0, s). For each, the gram there is hashed with a
// second key (a murmur3 finalizer) to pick a bucket of the prefix table: a
// CSR array of 12-byte entries holding, per pattern, a 16-bit tag of the
// prefix hash, the length, the id and the low 32 bits of a seeded xxhash
// fingerprint of the whole pattern, with one bucket per two to four
// patterns. A candidate whose tag matches is confirmed by hashing the text
// window of that length and comparing fingerprints: a false match needs
// the tag and the fingerprint to collide, 2^-48 per entry compared. With
// well under 1% of samples passing the filter and one tag in 2^16 of a
// bucket's few entries matching, a few hundred windows a gigabyte reach
// the fingerprint, so a false match comes of the order of once in 10^7 GB
// of text, and it only redacts text that is not a secret. 32 bits of
// fingerprint instead of 64 took the index from 35 to 31 bytes a form up
// to 10,000 secrets.
//
// The build makes one pass over the patterns for the prefix table and,
// beside it on a second goroutine, one for the filter. Both write to
// random places in large arrays, so both work in batches of 64: compute
// the targets, read them (the cache misses overlap), then write.
//
// # What the index holds
//
// Filter bits, 16-bit tags of keyed hashes, lengths, ids and 32-bit keyed
// fingerprints: no byte of any pattern. Keys are drawn from crypto/rand per
// build, so fingerprints differ between processes and builds. A test dumps
// every byte of an index and looks for every 8-byte piece of every pattern.
// Past 8 MiB of filter the index costs about 31 bytes per pattern: 16.9
// of filter, 12 of entry, 1 to 2 of bucket offsets (MemoryBytes; redact's
// Stats().BytesPerPattern). A smaller index spends up to 16 bits per gram
// of up to 16 grams, up to about 50 bytes per pattern, for speed.
//
// # Trade-offs for the next maintainer
//
//   - The stride is set by the shortest pattern of a class. Raising the
//     short/long boundary makes the long class faster and the short class
//     busier; 16 is right for secrets of 16 bytes and more, whose encoded
//     forms are all longer.
//   - Filter bits per gram trade memory and cache footprint against the
//     pass rate, and each pass costs s prefix-table probes. Below 15 bits
//     per gram the passes cost more than the smaller filter saves (at 9
//     bits a 10-secret index scans at half the speed, at 12 a 1.07 M
//     pattern one takes 22% more instructions); at 16 a large index
//     reaches 32 bytes per pattern.
//   - Past about 10^6 patterns the filter outgrows every cache (24 MiB at
//     1.9 M patterns) and the scan is bound by memory latency, whatever the
//     layout: a sample passes or fails on one random word of N*s*15 bits,
//     and no filter of N*s grams fits L2 at a useful pass rate. Huge pages
//     remove the TLB misses, not the cache misses. Fewer forms per secret,
//     or a scheme that indexes one gram per pattern (minimizers: every
//     text position hashed, about 1 ns per byte in scalar Go), are the
//     levers left there. Batching the probes more widely (eight per
//     iteration, or a table of recently rejected grams: two samples in
//     three repeat on real logs) measured slower on the shared machine.
//   - Find reports every occurrence of every pattern, overlapping or not;
//     merging overlaps and choosing names is the caller's (redact's) job.
//   - The two classes build concurrently, and within a class filling the
//     filter runs beside hashing the patterns; each is otherwise
//     single-threaded. Inserting grams into a filter larger than the cache
//     is the dominant build cost at 10^6 patterns, about 0.4 s of CPU at
//     1.9 M patterns with the batched writes (0.7 s of CPU for the whole
//     Build on one core, against 1.5 s before them).
//
// See the benchmarks in this package and in the repository's benchmarks/
// module for measured numbers.
package fingerprint
