package detect

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// benchText is $HUSH_CORPUS's *.log files, or generated log text.
func benchText(b *testing.B) ([]byte, string) {
	if dir := os.Getenv("HUSH_CORPUS"); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		var text []byte
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			text = append(text, data...)
		}
		if len(text) > 0 {
			return text, "corpus"
		}
		b.Fatalf("HUSH_CORPUS=%s: no *.log text", dir)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	words := []string{"INFO", "WARN", "request", "served", "user", "id=42", "path=/api/v1/items?page=2", "status=200",
		"latency=3ms", "2026-11-26T07:40:31Z", "connection", "from", "10.0.0.12:5432", "closed", "retrying",
		"session", "cache", "miss", `{"k":"v"}`, "blk_-1608999687919862906", "req_id=9f86d081884c7d65"}
	var buf bytes.Buffer
	for buf.Len() < 1<<20 {
		for range 12 {
			buf.WriteString(words[rng.IntN(len(words))])
			buf.WriteByte(' ')
		}
		buf.WriteString("\n")
	}
	return buf.Bytes(), "generated"
}

func BenchmarkFind(b *testing.B) {
	text, src := benchText(b)
	for _, c := range []struct {
		name string
		set  *Set
	}{{"default", Default()}} {
		b.Run(src+"/"+c.name+"/Find", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			var dst []Finding
			for b.Loop() {
				dst = c.set.Find(dst[:0], text)
			}
		})
		// One call per line, as a log pipeline calls (and the comparison
		// with gitleaks in benchmarks/detectcompare).
		lines := bytes.SplitAfter(text, []byte("\n"))
		b.Run(src+"/"+c.name+"/FindLines", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			var dst []Finding
			for b.Loop() {
				for _, l := range lines {
					dst = c.set.Find(dst[:0], l)
				}
			}
		})
		// FindEncoded per line, as redact calls it, and with the
		// decoders' sweep (FindEncodedSweep, redact's markers).
		for _, sweep := range []bool{false, true} {
			name := "/FindEncodedLines"
			if sweep {
				name = "/FindEncodedSweepLines"
			}
			b.Run(src+"/"+c.name+name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(text)))
				var dst []Finding
				sw := Sweep{Markers: MarkerTable('%', '\\', '&')}
				for b.Loop() {
					for _, l := range lines {
						if sweep {
							dst = c.set.FindEncodedSweep(dst[:0], l, &sw)
						} else {
							dst = c.set.FindEncoded(dst[:0], l)
						}
					}
				}
			})
		}
		// 64 KiB blocks, as redact's DetectorOverhead benchmark scrubs.
		b.Run(src+"/"+c.name+"/FindEncoded64K", func(b *testing.B) {
			const block = 64 << 10
			b.ReportAllocs()
			b.SetBytes(int64(len(text) / block * block))
			var dst []Finding
			for b.Loop() {
				for i := 0; i+block <= len(text); i += block {
					dst = c.set.FindEncoded(dst[:0], text[i:i+block])
				}
			}
		})
		b.Run(src+"/"+c.name+"/FindEncoded", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			var dst []Finding
			for b.Loop() {
				dst = c.set.FindEncoded(dst[:0], text)
			}
		})
		// The same with the candidate scan's Go path (arm64, s390x, ...).
		b.Run(src+"/"+c.name+"/FindEncodedGo", func(b *testing.B) {
			defer func(f bool) { forceCandGo = f }(forceCandGo)
			forceCandGo = true
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			var dst []Finding
			for b.Loop() {
				dst = c.set.FindEncoded(dst[:0], text)
			}
		})
	}
}

// BenchmarkCandScan is the candidate scan alone over the text (every
// event returned and dropped).
func BenchmarkCandScan(b *testing.B) {
	text, src := benchText(b)
	s := Default()
	for _, path := range []struct {
		name       string
		goPath, v2 bool
	}{{"best", false, false}, {"avx2", false, true}, {"go", true, false}} {
		b.Run(src+"/"+path.name, func(b *testing.B) {
			defer func(f, g bool) { forceCandGo, forceCandAVX2 = f, g }(forceCandGo, forceCandAVX2)
			forceCandGo, forceCandAVX2 = path.goPath, path.v2
			b.SetBytes(int64(len(text)))
			events := 0
			for b.Loop() {
				sc := candScan{tabs: s.tabs}
				for {
					_, _, _, _, ok := sc.next(text)
					if !ok {
						break
					}
					events++
				}
			}
			b.ReportMetric(float64(events)/float64(b.N), "events/op")
		})
	}
}

// candScanAll runs the candidate scan over text and returns how many
// events it reported.
func candScanAll(s *Set, text []byte) int {
	events := 0
	sc := candScan{tabs: s.tabs}
	for {
		_, _, _, _, ok := sc.next(text)
		if !ok {
			return events
		}
		events++
	}
}

// BenchmarkCandScanGo is the Go path of the candidate scan (what runs on
// arm64, s390x, ... and without AVX2) alone, and the nibble tables read
// byte by byte (chunkMasks, the Go path before SWAR) alone; then paired:
// each 64 KiB block of the text scanned by each path (and the assembly
// where it runs) in turn, reporting each path's median ns/byte over the
// blocks, which the machine's load changes less than the mean.
func BenchmarkCandScanGo(b *testing.B) {
	text, src := benchText(b)
	s := Default()
	for _, path := range []struct {
		name           string
		goPath, tables bool
	}{{"go", true, false}, {"tables", false, true}} {
		b.Run(src+"/"+path.name, func(b *testing.B) {
			defer func(f, g bool) { forceCandGo, forceCandTables = f, g }(forceCandGo, forceCandTables)
			forceCandGo, forceCandTables = path.goPath, path.tables
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				candScanAll(s, text)
			}
		})
	}
	b.Run(src+"/paired", func(b *testing.B) {
		defer func(f, g, h bool) { forceCandGo, forceCandTables, forceCandAVX2 = f, g, h }(forceCandGo, forceCandTables, forceCandAVX2)
		type side struct {
			name              string
			goPath, tables, v bool
		}
		sides := []side{{"go", true, false, false}, {"tables", false, true, false}}
		if haveCandAVX2 {
			sides = append(sides, side{"avx2", false, false, true})
		}
		const block = 64 << 10
		ns := make([][]float64, len(sides))
		for i := 0; b.Loop(); i++ {
			for o := 0; o < len(text); o += block {
				blk := text[o:min(len(text), o+block)]
				for k := range sides {
					k = (i + o/block + k) % len(sides)
					sd := sides[k]
					forceCandGo, forceCandTables, forceCandAVX2 = sd.goPath, sd.tables, sd.v
					t0 := time.Now()
					candScanAll(s, blk)
					ns[k] = append(ns[k], float64(time.Since(t0).Nanoseconds())/float64(len(blk)))
				}
			}
		}
		for k, sd := range sides {
			slices.Sort(ns[k])
			b.ReportMetric(ns[k][len(ns[k])/2], sd.name+"-ns/B")
		}
	})
}
