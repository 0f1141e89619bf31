// Command gen builds the input of the hush CLI benchmark (run.sh): a large
// log made of real log lines with secrets injected in several encodings,
// and the same secrets in the form each tool takes them.
//
//	go run ./cli/gen -corpus "$HUSH_CORPUS" -out DIR -secrets 100 -size 48
//
// writes
//
//	DIR/big.log        at least -size MB: the corpus repeated, with a secret
//	                   every -every lines, raw or encoded (JSON, URL, base64
//	                   of "user:secret", hex), round robin
//	DIR/secrets/       one file per secret (hush scrub/scan --secrets-dir)
//	DIR/secrets.json   the same as one JSON object {"name": "value"} (hush
//	                   --exec 'cat secrets.json', as a vault script would print)
//	DIR/patterns.txt   the raw values, one per line (rg -F -f)
//	DIR/scrub.sed      one substitution per secret (sed -f), raw values
//	DIR/injected.txt   how many secrets of each encoding were injected
//
// Without -corpus (default: $HUSH_CORPUS) it falls back to generated lines
// and says so; a corpus directory without *.log files is an error.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

func main() {
	corpus := flag.String("corpus", os.Getenv("HUSH_CORPUS"), "directory of *.log files (default $HUSH_CORPUS; none: generated lines)")
	out := flag.String("out", "", "output directory (required)")
	n := flag.Int("secrets", 100, "number of secrets")
	sizeMB := flag.Int("size", 48, "size of big.log in MB (10^6 bytes)")
	every := flag.Int("every", 400, "a secret every this many lines")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out is required")
		os.Exit(2)
	}
	if err := run(*corpus, *out, *n, *sizeMB*1_000_000, *every); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(corpus, out string, n, size, every int) error {
	lines, err := corpusLines(corpus)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(42, uint64(n)))
	secrets := make([]string, n)
	names := make([]string, n)
	for i := range secrets {
		secrets[i] = randomSecret(rng, i)
		names[i] = fmt.Sprintf("bench/secret-%05d", i)
	}
	if err := os.MkdirAll(filepath.Join(out, "secrets", "bench"), 0o755); err != nil {
		return err
	}
	var patterns, sed bytes.Buffer
	doc := map[string]string{}
	for i, v := range secrets {
		doc[names[i]] = v
		if err := os.WriteFile(filepath.Join(out, "secrets", names[i]), []byte(v), 0o600); err != nil {
			return err
		}
		patterns.WriteString(v + "\n")
		fmt.Fprintf(&sed, "s|%s|[REDACTED:%s]|g\n", sedEscape(v), names[i])
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "secrets.json"), js, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "patterns.txt"), patterns.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "scrub.sed"), sed.Bytes(), 0o644); err != nil {
		return err
	}

	f, err := os.Create(filepath.Join(out, "big.log"))
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	encodings := []string{"raw", "json", "url", "base64", "hex"}
	injected := map[string]int{}
	written, line := 0, 0
	for written < size {
		l := lines[line%len(lines)]
		line++
		if line%every == 0 {
			v := secrets[rng.IntN(n)]
			enc := encodings[(line/every)%len(encodings)]
			injected[enc]++
			l = strings.TrimRight(l, "\r\n") + " " + encode(enc, v) + "\r\n"
		}
		w.WriteString(l)
		written += len(l)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	var summary strings.Builder
	keys := make([]string, 0, len(injected))
	for k := range injected {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	total := 0
	for _, k := range keys {
		fmt.Fprintf(&summary, "%s %d\n", k, injected[k])
		total += injected[k]
	}
	fmt.Fprintf(&summary, "total %d\nlines %d\nbytes %d\n", total, line, written)
	return os.WriteFile(filepath.Join(out, "injected.txt"), []byte(summary.String()), 0o644)
}

// corpusLines reads every line of every *.log file in dir, line endings
// kept, or generates lines when no dir is given.
func corpusLines(dir string) ([]string, error) {
	var lines []string
	if dir != "" {
		files, err := filepath.Glob(filepath.Join(dir, "*.log"))
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			for _, l := range strings.SplitAfter(string(b), "\n") {
				if l != "" {
					lines = append(lines, l)
				}
			}
		}
		if len(lines) == 0 {
			return nil, fmt.Errorf("corpus %s: no *.log file with any line", dir)
		}
		return lines, nil
	}
	fmt.Fprintln(os.Stderr, "gen: no corpus (-corpus or HUSH_CORPUS): using generated log lines")
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range 20000 {
		lines = append(lines, fmt.Sprintf("2025-11-26 07:%02d:%02d,%03d INFO [worker-%d] request id=%x path=/api/v1/items/%d status=200 bytes=%d\r\n",
			i/3600%60, i/60%60, i%1000, rng.IntN(16), rng.Uint64(), rng.IntN(100000), rng.IntN(50000)))
	}
	return lines, nil
}

// randomSecret returns a token like an API key or a password: 20 to 40
// characters; every tenth one has characters that encodings change.
func randomSecret(rng *rand.Rand, i int) string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	const special = "/+=&<>\"' %"
	b := make([]byte, 20+rng.IntN(21))
	for j := range b {
		b[j] = alnum[rng.IntN(len(alnum))]
	}
	if i%10 == 9 {
		for range 3 {
			b[1+rng.IntN(len(b)-2)] = special[rng.IntN(len(special))]
		}
	}
	return string(b)
}

func encode(enc, v string) string {
	switch enc {
	case "json":
		j, _ := json.Marshal(map[string]string{"password": v})
		return string(j)
	case "url":
		return "https://api.example.net/v1?key=" + url.QueryEscape(v)
	case "base64":
		return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("svc:"+v))
	case "hex":
		return "blob=" + hex.EncodeToString([]byte(v))
	}
	return "token=" + v
}

var sedSpecial = regexp.MustCompile(`[][\\.*^$|]`)

// sedEscape quotes a value for a basic regular expression delimited by |.
func sedEscape(v string) string {
	return sedSpecial.ReplaceAllStringFunc(v, func(s string) string { return `\` + s })
}
