// Command chart turns the output of the engine benchmarks (go test -bench
// 'Engine|Build' -count N) into a markdown summary and a PNG chart of
// throughput against the number of secrets.
//
// Usage:
//
//	go run ./cmd/chart -md results/engine.md -png results/throughput.png [-machine results/machine.txt] results/engine.txt
//
// For every method and secret count it takes the median of the runs. Sizes a
// slow baseline was not run at are extrapolated linearly from the largest
// size it was run at (one more secret is one more pass over the text, or
// more) and marked as such.
package main

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"image/color"
	"io"
	"log"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// methodOrder is the order of rows and legend entries; methods not listed
// follow in name order.
var methodOrder = []string{"hush-clean", "hush-find", "hush-raw", "hush-lines", "hush-dirty", "aho-corasick", "strings-replacer", "regexp", "bytes-index", "indexbyte"}

// describe says what each method is, for the table.
var describe = map[string]string{
	"hush-clean":       "hush `Scrub`, whole corpus in one call, no secret present",
	"hush-find":        "hush `Find` over the clean text: the scan alone, no output copy (like the AC and bytes.Index loops)",
	"hush-raw":         "hush-clean with only the raw values indexed (`WithEncodings(redact.Raw)`): the baselines' pattern set",
	"hush-lines":       "hush `Scrub`, one call per log line, no secret present",
	"hush-dirty":       "hush `Scrub`, 1 line in 100 carries a secret in a random encoding",
	"aho-corasick":     "github.com/coregx/ahocorasick v0.3.1 `Find` loop, raw values only",
	"strings-replacer": "`strings.NewReplacer`, raw values only",
	"regexp":           "`regexp` alternation of quoted raw values, `FindAllIndex`, on a prefix of the corpus (`-engine.regexptext`)",
	"bytes-index":      "`bytes.Index` per secret, raw values only (what CI maskers do)",
	"indexbyte":        "`bytes.IndexByte` for an absent byte: reading speed",
}

// colors: hush in warm colours, the others cool or grey.
var colors = map[string]color.Color{
	"hush-clean":       color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	"hush-find":        color.RGBA{R: 0xbc, G: 0xbd, B: 0x22, A: 0xff},
	"hush-raw":         color.RGBA{R: 0xe3, G: 0x77, B: 0xc2, A: 0xff},
	"hush-lines":       color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	"hush-dirty":       color.RGBA{R: 0x8c, G: 0x16, B: 0x4b, A: 0xff},
	"aho-corasick":     color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	"strings-replacer": color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	"regexp":           color.RGBA{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff},
	"bytes-index":      color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
	"indexbyte":        color.Gray{Y: 0x70},
}

type key struct {
	method string
	n      int
}

// result holds every sample of every unit for one benchmark.
type result map[string][]float64

func (r result) median(unit string) (float64, bool) {
	v := slices.Clone(r[unit])
	if len(v) == 0 {
		return 0, false
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2], true
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2, true
}

type data struct {
	engine  map[key]result
	build   map[int]result
	rotate  map[int]result
	skipped map[key]string
	header  []string // goos, goarch, cpu lines
	text    string   // what the benchmark text was, as the benchmark logged it
}

var (
	engineRe = regexp.MustCompile(`^BenchmarkEngine/method=([^/]+)/secrets=(\d+)(?:-\d+)?$`)
	buildRe  = regexp.MustCompile(`^BenchmarkBuild/secrets=(\d+)(?:-\d+)?$`)
	rotateRe = regexp.MustCompile(`^BenchmarkRotation/secrets=(\d+)(?:-\d+)?$`)
	skipRe   = regexp.MustCompile(`^\s*--- SKIP: BenchmarkEngine/method=([^/]+)/secrets=(\d+)`)
)

func parse(r io.Reader) (*data, error) {
	d := &data{engine: map[key]result{}, build: map[int]result{}, rotate: map[int]result{}, skipped: map[key]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	lastMsg := "" // go test -v prints a skip message before its --- SKIP line
	for sc.Scan() {
		line := sc.Text()
		if m := skipRe.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[2])
			d.skipped[key{m[1], n}] = lastMsg
			continue
		}
		if msg := strings.TrimSpace(line); strings.HasPrefix(line, "    ") && strings.Contains(msg, ".go:") {
			_, lastMsg, _ = strings.Cut(msg, ": ")
			if t, ok := strings.CutPrefix(lastMsg, "text: "); ok {
				d.text = t
			}
		}
		for _, p := range []string{"goos:", "goarch:", "cpu:"} {
			if strings.HasPrefix(line, p) && !slices.Contains(d.header, line) {
				d.header = append(d.header, line)
			}
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		var res result
		if m := engineRe.FindStringSubmatch(f[0]); m != nil {
			n, _ := strconv.Atoi(m[2])
			k := key{m[1], n}
			if d.engine[k] == nil {
				d.engine[k] = result{}
			}
			res = d.engine[k]
		} else if m := buildRe.FindStringSubmatch(f[0]); m != nil {
			n, _ := strconv.Atoi(m[1])
			if d.build[n] == nil {
				d.build[n] = result{}
			}
			res = d.build[n]
		} else if m := rotateRe.FindStringSubmatch(f[0]); m != nil {
			n, _ := strconv.Atoi(m[1])
			if d.rotate[n] == nil {
				d.rotate[n] = result{}
			}
			res = d.rotate[n]
		} else {
			continue
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("parse %q: %w", line, err)
			}
			res[f[i+1]] = append(res[f[i+1]], v)
		}
	}
	return d, sc.Err()
}

func (d *data) methods() []string {
	seen := map[string]bool{}
	for k := range d.engine {
		seen[k.method] = true
	}
	for k := range d.skipped {
		seen[k.method] = true
	}
	var out []string
	for _, m := range methodOrder {
		if seen[m] {
			out = append(out, m)
			delete(seen, m)
		}
	}
	var rest []string
	for m := range seen {
		rest = append(rest, m)
	}
	slices.Sort(rest)
	return append(out, rest...)
}

func (d *data) sizes() []int {
	var out []int
	for k := range d.engine {
		if !slices.Contains(out, k.n) {
			out = append(out, k.n)
		}
	}
	for k := range d.skipped {
		if !slices.Contains(out, k.n) {
			out = append(out, k.n)
		}
	}
	slices.Sort(out)
	return out
}

// throughput returns the median of unit for method at n, or an
// extrapolation from the largest measured size below n.
func (d *data) throughput(method string, n int, unit string) (v float64, extrapolated, ok bool) {
	if r, found := d.engine[key{method, n}]; found {
		v, ok = r.median(unit)
		return v, false, ok
	}
	best := 0
	for k := range d.engine {
		if k.method == method && k.n < n && k.n > best {
			best = k.n
		}
	}
	if best == 0 {
		return 0, false, false
	}
	v, ok = d.engine[key{method, best}].median(unit)
	return v * float64(best) / float64(n), true, ok
}

func fmtMBs(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 1:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

func fmtN(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func fmtRatio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	r := a / b
	if r >= 100 {
		return fmt.Sprintf("%.0f×", r)
	}
	return fmt.Sprintf("%.1f×", r)
}

func (d *data) throughputTable(w io.Writer, unit string) {
	sizes := d.sizes()
	fmt.Fprintf(w, "| method |")
	for _, n := range sizes {
		fmt.Fprintf(w, " %s |", fmtN(n))
	}
	fmt.Fprintf(w, "\n|---|")
	for range sizes {
		fmt.Fprintf(w, "---:|")
	}
	fmt.Fprintln(w)
	for _, m := range d.methods() {
		fmt.Fprintf(w, "| %s |", m)
		for _, n := range sizes {
			v, ex, ok := d.throughput(m, n, unit)
			switch {
			case !ok:
				fmt.Fprintf(w, " – |")
			case ex:
				fmt.Fprintf(w, " *≈%s* |", fmtMBs(v))
			default:
				fmt.Fprintf(w, " %s |", fmtMBs(v))
			}
		}
		fmt.Fprintln(w)
	}
}

func (d *data) metricTable(w io.Writer, title, unit string, format func(float64) string, only func(string) bool) {
	sizes := d.sizes()
	fmt.Fprintf(w, "| %s |", title)
	for _, n := range sizes {
		fmt.Fprintf(w, " %s |", fmtN(n))
	}
	fmt.Fprintf(w, "\n|---|")
	for range sizes {
		fmt.Fprintf(w, "---:|")
	}
	fmt.Fprintln(w)
	for _, m := range d.methods() {
		if only != nil && !only(m) {
			continue
		}
		any := false
		var row strings.Builder
		for _, n := range sizes {
			r := d.engine[key{m, n}]
			v, ok := r.median(unit)
			if !ok {
				row.WriteString(" – |")
				continue
			}
			any = true
			fmt.Fprintf(&row, " %s |", format(v))
		}
		if any {
			fmt.Fprintf(w, "| %s |%s\n", m, row.String())
		}
	}
}

// target is one performance target and whether the run met it, judged on
// wall-clock time and on CPU time (the machine is shared, so wall-clock
// time includes waiting for a core).
type target struct {
	what            string
	wall, cpu       string
	metWall, metCPU bool
}

func (d *data) targets() []target {
	var out []target
	med := func(m string, n int, unit string) (float64, bool) {
		r, ok := d.engine[key{m, n}]
		if !ok {
			return 0, false
		}
		return r.median(unit)
	}
	both := func(what string, f func(unit string) (string, bool, bool)) {
		w, mw, ok1 := f("MB/s")
		c, mc, ok2 := f("cpu-MB/s")
		if ok1 || ok2 {
			out = append(out, target{what, w, c, mw, mc})
		}
	}
	both("clean-text scan ≥ 2 GB/s on one core at 10,000 secrets", func(unit string) (string, bool, bool) {
		v, ok := med("hush-clean", 10_000, unit)
		return fmtMBs(v) + " MB/s", v >= 2000, ok
	})
	both("at 100,000 secrets within 2× of the 10-secret speed", func(unit string) (string, bool, bool) {
		a, okA := med("hush-clean", 10, unit)
		b, okB := med("hush-clean", 100_000, unit)
		return fmt.Sprintf("%s vs %s MB/s (%s slower)", fmtMBs(b), fmtMBs(a), fmtRatio(a, b)), a <= 2*b, okA && okB
	})
	for _, base := range []struct {
		m    string
		want float64
	}{{"aho-corasick", 10}, {"strings-replacer", 20}} {
		both(fmt.Sprintf("≥ %.0f× %s at ≥ 1,000 secrets", base.want, base.m), func(unit string) (string, bool, bool) {
			var parts []string
			met, seen := true, false
			for _, n := range d.sizes() {
				if n < 1000 {
					continue
				}
				h, ok1 := med("hush-clean", n, unit)
				o, ok2 := med(base.m, n, unit)
				if !ok1 || !ok2 {
					continue
				}
				seen = true
				parts = append(parts, fmt.Sprintf("%s: %s", fmtN(n), fmtRatio(h, o)))
				met = met && h >= base.want*o
			}
			return strings.Join(parts, ", "), met, seen
		})
	}
	maxAllocs, seen := 0.0, false
	for _, n := range d.sizes() {
		if v, ok := med("hush-clean", n, "allocs/op"); ok {
			maxAllocs, seen = max(maxAllocs, v), true
		}
	}
	if seen {
		m := fmt.Sprintf("%g allocs/op at most", maxAllocs)
		out = append(out, target{"zero allocations per Scrub on clean text", m, m, maxAllocs == 0, maxAllocs == 0})
	}
	if r, ok := d.build[100_000]; ok {
		ns, _ := r.median("ns/op")
		cpu, okCPU := r.median("cpu-ms/op")
		t := target{what: "index build for 100,000 secrets < 1 s", wall: fmt.Sprintf("%.2f s", ns/1e9), metWall: ns < 1e9}
		if okCPU {
			t.cpu, t.metCPU = fmt.Sprintf("%.2f CPU s (build uses every core)", cpu/1e3), cpu < 1e3
		}
		out = append(out, t)
		bp, _ := r.median("B/pattern")
		m := fmt.Sprintf("%.1f B/pattern (%s patterns)", bp, medStr(r, "patterns", "%.0f"))
		out = append(out, target{"≤ 32 bytes of index per indexed form at 100,000 secrets", m, m, bp <= 32, bp <= 32})
	}
	return out
}

// indexTable writes the index's size per secret count, from hush-clean's
// metrics (Stats().Patterns and Stats().IndexBytes / Stats().Patterns),
// and the cost of one rotation (BenchmarkRotation): one row per size.
func (d *data) indexTable(w io.Writer) {
	type row struct {
		n     int
		cells []string
	}
	var rows []row
	for _, n := range d.sizes() {
		r, ok := d.engine[key{"hush-clean", n}]
		if !ok {
			continue
		}
		pat, ok1 := r.median("patterns")
		bp, ok2 := r.median("B/pattern")
		if !ok1 || !ok2 {
			continue
		}
		rows = append(rows, row{n, []string{
			fmt.Sprintf("%.0f", pat),
			fmt.Sprintf("%.1f", pat/float64(n)),
			fmt.Sprintf("%.1f", bp),
			fmt.Sprintf("%.2f", pat*bp/1e6),
			medStr(r, "build-ms", "%.0f"),
			medStr(d.rotate[n], "ns/op", "%.2f", 1e-6),
			medStr(d.rotate[n], "cpu-ms/op", "%.2f"),
		}})
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\n## Index size by number of secrets (hush-clean, every form)\n\n")
	fmt.Fprintf(w, "| secrets | indexed forms | forms per secret | bytes per form | index MB | build ms | one rotation: ms until protected | its CPU ms |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s |\n", fmtN(r.n), strings.Join(r.cells, " | "))
	}
}

// medStr formats the median of unit, times scale when given ("?" when
// there is none).
func medStr(r result, unit, format string, scale ...float64) string {
	v, ok := r.median(unit)
	if !ok {
		return "?"
	}
	for _, f := range scale {
		v *= f
	}
	return fmt.Sprintf(format, v)
}

// ownBuild selects the methods whose build is their own (the other hush
// methods reuse hush-clean's Redactor).
func ownBuild(m string) bool {
	return m == "hush-clean" || m == "hush-raw" || !strings.HasPrefix(m, "hush-")
}

func writeMarkdown(w io.Writer, d *data, machine string) {
	fmt.Fprintf(w, "# Engine benchmarks\n\n")
	fmt.Fprintf(w, "Generated by `benchmarks/cmd/chart` from `results/engine.txt` (medians over `-count` runs).\n\n")
	if machine != "" {
		fmt.Fprintf(w, "```\n%s\n```\n\n", strings.TrimSpace(machine))
	} else if len(d.header) > 0 {
		fmt.Fprintf(w, "```\n%s\n```\n\n", strings.Join(d.header, "\n"))
	}
	if d.text != "" {
		fmt.Fprintf(w, "Text: %s.\n\n", d.text)
	}
	fmt.Fprintf(w, "Methods (hush indexes every encoded form of every secret, all encodings on; the baselines look for the raw values only, one pattern per secret):\n\n")
	for _, m := range d.methods() {
		if desc, ok := describe[m]; ok {
			fmt.Fprintf(w, "- **%s**: %s\n", m, desc)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "## Throughput, MB/s (wall clock, median)\n\n")
	fmt.Fprintf(w, "Columns are the number of secrets. *≈italic* values were not run (too slow) and are extrapolated linearly from the largest size that was run; for regexp the real cost grows faster than that.\n\n")
	d.throughputTable(w, "MB/s")
	fmt.Fprintf(w, "\n## Throughput, MB per CPU second of the process (median)\n\n")
	fmt.Fprintf(w, "The machine is shared; this excludes time spent waiting for a core (it still includes cache contention).\n\n")
	d.throughputTable(w, "cpu-MB/s")
	fmt.Fprintf(w, "\n## Ratios (wall clock medians)\n\n| secrets | hush-clean ÷ aho-corasick | hush-clean ÷ strings-replacer | hush-clean ÷ bytes-index | hush-clean as %% of indexbyte | hush-raw ÷ aho-corasick | hush-find ÷ aho-corasick |\n|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, n := range d.sizes() {
		h, _, ok := d.throughput("hush-clean", n, "MB/s")
		if !ok {
			continue
		}
		fmt.Fprintf(w, "| %s |", fmtN(n))
		for _, m := range []string{"aho-corasick", "strings-replacer", "bytes-index", "indexbyte"} {
			o, ex, ok := d.throughput(m, n, "MB/s")
			switch {
			case ok && m == "indexbyte":
				fmt.Fprintf(w, " %.1f%% |", 100*h/o)
			case !ok:
				fmt.Fprintf(w, " – |")
			case ex:
				fmt.Fprintf(w, " *≈%s* |", fmtRatio(h, o))
			default:
				fmt.Fprintf(w, " %s |", fmtRatio(h, o))
			}
		}
		for _, m := range []string{"hush-raw", "hush-find"} {
			hr, _, ok1 := d.throughput(m, n, "MB/s")
			ac, _, ok2 := d.throughput("aho-corasick", n, "MB/s")
			if ok1 && ok2 {
				fmt.Fprintf(w, " %s |", fmtRatio(hr, ac))
			} else {
				fmt.Fprintf(w, " – |")
			}
		}
		fmt.Fprintln(w)
	}
	a, _, okA := d.throughput("hush-clean", 10, "MB/s")
	b, _, okB := d.throughput("hush-clean", 100_000, "MB/s")
	if okA && okB {
		fmt.Fprintf(w, "\nhush-clean at 100,000 secrets runs at %s of its 10-secret speed (%s vs %s MB/s).\n", fmtRatio(b, a), fmtMBs(b), fmtMBs(a))
	}
	fmt.Fprintf(w, "\n## Allocations per scan of the whole text (allocs/op)\n\n")
	d.metricTable(w, "method", "allocs/op", func(v float64) string { return fmt.Sprintf("%.0f", v) }, nil)
	fmt.Fprintf(w, "\n## Build time (ms) and retained heap (MB)\n\n")
	d.metricTable(w, "build-ms", "build-ms", func(v float64) string { return fmtMBs(v) }, ownBuild)
	fmt.Fprintln(w)
	d.metricTable(w, "heap-MB", "heap-MB", func(v float64) string { return fmt.Sprintf("%.2f", v) }, ownBuild)
	fmt.Fprintf(w, "\n## hush index size\n\n")
	d.metricTable(w, "indexed patterns", "patterns", func(v float64) string { return fmt.Sprintf("%.0f", v) }, func(m string) bool { return m == "hush-clean" || m == "hush-raw" })
	fmt.Fprintln(w)
	d.metricTable(w, "index bytes per pattern", "B/pattern", func(v float64) string { return fmt.Sprintf("%.1f", v) }, func(m string) bool { return m == "hush-clean" || m == "hush-raw" })
	d.indexTable(w)
	if len(d.build) > 0 {
		fmt.Fprintf(w, "\n## `Redactor.Set` (BenchmarkBuild)\n\n| secrets | wall time | CPU time | patterns | patterns/secret | B/pattern | allocs |\n|---:|---:|---:|---:|---:|---:|---:|\n")
		var ns []int
		for n := range d.build {
			ns = append(ns, n)
		}
		slices.Sort(ns)
		for _, n := range ns {
			r := d.build[n]
			t, _ := r.median("ns/op")
			fmt.Fprintf(w, "| %s | %.0f ms | %s ms | %s | %s | %s | %s |\n", fmtN(n), t/1e6, medStr(r, "cpu-ms/op", "%.0f"), medStr(r, "patterns", "%.0f"), medStr(r, "patterns/secret", "%.1f"), medStr(r, "B/pattern", "%.1f"), medStr(r, "allocs/op", "%.0f"))
		}
	}
	if len(d.skipped) > 0 {
		fmt.Fprintf(w, "\n## Not run\n\n")
		var ks []key
		for k := range d.skipped {
			ks = append(ks, k)
		}
		slices.SortFunc(ks, func(a, b key) int { return cmp.Or(cmp.Compare(a.method, b.method), cmp.Compare(a.n, b.n)) })
		for _, k := range ks {
			fmt.Fprintf(w, "- %s at %s secrets: %s\n", k.method, fmtN(k.n), d.skipped[k])
		}
	}
	fmt.Fprintf(w, "\n## Targets\n\nJudged on wall-clock medians and on CPU-time medians (the machine is shared with other jobs).\n\n| target | wall clock | met | CPU time | met |\n|---|---|---|---|---|\n")
	yes := func(b bool, s string) string {
		switch {
		case s == "":
			return "–"
		case b:
			return "yes"
		}
		return "**no**"
	}
	for _, t := range d.targets() {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", t.what, t.wall, yes(t.metWall, t.wall), t.cpu, yes(t.metCPU, t.cpu))
	}
}

func writeChart(path string, d *data, unit string) error {
	p := plot.New()
	p.Title.Text = "Throughput against number of secrets (one core, wall clock)"
	if unit == "cpu-MB/s" {
		p.Title.Text = "Throughput against number of secrets (per CPU second of the process)"
	}
	p.X.Label.Text = "secrets (log scale)"
	p.Y.Label.Text = unit + " (log scale)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Add(plotter.NewGrid())
	// The legend goes beside the plot, not over the lines.
	legend := plot.NewLegend()
	for i, m := range d.methods() {
		var meas, extra plotter.XYs
		for _, n := range d.sizes() {
			v, ex, ok := d.throughput(m, n, unit)
			if !ok || v <= 0 {
				continue
			}
			pt := plotter.XY{X: float64(n), Y: v}
			if ex {
				if len(extra) == 0 && len(meas) > 0 {
					extra = append(extra, meas[len(meas)-1])
				}
				extra = append(extra, pt)
			} else {
				meas = append(meas, pt)
			}
		}
		c, ok := colors[m]
		if !ok {
			c = plotutil.Color(i)
		}
		if len(meas) > 0 {
			l, s, err := plotter.NewLinePoints(meas)
			if err != nil {
				return err
			}
			l.Color, s.Color = c, c
			s.Shape = plotutil.Shape(i)
			if strings.HasPrefix(m, "hush-") {
				l.Width = vg.Points(2)
			}
			p.Add(l, s)
			legend.Add(m, l, s)
		}
		if len(extra) > 1 {
			l, err := plotter.NewLine(extra)
			if err != nil {
				return err
			}
			l.Color = c
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(l)
			if len(meas) == 0 {
				legend.Add(m+" (extrapolated)", l)
			}
		}
	}
	// Keep the y axis on whole decades.
	p.Y.Min = math.Pow(10, math.Floor(math.Log10(p.Y.Min)))
	p.Y.Max = math.Pow(10, math.Ceil(math.Log10(p.Y.Max)))
	legend.Add("extrapolated", extraLegend())

	const w, h, lw = 9 * vg.Inch, 5.5 * vg.Inch, 2 * vg.Inch
	img := vgimg.New(w, h)
	dc := draw.New(img)
	p.Draw(draw.Crop(dc, 0, -lw, 0, 0))
	legend.Top = true
	legend.Draw(draw.Crop(dc, w-lw, 0, 0, -vg.Inch))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func extraLegend() plot.Thumbnailer {
	l, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	l.Color = color.Gray{Y: 0x60}
	l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	return l
}

func main() {
	mdPath := flag.String("md", "", "write the markdown summary here")
	pngPath := flag.String("png", "", "write the PNG chart here")
	machinePath := flag.String("machine", "", "a text file describing the machine, quoted in the summary")
	unit := flag.String("unit", "MB/s", "metric to chart: MB/s (wall clock) or cpu-MB/s")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: chart [-md file] [-png file] [-machine file] benchmark-output.txt")
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	d, err := parse(f)
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	if len(d.engine) == 0 {
		log.Fatal("no BenchmarkEngine results in ", flag.Arg(0))
	}
	machine := ""
	if *machinePath != "" {
		b, err := os.ReadFile(*machinePath)
		if err != nil {
			log.Fatal(err)
		}
		machine = string(b)
	}
	if *mdPath != "" {
		var b strings.Builder
		writeMarkdown(&b, d, machine)
		if err := os.WriteFile(*mdPath, []byte(b.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	if *pngPath != "" {
		if err := writeChart(*pngPath, d, *unit); err != nil {
			log.Fatal(err)
		}
	}
}
