package benchmarks

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Published numbers come from committed results files. Each table (or line)
// of a README that quotes a results file sits between two markers,
//
//	<!-- BEGIN generated: ID (from RESULTS FILE) -->
//	...
//	<!-- END generated: ID -->
//
// and TestPublishedNumbers fails when what is between them is not what the
// generator ID makes of the results file now. After a new benchmark run,
// regenerate every block with
//
//	cd benchmarks && go test -run TestPublishedNumbers -update .
//
// and review the diff.

var update = flag.Bool("update", false, "rewrite the generated blocks of the READMEs from the results files")

// readmes are the documents that publish numbers, relative to the
// repository root.
var readmes = []string{"README.md", "otelprocessor/README.md", "benchmarks/README.md", "cmd/hush/README.md"}

// generators make a block's text from the repository root.
var generators = map[string]func(t *testing.T, root string) string{
	"collector-compare":         collectorCompare,
	"pipeline-overhead":         pipelineOverhead,
	"pipeline-overhead-summary": pipelineOverheadSummary,
	"engine-throughput":         engineThroughput,
	"cli-compare":               cliCompare,
	"mutation":                  mutationTable,
	"engine-md-throughput": func(t *testing.T, root string) string {
		return verbatimTable(t, filepath.Join(root, "benchmarks/results/engine.md"), "## Throughput, MB/s (wall clock, median)")
	},
	"engine-md-ratios": func(t *testing.T, root string) string {
		return verbatimTable(t, filepath.Join(root, "benchmarks/results/engine.md"), "## Ratios (wall clock medians)")
	},
	"engine-md-index": func(t *testing.T, root string) string {
		return verbatimTable(t, filepath.Join(root, "benchmarks/results/engine.md"), "## Index size by number of secrets (hush-clean, every form)")
	},
}

var blockRE = regexp.MustCompile(`(?s)(<!-- BEGIN generated: ([a-z-]+) \(from [^)]*\) -->\n)(.*?)(<!-- END generated: ([a-z-]+) -->)`)

func TestPublishedNumbers(t *testing.T) {
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	used := map[string]int{}
	for _, name := range readmes {
		path := filepath.Join(root, name)
		doc, err := os.ReadFile(path)
		require.NoError(t, err)
		out := blockRE.ReplaceAllFunc(doc, func(block []byte) []byte {
			m := blockRE.FindSubmatch(block)
			id := string(m[2])
			require.Equal(t, id, string(m[5]), "%s: block %s ends with the marker of another", name, id)
			gen, ok := generators[id]
			require.True(t, ok, "%s: no generator for block %s", name, id)
			used[id]++
			want := gen(t, root)
			if !*update {
				assert.Equal(t, want, string(m[3]), "%s: block %s differs from its results file (regenerate: cd benchmarks && go test -run TestPublishedNumbers -update .)", name, id)
			}
			return slices.Concat(m[1], []byte(want), m[4])
		})
		if *update && !bytes.Equal(out, doc) {
			require.NoError(t, os.WriteFile(path, out, 0o644))
			t.Logf("rewrote %s", name)
		}
	}
	for id := range generators {
		assert.Positive(t, used[id], "no README holds block %s", id)
	}
}

// TestPublishedSoakReports checks that every soak report a README quotes is
// one cmd/otelcol-hush/soak.sh recorded in its results file.
func TestPublishedSoakReports(t *testing.T) {
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	recorded, err := os.ReadFile(filepath.Join(root, "cmd/otelcol-hush/results/soak.txt"))
	require.NoError(t, err)
	have := map[string]bool{}
	for _, line := range strings.Split(string(recorded), "\n") {
		have[line] = true
	}
	quoted := 0
	for _, name := range readmes {
		doc, err := os.ReadFile(filepath.Join(root, name))
		require.NoError(t, err)
		for _, line := range strings.Split(string(doc), "\n") {
			if strings.HasPrefix(line, "soak: ") {
				quoted++
				assert.True(t, have[line], "%s quotes a soak report that results/soak.txt does not hold: %s", name, line)
			}
		}
	}
	assert.Positive(t, quoted, "no README quotes a soak report")
}

// benchLine is one result line of `go test -bench` output.
type benchLine struct {
	name    string // without the -GOMAXPROCS suffix
	metrics map[string]float64
}

// sessions reads go test -bench output, split into the runs it holds (each
// starts with a "goos:" line): results files append one run after another.
func sessions(t *testing.T, path string) [][]benchLine {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out [][]benchLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "goos:") || out == nil {
			out = append(out, nil)
		}
		fs := strings.Fields(line)
		if len(fs) < 4 || !strings.HasPrefix(fs[0], "Benchmark") {
			continue
		}
		b := benchLine{name: fs[0], metrics: map[string]float64{}}
		if i := strings.LastIndexByte(b.name, '-'); i > 0 {
			b.name = b.name[:i]
		}
		for i := 2; i+1 < len(fs); i += 2 {
			v, err := strconv.ParseFloat(fs[i], 64)
			require.NoError(t, err, "%s: %s", path, line)
			b.metrics[fs[i+1]] = v
		}
		out[len(out)-1] = append(out[len(out)-1], b)
	}
	require.NoError(t, sc.Err())
	return out
}

// median of the metric over the lines named name; ok is false if none.
func median(lines []benchLine, name, metric string) (float64, bool) {
	var vs []float64
	for _, l := range lines {
		if v, ok := l.metrics[metric]; ok && l.name == name {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return 0, false
	}
	slices.Sort(vs)
	if n := len(vs); n%2 == 1 {
		return vs[n/2], true
	} else {
		return (vs[n/2-1] + vs[n/2]) / 2, true
	}
}

// ms formats nanoseconds as milliseconds with two or three significant
// digits.
func ms(ns float64) string {
	v := ns / 1e6
	switch {
	case v < 1:
		return strconv.FormatFloat(v, 'f', 2, 64) + " ms"
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + " ms"
}

func times(r float64) string {
	if r < 10 {
		return strconv.FormatFloat(r, 'f', 1, 64) + "×"
	}
	return strconv.FormatFloat(r, 'f', 0, 64) + "×"
}

var signals = []struct{ bench, batch, key string }{
	{"BenchmarkLogs", "1,000 records", "logs"},
	{"BenchmarkTraces", "1,000 spans", "traces"},
}

// collectorCompare: hush against redactionprocessor, processor alone, time
// per 1,000-item batch, medians of the last run in the results file.
func collectorCompare(t *testing.T, root string) string {
	runs := sessions(t, filepath.Join(root, "benchmarks/otelcompare/results/otelcompare.txt"))
	last := runs[len(runs)-1]
	var b strings.Builder
	b.WriteString("| batch | secrets | hush | redactionprocessor | hush is |\n|---|---:|---:|---:|---:|\n")
	for _, s := range signals {
		for _, n := range []int{10, 100, 1000} {
			h, ok1 := median(last, fmt.Sprintf("%s/secrets=%d/impl=hush", s.bench, n), "ns/op")
			r, ok2 := median(last, fmt.Sprintf("%s/secrets=%d/impl=redaction", s.bench, n), "ns/op")
			require.True(t, ok1 && ok2, "otelcompare.txt: no %s at %d secrets", s.bench, n)
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s faster |\n", s.batch, thousands(n), ms(h), ms(r), times(r/h))
		}
	}
	return b.String()
}

// overheadRanges gives, for one PipelineOverhead case, the range over the
// runs in the results file of the per-run medians of a metric.
func overheadRanges(t *testing.T, root, signal string, n int, metric string) (lo, hi float64, runs int) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, run := range sessions(t, filepath.Join(root, "benchmarks/otelcompare/results/otelprocessor.txt")) {
		if v, ok := median(run, fmt.Sprintf("BenchmarkPipelineOverhead/%s/secrets=%d", signal, n), metric); ok {
			lo, hi, runs = min(lo, v), max(hi, v), runs+1
		}
	}
	require.Positive(t, runs, "otelprocessor.txt: no PipelineOverhead %s at %d secrets", signal, n)
	return lo, hi, runs
}

func percentRange(lo, hi float64) string {
	l, h := math.Round(lo), math.Round(hi)
	if l == h {
		return fmt.Sprintf("%+.0f%%", l)
	}
	return fmt.Sprintf("%+.0f–%.0f%%", l, h)
}

// pipelineOverhead: hush added to a no-op pipeline, the range over the runs
// of the medians of each run.
func pipelineOverhead(t *testing.T, root string) string {
	var b strings.Builder
	b.WriteString("| batch | secrets | added (wall time) | added (CPU time) | runs |\n|---|---:|---:|---:|---:|\n")
	for _, s := range signals {
		for _, n := range []int{10, 100, 1000} {
			wlo, whi, runs := overheadRanges(t, root, s.key, n, "added-%")
			clo, chi, _ := overheadRanges(t, root, s.key, n, "added-cpu-%")
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %d |\n", s.batch, thousands(n), percentRange(wlo, whi), percentRange(clo, chi), runs)
		}
	}
	return b.String()
}

// pipelineOverheadSummary is the root README's one line of it.
func pipelineOverheadSummary(t *testing.T, root string) string {
	llo, lhi, _ := overheadRanges(t, root, "logs", 1000, "added-%")
	slo, shi, _ := overheadRanges(t, root, "traces", 1000, "added-%")
	return fmt.Sprintf("Added to a no-op pipeline (OTLP decode + encode) at 1,000 secrets: %s for logs, %s for\nspans (wall time; the range of the medians of 6 in each measured run, alternated batch by batch).\n",
		percentRange(llo, lhi), percentRange(slo, shi))
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// markdownRows returns the cells of the rows of the first table after the
// line that starts with heading in a markdown file, keyed by first cell.
func markdownRows(t *testing.T, path, heading string) map[string][]string {
	doc, err := os.ReadFile(path)
	require.NoError(t, err)
	i := bytes.Index(doc, []byte(heading))
	require.GreaterOrEqual(t, i, 0, "%s: no %q", path, heading)
	rows := map[string][]string{}
	inTable := false
	for _, line := range strings.Split(string(doc[i:]), "\n") {
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for k := range cells {
			cells[k] = strings.TrimSpace(cells[k])
		}
		rows[cells[0]] = cells[1:]
	}
	require.NotEmpty(t, rows, "%s: no table after %q", path, heading)
	return rows
}

// verbatimTable returns the first table after heading in a markdown file,
// as it is there.
func verbatimTable(t *testing.T, path, heading string) string {
	doc, err := os.ReadFile(path)
	require.NoError(t, err)
	i := bytes.Index(doc, []byte(heading))
	require.GreaterOrEqual(t, i, 0, "%s: no %q", path, heading)
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(doc[i:]), "\n") {
		if strings.HasPrefix(line, "|") {
			b.WriteString(line)
		} else if b.Len() > 0 {
			break
		}
	}
	require.NotZero(t, b.Len(), "%s: no table after %q", path, heading)
	return b.String()
}

// engineThroughput: the root README's engine table, its rows those of
// benchmarks/results/engine.md (cmd/chart's table of the last ./run.sh).
func engineThroughput(t *testing.T, root string) string {
	rows := markdownRows(t, filepath.Join(root, "benchmarks/results/engine.md"), "## Throughput, MB/s (wall clock, median)")
	var b strings.Builder
	b.WriteString("| MB/s, one core, clean text | 10 | 100 | 1,000 | 10,000 | 100,000 secrets |\n|---|---:|---:|---:|---:|---:|\n")
	for _, r := range []struct{ method, label string }{
		{"hush-clean", "**hush `Scrub`**, every encoded form"},
		{"hush-find", "hush `Find` (the scan without the output copy)"},
		{"hush-raw", "hush `Scrub`, raw values only (the baselines' pattern set)"},
		{"hush-dirty", "hush `Scrub`, 1 line in 100 carries a secret"},
		{"aho-corasick", "Aho-Corasick (coregx/ahocorasick v0.3.1), raw"},
		{"strings-replacer", "`strings.Replacer`, raw"},
		{"bytes-index", "per-secret `bytes.Index` loop (what CI maskers do), raw"},
		{"regexp", "regexp alternation, raw"},
		{"indexbyte", "`bytes.IndexByte` (reading speed)"},
	} {
		cells, ok := rows[r.method]
		require.True(t, ok, "engine.md: no row %s", r.method)
		if r.method == "hush-clean" {
			for i, c := range cells {
				cells[i] = "**" + c + "**"
			}
		}
		fmt.Fprintf(&b, "| %s | %s |\n", r.label, strings.Join(cells, " | "))
	}
	return b.String()
}

// cliCompare: the root README's CLI table, from benchmarks/cli/results/
// cli.md (benchmarks/cli/run.sh). Every hush time is set against the
// baseline doing the same work: sed writes a file, so hush does too.
func cliCompare(t *testing.T, root string) string {
	doc, err := os.ReadFile(filepath.Join(root, "benchmarks/cli/results/cli.md"))
	require.NoError(t, err)
	med, mbps := map[string]float64{}, map[string]float64{}
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 8 {
			continue
		}
		for k := range cells {
			cells[k] = strings.TrimSpace(cells[k])
		}
		if v, err := strconv.ParseFloat(cells[3], 64); err == nil {
			key := cells[0] + "/" + cells[1] + "/" + strings.Trim(cells[2], "`")
			med[key] = v
			mbps[key], _ = strconv.ParseFloat(cells[4], 64)
		}
	}
	get := func(key string) float64 {
		v, ok := med[key]
		require.True(t, ok, "cli.md: no row %s", key)
		return v
	}
	var b strings.Builder
	b.WriteString("| 48 MB of loghub lines with injected secrets | hush | baseline |\n|---|---:|---:|\n")
	h, rg := get("scan/100/hush scan --secrets-dir S big.log"), get("scan/100/rg -F -c -f patterns big.log")
	fmt.Fprintf(&b, "| scan, 100 secrets | %.2f s | `rg -F -c -f`: %.2f s (%s) |\n", h, rg, times(rg/h))
	h, rg = get("scan/10000/hush scan --exec 'cat secrets.json' big.log"), get("scan/10000/rg -F -c -f patterns big.log")
	fmt.Fprintf(&b, "| scan, 10,000 secrets (one JSON document) | %.2f s | `rg`: %.2f s (%s) |\n", h, rg, times(rg/h))
	h = get("scan/10000/hush scan --secrets-dir S big.log")
	fmt.Fprintf(&b, "| scan, 10,000 secrets (10,000 files) | %.2f s | `rg`: %.2f s (%s) |\n", h, rg, times(rg/h))
	h, sed := get("scrub/100/hush scrub --secrets-dir S -o out big.log"), get("scrub/100/sed -f scrub.sed big.log > out")
	fmt.Fprintf(&b, "| scrub, 100 secrets, to a file | %.2f s | `sed`, one `s///` per secret: %.2f s (%s) |\n", h, sed, times(sed/h))
	get("scrub, 480 MB/100/hush scrub --secrets-dir S large.log > /dev/null")
	fmt.Fprintf(&b, "| scrub, 100 secrets, 480 MB, to a pipe | %.2f GB/s on 2 cores | — |\n", mbps["scrub, 480 MB/100/hush scrub --secrets-dir S large.log > /dev/null"]/1000)
	return b.String()
}

// mutationTable: the efficacy of each package's tests against gremlins'
// mutants, from the reports .ci/mutation writes (mutation-PKG.json, or one
// mutation-PKG-FILE.json per file for a package split over parallel runs).
func mutationTable(t *testing.T, root string) string {
	var b strings.Builder
	b.WriteString("| package | mutants killed | lived | timed out | not covered | efficacy | mutant coverage |\n|---|---:|---:|---:|---:|---:|---:|\n")
	dir := filepath.Join(root, "benchmarks/results")
	rows := []struct{ label, pkg string }{
		{"`fingerprint`", "fingerprint"}, {"`redact`", "redact"}, {"`provider`", "provider"},
		{"`zapcore`", "zapcore"}, {"`slog`", "slog"},
	}
	// A run with the mutators gremlins leaves off by default, where one was made.
	if _, err := os.Stat(filepath.Join(dir, "mutation-extended-fingerprint.json")); err == nil {
		rows = append(rows, struct{ label, pkg string }{"`fingerprint`, the other mutators (invert logical, bitwise, loop control, assignments)", "extended-fingerprint"})
	}
	for _, row := range rows {
		pkg := row.pkg
		files, err := filepath.Glob(filepath.Join(dir, "mutation-"+pkg+"-*.json"))
		require.NoError(t, err)
		if len(files) == 0 {
			files = []string{filepath.Join(dir, "mutation-"+pkg+".json")}
		}
		var killed, lived, timedOut, uncovered int
		for _, name := range files {
			raw, err := os.ReadFile(name)
			require.NoError(t, err)
			var r struct {
				Killed    int `json:"mutants_killed"`
				Lived     int `json:"mutants_lived"`
				Uncovered int `json:"mutants_not_covered"`
				Files     []struct {
					Mutations []struct {
						Status string `json:"status"`
					} `json:"mutations"`
				} `json:"files"`
			}
			require.NoError(t, json.Unmarshal(raw, &r), name)
			killed, lived, uncovered = killed+r.Killed, lived+r.Lived, uncovered+r.Uncovered
			for _, f := range r.Files {
				for _, m := range f.Mutations {
					if m.Status == "TIMED OUT" { // counted neither killed nor lived
						timedOut++
					}
				}
			}
		}
		require.Positive(t, killed+lived, "%s: no mutant tested", pkg)
		efficacy := 100 * float64(killed) / float64(killed+lived)
		coverage := 100 * float64(killed+lived) / float64(killed+lived+uncovered)
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %.1f%% | %.1f%% |\n", row.label, killed, lived, timedOut, uncovered, efficacy, coverage)
	}
	return b.String()
}
